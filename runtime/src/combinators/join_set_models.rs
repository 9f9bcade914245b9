//! Concurrency models of `JoinSet` (see its "Design"): the real `JoinSet`
//! and task code, the tasks run by the mock scheduler (`spawn` needs a
//! runtime, which loom cannot run; `insert` takes the mock's handles).
//! Under `--cfg loom` every interleaving is explored; otherwise each model
//! runs once on real threads.

use super::*;
use crate::loom::{Arc, Mutex, thread};
use crate::task::mock::{Mock, bind, mock};

/// A gate a task waits at; opened from another thread.
type Gate = Arc<Mutex<(bool, Option<Waker>)>>;

/// A task pending until `gate` opens, then giving `value`; queued, not run.
fn spawn_gated(sched: &Arc<Mock>, set: &mut JoinSet<u32>, value: u32) -> Gate {
    let gate: Gate = Arc::new(Mutex::new((false, None)));
    let future = {
        let gate = gate.clone();
        poll_fn(move |cx| {
            let mut gate = gate.lock();
            if gate.0 {
                return Poll::Ready(value);
            }
            gate.1 = Some(cx.waker().clone());
            Poll::Pending
        })
    };
    let (join, notified) = bind(sched, future);
    sched.push(notified);
    set.insert(join);
    gate
}

fn open(gate: &Gate) {
    let waker = {
        let mut gate = gate.lock();
        gate.0 = true;
        gate.1.take()
    };
    if let Some(waker) = waker {
        waker.wake();
    }
}

fn join_next(set: &mut JoinSet<u32>) -> Option<u32> {
    crate::loom::block_on(set.join_next()).map(|result| result.expect("the task succeeds"))
}

/// A task finishes and is reaped; a new task takes its slot while, on
/// another thread, a stale waker of the old entry fires and the new task
/// runs to completion. Whatever the interleaving, `join_next` returns the
/// new task's value (a lost wake-up would leave it blocked forever: loom
/// reports a deadlock) and the stale key is skipped.
///
/// Fails (loom: "deadlock") on a variant whose new entries start unqueued
/// (waiting for a wake instead of being polled once): the task completes
/// before anyone gave it the entry's waker.
#[test]
fn loom_a_reused_slot_races_a_stale_waker() {
    crate::loom::model(|| {
        let sched = mock();
        let mut set = JoinSet::new();
        let first = spawn_gated(&sched, &mut set, 1);
        // The first poll hands task 1 the entry's waker; keep a copy.
        let noop = Waker::noop();
        assert!(
            set.poll_join_next(&mut Context::from_waker(noop))
                .is_pending()
        );
        let stale = set.slots[0].entry.as_ref().unwrap().waker.clone();
        open(&first);
        sched.run_queue();
        assert_eq!(join_next(&mut set), Some(1));

        let (join, notified) = bind(&sched, async { 2 });
        set.insert(join);
        assert_eq!(set.slots.len(), 1, "the slot is reused");
        let runner = {
            let sched = sched.clone();
            thread::spawn(move || {
                stale.wake();
                sched.push(notified);
                sched.run_next_blocking();
            })
        };
        assert_eq!(join_next(&mut set), Some(2));
        assert!(set.is_empty());
        runner.join().unwrap();
        assert_eq!(join_next(&mut set), None);
    });
}

/// Two tasks completing on another thread while the set is polled: each
/// result comes out exactly once and no wake-up is lost.
///
/// Fails (loom: "deadlock") on a variant that clears an entry's `queued`
/// flag after polling it instead of before.
#[test]
fn loom_two_tasks_complete_concurrently() {
    crate::loom::model(|| {
        let sched = mock();
        let mut set = JoinSet::new();
        let gates = [
            spawn_gated(&sched, &mut set, 1),
            spawn_gated(&sched, &mut set, 2),
        ];
        sched.run_queue(); // both pending at their gates
        let runner = {
            let sched = sched.clone();
            thread::spawn(move || {
                for gate in &gates {
                    open(gate);
                    sched.run_next_blocking();
                }
            })
        };
        let mut values = vec![join_next(&mut set).unwrap(), join_next(&mut set).unwrap()];
        values.sort_unstable();
        assert_eq!(values, [1, 2]);
        runner.join().unwrap();
        assert!(
            !set.ready.has_parent(),
            "an empty set let go of the parent's waker"
        );
    });
}
