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

/// A waker whose clones can be counted (`Arc::strong_count`).
struct CountedWaker;

impl std::task::Wake for CountedWaker {
    fn wake(self: std::sync::Arc<Self>) {}
}

/// Polls `join` once with a fresh counted waker, which the task stores.
fn register_join_waker(join: &mut JoinHandle<Counted>) -> std::sync::Arc<CountedWaker> {
    let counted = std::sync::Arc::new(CountedWaker);
    let waker = Waker::from(counted.clone());
    assert!(
        Pin::new(join)
            .poll(&mut Context::from_waker(&waker))
            .is_pending()
    );
    drop(waker);
    assert_eq!(
        std::sync::Arc::strong_count(&counted),
        2,
        "the task keeps a clone"
    );
    counted
}

/// Runs the gated task to completion, returning its own waker, which keeps
/// the cell alive after completion.
#[cfg(not(loom))]
fn complete_keeping_the_cell(f: &Fixture) -> Waker {
    f.open.store(1, Ordering::SeqCst);
    let task_waker = f.waker.lock().take().unwrap();
    task_waker.wake_by_ref();
    f.sched.run_queue();
    task_waker
}

// A join waker kept until the cell is freed would keep the task that
// awaited the handle alive, and a chain of finished tasks would then be freed
// recursively (a stack overflow for a few thousand nested awaits, seen under
// ThreadSanitizer in `rt_spawn::deep_spawn_chain`).
#[cfg(not(loom))]
#[test]
fn join_waker_is_released_when_the_handle_is_dropped_after_completion() {
    let mut f = spawn_gate();
    f.sched.run_queue();
    let counted = register_join_waker(&mut f.join);
    let task_waker = complete_keeping_the_cell(&f);
    let join = std::mem::replace(&mut f.join, spawn_gate().join);
    drop(crate::loom::block_on(join).unwrap());
    assert_eq!(
        std::sync::Arc::strong_count(&counted),
        1,
        "the join waker outlived the JoinHandle"
    );
    drop(task_waker);
    drop(f.waker.lock().take()); // published by the last poll
    assert_freed(&f.sched);
}

#[cfg(not(loom))]
#[test]
fn join_waker_of_a_dropped_handle_is_released_at_completion() {
    let mut f = spawn_gate();
    f.sched.run_queue();
    let counted = register_join_waker(&mut f.join);
    let join = std::mem::replace(&mut f.join, spawn_gate().join);
    drop(join);
    let task_waker = complete_keeping_the_cell(&f);
    assert_eq!(
        std::sync::Arc::strong_count(&counted),
        1,
        "the join waker outlived the completion of a task nobody joins"
    );
    drop(task_waker);
    drop(f.waker.lock().take()); // published by the last poll
    assert_freed(&f.sched);
}

#[test]
fn loom_join_handle_drop_races_with_waking_completion() {
    crate::loom::model(|| {
        let mut f = spawn_gate();
        f.sched.run_queue();
        let counted = register_join_waker(&mut f.join);
        f.open.store(1, Ordering::SeqCst);
        let task_waker = f.waker.lock().take().unwrap();
        let Fixture {
            sched,
            join,
            waker,
            drops,
            ..
        } = f;
        // The handle goes while the completing task wakes its waker: the
        // slot is emptied by exactly one of them, never both, never used
        // after it is emptied (loom checks the cell's accesses).
        let dropper = thread::spawn(move || drop(join));
        task_waker.wake();
        sched.run_queue();
        dropper.join().unwrap();
        assert_eq!(drops.load(Ordering::SeqCst), 2);
        drop(waker.lock().take());
        assert_freed(&sched);
        assert_eq!(std::sync::Arc::strong_count(&counted), 1);
    });
}
