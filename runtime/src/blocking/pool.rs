//! The blocking thread pool: threads are started on demand up to a cap, and
//! exit after a keep-alive without work.
//!
//! All state is under one mutex: a blocking call costs microseconds to
//! seconds, so a lock per spawn is noise, and it keeps the accounting
//! (`num_idle`, `num_notify`) exact. A spawn wakes an idle thread if there is
//! one, else starts a thread if under the cap, else queues the task for the
//! next thread that frees up.
//!
//! At shutdown, queued tasks are cancelled — except *mandatory* ones (the
//! write-behind flushes of `fs::File`), which still run: losing a user's
//! data because the runtime closed would be worse than waiting for a short
//! write. A mandatory task spawned after shutdown runs in place, on the
//! spawning thread.

use super::schedule::BlockingSchedule;
use crate::loom::{Condvar, Mutex};
use crate::scheduler;
use crate::scheduler::context;
use crate::scheduler::thread_hooks::ThreadHooks;
use crate::task::{self, JoinHandle, Notified, TaskMeta};
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

type Task = Notified<BlockingSchedule>;

/// Settings from the `Builder`.
#[derive(Clone)]
pub(crate) struct Config {
    pub(crate) thread_name: Arc<dyn Fn(usize) -> String + Send + Sync>,
    pub(crate) stack_size: Option<usize>,
    pub(crate) max_threads: usize,
    pub(crate) keep_alive: Duration,
    /// `Builder::on_thread_start` / `on_thread_stop`.
    pub(crate) hooks: ThreadHooks,
}

/// A queued blocking task.
struct Queued {
    task: Task,
    /// Runs even if the pool shuts down before a thread takes it.
    mandatory: bool,
}

/// Owned by the runtime: shuts the pool down when dropped.
pub(crate) struct BlockingPool {
    spawner: Spawner,
}

/// What handles hold to spawn blocking work.
#[derive(Clone)]
pub(crate) struct Spawner {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Mutex<Shared>,
    /// Idle threads wait here for work.
    condvar: Condvar,
    /// `shutdown` waits here for the threads to exit.
    exited: Condvar,
    config: Config,
    /// Published copies of the counts, for metrics without the lock.
    num_threads: AtomicUsize,
    num_idle: AtomicUsize,
}

struct Shared {
    queue: VecDeque<Queued>,
    /// Threads that take work (started, and not yet exiting).
    num_threads: usize,
    /// Threads that took their last task and are running their stop hook:
    /// no longer in `num_threads`, but `shutdown` still waits for them.
    num_exiting: usize,
    num_idle: usize,
    /// Wake-ups sent to idle threads and not yet consumed.
    num_notify: usize,
    shutdown: bool,
    next_thread_id: usize,
    threads: HashMap<usize, std::thread::JoinHandle<()>>,
}

impl BlockingPool {
    pub(crate) fn new(config: Config) -> BlockingPool {
        assert!(
            config.max_threads > 0,
            "max_blocking_threads must be at least 1"
        );
        BlockingPool {
            spawner: Spawner {
                inner: Arc::new(Inner {
                    shared: Mutex::new(Shared {
                        queue: VecDeque::new(),
                        num_threads: 0,
                        num_exiting: 0,
                        num_idle: 0,
                        num_notify: 0,
                        shutdown: false,
                        next_thread_id: 0,
                        threads: HashMap::new(),
                    }),
                    condvar: Condvar::new(),
                    exited: Condvar::new(),
                    config,
                    num_threads: AtomicUsize::new(0),
                    num_idle: AtomicUsize::new(0),
                }),
            },
        }
    }

    pub(crate) fn spawner(&self) -> &Spawner {
        &self.spawner
    }

    /// Cancels queued tasks (but the mandatory ones, which still run) and
    /// waits for running ones, at most `timeout` (`None`: as long as they
    /// take). Threads still busy after the timeout are detached.
    pub(crate) fn shutdown(&self, timeout: Option<Duration>) {
        let inner = &self.spawner.inner;
        let mut shared = inner.shared.lock();
        if shared.shutdown {
            return;
        }
        shared.shutdown = true;
        let (mandatory, cancelled): (VecDeque<Queued>, VecDeque<Queued>) =
            shared.queue.drain(..).partition(|q| q.mandatory);
        shared.queue = mandatory;
        // With no thread to run them (thread creation failed), run the
        // mandatory tasks here.
        let orphans: Vec<Queued> = if shared.num_threads == 0 {
            shared.queue.drain(..).collect()
        } else {
            Vec::new()
        };
        inner.condvar.notify_all();
        drop(shared);
        for queued in cancelled {
            queued.task.shutdown();
        }
        for queued in orphans {
            queued.task.run();
        }

        let deadline = timeout.map(|t| Instant::now() + t);
        let mut shared = inner.shared.lock();
        while shared.num_threads + shared.num_exiting > 0 {
            match deadline {
                None => shared = inner.exited.wait(shared),
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        break;
                    }
                    shared = inner.exited.wait_timeout(shared, deadline - now).0;
                }
            }
        }
        let threads: Vec<_> = shared.threads.drain().map(|(_, t)| t).collect();
        let all_exited = shared.num_threads + shared.num_exiting == 0;
        drop(shared);
        if all_exited {
            for thread in threads {
                let _ = thread.join();
            }
        }
    }
}

