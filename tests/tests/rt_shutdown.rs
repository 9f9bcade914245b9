//! Shutdown: every unfinished task is dropped exactly once, threads are
//! joined, and nothing spawned late is lost.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tests::{DropCounter, Gate, all_runtimes, multi, scaled};

#[test]
fn shutdown_drops_every_pending_task_exactly_once() {
    for (name, rt) in all_runtimes() {
        let drops = DropCounter::new();
        let gate = Gate::new();
        let mut handles = Vec::new();
        let n = scaled(1_000);
        for _ in 0..n {
            let (token, gate) = (drops.token(), gate.clone());
            handles.push(rt.spawn(async move {
                let _token = token;
                gate.wait().await;
            }));
        }
        // Some tasks never started, some wait on the gate.
        rt.block_on(async {
            for _ in 0..5 {
                runtime::yield_now().await;
            }
        });
        drop(rt);
        assert_eq!(drops.count(), n, "{name}");
        // Their handles report cancellation, from any thread.
        let rt2 = tests::current();
        for h in handles {
            assert!(h.is_finished(), "{name}");
            assert!(rt2.block_on(h).unwrap_err().is_cancelled(), "{name}");
        }
    }
}

#[test]
fn tasks_queued_but_never_polled_are_dropped_too() {
    let rt = tests::current();
    let drops = DropCounter::new();
    for _ in 0..100 {
        let token = drops.token();
        drop(rt.spawn(async move {
            let _token = token;
        }));
    }
    drop(rt);
    assert_eq!(drops.count(), 100);
}

#[test]
fn destructors_that_spawn_during_shutdown_get_cancelled_handles() {
    struct SpawnOnDrop(Arc<AtomicBool>);
    impl Drop for SpawnOnDrop {
        fn drop(&mut self) {
            let handle = runtime::spawn(async {});
            // The runtime is closed: the new task is cancelled at once.
            assert!(handle.is_finished());
            self.0.store(true, Ordering::SeqCst);
        }
    }
    for (name, rt) in all_runtimes() {
        let dropped = Arc::new(AtomicBool::new(false));
        let guard = SpawnOnDrop(dropped.clone());
        rt.spawn(async move {
            let _guard = guard;
            std::future::pending::<()>().await;
        });
        rt.block_on(runtime::yield_now());
        drop(rt);
        assert!(dropped.load(Ordering::SeqCst), "{name}");
    }
}

#[test]
fn spawn_after_shutdown_gives_a_cancelled_handle() {
    let rt = multi(2);
    let handle = rt.handle().clone();
    drop(rt);
    let task = handle.spawn(async { 1 });
    assert!(task.is_finished());
    let err = tests::current().block_on(task).unwrap_err();
    assert!(err.is_cancelled());
}

#[test]
fn worker_threads_are_joined_on_drop() {
    let rt = multi(4);
    let alive = Arc::new(());
    for _ in 0..4 {
        let alive = alive.clone();
        rt.spawn(async move {
            let _alive = alive;
            std::future::pending::<()>().await;
        });
    }
    drop(rt);
    // Every task (and its clone of `alive`) is gone once drop returns.
    assert_eq!(Arc::strong_count(&alive), 1);
}

#[test]
fn shutdown_timeout_does_not_wait_for_a_stuck_blocking_task() {
    let rt = multi(2);
    let release = Arc::new(AtomicBool::new(false));
    {
        let release = release.clone();
        rt.spawn_blocking(move || {
            while !release.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(1));
            }
        });
    }
    let start = Instant::now();
    rt.shutdown_timeout(Duration::from_millis(100));
    let took = start.elapsed();
    release.store(true, Ordering::SeqCst);
    // Not a timing threshold on speed: the call must not wait for the task,
    // which never ends on its own.
    assert!(
        took < Duration::from_secs(30),
        "shutdown_timeout waited {took:?}"
    );
}

