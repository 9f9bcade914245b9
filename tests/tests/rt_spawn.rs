//! Spawning tasks and awaiting their results, on every runtime shape.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tests::{Gate, all_runtimes, multi, scaled};

#[test]
fn spawn_from_inside_and_await_result() {
    for (name, rt) in all_runtimes() {
        let out = rt.block_on(async {
            let a = runtime::spawn(async { 40 });
            let b = runtime::spawn(async { 2 });
            a.await.unwrap() + b.await.unwrap()
        });
        assert_eq!(out, 42, "{name}");
    }
}

#[test]
fn spawn_from_outside_with_runtime_and_handle() {
    for (name, rt) in all_runtimes() {
        let direct = rt.spawn(async { "direct" });
        let handle = rt.handle().clone();
        let remote = std::thread::spawn(move || handle.spawn(async { "remote" }))
            .join()
            .unwrap();
        assert_eq!(rt.block_on(direct).unwrap(), "direct", "{name}");
        assert_eq!(rt.block_on(remote).unwrap(), "remote", "{name}");
    }
}

#[test]
fn many_tiny_tasks_all_complete() {
    // A million on the multi-thread runtime, spawned from inside and
    // outside; every one must run exactly once.
    let rt = multi(2);
    let ran = Arc::new(AtomicUsize::new(0));
    let total = rt.block_on({
        let ran = ran.clone();
        async move {
            let n = scaled(500_000) as u64;
            let mut handles = Vec::with_capacity(n as usize);
            for i in 0..n {
                let ran = ran.clone();
                handles.push(runtime::spawn(async move {
                    ran.fetch_add(1, Ordering::Relaxed);
                    i
                }));
            }
            let mut sum = 0;
            for h in handles {
                sum += h.await.unwrap();
            }
            sum
        }
    });
    let n = scaled(500_000) as u64;
    assert_eq!(total, (0..n).sum::<u64>());
    let outside: Vec<_> = (0..n)
        .map(|_| {
            let ran = ran.clone();
            rt.spawn(async move {
                ran.fetch_add(1, Ordering::Relaxed);
            })
        })
        .collect();
    rt.block_on(async {
        for h in outside {
            h.await.unwrap();
        }
    });
    assert_eq!(ran.load(Ordering::SeqCst), 2 * n as usize);
}

#[test]
fn results_of_many_types() {
    for (name, rt) in all_runtimes() {
        rt.block_on(async {
            assert_eq!(
                runtime::spawn(async { String::from("s") }).await.unwrap(),
                "s"
            );
            assert_eq!(
                runtime::spawn(async { vec![1, 2, 3] }).await.unwrap(),
                [1, 2, 3]
            );
            runtime::spawn(async {}).await.unwrap();
            let r: Result<u8, &str> = runtime::spawn(async { Err("no") }).await.unwrap();
            assert_eq!(r, Err("no"), "{name}");
        });
    }
}

#[test]
fn join_handle_waits_for_a_slow_task() {
    for (name, rt) in all_runtimes() {
        let gate = Gate::new();
        let out = rt.block_on({
            let gate = gate.clone();
            async move {
                let waiting = runtime::spawn({
                    let gate = gate.clone();
                    async move {
                        gate.wait().await;
                        "opened"
                    }
                });
                let opener = runtime::spawn(async move {
                    for _ in 0..10 {
                        runtime::yield_now().await;
                    }
                    gate.open();
                });
                opener.await.unwrap();
                waiting.await.unwrap()
            }
        });
        assert_eq!(out, "opened", "{name}");
    }
}

#[test]
fn dropped_handle_detaches_the_task_which_still_runs() {
    for (name, rt) in all_runtimes() {
        let gate = Gate::new();
        let done = Gate::new();
        {
            let (gate, done) = (gate.clone(), done.clone());
            drop(rt.spawn(async move {
                gate.wait().await;
                done.open();
            }));
        }
        gate.open();
        rt.block_on(done.wait());
        assert!(done.is_open(), "{name}");
    }
}

#[test]
fn deep_spawn_chain() {
    fn chain(depth: u32) -> runtime::task::JoinHandle<u32> {
        runtime::spawn(async move {
            if depth == 0 {
                0
            } else {
                chain(depth - 1).await.unwrap() + 1
            }
        })
    }
    for (name, rt) in all_runtimes() {
        let depth = scaled(5_000) as u32;
        let out = rt.block_on(async move { chain(depth).await.unwrap() });
        assert_eq!(out, depth, "{name}");
    }
}