impl Drop for BlockingPool {
    fn drop(&mut self) {
        self.shutdown(None);
    }
}

impl Spawner {
    /// Queues `f` to run on a blocking thread of the runtime `handle`.
    #[track_caller]
    pub(crate) fn spawn_blocking<F, R>(
        &self,
        handle: &scheduler::Handle,
        f: F,
        meta: TaskMeta,
    ) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.spawn(handle, f, meta, false)
    }

    /// Like `spawn_blocking`, for work that must happen even if the runtime
    /// shuts down first (it then runs in place, on this thread).
    #[track_caller]
    pub(crate) fn spawn_mandatory<F, R>(
        &self,
        handle: &scheduler::Handle,
        f: F,
        meta: TaskMeta,
    ) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.spawn(handle, f, meta, true)
    }

    #[track_caller]
    fn spawn<F, R>(
        &self,
        handle: &scheduler::Handle,
        f: F,
        meta: TaskMeta,
        mandatory: bool,
    ) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let (task, join) = task::unowned(BlockingTask::new(f), BlockingSchedule::new(handle), meta);
        if let Err(err) = self.spawn_task(task, mandatory, handle) {
            panic!("runtime::spawn_blocking could not start a blocking thread: {err}");
        }
        join
    }

    fn spawn_task(
        &self,
        task: Task,
        mandatory: bool,
        handle: &scheduler::Handle,
    ) -> std::io::Result<()> {
        let inner = &self.inner;
        let mut shared = inner.shared.lock();
        if shared.shutdown {
            drop(shared);
            if mandatory {
                task.run();
            } else {
                // The runtime is shutting down: the task is cancelled, and
                // its handle says so.
                task.shutdown();
            }
            return Ok(());
        }
        shared.queue.push_back(Queued { task, mandatory });
        if shared.num_idle > 0 {
            shared.num_idle -= 1;
            shared.num_notify += 1;
            inner.num_idle.store(shared.num_idle, Ordering::Relaxed);
            inner.condvar.notify_one();
            return Ok(());
        }
        if shared.num_threads >= inner.config.max_threads {
            // Every thread is busy: the task waits for the next free one.
            return Ok(());
        }
        let id = shared.next_thread_id;
        shared.next_thread_id += 1;
        let mut builder = std::thread::Builder::new().name((inner.config.thread_name)(id));
        if let Some(size) = inner.config.stack_size {
            builder = builder.stack_size(size);
        }
        let spawner = self.clone();
        let handle = handle.clone();
        match builder.spawn(move || spawner.run(id, handle)) {
            Ok(thread) => {
                shared.num_threads += 1;
                inner
                    .num_threads
                    .store(shared.num_threads, Ordering::Relaxed);
                shared.threads.insert(id, thread);
                Ok(())
            }
            Err(err) if shared.num_threads > 0 => {
                // Other threads will get to the task; running on fewer
                // threads than asked is better than failing.
                drop(err);
                Ok(())
            }
            Err(err) => {
                let queued = shared.queue.pop_back();
                drop(shared);
                if let Some(queued) = queued {
                    queued.task.shutdown();
                }
                Err(err)
            }
        }
    }

    /// The body of a blocking thread.
    fn run(&self, id: usize, handle: scheduler::Handle) {
        let inner = &self.inner;
        let _current = context::set_current(&handle);
        inner.config.hooks.thread_started();
        let keep_alive = inner.config.keep_alive;
        let mut shared = inner.shared.lock();
        'work: loop {
            while let Some(queued) = shared.queue.pop_front() {
                drop(shared);
                queued.task.run();
                shared = inner.shared.lock();
            }
            if shared.shutdown {
                break 'work;
            }
            // Idle: wait for a notification, shutdown, or the keep-alive.
            shared.num_idle += 1;
            inner.num_idle.store(shared.num_idle, Ordering::Relaxed);
            let idle_until = Instant::now() + keep_alive;
            loop {
                let now = Instant::now();
                let timed_out = if now >= idle_until {
                    true
                } else {
                    let (guard, timed_out) = inner.condvar.wait_timeout(shared, idle_until - now);
                    shared = guard;
                    timed_out
                };
                if shared.num_notify > 0 {
                    // A spawn counted us out of the idle set already.
                    shared.num_notify -= 1;
                    continue 'work;
                }
                if shared.shutdown {
                    shared.num_idle -= 1;
                    inner.num_idle.store(shared.num_idle, Ordering::Relaxed);
                    // Run the mandatory tasks left in the queue, then exit.
                    continue 'work;
                }
                if timed_out {
                    shared.num_idle -= 1;
                    inner.num_idle.store(shared.num_idle, Ordering::Relaxed);
                    // Exiting on our own: detach our handle, nobody joins it.
                    shared.threads.remove(&id);
                    break 'work;
                }
            }
        }
        // This thread takes no more work: it stops counting as a thread
        // now, under the lock with which it found the queue empty. The
        // stop hook runs with the lock released; had the thread still
        // counted in `num_threads` meanwhile, a spawn at the cap would
        // have queued its task for "the next thread that frees up" (this
        // one, which never looks at the queue again) and started none: with
        // no other thread, the task was never run (nor cancelled) and its
        // `JoinHandle` waited forever. So a spawn during the hook starts a
        // new thread instead (the pool then briefly has one more thread
        // than its cap, this one running nothing but its hook).
        shared.num_threads -= 1;
        inner
            .num_threads
            .store(shared.num_threads, Ordering::Relaxed);
        // The stop hook still runs before the thread is counted as gone
        // (`num_exiting`), so a shutdown that waits for the threads waits
        // for the hooks too.
        if inner.config.hooks.stop.is_some() {
            shared.num_exiting += 1;
            drop(shared);
            inner.config.hooks.thread_stopping();
            shared = inner.shared.lock();
            shared.num_exiting -= 1;
        }
        if shared.num_threads == 0 && shared.num_exiting == 0 {
            inner.exited.notify_all();
        }
    }

    /// Threads alive in the pool.
    pub(crate) fn num_threads(&self) -> usize {
        self.inner.num_threads.load(Ordering::Relaxed)
    }

    /// Threads alive and waiting for work.
    pub(crate) fn num_idle_threads(&self) -> usize {
        self.inner.num_idle.load(Ordering::Relaxed)
    }
}

