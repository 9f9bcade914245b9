//! Small, executor-agnostic tools: a `block_on`, a counting waker for
//! polling futures by hand, a single-threaded task pool and a multi-threaded
//! one. Both pools detect a *stall* (tasks left, none runnable, nobody who
//! could wake them), which is how tests catch a lost wake-up without any
//! wall-clock timeout.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Runs `future` to completion on this thread, parking while it waits.
pub fn block_on<F: Future>(future: F) -> F::Output {
    struct Unparker(Thread);
    impl Wake for Unparker {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unparker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        thread::park();
    }
}

/// A waker that counts how often it was woken, for polling futures by hand.
#[derive(Default)]
pub struct CountingWaker {
    wakes: AtomicUsize,
}

impl CountingWaker {
    /// A new counter and a `Waker` that bumps it.
    pub fn new() -> (Arc<Self>, Waker) {
        let counter = Arc::new(Self::default());
        let waker = Waker::from(counter.clone());
        (counter, waker)
    }

    /// How many times the waker (or a clone) was woken.
    pub fn count(&self) -> usize {
        self.wakes.load(Ordering::SeqCst)
    }
}

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
}

/// Polls `future` once with `waker`.
pub fn poll_once<F: Future + ?Sized>(future: Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(waker))
}

/// Returns `Pending` once (after waking itself), then `Ready`: lets other
/// tasks run, like asyncio's `await asyncio.sleep(0)`.
pub async fn yield_now() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await
}

/// Runs `tasks` concurrently on this thread until all are done.
///
/// # Panics
///
/// If no task is runnable while some are unfinished: with nothing else in
/// the program able to wake them, that is a lost wake-up (or a deadlock).
/// Only use it when the tasks are all that touches the primitives.
pub fn run_local<I, F>(tasks: I)
where
    I: IntoIterator<Item = F>,
    F: Future<Output = ()>,
{
    struct Flag(AtomicBool);
    impl Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.0.store(true, Ordering::SeqCst);
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let mut tasks: Vec<_> = tasks
        .into_iter()
        .map(|task| {
            let flag = Arc::new(Flag(AtomicBool::new(true)));
            (Some(Box::pin(task)), Waker::from(flag.clone()), flag)
        })
        .collect();
    let mut left = tasks.len();
    while left > 0 {
        let mut progressed = false;
        for (task, waker, flag) in &mut tasks {
            let Some(future) = task else { continue };
            if !flag.0.swap(false, Ordering::SeqCst) {
                continue;
            }
            progressed = true;
            if future
                .as_mut()
                .poll(&mut Context::from_waker(waker))
                .is_ready()
            {
                *task = None;
                left -= 1;
            }
        }
        assert!(
            progressed,
            "run_local stalled: {left} task(s) wait and none was woken (lost wake-up or deadlock)"
        );
    }
}

/// A multi-threaded executor: a shared run queue served by `threads` OS
/// threads. `run` returns when every task is done.
pub struct Pool {
    shared: Arc<PoolShared>,
}

struct PoolShared {
    state: Mutex<PoolState>,
    ready: Condvar,
}

struct PoolState {
    queue: VecDeque<Arc<PoolTask>>,
    /// Tasks not finished yet.
    live: usize,
    /// Workers waiting on `ready`.
    idle: usize,
    workers: usize,
    stalled: bool,
}

struct PoolTask {
    future: Mutex<Option<BoxFuture>>,
    /// In the run queue (or being polled and woken meanwhile).
    scheduled: AtomicBool,
    shared: Arc<PoolShared>,
}

impl Wake for PoolTask {
    fn wake(self: Arc<Self>) {
        Self::schedule(&self);
    }
    fn wake_by_ref(self: &Arc<Self>) {
        Self::schedule(self);
    }
}

impl PoolTask {
    fn schedule(this: &Arc<Self>) {
        if !this.scheduled.swap(true, Ordering::AcqRel) {
            let mut state = this.shared.state.lock().unwrap();
            state.queue.push_back(this.clone());
            drop(state);
            this.shared.ready.notify_one();
        }
    }
}

impl Default for Pool {
    fn default() -> Self {
        Self::new()
    }
}

impl Pool {
    /// An empty pool.
    pub fn new() -> Self {
        Self {
            shared: Arc::new(PoolShared {
                state: Mutex::new(PoolState {
                    queue: VecDeque::new(),
                    live: 0,
                    idle: 0,
                    workers: 0,
                    stalled: false,
                }),
                ready: Condvar::new(),
            }),
        }
    }

    /// Adds a task (it runs once `run` is called).
    pub fn spawn(&self, future: impl Future<Output = ()> + Send + 'static) {
        let task = Arc::new(PoolTask {
            future: Mutex::new(Some(Box::pin(future))),
            scheduled: AtomicBool::new(true),
            shared: self.shared.clone(),
        });
        let mut state = self.shared.state.lock().unwrap();
        state.live += 1;
        state.queue.push_back(task);
    }

    /// Runs every task to completion on `threads` threads.
    ///
    /// # Panics
    ///
    /// If the pool stalls: tasks are left, none is scheduled and every
    /// worker is idle. Only the pool's own tasks may touch the primitives
    /// under test, so nobody else could wake them: a lost wake-up.
    pub fn run(self, threads: usize) {
        assert!(threads > 0, "Pool::run needs at least one thread");
        self.shared.state.lock().unwrap().workers = threads;
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let shared = self.shared.clone();
                thread::spawn(move || Self::work(&shared))
            })
            .collect();
        for worker in workers {
            if let Err(panic) = worker.join() {
                std::panic::resume_unwind(panic);
            }
        }
        let state = self.shared.state.lock().unwrap();
        assert!(
            !state.stalled,
            "Pool stalled: {} task(s) wait and none was woken (lost wake-up or deadlock)",
            state.live
        );
    }

    fn work(shared: &Arc<PoolShared>) {
        loop {
            let task = {
                let mut state = shared.state.lock().unwrap();
                loop {
                    if state.live == 0 || state.stalled {
                        shared.ready.notify_all();
                        return;
                    }
                    if let Some(task) = state.queue.pop_front() {
                        break task;
                    }
                    state.idle += 1;
                    if state.idle == state.workers {
                        // Nobody is polling, so nobody can wake anybody.
                        state.stalled = true;
                        shared.ready.notify_all();
                        return;
                    }
                    state = shared.ready.wait(state).unwrap();
                    state.idle -= 1;
                }
            };
            let waker = Waker::from(task.clone());
            let mut slot = task.future.lock().unwrap();
            // Clear before polling: a wake during the poll re-schedules.
            task.scheduled.store(false, Ordering::Release);
            let done = match slot.as_mut() {
                Some(future) => future
                    .as_mut()
                    .poll(&mut Context::from_waker(&waker))
                    .is_ready(),
                None => false,
            };
            if done {
                *slot = None;
                drop(slot);
                let mut state = shared.state.lock().unwrap();
                state.live -= 1;
                if state.live == 0 {
                    shared.ready.notify_all();
                }
            }
        }
    }
}

/// Runs `f(i)` for `i in 0..threads`, each on its own OS thread with
/// [`block_on`], and returns the outputs in order.
pub fn on_threads<F, Fut>(threads: usize, f: F) -> Vec<Fut::Output>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future,
    Fut::Output: Send + 'static,
{
    let f = Arc::new(f);
    let handles: Vec<_> = (0..threads)
        .map(|i| {
            let f = f.clone();
            thread::spawn(move || block_on(f(i)))
        })
        .collect();
    handles
        .into_iter()
        .map(|h| {
            h.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
        .collect()
}
