//! `interval`: the schedule, the three missed-tick policies, `Stream`,
//! reset. All on a paused clock, so every instant is exact.

use futures_core_shim::next;
use runtime::time::{Instant, MissedTickBehavior, advance, interval, interval_at, sleep};
use std::time::Duration;
use tests::paused;

const MS: Duration = Duration::from_millis(1);

/// `Stream::poll_next` through `poll_fn`, without a futures dependency.
mod futures_core_shim {
    pub async fn next(i: &mut runtime::time::Interval) -> Option<runtime::time::Instant> {
        std::future::poll_fn(|cx| i.poll_tick(cx).map(Some)).await
    }
}

#[test]
fn ticks_follow_the_schedule_first_at_once() {
    paused().block_on(async {
        let start = Instant::now();
        let mut ticks = interval(10 * MS);
        for n in 0..5u32 {
            assert_eq!(ticks.tick().await, start + 10 * MS * n);
            assert_eq!(Instant::now(), start + 10 * MS * n);
            // Work shorter than a period does not shift the schedule.
            sleep(3 * MS).await;
        }
    });
}

#[test]
fn interval_at_starts_later() {
    paused().block_on(async {
        let start = Instant::now() + 25 * MS;
        let mut ticks = interval_at(start, 10 * MS);
        assert_eq!(ticks.tick().await, start);
        assert_eq!(ticks.tick().await, start + 10 * MS);
    });
}

/// Ticks due at 0, 10, 20...; the tick due at 10 is taken at 35.
async fn late_ticks(policy: MissedTickBehavior) -> Vec<(Duration, Duration)> {
    let start = Instant::now();
    let mut ticks = interval(10 * MS);
    ticks.set_missed_tick_behavior(policy);
    ticks.tick().await; // 0
    advance(35 * MS).await; // busy until 35
    let mut seen = Vec::new();
    for _ in 0..4 {
        let scheduled = ticks.tick().await;
        seen.push((scheduled - start, Instant::now() - start));
    }
    seen
}

#[test]
fn burst_catches_up_then_keeps_the_schedule() {
    let seen = paused().block_on(late_ticks(MissedTickBehavior::Burst));
    assert_eq!(
        seen,
        [
            (10 * MS, 35 * MS),
            (20 * MS, 35 * MS),
            (30 * MS, 35 * MS),
            (40 * MS, 40 * MS)
        ]
    );
}

#[test]
fn delay_restarts_the_schedule_from_the_late_tick() {
    let seen = paused().block_on(late_ticks(MissedTickBehavior::Delay));
    assert_eq!(
        seen,
        [
            (10 * MS, 35 * MS),
            (45 * MS, 45 * MS),
            (55 * MS, 55 * MS),
            (65 * MS, 65 * MS)
        ]
    );
}

#[test]
fn skip_drops_the_missed_ticks() {
    let seen = paused().block_on(late_ticks(MissedTickBehavior::Skip));
    assert_eq!(
        seen,
        [
            (10 * MS, 35 * MS),
            (40 * MS, 40 * MS),
            (50 * MS, 50 * MS),
            (60 * MS, 60 * MS)
        ]
    );
}

/// Late by less than a period is not a missed tick: every policy keeps
/// the schedule.
#[test]
fn a_slightly_late_tick_is_not_missed() {
    for policy in [
        MissedTickBehavior::Burst,
        MissedTickBehavior::Delay,
        MissedTickBehavior::Skip,
    ] {
        paused().block_on(async move {
            let start = Instant::now();
            let mut ticks = interval(10 * MS);
            ticks.set_missed_tick_behavior(policy);
            ticks.tick().await;
            advance(17 * MS).await;
            assert_eq!(ticks.tick().await, start + 10 * MS);
            assert_eq!(ticks.tick().await, start + 20 * MS, "{policy:?}");
        });
    }
}

#[test]
fn stream_yields_the_ticks() {
    paused().block_on(async {
        let start = Instant::now();
        let mut ticks = interval(5 * MS);
        let mut got = Vec::new();
        while let Some(at) = next(&mut ticks).await {
            got.push(at - start);
            if got.len() == 3 {
                break;
            }
        }
        assert_eq!(got, [Duration::ZERO, 5 * MS, 10 * MS]);
    });
}

#[test]
fn reset_restarts_from_now() {
    paused().block_on(async {
        let mut ticks = interval(10 * MS);
        ticks.tick().await;
        sleep(4 * MS).await;
        ticks.reset();
        let now = Instant::now();
        assert_eq!(ticks.tick().await, now + 10 * MS);
        assert_eq!(ticks.period(), 10 * MS);
    });
}

/// In real time, ticks are never early.
#[test]
fn real_time_ticks_are_never_early() {
    tests::current().block_on(async {
        let mut ticks = interval(2 * MS);
        for _ in 0..5 {
            let scheduled = ticks.tick().await;
            assert!(Instant::now() >= scheduled);
        }
    });
}

#[test]
#[should_panic(expected = "period must be non-zero")]
fn zero_period_panics() {
    paused().block_on(async {
        let _ = interval(Duration::ZERO);
    });
}
