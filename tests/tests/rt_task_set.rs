//! TaskSet: a long-lived set of tasks reaped as they finish (asyncio's
//! `set()` of tasks drained with `asyncio.wait(..., FIRST_COMPLETED)`).

use runtime::task::TaskSet;
use tests::{DropCounter, Gate, all_runtimes, current, multi, panic_message, scaled};

#[test]
fn results_in_completion_order() {
    for (name, rt) in all_runtimes() {
        rt.block_on(async {
            let gates: Vec<Gate> = (0..5).map(|_| Gate::new()).collect();
            let mut tasks = TaskSet::new();
            for (i, gate) in gates.iter().enumerate() {
                let gate = gate.clone();
                tasks.spawn(async move {
                    gate.wait().await;
                    i
                });
            }
            for i in [3, 0, 4, 1, 2] {
                gates[i].open();
                assert_eq!(tasks.join_next().await.unwrap().unwrap(), i, "{name}");
            }
            assert!(tasks.join_next().await.is_none(), "{name}");
        });
    }
}

#[test]
fn abort_all_gives_cancelled_errors() {
    for (name, rt) in all_runtimes() {
        let drops = DropCounter::new();
        rt.block_on(async {
            let mut tasks = TaskSet::new();
            for _ in 0..5 {
                let token = drops.token();
                tasks.spawn(async move {
                    let _token = token;
                    std::future::pending::<()>().await;
                });
            }
            tasks.abort_all();
            assert_eq!(tasks.len(), 5, "aborted tasks stay until joined");
            let mut cancelled = 0;
            while let Some(result) = tasks.join_next().await {
                assert!(result.unwrap_err().is_cancelled(), "{name}");
                cancelled += 1;
            }
            assert_eq!(cancelled, 5, "{name}");
            assert!(tasks.is_empty());
        });
        assert_eq!(drops.count(), 5, "{name}");
    }
}

#[test]
fn shutdown_waits_for_all() {
    for (name, rt) in all_runtimes() {
        let drops = DropCounter::new();
        rt.block_on(async {
            let mut tasks = TaskSet::new();
            for i in 0..20 {
                let token = drops.token();
                tasks.spawn(async move {
                    let _token = token;
                    if i % 2 == 0 {
                        std::future::pending::<()>().await;
                    } else {
                        // Busy, but yields: the abort lands at a yield.
                        loop {
                            runtime::yield_now().await;
                        }
                    }
                });
            }
            tasks.shutdown().await;
            assert!(tasks.is_empty(), "{name}");
            // Every task has stopped (its future dropped) when shutdown
            // returns, not later.
            assert_eq!(drops.count(), 20, "{name}");
        });
    }
}

#[test]
fn drop_aborts_the_remaining_tasks() {
    for (name, rt) in all_runtimes() {
        let drops = DropCounter::new();
        let finished = Gate::new();
        rt.block_on(async {
            let mut tasks = TaskSet::new();
            for _ in 0..10 {
                let token = drops.token();
                let finished = finished.clone();
                tasks.spawn(async move {
                    let _token = token;
                    std::future::pending::<()>().await;
                    finished.open(); // never reached
                });
            }
            drop(tasks);
            // Aborted tasks are dropped on the workers: wait (up to 10 s).
            for _ in 0..10_000 {
                if drops.count() == 10 {
                    break;
                }
                runtime::time::sleep(std::time::Duration::from_millis(1)).await;
            }
        });
        assert_eq!(drops.count(), 10, "{name}: dropping the set aborts");
        assert!(!finished.is_open());
    }
}

#[test]
fn len_tracks_live_tasks() {
    for (name, rt) in all_runtimes() {
        rt.block_on(async {
            let gate = Gate::new();
            let mut tasks = TaskSet::new();
            assert!(tasks.is_empty());
            assert_eq!(tasks.len(), 0);
            for i in 0..3 {
                let gate = gate.clone();
                tasks.spawn(async move {
                    gate.wait().await;
                    i
                });
            }
            assert_eq!(tasks.len(), 3, "{name}");
            gate.open();
            for left in (0..3).rev() {
                tasks.join_next().await.unwrap().unwrap();
                assert_eq!(tasks.len(), left, "{name}");
            }
            assert!(tasks.is_empty());
            assert!(tasks.join_next().await.is_none());
            // Usable again once empty.
            tasks.spawn(async { 9 });
            assert_eq!(tasks.len(), 1);
            assert_eq!(tasks.join_next().await.unwrap().unwrap(), 9);
        });
    }
}

