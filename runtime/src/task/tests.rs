//! Models of the task state machine: the very code the schedulers run,
//! driven by a mock scheduler. Under `--cfg loom` each model is explored
//! over every interleaving; otherwise it runs once on real threads, which is
//! how Miri and ThreadSanitizer check the same unsafe code.
//!
//! Each model checks, over every interleaving loom explores, that the
//! future is dropped exactly once, the output is dropped exactly once, the
//! cell is freed (no leaked reference: the mock's `Arc` count returns to
//! one), and a `JoinHandle` waiting for the task is always woken.

use super::JoinHandle;
use super::mock::{Counted, Mock, bind, mock};
use crate::loom::{Arc, AtomicUsize, Mutex, Ordering, thread};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

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
    let (join, notified) = bind(&sched, future);
    sched.push(notified);
    Fixture {
        sched,
        join,
        waker,
        open,
        drops,
    }
}

/// A `JoinHandle` to stand in for one a test moves out of its fixture: its
/// task is shut down and unqueued, so it does not keep its mock alive
/// (the mock's list and queue would otherwise hold the task, and the task
/// the mock: a leak Miri reports).
#[cfg(not(loom))]
fn placeholder_join() -> JoinHandle<Counted> {
    let spare = spawn_gate();
    spare.sched.owned.close_and_shutdown_all();
    spare.sched.queue.lock().clear();
    spare.join
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
    let join = std::mem::replace(&mut f.join, placeholder_join());
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

/// A join waker whose wake panics.
#[cfg(not(loom))]
struct PanickingWaker;

#[cfg(not(loom))]
impl std::task::Wake for PanickingWaker {
    fn wake(self: std::sync::Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &std::sync::Arc<Self>) {
        panic!("PanickingWaker woken");
    }
}

// The completing task wakes the join waker; if that wake panics, the slot
// must still be handed back (JOIN_WAKER cleared), or the handle, dropped
// later, leaves the waker to a completion that already gave up on it and it
// lives as long as the cell. Fails on the code that skipped
// `unset_join_waker_after_complete` when the wake unwound.
#[cfg(not(loom))]
#[test]
fn a_panicking_join_waker_is_still_released_with_the_handle() {
    let mut f = spawn_gate();
    f.sched.run_queue();
    let panicking = std::sync::Arc::new(PanickingWaker);
    let waker = Waker::from(panicking.clone());
    assert!(
        Pin::new(&mut f.join)
            .poll(&mut Context::from_waker(&waker))
            .is_pending()
    );
    drop(waker);
    // The wake panics inside the worker's completion: caught there.
    let task_waker = complete_keeping_the_cell(&f);
    assert!(f.join.is_finished());
    let join = std::mem::replace(&mut f.join, placeholder_join());
    drop(join);
    assert_eq!(
        std::sync::Arc::strong_count(&panicking),
        1,
        "the panicking join waker outlived its JoinHandle"
    );
    drop(task_waker);
    drop(f.waker.lock().take());
    assert_freed(&f.sched);
}

#[cfg(not(loom))]
#[test]
fn join_waker_of_a_dropped_handle_is_released_at_completion() {
    let mut f = spawn_gate();
    f.sched.run_queue();
    let counted = register_join_waker(&mut f.join);
    let join = std::mem::replace(&mut f.join, placeholder_join());
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

/// Wakes itself during its first poll (as `yield_now` does), then finishes.
struct YieldOnce {
    yielded: bool,
    _dropped: Counted,
}

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

// A detached task woken by value from a thread that is not running it (a
// sync primitive notified from a plain thread does this): the wake queues
// the task, and the runner may complete and free it before the waking
// thread's `schedule` returns. Fails on the broken variant where the wake
// hands the waker's own reference to the `Notified` instead of adding one
// and dropping the waker's after `schedule` (the code before this model):
// `Sched::schedule` then sees its cell freed.
#[test]
fn loom_wake_by_val_from_another_thread_outlives_schedule() {
    crate::loom::model(|| {
        let f = spawn_gate();
        f.sched.run_queue();
        let Fixture {
            sched,
            join,
            waker,
            open,
            drops,
        } = f;
        drop(join);
        open.store(1, Ordering::SeqCst);
        let task_waker = waker.lock().take().unwrap();
        let waking = thread::spawn(move || task_waker.wake());
        sched.run_next_blocking();
        // Future and output dropped: the task completed.
        assert_eq!(drops.load(Ordering::SeqCst), 2);
        // The gate publishes its waker on every poll: let go of the last
        // one, so the waking thread may hold the last reference.
        drop(waker.lock().take());
        waking.join().unwrap();
        assert_freed(&sched);
    });
}

// A task woken during its own poll is re-queued by its poller
// (`Schedule::yield_now`); another runner may take it at once and complete
// and free it while the poller is still in `yield_now`. Fails on the broken
// variant where `transition_to_idle` hands the poller's reference to the
// `Notified` instead of adding one that the poller drops afterwards.
#[test]
fn loom_requeue_after_own_poll_outlives_schedule() {
    crate::loom::model(|| {
        let sched = mock();
        let drops = Arc::new(AtomicUsize::new(0));
        let (join, notified) = bind(
            &sched,
            YieldOnce {
                yielded: false,
                _dropped: Counted(drops.clone()),
            },
        );
        drop(join);
        sched.push(notified);
        let (other, done) = (sched.clone(), drops.clone());
        let runner = thread::spawn(move || {
            while done.load(Ordering::SeqCst) == 0 {
                other.run_queue();
                thread::yield_now();
            }
        });
        while drops.load(Ordering::SeqCst) == 0 {
            sched.run_queue();
            thread::yield_now();
        }
        runner.join().unwrap();
        assert_eq!(sched.scheduled.load(Ordering::SeqCst), 1);
        assert_freed(&sched);
    });
}

/// A waker that counts its wakes (and, through `Arc::strong_count`, its
/// clones).
#[derive(Default)]
struct WakeCounter(std::sync::atomic::AtomicUsize);

impl std::task::Wake for WakeCounter {
    fn wake(self: std::sync::Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &std::sync::Arc<Self>) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

// The JoinHandle swaps its waker for a different one (the awaiting future
// moved to another task) while the task completes on another thread. The
// completion must wake the waker that is registered when it completes: if
// the second poll returned Pending, the second waker is woken; the first
// is never kept (no leak) and the output is read exactly once. Fails on the
// broken variant where `can_read_output` overwrites the slot without first
// clearing JOIN_WAKER (loom reports the racing accesses to the slot), and
// on the one where `set_join_waker` ignores a completion that happened
// meanwhile (the second waker is never woken).
#[test]
fn loom_join_waker_replaced_while_the_task_completes() {
    crate::loom::model(|| {
        let mut f = spawn_gate();
        f.sched.run_queue();
        let first = std::sync::Arc::new(WakeCounter::default());
        let waker = Waker::from(first.clone());
        assert!(
            Pin::new(&mut f.join)
                .poll(&mut Context::from_waker(&waker))
                .is_pending()
        );
        drop(waker);
        f.open.store(1, Ordering::SeqCst);
        let task_waker = f.waker.lock().take().unwrap();
        let sched = f.sched.clone();
        let completing = thread::spawn(move || {
            task_waker.wake();
            sched.run_queue();
        });
        let second = std::sync::Arc::new(WakeCounter::default());
        let waker = Waker::from(second.clone());
        let mut join = f.join;
        let polled = Pin::new(&mut join).poll(&mut Context::from_waker(&waker));
        drop(waker);
        completing.join().unwrap();
        let output = match polled {
            Poll::Ready(output) => output,
            Poll::Pending => {
                assert_eq!(
                    second.0.load(std::sync::atomic::Ordering::SeqCst),
                    1,
                    "the waker registered at completion was not woken"
                );
                let waker = Waker::from(second.clone());
                match Pin::new(&mut join).poll(&mut Context::from_waker(&waker)) {
                    Poll::Ready(output) => output,
                    Poll::Pending => panic!("woken, yet not complete"),
                }
            }
        };
        drop(output.expect("the task completes"));
        drop(join);
        assert_eq!(f.drops.load(Ordering::SeqCst), 2);
        drop(f.waker.lock().take());
        assert_freed(&f.sched);
        assert_eq!(std::sync::Arc::strong_count(&first), 1, "first waker kept");
        assert_eq!(
            std::sync::Arc::strong_count(&second),
            1,
            "second waker kept"
        );
    });
}

// `abort()` from one thread, which then runs what the abort queued, while
// the runtime shuts down on another: the task is cancelled exactly once
// (its future dropped once, by whichever of the two claims it), the
// JoinHandle sees the cancellation, and no reference leaks (the abort's
// `Notified` fails to run once shutdown claimed the task). Fails on the
// broken variant where aborting an idle task queues a `Notified` without
// adding its reference: whichever of the runner and shutdown lets go last
// then frees the cell under the other (loom fails on the freed objects).
#[test]
fn loom_abort_races_with_shutdown() {
    crate::loom::model(|| {
        let f = spawn_gate();
        f.sched.run_queue();
        let Fixture {
            sched,
            join,
            waker,
            drops,
            ..
        } = f;
        let runner = sched.clone();
        let aborter = thread::spawn(move || {
            join.abort();
            runner.run_queue();
            join
        });
        sched.owned.close_and_shutdown_all();
        let join = aborter.join().unwrap();
        // Runs (and fails to run) whatever the abort queued.
        sched.run_queue();
        let err = crate::loom::block_on(join).unwrap_err();
        assert!(err.is_cancelled());
        assert_eq!(drops.load(Ordering::SeqCst), 1, "future dropped once");
        drop(waker.lock().take());
        assert_freed(&sched);
    });
}