#[test]
fn detached_spawn_chain_completes() {
    // Each task spawns the next and drops its handle.
    fn step(left: u32, done: Gate) {
        if left == 0 {
            done.open();
        } else {
            drop(runtime::spawn(async move { step(left - 1, done) }));
        }
    }
    for (name, rt) in all_runtimes() {
        let done = Gate::new();
        rt.block_on({
            let done = done.clone();
            async move {
                step(scaled(10_000) as u32, done.clone());
                done.wait().await;
            }
        });
        assert!(done.is_open(), "{name}");
    }
}

#[test]
fn current_id_inside_and_outside_tasks() {
    for (name, rt) in all_runtimes() {
        assert_eq!(runtime::task::current_id(), None);
        rt.block_on(async {
            assert_eq!(
                runtime::task::current_id(),
                None,
                "{name}: block_on's future is no task"
            );
            let task = runtime::spawn(async { runtime::task::current_id() });
            let id = task.id();
            assert_eq!(task.await.unwrap(), Some(id), "{name}");
        });
    }
}

#[test]
fn task_ids_are_unique() {
    let rt = multi(2);
    let n = scaled(1000);
    let ids: std::collections::HashSet<_> = (0..n).map(|_| rt.spawn(async {}).id()).collect();
    assert_eq!(ids.len(), n);
}

#[test]
fn yield_now_lets_others_run() {
    for (name, rt) in all_runtimes() {
        let counter = Arc::new(AtomicUsize::new(0));
        rt.block_on({
            let counter = counter.clone();
            async move {
                let tasks: Vec<_> = (0..10)
                    .map(|_| {
                        let counter = counter.clone();
                        runtime::spawn(async move {
                            for _ in 0..100 {
                                counter.fetch_add(1, Ordering::Relaxed);
                                runtime::yield_now().await;
                            }
                        })
                    })
                    .collect();
                for t in tasks {
                    t.await.unwrap();
                }
            }
        });
        assert_eq!(counter.load(Ordering::SeqCst), 1000, "{name}");
    }
}

#[test]
fn yield_now_interleaves_tasks_on_one_thread() {
    // On a single-threaded loop, yield_now must let the other task run
    // between our steps (asyncio.sleep(0)).
    let rt = tests::current();
    let log = Arc::new(std::sync::Mutex::new(Vec::new()));
    rt.block_on({
        let log = log.clone();
        async move {
            let a = {
                let log = log.clone();
                runtime::spawn(async move {
                    for i in 0..3 {
                        log.lock().unwrap().push(("a", i));
                        runtime::yield_now().await;
                    }
                })
            };
            let b = {
                let log = log.clone();
                runtime::spawn(async move {
                    for i in 0..3 {
                        log.lock().unwrap().push(("b", i));
                        runtime::yield_now().await;
                    }
                })
            };
            a.await.unwrap();
            b.await.unwrap();
        }
    });
    let log = log.lock().unwrap().clone();
    assert_eq!(
        log,
        [("a", 0), ("b", 0), ("a", 1), ("b", 1), ("a", 2), ("b", 2)]
    );
}

#[test]
fn run_is_asyncio_run() {
    let out = runtime::run(async {
        let t = runtime::spawn(async { 1 });
        t.await.unwrap() + 1
    });
    assert_eq!(out, 2);
}

#[test]
fn worker_count_is_what_was_asked() {
    let max = if cfg!(miri) { 2 } else { 8 };
    for n in 1..=max {
        let rt = multi(n);
        assert_eq!(rt.handle().metrics().num_workers(), n);
        // Every worker is alive and takes work.
        let names = rt.block_on(async {
            let tasks: Vec<_> = (0..scaled(64))
                .map(|_| {
                    runtime::spawn(async {
                        std::thread::sleep(std::time::Duration::from_millis(1));
                        std::thread::current().name().unwrap().to_owned()
                    })
                })
                .collect();
            let mut names = std::collections::HashSet::new();
            for t in tasks {
                names.insert(t.await.unwrap());
            }
            names
        });
        assert!(names.iter().all(|n| n.starts_with("rt-worker-")));
        assert!(names.len() <= n);
    }
}
