//! task::wait: asyncio.wait with return_when.

use runtime::task::{ReturnWhen, wait};
use tests::{Gate, all_runtimes};

#[test]
fn first_completed_returns_done_and_pending() {
    for (name, rt) in all_runtimes() {
        rt.block_on(async {
            let gate = Gate::new();
            let g = gate.clone();
            let handles = vec![
                runtime::spawn(async move {
                    g.wait().await;
                    1
                }),
                runtime::spawn(async { 2 }),
            ];
            let (done, pending) = wait(handles, ReturnWhen::FirstCompleted).await;
            assert_eq!(done.len(), 1, "{name}");
            assert_eq!(*done[0].as_ref().unwrap(), 2);
            assert_eq!(pending.len(), 1);
            gate.open();
            let rest = pending.into_iter().next().unwrap().await.unwrap();
            assert_eq!(rest, 1);
        });
    }
}

#[test]
fn first_exception_waits_for_a_failure() {
    let rt = tests::multi(2);
    rt.block_on(async {
        let handles = vec![
            runtime::spawn(async { 1 }),
            runtime::spawn(async { panic!("failure") }),
            runtime::spawn(std::future::pending::<i32>()),
        ];
        let (done, pending) = wait(handles, ReturnWhen::FirstException).await;
        assert!(done.iter().any(|r| r.as_ref().is_err_and(|e| e.is_panic())));
        assert_eq!(
            pending.len(),
            1,
            "the pending task is returned, not cancelled"
        );
        assert!(!pending[0].is_finished());
        pending[0].abort();
    });
}

#[test]
fn first_exception_without_failures_is_all_completed() {
    let rt = tests::current();
    rt.block_on(async {
        let handles = (0..4).map(|i| runtime::spawn(async move { i })).collect();
        let (done, pending) = wait(handles, ReturnWhen::FirstException).await;
        assert_eq!(done.len(), 4);
        assert!(pending.is_empty());
    });
}

#[test]
fn all_completed_keeps_input_order() {
    let rt = tests::multi(2);
    rt.block_on(async {
        let handles = (0..8u64)
            .map(|i| {
                runtime::spawn(async move {
                    for _ in 0..(8 - i) {
                        runtime::yield_now().await;
                    }
                    i
                })
            })
            .collect();
        let (done, pending) = wait(handles, ReturnWhen::AllCompleted).await;
        assert!(pending.is_empty());
        let values: Vec<u64> = done.into_iter().map(Result::unwrap).collect();
        assert_eq!(values, (0..8).collect::<Vec<_>>());
    });
}

#[test]
fn every_finished_task_is_in_done() {
    // Two tasks finish before wait is even polled: FirstCompleted still
    // reports both.
    let rt = tests::current();
    rt.block_on(async {
        let a = runtime::spawn(async { 'a' });
        let b = runtime::spawn(async { 'b' });
        while !(a.is_finished() && b.is_finished()) {
            runtime::yield_now().await;
        }
        let (done, pending) = wait(vec![a, b], ReturnWhen::FirstCompleted).await;
        assert_eq!(done.len(), 2);
        assert!(pending.is_empty());
    });
}

#[test]
fn empty_input_returns_at_once() {
    let rt = tests::current();
    let (done, pending) = rt.block_on(wait(
        Vec::<runtime::task::JoinHandle<()>>::new(),
        ReturnWhen::AllCompleted,
    ));
    assert!(done.is_empty() && pending.is_empty());
}

#[test]
fn wait_timeout_returns_what_is_done_at_the_deadline() {
    use std::time::Duration;
    let rt = tests::paused();
    rt.block_on(async {
        let quick = runtime::spawn(async { 1 });
        let slow = runtime::spawn(async {
            runtime::time::sleep(Duration::from_secs(10)).await;
            2
        });
        let start = runtime::time::Instant::now();
        let (done, pending) = runtime::task::wait_timeout(
            vec![quick, slow],
            ReturnWhen::AllCompleted,
            Duration::from_secs(1),
        )
        .await;
        assert_eq!(
            start.elapsed(),
            Duration::from_secs(1),
            "returned at the deadline (paused clock)"
        );
        assert_eq!(done.len(), 1);
        assert_eq!(*done[0].as_ref().unwrap(), 1);
        assert_eq!(pending.len(), 1, "not cancelled");
        assert_eq!(pending.into_iter().next().unwrap().await.unwrap(), 2);
    });
}

#[test]
fn wait_timeout_returns_early_when_the_condition_is_met() {
    use std::time::Duration;
    let rt = tests::paused();
    rt.block_on(async {
        let start = runtime::time::Instant::now();
        let quick = runtime::spawn(async { 1 });
        let (done, pending) = runtime::task::wait_timeout(
            vec![quick],
            ReturnWhen::AllCompleted,
            Duration::from_secs(60),
        )
        .await;
        assert_eq!(done.len(), 1);
        assert!(pending.is_empty());
        assert!(start.elapsed() < Duration::from_secs(60));
    });
}

/// A parent waker whose `Arc` count shows who still holds it.
struct Parent;

impl std::task::Wake for Parent {
    fn wake(self: std::sync::Arc<Self>) {}
}

#[test]
fn wait_does_not_leave_the_parent_waker_in_the_pending_tasks() {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Arc;
    use std::task::{Context, Poll, Waker};

    let rt = tests::current();
    rt.block_on(async {
        let parent = Arc::new(Parent);
        let waker = Waker::from(parent.clone());
        let held = Arc::strong_count(&parent);
        let gate = Gate::new();
        let g = gate.clone();
        let handles = vec![
            runtime::spawn(async move {
                g.wait().await;
                1
            }),
            runtime::spawn(async { 2 }),
        ];
        // Polled by hand with the counted waker; yielding lets the tasks run.
        let mut waiting = wait(handles, ReturnWhen::FirstCompleted);
        let (done, pending) = loop {
            if let Poll::Ready(out) = Pin::new(&mut waiting).poll(&mut Context::from_waker(&waker))
            {
                break out;
            }
            runtime::yield_now().await;
        };
        assert_eq!((done.len(), pending.len()), (1, 1));
        // The task still running was given a child waker of the set as its
        // join waker; through it, the set must not keep the parent's waker.
        assert_eq!(
            Arc::strong_count(&parent),
            held,
            "a pending task still holds the waker of the task that waited"
        );
        gate.open();
        assert_eq!(pending.into_iter().next().unwrap().await.unwrap(), 1);
    });
}
