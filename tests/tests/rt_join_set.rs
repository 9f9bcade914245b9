//! `task::JoinSet`: tasks spawned into a set and reaped as they finish
//! (tokio's JoinSet; an asyncio server's set of tasks).

use runtime::task::JoinSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tests::{DropCounter, Gate, all_runtimes, paused};

#[test]
fn results_come_out_in_the_order_tasks_finish() {
    paused().block_on(async {
        let mut set = JoinSet::new();
        for ms in [50u64, 10, 40, 20, 30] {
            set.spawn(async move {
                runtime::time::sleep(Duration::from_millis(ms)).await;
                ms
            });
        }
        assert_eq!(set.len(), 5);
        let mut order = Vec::new();
        while let Some(result) = set.join_next().await {
            order.push(result.unwrap());
            assert_eq!(set.len(), 5 - order.len());
        }
        assert_eq!(order, [10, 20, 30, 40, 50]);
        assert!(set.join_next().await.is_none(), "an empty set gives None");
    });
}

#[test]
fn every_result_comes_out_exactly_once_on_every_runtime() {
    for (name, rt) in all_runtimes() {
        rt.block_on(async {
            let mut set = JoinSet::new();
            let n = tests::scaled(2_000);
            for i in 0..n {
                set.spawn(async move {
                    for _ in 0..i % 3 {
                        runtime::yield_now().await;
                    }
                    i
                });
            }
            let mut seen = vec![false; n];
            while let Some(result) = set.join_next().await {
                let i = result.unwrap();
                assert!(!seen[i], "{name}: result {i} came out twice");
                seen[i] = true;
            }
            assert!(seen.iter().all(|s| *s), "{name}: a result was lost");
        });
    }
}

#[test]
fn a_panicking_task_is_an_error_and_the_set_goes_on() {
    tests::multi(2).block_on(async {
        let mut set = JoinSet::new();
        set.spawn(async { panic!("boom") });
        set.spawn(async { 7 });
        let mut results: Vec<_> = Vec::new();
        while let Some(result) = set.join_next().await {
            results.push(result);
        }
        assert_eq!(
            results
                .iter()
                .filter(|r| r.as_ref().is_ok_and(|v| *v == 7))
                .count(),
            1
        );
        let error = results
            .into_iter()
            .find_map(Result::err)
            .expect("the panic");
        assert!(error.is_panic(), "{error:?}");
    });
}

#[test]
fn abort_all_cancels_the_running_tasks_and_keeps_the_finished_results() {
    paused().block_on(async {
        let drops = DropCounter::new();
        let mut set = JoinSet::new();
        let done = set.spawn(async { 1 });
        runtime::yield_now().await; // let the first finish
        for _ in 0..3 {
            let token = drops.token();
            set.spawn(async move {
                let _token = token;
                std::future::pending::<()>().await;
                0
            });
        }
        set.abort_all();
        let mut cancelled = 0;
        while let Some((id, result)) = set.join_next_with_id().await {
            match result {
                Ok(v) => assert_eq!((id, v), (done, 1)),
                Err(e) => {
                    assert!(e.is_cancelled(), "{e:?}");
                    cancelled += 1;
                }
            }
        }
        assert_eq!(cancelled, 3);
        assert_eq!(drops.count(), 3, "the cancelled futures were dropped");
    });
}

#[test]
fn shutdown_returns_once_every_task_has_stopped() {
    tests::multi(2).block_on(async {
        let drops = DropCounter::new();
        let mut set = JoinSet::new();
        for _ in 0..100 {
            let token = drops.token();
            set.spawn(async move {
                let _token = token;
                std::future::pending::<()>().await;
            });
        }
        set.shutdown().await;
        assert!(set.is_empty());
        assert_eq!(
            drops.count(),
            100,
            "every future was dropped before shutdown returned"
        );
    });
}

#[test]
fn dropping_the_set_aborts_its_tasks_and_detach_all_does_not() {
    tests::multi(2).block_on(async {
        let aborted = DropCounter::new();
        let mut set = JoinSet::new();
        let token = aborted.token();
        set.spawn(async move {
            let _token = token;
            std::future::pending::<()>().await;
        });
        drop(set);
        while aborted.count() == 0 {
            runtime::yield_now().await;
        }

        let gate = Gate::new();
        let ran = Arc::new(AtomicUsize::new(0));
        let mut set = JoinSet::new();
        {
            let (gate, ran) = (gate.clone(), ran.clone());
            set.spawn(async move {
                gate.wait().await;
                ran.fetch_add(1, Ordering::SeqCst);
            });
        }
        set.detach_all();
        assert!(set.is_empty());
        drop(set);
        gate.open();
        while ran.load(Ordering::SeqCst) == 0 {
            runtime::yield_now().await;
        }
    });
}

#[test]
fn join_next_is_cancel_safe() {
    paused().block_on(async {
        let mut set = JoinSet::new();
        for i in 0..10u64 {
            set.spawn(async move {
                runtime::time::sleep(Duration::from_millis(10 * (i + 1))).await;
                i
            });
        }
        let mut got = Vec::new();
        // Give up on join_next every 5 ms: no result may be lost.
        while !set.is_empty() {
            if let Ok(Some(result)) =
                runtime::time::timeout(Duration::from_millis(5), set.join_next()).await
            {
                got.push(result.unwrap());
            }
        }
        assert_eq!(got, (0..10).collect::<Vec<_>>());
    });
}

#[test]
fn try_join_next_reaps_without_waiting() {
    paused().block_on(async {
        let mut set = JoinSet::new();
        let gate = Gate::new();
        {
            let gate = gate.clone();
            set.spawn(async move { gate.wait().await });
        }
        set.spawn(async {});
        let mut reaped = 0;
        for _ in 0..10 {
            runtime::yield_now().await;
            if set.try_join_next().is_some() {
                reaped += 1;
            }
        }
        assert_eq!(
            (reaped, set.len()),
            (1, 1),
            "only the finished task was reaped"
        );
        gate.open();
        assert!(set.join_next().await.unwrap().is_ok());
        assert!(set.try_join_next().is_none());
    });
}

#[test]
fn a_server_loop_keeps_only_live_tasks() {
    // 100k short tasks, reaped as they go, at most 64 alive at once: the set
    // never holds more than that.
    tests::multi(2).block_on(async {
        let mut set = JoinSet::new();
        let mut max_len = 0;
        for i in 0..tests::scaled(100_000) {
            if set.len() == 64 {
                set.join_next().await.unwrap().unwrap();
            }
            while set.try_join_next().is_some() {}
            set.spawn(async move { i });
            max_len = max_len.max(set.len());
        }
        set.shutdown().await;
        assert!(max_len <= 64, "held {max_len} tasks");
    });
}

#[test]
fn spawn_outside_a_runtime_panics_with_a_clear_message() {
    let result = std::panic::catch_unwind(|| {
        let mut set = JoinSet::new();
        set.spawn(async {});
    });
    let message = tests::panic_message(&*result.unwrap_err());
    assert!(message.contains("runtime"), "{message}");
}