#[test]
fn shutdown_timeout_leaves_a_stuck_worker_behind() {
    let rt = multi(2);
    let release = Arc::new(AtomicBool::new(false));
    let started = Gate::new();
    let drops = DropCounter::new();
    {
        let (release, started, token) = (release.clone(), started.clone(), drops.token());
        rt.spawn(async move {
            let _token = token;
            started.open();
            while !release.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(1)); // blocks its worker
            }
            runtime::yield_now().await;
        });
    }
    rt.block_on(started.wait());
    rt.shutdown_timeout(Duration::from_millis(50));
    // The stuck task is cancelled once its poll returns.
    release.store(true, Ordering::SeqCst);
    let deadline = Instant::now() + Duration::from_secs(30);
    while drops.count() == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(drops.count(), 1);
}

#[test]
fn run_forever_returns_after_stop() {
    for (name, rt) in all_runtimes() {
        let handle = rt.handle().clone();
        let ran = Arc::new(AtomicBool::new(false));
        {
            let ran = ran.clone();
            rt.spawn(async move {
                for _ in 0..3 {
                    runtime::yield_now().await;
                }
                ran.store(true, Ordering::SeqCst);
                handle.stop();
            });
        }
        rt.run_forever();
        assert!(ran.load(Ordering::SeqCst), "{name}");
    }
}

#[test]
fn stop_from_another_thread_and_run_forever_again() {
    let rt = tests::current();
    for _ in 0..3 {
        let handle = rt.handle().clone();
        let stopper = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(5));
            handle.stop();
        });
        rt.run_forever();
        stopper.join().unwrap();
    }
}

#[test]
fn stop_before_run_forever_runs_one_turn_then_returns() {
    let rt = tests::current();
    let ran = Arc::new(AtomicBool::new(false));
    {
        let ran = ran.clone();
        rt.spawn(async move { ran.store(true, Ordering::SeqCst) });
    }
    rt.handle().stop();
    rt.run_forever();
    assert!(
        ran.load(Ordering::SeqCst),
        "the ready task ran in that one turn"
    );
}

#[test]
fn dropping_a_runtime_inside_a_task_does_not_deadlock() {
    // Dropping a runtime from a worker of another runtime is allowed with
    // shutdown_background (it does not block).
    let outer = multi(1);
    outer.block_on(async {
        let inner = multi(1);
        inner.spawn(std::future::pending::<()>());
        inner.shutdown_background();
    });
}

#[test]
fn dropping_a_runtime_in_async_code_does_not_wait_for_its_threads() {
    let outer = multi(1);
    let inner = multi(2);
    let release = Arc::new(AtomicBool::new(false));
    {
        let release = release.clone();
        inner.spawn_blocking(move || {
            while !release.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(1));
            }
        });
    }
    // A plain drop inside a task: it must return although a blocking task
    // of `inner` never ends on its own (waiting would hang this test).
    outer
        .block_on(outer.spawn(async move { drop(inner) }))
        .unwrap();
    release.store(true, Ordering::SeqCst);
}

#[test]
fn a_runtime_may_be_dropped_on_its_own_worker() {
    let rt = Arc::new(multi(2));
    let (tx, rx) = std::sync::mpsc::channel();
    let inner = rt.clone();
    rt.spawn(async move {
        // By the time this runs, the test thread dropped its reference:
        // this drop is the last one, on one of the runtime's own workers.
        let _ = rx.recv();
        drop(inner);
    });
    drop(rt);
    tx.send(()).unwrap();
}

#[test]
fn concurrent_run_forever_is_refused() {
    let rt = Arc::new(multi(1));
    let run = |rt: Arc<runtime::Runtime>| {
        std::thread::spawn(move || {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| rt.run_forever()))
                .map_err(|p| tests::panic_message(&*p))
        })
    };
    let (a, b) = (run(rt.clone()), run(rt.clone()));
    // Whichever came second is refused at once; the other runs until stop.
    while !a.is_finished() && !b.is_finished() {
        std::thread::yield_now();
    }
    rt.handle().stop();
    let outcomes = [a.join().unwrap(), b.join().unwrap()];
    let refused: Vec<_> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
    assert_eq!(refused.len(), 1, "{outcomes:?}");
    assert!(refused[0].contains("another run_forever of the same runtime is running"));
}
