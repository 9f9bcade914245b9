//! Cancellation (`abort`) and panics inside tasks.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tests::{DropCounter, Gate, all_runtimes, multi, panic_message, scaled};

#[test]
fn abort_before_the_task_ever_runs() {
    // current_thread: nothing runs until block_on, so the abort surely
    // comes first.
    let rt = tests::current();
    let drops = DropCounter::new();
    let ran = Arc::new(AtomicBool::new(false));
    let task = {
        let (token, ran) = (drops.token(), ran.clone());
        rt.spawn(async move {
            let _token = token;
            ran.store(true, Ordering::SeqCst);
        })
    };
    task.abort();
    let err = rt.block_on(task).unwrap_err();
    assert!(err.is_cancelled());
    assert!(!err.is_panic());
    assert!(
        !ran.load(Ordering::SeqCst),
        "an aborted task must not start"
    );
    assert_eq!(drops.count(), 1, "the future is dropped exactly once");
}

#[test]
fn abort_while_waiting() {
    for (name, rt) in all_runtimes() {
        let drops = DropCounter::new();
        let gate = Gate::new();
        let task = {
            let (token, gate) = (drops.token(), gate.clone());
            rt.spawn(async move {
                let _token = token;
                gate.wait().await;
                unreachable!("the gate never opens");
            })
        };
        rt.block_on(async {
            // Let it start and block on the gate.
            for _ in 0..10 {
                runtime::yield_now().await;
            }
            task.abort();
            let err = task.await.unwrap_err();
            assert!(err.is_cancelled(), "{name}");
        });
        assert_eq!(drops.count(), 1, "{name}");
    }
}

#[test]
fn abort_while_running_takes_effect_at_the_next_await() {
    let rt = multi(2);
    let started = Gate::new();
    let aborted = Gate::new();
    let reached_end = Arc::new(AtomicBool::new(false));
    let task = {
        let (started, aborted, reached_end) =
            (started.clone(), aborted.clone(), reached_end.clone());
        rt.spawn(async move {
            started.open();
            // Busy (not awaiting) until the abort has been requested.
            while !aborted.is_open() {
                std::hint::spin_loop();
            }
            runtime::yield_now().await; // the next scheduling point
            reached_end.store(true, Ordering::SeqCst);
        })
    };
    rt.block_on(started.wait());
    task.abort();
    aborted.open();
    let err = rt.block_on(task).unwrap_err();
    assert!(err.is_cancelled());
    assert!(!reached_end.load(Ordering::SeqCst));
}

#[test]
fn abort_after_completion_keeps_the_output() {
    for (name, rt) in all_runtimes() {
        let task = rt.spawn(async { 7 });
        rt.block_on(async {
            while !task.is_finished() {
                runtime::yield_now().await;
            }
        });
        task.abort();
        task.abort();
        assert_eq!(rt.block_on(task).unwrap(), 7, "{name}");
    }
}

#[test]
fn abort_races_with_completion_without_losing_the_result() {
    let rt = multi(4);
    for _ in 0..scaled(2_000) {
        let drops = DropCounter::new();
        let token = drops.token();
        let task = rt.spawn(async move {
            runtime::yield_now().await;
            token
        });
        task.abort();
        match rt.block_on(task) {
            Ok(token) => drop(token),
            Err(err) => assert!(err.is_cancelled()),
        }
        assert_eq!(drops.count(), 1);
    }
}

#[test]
fn panic_becomes_join_error_and_worker_survives() {
    for (name, rt) in all_runtimes() {
        let err = rt
            .block_on(rt.spawn(async { panic!("boom {}", 42) }))
            .unwrap_err();
        assert!(err.is_panic(), "{name}");
        assert!(!err.is_cancelled());
        assert!(err.to_string().contains("boom 42"), "{err}");
        assert_eq!(panic_message(&*err.into_panic()), "boom 42");
        // The runtime still works, on every worker.
        let sum = rt.block_on(async {
            let tasks: Vec<_> = (0..100).map(|i| runtime::spawn(async move { i })).collect();
            let mut sum = 0;
            for t in tasks {
                sum += t.await.unwrap();
            }
            sum
        });
        assert_eq!(sum, 4950, "{name}");
    }
}

#[test]
fn many_panics_do_not_exhaust_workers() {
    let rt = multi(2);
    rt.block_on(async {
        let tasks: Vec<_> = (0..scaled(200))
            .map(|_| runtime::spawn(async { panic!("x") }))
            .collect();
        for t in tasks {
            assert!(t.await.unwrap_err().is_panic());
        }
    });
    assert_eq!(rt.block_on(rt.spawn(async { 1 })).unwrap(), 1);
}

#[test]
fn panic_drops_the_future_on_the_spot() {
    let rt = multi(2);
    let drops = DropCounter::new();
    let token = drops.token();
    let task = rt.spawn(async move {
        let _token = token;
        panic!("with a token alive");
    });
    assert!(rt.block_on(task).unwrap_err().is_panic());
    assert_eq!(drops.count(), 1);
}

#[test]
fn panic_in_a_detached_task_is_harmless() {
    let rt = multi(2);
    drop(rt.spawn(async { panic!("nobody listens") }));
    assert_eq!(rt.block_on(rt.spawn(async { 3 })).unwrap(), 3);
}

#[test]
fn join_error_reports_the_task_id() {
    let rt = multi(1);
    let task = rt.spawn(async { panic!("x") });
    let id = task.id();
    let err = rt.block_on(task).unwrap_err();
    assert_eq!(err.id(), id);
    assert!(format!("{err:?}").contains("Panic"));
    let task = rt.spawn(std::future::pending::<()>());
    task.abort();
    let err = rt.block_on(task).unwrap_err();
    assert_eq!(err.to_string(), format!("task {} was cancelled", err.id()));
    assert!(err.try_into_panic().is_err());
}

#[test]
#[should_panic(expected = "which did not panic")]
fn into_panic_on_a_cancelled_error_says_why() {
    let rt = tests::current();
    let task = rt.spawn(std::future::pending::<()>());
    task.abort();
    let err = rt.block_on(task).unwrap_err();
    let _ = err.into_panic();
}