#[test]
fn a_panicking_task_gives_a_panic_error() {
    for (name, rt) in all_runtimes() {
        rt.block_on(async {
            let mut tasks = TaskSet::new();
            tasks.spawn(async { panic!("in the set") });
            let err = tasks.join_next().await.unwrap().unwrap_err();
            assert!(err.is_panic(), "{name}");
            assert_eq!(panic_message(&*err.into_panic()), "in the set");
            // The set (and the runtime) go on.
            tasks.spawn(async { 1 });
            assert_eq!(tasks.join_next().await.unwrap().unwrap(), 1);
        });
    }
}

#[test]
fn try_join_next_never_waits() {
    for (name, rt) in all_runtimes() {
        rt.block_on(async {
            let mut tasks = TaskSet::<u8>::new();
            assert!(tasks.try_join_next().is_none(), "empty");
            let gate = Gate::new();
            {
                let gate = gate.clone();
                tasks.spawn(async move {
                    gate.wait().await;
                    7
                });
            }
            assert!(tasks.try_join_next().is_none(), "{name}: still running");
            gate.open();
            let result = loop {
                if let Some(result) = tasks.try_join_next() {
                    break result;
                }
                runtime::yield_now().await;
            };
            assert_eq!(result.unwrap(), 7, "{name}");
            assert!(tasks.is_empty());
        });
    }
}

#[test]
fn join_next_is_cancel_safe() {
    let rt = current();
    rt.block_on(async {
        let gate = Gate::new();
        let mut tasks = TaskSet::new();
        {
            let gate = gate.clone();
            tasks.spawn(async move {
                gate.wait().await;
                "kept"
            });
        }
        // A join_next dropped while waiting loses nothing.
        let timed_out =
            runtime::time::timeout(std::time::Duration::from_millis(5), tasks.join_next()).await;
        assert!(timed_out.is_err());
        gate.open();
        assert_eq!(tasks.join_next().await.unwrap().unwrap(), "kept");
    });
}

/// Spawns and reaps 100k tasks, `BATCH` at a time or as a server does (keep
/// `BATCH` alive, reap one, spawn one): the set's buffers stay bounded by
/// the batch, not by the tasks it has seen.
#[test]
fn holds_100k_finished_and_reaped_tasks_at_flat_memory() {
    const BATCH: usize = 1_000;
    let total = scaled(100_000);
    for (name, rt) in [("current_thread", current()), ("multi_thread(4)", multi(4))] {
        rt.block_on(async {
            let mut tasks = TaskSet::new();
            // In batches.
            let mut reaped = 0;
            while reaped < total {
                for i in 0..BATCH {
                    tasks.spawn(async move {
                        runtime::yield_now().await;
                        i
                    });
                }
                while let Some(result) = tasks.join_next().await {
                    result.unwrap();
                    reaped += 1;
                }
                assert!(
                    tasks.capacity_probe() <= 2 * BATCH,
                    "{name}: capacity {} after {reaped} tasks",
                    tasks.capacity_probe()
                );
            }
            // As a server: at most BATCH alive, reap one, spawn one.
            let mut spawned = 0;
            let mut reaped = 0;
            while reaped < total {
                while spawned < total && tasks.len() < BATCH {
                    tasks.spawn(async move {
                        runtime::yield_now().await;
                        spawned
                    });
                    spawned += 1;
                }
                tasks.join_next().await.unwrap().unwrap();
                reaped += 1;
                assert!(tasks.capacity_probe() <= 2 * BATCH, "{name}");
            }
            assert!(tasks.is_empty());
            assert!(
                tasks.capacity_probe() <= 2 * BATCH,
                "{name}: capacity {} after {total} + {total} tasks",
                tasks.capacity_probe()
            );
        });
    }
}
