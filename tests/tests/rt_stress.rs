//! Stress: many threads spawning, waking and aborting at once. Run under
//! ThreadSanitizer too (see the issue notes); counts are scaled for Miri.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tests::{DropCounter, Gate, multi, scaled};

#[test]
fn remote_spawns_from_many_threads() {
    let rt = Arc::new(multi(4));
    let ran = Arc::new(AtomicUsize::new(0));
    let per_thread = scaled(20_000);
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (rt, ran) = (rt.clone(), ran.clone());
            std::thread::spawn(move || {
                let handles: Vec<_> = (0..per_thread)
                    .map(|_| {
                        let ran = ran.clone();
                        rt.spawn(async move {
                            ran.fetch_add(1, Ordering::Relaxed);
                        })
                    })
                    .collect();
                rt.block_on(async {
                    for h in handles {
                        h.await.unwrap();
                    }
                });
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(ran.load(Ordering::SeqCst), 8 * per_thread);
}

#[test]
fn wakes_from_foreign_threads_while_tasks_spawn_tasks() {
    let rt = multi(3);
    let gates: Vec<Gate> = (0..scaled(2_000)).map(|_| Gate::new()).collect();
    let opened = Arc::new(AtomicUsize::new(0));
    let waiters: Vec<_> = gates
        .iter()
        .map(|gate| {
            let (gate, opened) = (gate.clone(), opened.clone());
            rt.spawn(async move {
                gate.wait().await;
                // Each woken task spawns a child and waits for it.
                runtime::spawn(async move {
                    opened.fetch_add(1, Ordering::Relaxed);
                })
                .await
                .unwrap();
            })
        })
        .collect();
    let openers: Vec<_> = gates
        .chunks(gates.len() / 4)
        .map(|chunk| {
            let chunk = chunk.to_vec();
            std::thread::spawn(move || {
                for gate in chunk {
                    gate.open();
                }
            })
        })
        .collect();
    for o in openers {
        o.join().unwrap();
    }
    rt.block_on(async {
        for w in waiters {
            w.await.unwrap();
        }
    });
    assert_eq!(opened.load(Ordering::SeqCst), gates.len());
}

#[test]
fn abort_storm_drops_every_future_exactly_once() {
    let rt = multi(4);
    let drops = DropCounter::new();
    let n = scaled(10_000);
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let token = drops.token();
            rt.spawn(async move {
                let _token = token;
                for _ in 0..(i % 7) {
                    runtime::yield_now().await;
                }
            })
        })
        .collect();
    let (first, second) = handles.split_at(n / 2);
    std::thread::scope(|s| {
        s.spawn(|| first.iter().for_each(|h| h.abort()));
        s.spawn(|| second.iter().for_each(|h| h.abort()));
    });
    rt.block_on(async {
        for h in handles {
            match h.await {
                Ok(()) => {}
                Err(e) => assert!(e.is_cancelled()),
            }
        }
    });
    assert_eq!(drops.count(), n);
}

#[test]
fn runtimes_created_and_dropped_in_a_loop_with_work_in_flight() {
    let drops = DropCounter::new();
    let rounds = scaled(200).min(200);
    for round in 0..rounds {
        let rt = multi(1 + round % 3);
        for _ in 0..20 {
            let token = drops.token();
            rt.spawn(async move {
                let _token = token;
                loop {
                    runtime::yield_now().await;
                }
            });
        }
        rt.block_on(runtime::yield_now());
        drop(rt);
    }
    assert_eq!(drops.count(), rounds * 20);
}

#[test]
fn join_handles_awaited_from_other_runtimes() {
    let a = multi(2);
    let b = multi(2);
    let n = scaled(5_000);
    let handles: Vec<_> = (0..n).map(|i| a.spawn(async move { i })).collect();
    let sum = b.block_on(async move {
        let mut sum = 0;
        for h in handles {
            sum += h.await.unwrap();
        }
        sum
    });
    assert_eq!(sum, (0..n).sum::<usize>());
}