/// A closure as a future that completes on its first poll.
struct BlockingTask<F> {
    func: Option<F>,
}

impl<F> BlockingTask<F> {
    fn new(func: F) -> BlockingTask<F> {
        BlockingTask { func: Some(func) }
    }
}

// The closure is moved out before it runs; it is never pinned.
impl<F> Unpin for BlockingTask<F> {}

impl<F: FnOnce() -> R, R> std::future::Future for BlockingTask<F> {
    type Output = R;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<R> {
        let func = self
            .func
            .take()
            .expect("blocking task polled after it completed");
        // A blocking closure is not subject to the cooperative budget.
        std::task::Poll::Ready(task::coop::with_unconstrained(func))
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use crate::Builder;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex, mpsc};
    use std::time::Duration;

    /// The pool's only thread times out on its keep-alive and runs its stop
    /// hook (with the pool's lock released); a `spawn_blocking` lands right
    /// then. The task must still run: the exiting thread must not be
    /// counted as one that will take it (at the cap, the spawn queues its
    /// task for "the next thread that frees up" instead of starting one).
    #[test]
    fn a_task_spawned_while_the_last_thread_runs_its_stop_hook_still_runs() {
        let (stopping_tx, stopping_rx) = mpsc::channel::<()>();
        let (go_tx, go_rx) = mpsc::channel::<()>();
        let go_rx = Mutex::new(go_rx);
        let first = AtomicBool::new(false);
        let rt = Builder::current_thread()
            .max_blocking_threads(1)
            .thread_keep_alive(Duration::from_millis(10))
            .on_thread_stop(move || {
                // Only the first exit (the keep-alive one) holds the hook.
                if !first.swap(true, Ordering::SeqCst) {
                    stopping_tx.send(()).unwrap();
                    let _ = go_rx.lock().unwrap().recv_timeout(Duration::from_secs(10));
                }
            })
            .build()
            .unwrap();
        rt.block_on(rt.spawn_blocking(|| ())).unwrap();
        // The thread is idle, times out, and is now in its stop hook.
        stopping_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("the blocking thread exits after its keep-alive");
        let ran = Arc::new(AtomicBool::new(false));
        let task = {
            let ran = ran.clone();
            rt.spawn_blocking(move || ran.store(true, Ordering::SeqCst))
        };
        go_tx.send(()).unwrap();
        let out = rt.block_on(crate::time::timeout(Duration::from_secs(5), task));
        assert!(
            matches!(out, Ok(Ok(()))),
            "the task spawned during the stop hook never ran: {out:?}"
        );
        assert!(ran.load(Ordering::SeqCst));
    }
}
