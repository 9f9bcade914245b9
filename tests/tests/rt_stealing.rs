//! Work really moves between workers.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use tests::{Gate, multi, scaled};

#[test]
fn tasks_behind_a_blocked_worker_are_stolen() {
    // One task blocks its worker (badly, with a std sleep loop) after
    // spawning 100 tasks into that worker's own queue. The other worker must
    // steal and run all of them while the first is still stuck.
    let rt = multi(2);
    let release = Arc::new(AtomicBool::new(false));
    let ran = Arc::new(AtomicUsize::new(0));
    let all_ran = Gate::new();
    {
        let (release, ran, all_ran) = (release.clone(), ran.clone(), all_ran.clone());
        rt.spawn(async move {
            for _ in 0..100 {
                let (ran, all_ran) = (ran.clone(), all_ran.clone());
                runtime::spawn(async move {
                    if ran.fetch_add(1, Ordering::SeqCst) + 1 == 100 {
                        all_ran.open();
                    }
                });
            }
            while !release.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(1));
            }
        });
    }
    // Waits without a timeout: if stealing failed this would hang (and the
    // test harness would report it), never pass by luck.
    rt.block_on(all_ran.wait());
    assert_eq!(ran.load(Ordering::SeqCst), 100);
    assert!(
        !release.load(Ordering::SeqCst),
        "ran while the spawner was stuck"
    );
    release.store(true, Ordering::SeqCst);
    let metrics = rt.handle().metrics();
    assert!(metrics.steal_count() >= 1 || metrics.global_queue_depth() == 0);
}

#[test]
fn steals_are_counted() {
    let rt = multi(4);
    let release = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicUsize::new(0));
    let all = Gate::new();
    {
        let (release, done, all) = (release.clone(), done.clone(), all.clone());
        rt.spawn(async move {
            let n = scaled(1_000);
            for _ in 0..n {
                let (done, all) = (done.clone(), all.clone());
                runtime::spawn(async move {
                    if done.fetch_add(1, Ordering::SeqCst) + 1 == n {
                        all.open();
                    }
                });
            }
            while !release.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(1));
            }
        });
    }
    rt.block_on(all.wait());
    release.store(true, Ordering::SeqCst);
    // Let the workers publish their counters (they do when they park).
    rt.block_on(async {
        for _ in 0..100 {
            runtime::yield_now().await;
        }
    });
    std::thread::sleep(Duration::from_millis(20));
    let m = rt.handle().metrics();
    assert!(m.steal_count() > 0, "no steal recorded: {m:?}");
    assert!(m.steal_operations() <= m.steal_count());
}

#[test]
fn cpu_work_spreads_over_workers() {
    // Many tasks that each block briefly: with 4 workers, more than one
    // thread must take part.
    let rt = multi(4);
    let threads = rt.block_on(async {
        let tasks: Vec<_> = (0..64)
            .map(|_| {
                runtime::spawn(async {
                    std::thread::sleep(Duration::from_millis(2));
                    std::thread::current().id()
                })
            })
            .collect();
        let mut set = std::collections::HashSet::new();
        for t in tasks {
            set.insert(t.await.unwrap());
        }
        set
    });
    assert!(threads.len() > 1, "all 64 tasks ran on one worker");
}

#[test]
fn ping_pong_between_tasks_completes() {
    // Message passing through the LIFO slot; the budget keeps it fair.
    let rt = multi(2);
    rt.block_on(async {
        let mut pairs = Vec::new();
        for _ in 0..scaled(100) {
            let ping = Gate::new();
            let pong = Gate::new();
            let (a_ping, a_pong) = (ping.clone(), pong.clone());
            pairs.push(runtime::spawn(async move {
                a_ping.open();
                a_pong.wait().await;
            }));
            pairs.push(runtime::spawn(async move {
                ping.wait().await;
                pong.open();
            }));
        }
        for p in pairs {
            p.await.unwrap();
        }
    });
}

#[test]
fn a_hot_task_cannot_starve_its_neighbours() {
    // On a single-threaded loop, a task spins on a flag that only the next
    // task sets, spending budget but never awaiting anything that is
    // pending. Without the cooperative budget it would spin forever (and
    // the test would hang); with it, it is made to yield after ~128 units
    // and the other task runs.
    let rt = tests::current();
    rt.block_on(async {
        let flag = Arc::new(AtomicBool::new(false));
        let hot = {
            let flag = flag.clone();
            runtime::spawn(async move {
                let mut spins = 0u64;
                while !flag.load(Ordering::SeqCst) {
                    runtime::task::consume_budget().await;
                    spins += 1;
                }
                spins
            })
        };
        let setter = runtime::spawn(async move { flag.store(true, Ordering::SeqCst) });
        setter.await.unwrap();
        let spins = hot.await.unwrap();
        assert!(
            spins >= 100,
            "the hot task ran first and spun a budget's worth: {spins}"
        );
    });
}

#[test]
fn a_lifo_slot_task_is_rescued_from_a_blocked_worker_while_the_others_sleep() {
    // A task wakes another (which goes to its worker's LIFO slot, to run
    // next) and then blocks its worker until the woken task has run. The
    // other worker is asleep by then; filling the slot must wake it, or the
    // woken task is stranded behind the blocked poll (the wait below would
    // then give up and fail rather than hang).
    let rt = multi(2);
    for round in 0..scaled(20) {
        let woken = Gate::new();
        let ran = Arc::new(AtomicBool::new(false));
        let sleeper = {
            let (woken, ran) = (woken.clone(), ran.clone());
            rt.spawn(async move {
                woken.wait().await;
                ran.store(true, Ordering::SeqCst);
            })
        };
        let blocker = {
            let ran = ran.clone();
            rt.spawn(async move {
                // Let the sleeper register and the other worker park.
                std::thread::sleep(Duration::from_millis(20));
                woken.open(); // from this worker: into its LIFO slot
                let deadline = std::time::Instant::now() + Duration::from_secs(10);
                while !ran.load(Ordering::SeqCst) && std::time::Instant::now() < deadline {
                    std::hint::spin_loop();
                }
                ran.load(Ordering::SeqCst)
            })
        };
        let rescued = rt.block_on(blocker).unwrap();
        assert!(rescued, "round {round}: the LIFO slot's task was stranded");
        rt.block_on(sleeper).unwrap();
    }
}
