//! `timeout` and `timeout_at`: asyncio's `wait_for` / `timeout`.

use runtime::time::{Elapsed, Instant, sleep, timeout, timeout_at};
use std::time::Duration;
use tests::{DropCounter, paused};

#[test]
fn a_ready_future_returns_ok_even_with_a_zero_duration() {
    paused().block_on(async {
        assert_eq!(timeout(Duration::ZERO, async { 7 }).await, Ok(7));
        assert_eq!(
            timeout_at(Instant::now(), std::future::ready("x")).await,
            Ok("x")
        );
    });
}

#[test]
fn a_future_that_finishes_in_time_returns_ok() {
    paused().block_on(async {
        let start = Instant::now();
        let out = timeout(Duration::from_secs(5), async {
            sleep(Duration::from_secs(2)).await;
            "done"
        })
        .await;
        assert_eq!(out, Ok("done"));
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    });
}

/// The deadline fires: `Err(Elapsed)` at the deadline exactly, and the
/// inner future is dropped (asyncio cancels it).
#[test]
fn a_timeout_that_fires_drops_the_inner_future() {
    paused().block_on(async {
        let dropped = DropCounter::new();
        let token = dropped.token();
        let start = Instant::now();
        let out = timeout(Duration::from_secs(3), async move {
            let _token = token;
            sleep(Duration::from_secs(60)).await;
        })
        .await;
        assert!(out.is_err());
        assert_eq!(start.elapsed(), Duration::from_secs(3));
        assert_eq!(dropped.count(), 1);
    });
}

fn elapsed() -> Elapsed {
    // The only way to get one: a timeout that fires.
    tests::current().block_on(async {
        timeout(Duration::ZERO, std::future::pending::<()>())
            .await
            .unwrap_err()
    })
}

#[test]
fn timeout_at_shares_a_deadline_between_steps() {
    paused().block_on(async {
        let deadline = Instant::now() + Duration::from_secs(10);
        assert!(
            timeout_at(deadline, sleep(Duration::from_secs(4)))
                .await
                .is_ok()
        );
        assert!(
            timeout_at(deadline, sleep(Duration::from_secs(4)))
                .await
                .is_ok()
        );
        assert!(
            timeout_at(deadline, sleep(Duration::from_secs(4)))
                .await
                .is_err()
        );
        assert_eq!(Instant::now(), deadline);
    });
}

#[test]
fn nested_timeouts_the_inner_one_fires_first() {
    paused().block_on(async {
        let out = timeout(
            Duration::from_secs(10),
            timeout(Duration::from_secs(1), std::future::pending::<()>()),
        )
        .await;
        assert!(matches!(out, Ok(Err(_))));
    });
}

/// An inner future that uses up the task's budget every poll (and never
/// finishes) still times out. (Real time: such a task is never idle, so a
/// paused clock would never auto-advance.)
#[test]
fn a_budget_hog_still_times_out() {
    tests::current().block_on(async {
        runtime::spawn(async {
            let hog = async {
                loop {
                    runtime::task::consume_budget().await;
                }
            };
            timeout(Duration::from_millis(1), hog).await
        })
        .await
        .unwrap()
        .unwrap_err();
    });
}

/// In real time, on every runtime shape: a timeout never fires early.
#[test]
fn real_time_timeouts_never_fire_early() {
    for (name, rt) in tests::all_runtimes() {
        rt.block_on(async {
            let start = std::time::Instant::now();
            let out = timeout(Duration::from_millis(3), std::future::pending::<()>()).await;
            assert!(out.is_err());
            assert!(start.elapsed() >= Duration::from_millis(3), "{name}");
        });
    }
}

#[test]
fn elapsed_is_asyncio_timeout_error() {
    let err = elapsed();
    assert_eq!(err.to_string(), "deadline has elapsed");
    let io: std::io::Error = err.into();
    assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(err);
    assert_eq!(boxed.to_string(), "deadline has elapsed");
}

/// Outside a runtime, a timeout is only a problem once it has to wait.
#[test]
fn timeout_outside_a_runtime_panics_with_advice_when_it_must_wait() {
    let mut ready = Box::pin(timeout(Duration::from_secs(1), async { 1 }));
    assert_eq!(tests::poll_noop(&mut ready), std::task::Poll::Ready(Ok(1)));
    let err = std::panic::catch_unwind(|| {
        let mut waiting = Box::pin(timeout(
            Duration::from_secs(1),
            std::future::pending::<()>(),
        ));
        let _ = tests::poll_noop(&mut waiting);
    })
    .unwrap_err();
    let msg = tests::panic_message(&*err);
    assert!(msg.contains("runtime::time::timeout()"), "{msg}");
    assert!(msg.contains("outside of a runtime"), "{msg}");
}

/// The time limit starts at the first poll, as asyncio's `wait_for`
/// starts when awaited.
#[test]
fn the_limit_starts_when_first_awaited() {
    paused().block_on(async {
        let guarded = timeout(Duration::from_secs(5), async {
            sleep(Duration::from_secs(8)).await
        });
        sleep(Duration::from_secs(4)).await; // not started yet
        let start = Instant::now();
        assert!(guarded.await.is_err());
        assert_eq!(start.elapsed(), Duration::from_secs(5));
    });
}
