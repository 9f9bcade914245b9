//! TaskGroup: asyncio.TaskGroup's structured concurrency.

use runtime::task::TaskGroup;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tests::{DropCounter, Gate, all_runtimes, multi};

#[test]
fn results_in_spawn_order() {
    for (name, rt) in all_runtimes() {
        let out = rt.block_on(async {
            let group: TaskGroup<u32, ()> = TaskGroup::new();
            for i in 0..10u32 {
                group.spawn(async move {
                    for _ in 0..(10 - i) {
                        runtime::yield_now().await;
                    }
                    Ok(i)
                });
            }
            group.join().await
        });
        assert_eq!(out.unwrap(), (0..10).collect::<Vec<_>>(), "{name}");
    }
}

#[test]
fn first_error_cancels_the_rest_before_join_returns() {
    for (name, rt) in all_runtimes() {
        let drops = DropCounter::new();
        let err = rt.block_on({
            let drops = drops.clone();
            async move {
                let group: TaskGroup<(), String> = TaskGroup::new();
                for _ in 0..5 {
                    let token = drops.token();
                    group.spawn(async move {
                        let _token = token;
                        std::future::pending::<()>().await;
                        Ok(())
                    });
                }
                let failing = group.spawn(async {
                    runtime::yield_now().await;
                    Err("bad".to_string())
                });
                let err = group.join().await.unwrap_err();
                assert_eq!(err.task_id(), failing);
                err
            }
        });
        assert_eq!(err.error().map(String::as_str), Some("bad"), "{name}");
        // No task outlives join: all five were cancelled and dropped.
        assert_eq!(drops.count(), 5, "{name}");
        assert!(err.others().is_empty(), "cancellations are not failures");
        assert!(err.to_string().contains("bad"));
    }
}

#[test]
fn a_panic_fails_the_group() {
    let rt = multi(2);
    let err = rt.block_on(async {
        let group: TaskGroup<(), ()> = TaskGroup::new();
        group.spawn(async { panic!("in the group") });
        group.spawn(std::future::pending());
        group.join().await.unwrap_err()
    });
    assert!(err.is_panic());
    assert!(!err.is_cancelled());
    assert!(err.error().is_none());
    assert_eq!(tests::panic_message(&*err.into_panic()), "in the group");
}

#[test]
fn failures_during_cancellation_are_collected() {
    let rt = tests::current();
    let err = rt.block_on(async {
        let group: TaskGroup<(), u32> = TaskGroup::new();
        // Both fail in the same turn of the loop: the second failure
        // happens before the first one's cancellation can reach it.
        group.spawn(async { Err(1) });
        group.spawn(async { Err(2) });
        group.join().await.unwrap_err()
    });
    assert_eq!(err.error(), Some(&1));
    assert_eq!(err.others().len(), 1);
    assert_eq!(err.others()[0].error(), Some(&2));
}

#[test]
fn dropping_the_group_cancels_its_tasks() {
    let rt = multi(2);
    let drops = DropCounter::new();
    let finished = Arc::new(AtomicBool::new(false));
    rt.block_on({
        let (drops, finished) = (drops.clone(), finished.clone());
        async move {
            let group: TaskGroup<(), ()> = TaskGroup::new();
            let token = drops.token();
            group.spawn(async move {
                let _token = token;
                std::future::pending::<()>().await;
                finished.store(true, Ordering::SeqCst);
                Ok(())
            });
            drop(group);
        }
    });
    // Cancelled, and dropped on a worker at its next scheduling point.
    rt.block_on(async {
        while drops.count() == 0 {
            runtime::yield_now().await;
        }
    });
    assert!(!finished.load(Ordering::SeqCst));
}

#[test]
fn dropping_join_midway_cancels_the_tasks() {
    let rt = tests::current();
    let drops = DropCounter::new();
    let gate = Gate::new();
    rt.block_on({
        let (drops, gate) = (drops.clone(), gate.clone());
        async move {
            let group: TaskGroup<(), ()> = TaskGroup::new();
            let token = drops.token();
            group.spawn(async move {
                let _token = token;
                gate.wait().await;
                Ok(())
            });
            let mut join = std::pin::pin!(group.join());
            // Poll once, then give up on it.
            let _ = std::future::poll_fn(|cx| {
                let _ = join.as_mut().poll(cx);
                std::task::Poll::Ready(())
            })
            .await;
        }
    });
    rt.block_on(async {
        while drops.count() == 0 {
            runtime::yield_now().await;
        }
    });
    assert!(!gate.is_open());
}

#[test]
fn empty_group_joins_to_nothing() {
    let rt = tests::current();
    let out = rt.block_on(async { TaskGroup::<(), ()>::new().join().await });
    assert_eq!(out, Ok(vec![]));
}

use std::future::Future;

/// A parent waker whose `Arc` count shows who still holds it.
struct Parent;

impl std::task::Wake for Parent {
    fn wake(self: Arc<Self>) {}
}

#[test]
fn a_dropped_join_lets_go_of_the_parent_waker_at_once() {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Waker};

    let rt = tests::current();
    rt.block_on(async {
        let parent = Arc::new(Parent);
        let waker = Waker::from(parent.clone());
        let held = Arc::strong_count(&parent);
        let group: TaskGroup<(), ()> = TaskGroup::new();
        group.spawn(std::future::pending());
        let mut join = group.join();
        assert!(
            Pin::new(&mut join)
                .poll(&mut Context::from_waker(&waker))
                .is_pending()
        );
        // Cancels the task, which has not stopped yet: it still holds the
        // join waker the group gave it, which must not hold ours.
        drop(join);
        assert_eq!(
            Arc::strong_count(&parent),
            held,
            "a cancelled, not yet stopped task holds the waker of the task that joined"
        );
    });
}
