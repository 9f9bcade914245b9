//! Models of the task state machine: the very code the schedulers run,
//! driven by a mock scheduler. Under `--cfg loom` each model is explored
//! over every interleaving; otherwise it runs once on real threads, which is
//! how Miri and ThreadSanitizer check the same unsafe code.
//!
//! Each model checks, over every interleaving loom explores, that the
//! future is dropped exactly once, the output is dropped exactly once, the
//! cell is freed (no leaked reference: the mock's `Arc` count returns to
//! one), and a `JoinHandle` waiting for the task is always woken.

use super::list::OwnedTasks;
use super::{JoinHandle, Notified, Schedule, Task};
use crate::loom::{Arc, AtomicUsize, Mutex, Ordering, thread};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

struct Mock {
    queue: Mutex<VecDeque<Notified<Arc<Mock>>>>,
    owned: OwnedTasks<Arc<Mock>>,
}

impl Schedule for Arc<Mock> {
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.owned.remove(task)
    }

    fn schedule(&self, task: Notified<Self>) {
        self.queue.lock().push_back(task);
    }
}

fn mock() -> Arc<Mock> {
    Arc::new(Mock {
        queue: Mutex::new(VecDeque::new()),
        owned: OwnedTasks::new(1),
    })
}

impl Mock {
    /// Runs queued tasks until the queue is empty.
    fn run_queue(&self) {
        loop {
            let task = self.queue.lock().pop_front();
            match task {
                Some(task) => task.run(),
                None => return,
            }
        }
    }
}

/// Counts drops of whatever it is attached to.
#[derive(Debug)]
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Pending until `release` is set; publishes its waker each poll.
struct Gate {
    waker: Arc<Mutex<Option<Waker>>>,
    open: Arc<AtomicUsize>,
    _dropped: Counted,
}

impl Future for Gate {
    type Output = Counted;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Counted> {
        *self.waker.lock() = Some(cx.waker().clone());
        if self.open.load(Ordering::SeqCst) == 1 {
            Poll::Ready(Counted(self._dropped.0.clone()))
        } else {
            Poll::Pending
        }
    }
}

struct Fixture {
    sched: Arc<Mock>,
    join: JoinHandle<Counted>,
    waker: Arc<Mutex<Option<Waker>>>,
    open: Arc<AtomicUsize>,
    /// Drops of the future plus drops of the output.
    drops: Arc<AtomicUsize>,
}

fn spawn_gate() -> Fixture {
    let sched = mock();
    let waker = Arc::new(Mutex::new(None));
    let open = Arc::new(AtomicUsize::new(0));
    let drops = Arc::new(AtomicUsize::new(0));
    let future = Gate {
        waker: waker.clone(),
        open: open.clone(),
        _dropped: Counted(drops.clone()),
    };
    let (join, notified) = sched
        .owned
        .bind(future, sched.clone(), super::TaskMeta::here());
    sched.schedule(notified.unwrap());
    Fixture {
        sched,
        join,
        waker,
        open,
        drops,
    }
}

/// Every reference to the task is gone: only our `Arc<Mock>` is left.
fn assert_freed(sched: &Arc<Mock>) {
    sched.queue.lock().clear();
    assert_eq!(Arc::strong_count(sched), 1, "a task reference leaked");
}

#[test]
fn loom_wake_races_with_poll() {
    crate::loom::model(|| {
        let f = spawn_gate();
        f.sched.run_queue(); // first poll: Pending, waker published
        let waker = f.waker.lock().take().unwrap();
        let open = f.open.clone();
        let th = thread::spawn(move || {
            open.store(1, Ordering::SeqCst);
            waker.wake();
        });
        // Keep running whatever the wake queues until the task completes.
        let sched = &f.sched;
        let output = crate::loom::block_on(async {
            loop {
                sched.run_queue();
                if f.join.is_finished() {
                    return f.join.await;
                }
                thread::yield_now();
            }
        });
        th.join().unwrap();
        drop(output.expect("the task completes"));
        // future dropped once + output dropped once
        assert_eq!(f.drops.load(Ordering::SeqCst), 2);
        drop(f.waker.lock().take());
        assert_freed(&f.sched);
    });
}

#[test]
fn loom_abort_races_with_completion() {
    crate::loom::model(|| {
        let f = spawn_gate();
        f.sched.run_queue();
        f.open.store(1, Ordering::SeqCst);
        let waker = f.waker.lock().take().unwrap();
        let join = f.join;
        let aborter = thread::spawn(move || {
            join.abort();
            join
        });
        waker.wake();
        f.sched.run_queue();
        let join = aborter.join().unwrap();
        f.sched.run_queue();
        assert!(join.is_finished());
        match crate::loom::block_on(join) {
            // Completion won: the output is ours and dropped here.
            Ok(output) => drop(output),
            Err(err) => assert!(err.is_cancelled()),
        }
        // The future is dropped once; the output, if made, once.
        let drops = f.drops.load(Ordering::SeqCst);
        assert!(drops == 1 || drops == 2, "drops = {drops}");
        drop(f.waker.lock().take());
        assert_freed(&f.sched);
    });
}

#[test]
fn loom_join_handle_drop_races_with_completion() {
    crate::loom::model(|| {
        let f = spawn_gate();
        f.sched.run_queue();
        f.open.store(1, Ordering::SeqCst);
        let waker = f.waker.lock().take().unwrap();
        let join = f.join;
        let dropper = thread::spawn(move || drop(join));
        waker.wake();
        f.sched.run_queue();
        dropper.join().unwrap();
        // Future and output each dropped exactly once, by whoever was last.
        assert_eq!(f.drops.load(Ordering::SeqCst), 2);
        drop(f.waker.lock().take());
        assert_freed(&f.sched);
    });
}

#[test]
fn loom_join_waker_never_lost() {
    crate::loom::model(|| {
        let f = spawn_gate();
        f.sched.run_queue();
        f.open.store(1, Ordering::SeqCst);
        let waker = f.waker.lock().take().unwrap();
        let sched = f.sched.clone();
        let runner = thread::spawn(move || {
            waker.wake();
            sched.run_queue();
        });
        // Blocks (in loom's model) until woken: a lost join wake-up would
        // deadlock the model, which loom reports.
        let output = crate::loom::block_on(f.join);
        runner.join().unwrap();
        drop(output.unwrap());
        assert_eq!(f.drops.load(Ordering::SeqCst), 2);
        drop(f.waker.lock().take());
        assert_freed(&f.sched);
    });
}

#[test]
fn loom_shutdown_races_with_wake() {
    crate::loom::model(|| {
        let f = spawn_gate();
        f.sched.run_queue();
        let waker = f.waker.lock().take().unwrap();
        let waking = thread::spawn(move || waker.wake());
        f.sched.owned.close_and_shutdown_all();
        waking.join().unwrap();
        // A Notified queued by the wake fails to run: the task is complete.
        f.sched.run_queue();
        let err = crate::loom::block_on(f.join).unwrap_err();
        assert!(err.is_cancelled());
        assert_eq!(f.drops.load(Ordering::SeqCst), 1);
        drop(f.waker.lock().take());
        assert_freed(&f.sched);
    });
}
