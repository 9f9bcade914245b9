//! `sleep`, `sleep_until` and `Sleep`: ordering, never early, cancellation
//! at every point, reset, saturation, and many timers at once.

use runtime::time::{Instant, Sleep, sleep, sleep_until};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Poll, Wake, Waker};
use std::time::Duration;
use tests::{CountingWaker, Either, all_runtimes, paused, poll_noop, poll_once, race, scaled};

const _: () = {
    const fn assert_auto_traits<T: Send + Sync + Unpin>() {}
    assert_auto_traits::<Sleep>();
};

fn xorshift(state: &mut u64) -> u64 {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    x
}

/// Many timers with distinct deadlines, registered in shuffled order,
/// complete in deadline order (paused clock: deterministic).
#[test]
fn many_timers_complete_in_deadline_order() {
    let rt = paused();
    let n = scaled(1000) as u64;
    let order = rt.block_on(async move {
        let order = Arc::new(Mutex::new(Vec::new()));
        let start = Instant::now();
        let mut rng = 7u64;
        let mut ids: Vec<u64> = (0..n).collect();
        for i in (1..ids.len()).rev() {
            ids.swap(i, xorshift(&mut rng) as usize % (i + 1));
        }
        let mut tasks = Vec::new();
        for id in ids {
            let order = order.clone();
            // Deadlines 1 ms apart, some sub-millisecond apart too.
            let at = start + Duration::from_micros(500 * id + 1);
            tasks.push(runtime::spawn(async move {
                sleep_until(at).await;
                assert_eq!(Instant::now(), at, "fired at its deadline exactly");
                order.lock().unwrap().push(id);
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        Arc::try_unwrap(order).unwrap().into_inner().unwrap()
    });
    assert_eq!(order, (0..n).collect::<Vec<_>>());
}

/// In real time, on every runtime shape: no timer completes before its
/// deadline, and every timer completes.
#[test]
fn a_timer_never_fires_early() {
    for (name, rt) in all_runtimes() {
        let n = scaled(200);
        rt.block_on(async move {
            let mut tasks = Vec::new();
            for i in 0..n {
                let d = Duration::from_micros(((i * 7919) % 5000) as u64);
                tasks.push(runtime::spawn(async move {
                    let before = std::time::Instant::now();
                    let s = sleep(d);
                    let deadline = s.deadline();
                    s.await;
                    assert!(std::time::Instant::now() >= deadline.into_std());
                    assert!(before.elapsed() >= d);
                }));
            }
            for t in tasks {
                t.await.unwrap();
            }
        });
        drop(name);
    }
}

/// 100k timers, random 1..20 ms, on a multi-thread runtime: all complete,
/// none early.
#[test]
fn hundred_thousand_timers() {
    let rt = tests::multi(2);
    let n = scaled(100_000);
    let done = rt.block_on(async move {
        let mut tasks = Vec::with_capacity(n);
        let mut rng = 42u64;
        for _ in 0..n {
            let d = Duration::from_micros(1000 + xorshift(&mut rng) % 19_000);
            tasks.push(runtime::spawn(async move {
                let s = sleep(d);
                let deadline = s.deadline();
                s.await;
                assert!(Instant::now() >= deadline, "early");
            }));
        }
        let mut done = 0;
        for t in tasks {
            t.await.unwrap();
            done += 1;
        }
        done
    });
    assert_eq!(done, n);
}

/// `sleep(ZERO)` yields once (the other task runs in between), then
/// completes.
#[test]
fn sleep_zero_yields_once_then_completes() {
    let rt = tests::current();
    rt.block_on(async {
        let flag = Arc::new(Mutex::new(false));
        let other = {
            let flag = flag.clone();
            runtime::spawn(async move { *flag.lock().unwrap() = true })
        };
        let mut zero = sleep(Duration::ZERO);
        assert!(poll_noop(&mut zero).is_pending(), "yields first");
        assert!(poll_noop(&mut zero).is_ready(), "then completes");
        sleep(Duration::ZERO).await;
        assert!(*flag.lock().unwrap(), "the other task ran during the yield");
        other.await.unwrap();
    });
}

/// A deadline in the past behaves like a zero sleep.
#[test]
fn sleep_until_the_past_completes() {
    let rt = tests::current();
    rt.block_on(async {
        let past = Instant::now();
        sleep(Duration::from_millis(1)).await;
        sleep_until(past).await;
        assert!(sleep_until(past).is_elapsed());
    });
}

/// Durations past the wheel's reach saturate: no overflow, no panic, and
/// they are still pending after the clock jumps years.
#[test]
fn huge_durations_saturate() {
    let rt = paused();
    rt.block_on(async {
        let year = Duration::from_secs(365 * 86_400);
        let mut far = sleep(year * 3);
        let mut farther = sleep(year * 500);
        let mut max = sleep(Duration::MAX);
        let mut max_until = sleep_until(Instant::now() + year * 10_000);
        for s in [&mut far, &mut farther, &mut max, &mut max_until] {
            assert!(poll_noop(s).is_pending());
        }
        runtime::time::advance(year * 3).await;
        assert!(far.is_elapsed());
        assert!(poll_noop(&mut far).is_ready());
        assert!(poll_noop(&mut farther).is_pending());
        runtime::time::advance(year * 497).await;
        assert!(poll_noop(&mut farther).is_ready());
        assert!(poll_noop(&mut max).is_pending());
        assert!(poll_noop(&mut max_until).is_pending());
    });
}

/// `Duration::MAX` never fires: racing it against a real timer, the real
/// one always wins, even with a paused clock that auto-advances.
#[test]
fn duration_max_never_fires() {
    let rt = paused();
    rt.block_on(async {
        let out = race(
            sleep(Duration::MAX),
            sleep(Duration::from_secs(86_400 * 365 * 100)),
        )
        .await;
        assert_eq!(out, Either::Right(()));
    });
}

/// Dropping a sleep at every point of its life: before its first poll,
/// while registered, after it fired but before it was polled, after it
/// completed. None of it disturbs the other timers.
#[test]
fn cancel_at_every_point() {
    let rt = paused();
    rt.block_on(async {
        let keep = sleep(Duration::from_secs(10));
        drop(sleep(Duration::from_secs(1))); // never polled
        let mut registered = sleep(Duration::from_secs(1));
        assert!(poll_noop(&mut registered).is_pending());
        drop(registered);
        let mut fired = sleep(Duration::from_secs(1));
        assert!(poll_noop(&mut fired).is_pending());
        runtime::time::advance(Duration::from_secs(2)).await;
        assert!(fired.is_elapsed());
        drop(fired); // fired, never observed
        let mut completed = sleep(Duration::from_secs(1));
        assert!(poll_noop(&mut completed).is_pending());
        runtime::time::advance(Duration::from_secs(1)).await;
        assert!(poll_noop(&mut completed).is_ready());
        drop(completed);
        let start = Instant::now();
        keep.await; // due 10 s after the start, 3 s have passed
        assert_eq!(start.elapsed(), Duration::from_secs(7));
    });
}

/// Cancellation racing the driver's fire, for real, on many threads:
/// short timeouts around short sleeps, half of them losing.
#[test]
fn cancel_racing_fire_under_load() {
    let rt = tests::multi(4);
    let n = scaled(20_000);
    rt.block_on(async move {
        let mut tasks = Vec::new();
        for i in 0..n {
            tasks.push(runtime::spawn(async move {
                let a = Duration::from_micros((i * 37 % 2000) as u64);
                let b = Duration::from_micros((i * 53 % 2000) as u64);
                match race(sleep(a), sleep(b)).await {
                    Either::Left(()) | Either::Right(()) => {}
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
    });
}

/// `reset` moves a pending sleep later or earlier, and re-arms a completed
/// one.
#[test]
fn reset_moves_the_deadline() {
    let rt = paused();
    rt.block_on(async {
        let start = Instant::now();
        let mut s = sleep(Duration::from_secs(5));
        assert!(poll_noop(&mut s).is_pending());
        Pin::new(&mut s).reset(start + Duration::from_secs(8)); // later
        runtime::time::advance(Duration::from_secs(5)).await;
        assert!(poll_noop(&mut s).is_pending());
        Pin::new(&mut s).reset(start + Duration::from_secs(4)); // earlier, in the past
        assert!(s.is_elapsed());
        (&mut s).await;
        assert_eq!(Instant::now(), start + Duration::from_secs(5));
        // Completed: reset runs it again.
        Pin::new(&mut s).reset(start + Duration::from_secs(9));
        assert!(!s.is_elapsed());
        (&mut s).await;
        assert_eq!(Instant::now(), start + Duration::from_secs(9));
        assert_eq!(s.deadline(), start + Duration::from_secs(9));
    });
}

/// A reset of a registered sleep wakes its task at the new deadline even
/// without a poll in between (the entry keeps its waker).
#[test]
fn reset_keeps_the_waker() {
    let rt = paused();
    rt.block_on(async {
        let start = Instant::now();
        let shared = Arc::new(Mutex::new(sleep(Duration::from_secs(100))));
        let waiter = {
            let shared = shared.clone();
            runtime::spawn(async move {
                std::future::poll_fn(|cx| Pin::new(&mut *shared.lock().unwrap()).poll(cx)).await;
                Instant::now()
            })
        };
        runtime::yield_now().await; // the waiter registers
        let at = start + Duration::from_secs(3);
        Pin::new(&mut *shared.lock().unwrap()).reset(at);
        assert_eq!(waiter.await.unwrap(), at);
    });
}

/// The timer fired (the driver took the waker to wake it) and the sleep is
/// reset before it is polled again: the task is still woken at the new
/// deadline. (The entry used to lose its waker at the fire, so the re-armed
/// timer woke nobody.)
#[test]
fn reset_after_an_unobserved_fire_keeps_the_waker() {
    let rt = paused();
    rt.block_on(async {
        let (count, waker) = CountingWaker::new();
        let start = Instant::now();
        let mut s = sleep(Duration::from_secs(1));
        assert!(poll_once(Pin::new(&mut s), &waker).is_pending());
        runtime::time::advance(Duration::from_secs(1)).await;
        assert_eq!(count.count(), 1, "the fire wakes the task");
        // Reset without polling: the fire is not observed.
        Pin::new(&mut s).reset(start + Duration::from_secs(3));
        runtime::time::advance(Duration::from_secs(1)).await;
        assert_eq!(count.count(), 1, "woken before the new deadline");
        runtime::time::advance(Duration::from_secs(1)).await;
        assert_eq!(count.count(), 2, "the reset timer woke nobody");
        assert!(poll_once(Pin::new(&mut s), &waker).is_ready());
    });
}

/// The same from a task: woken by the fire, it resets the sleep (without
/// polling it) and waits; it must be woken at the new deadline, not left
/// for the 60 s timeout.
#[test]
fn reset_in_the_wakeup_of_a_fire_wakes_at_the_new_deadline() {
    let rt = paused();
    rt.block_on(async {
        let start = Instant::now();
        let again = start + Duration::from_secs(3);
        let waiter = runtime::spawn(async move {
            let mut s = sleep(Duration::from_secs(1));
            let mut polls = 0;
            std::future::poll_fn(|cx| {
                polls += 1;
                match polls {
                    1 => Pin::new(&mut s).poll(cx),
                    2 => {
                        // Woken by the fire: move the deadline instead.
                        assert_eq!(Instant::now(), start + Duration::from_secs(1));
                        Pin::new(&mut s).reset(again);
                        Poll::Pending
                    }
                    _ => Pin::new(&mut s).poll(cx),
                }
            })
            .await;
            Instant::now()
        });
        let woke = runtime::time::timeout(Duration::from_secs(60), waiter)
            .await
            .expect("the reset sleep never woke its task")
            .unwrap();
        assert_eq!(woke, again);
    });
}

/// A waker that panics when woken.
struct PanickingWaker;

impl Wake for PanickingWaker {
    fn wake(self: Arc<Self>) {
        panic!("deliberate: a waker that panics (time_sleep test)");
    }
}

/// Timers firing together, the first with a waker that panics: the others
/// of the batch are still woken, and the panic does not escape `advance`.
/// (It used to unwind out of the driver's wake loop, dropping the wakers
/// it had not reached.)
#[test]
fn a_panicking_waker_does_not_lose_the_rest_of_its_batch() {
    let rt = paused();
    rt.block_on(async {
        let at = Instant::now() + Duration::from_secs(1);
        // Registered first, so first in the batch.
        let mut doomed = sleep_until(at);
        let bad = Waker::from(Arc::new(PanickingWaker));
        assert!(poll_once(Pin::new(&mut doomed), &bad).is_pending());
        let counters: Vec<_> = (0..3)
            .map(|_| {
                let (count, waker) = CountingWaker::new();
                let mut s = sleep_until(at);
                assert!(poll_once(Pin::new(&mut s), &waker).is_pending());
                (count, s)
            })
            .collect();
        let advanced = std::panic::AssertUnwindSafe(runtime::time::advance(Duration::from_secs(1)));
        let escaped = futures_lite::FutureExt::catch_unwind(advanced)
            .await
            .is_err();
        let woken: Vec<usize> = counters.iter().map(|(count, _)| count.count()).collect();
        assert_eq!(woken, [1, 1, 1], "wakers after the panicking one were lost");
        assert!(!escaped, "the waker's panic escaped the driver");
        drop(doomed);
    });
}

/// The same through the driver's own park (auto-advance on the paused
/// clock): the panic does not take the runtime down, and the tasks whose
/// timers fired in the same batch complete.
#[test]
fn a_panicking_waker_does_not_stop_the_driver() {
    let rt = paused();
    rt.block_on(async {
        let at = Instant::now() + Duration::from_secs(1);
        let mut doomed = sleep_until(at);
        let bad = Waker::from(Arc::new(PanickingWaker));
        assert!(poll_once(Pin::new(&mut doomed), &bad).is_pending());
        let tasks: Vec<_> = (0..3)
            .map(|_| {
                runtime::spawn(async move {
                    sleep_until(at).await;
                    Instant::now()
                })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap(), at);
        }
        drop(doomed);
    });
}

/// A sleep registered from another thread (a blocking thread running its
/// own `block_on` on the runtime's handle) wakes the parked driver.
#[test]
fn registration_from_another_thread_wakes_the_driver() {
    for (name, rt) in all_runtimes() {
        let handle = rt.handle().clone();
        let out = rt.block_on(async move {
            runtime::spawn_blocking(move || {
                handle.block_on(async {
                    let s = sleep(Duration::from_millis(2));
                    let deadline = s.deadline();
                    s.await;
                    Instant::now() >= deadline
                })
            })
            .await
            .unwrap()
        });
        assert!(out, "{name}: early");
    }
}

/// `sleep` outside a runtime panics, saying what to do.
#[test]
fn sleep_outside_a_runtime_panics_with_advice() {
    let err = std::panic::catch_unwind(|| sleep(Duration::from_secs(1))).unwrap_err();
    let msg = tests::panic_message(&*err);
    assert!(msg.contains("runtime::time::sleep()"), "{msg}");
    assert!(msg.contains("outside of a runtime"), "{msg}");
    assert!(msg.contains("Runtime::enter"), "{msg}");
}

/// A sleep that completes spends cooperative budget: a task awaiting
/// endless already-due timers still lets the others run.
#[test]
fn completed_sleeps_spend_budget() {
    let rt = paused();
    rt.block_on(async {
        // Inside a task: block_on's own future runs without a budget.
        runtime::spawn(async {
            let other = runtime::spawn(async { 1 });
            let mut s = sleep(Duration::from_secs(1));
            (&mut s).await;
            let mut spins = 0u64;
            while !other.is_finished() {
                // A completed sleep is ready at once; only the budget yields.
                (&mut s).await;
                spins += 1;
                assert!(spins < 10_000, "the other task never ran");
            }
            assert_eq!(other.await.unwrap(), 1);
        })
        .await
        .unwrap();
    });
}

/// Timers still pending when the runtime is dropped are released with it.
#[test]
fn pending_timers_are_dropped_with_the_runtime() {
    let counter = tests::DropCounter::new();
    {
        let rt = tests::multi(2);
        for _ in 0..10 {
            let token = counter.token();
            rt.spawn(async move {
                sleep(Duration::from_secs(3600)).await;
                drop(token);
            });
        }
        rt.block_on(async { sleep(Duration::from_millis(1)).await });
    }
    assert_eq!(counter.count(), 10);
}

/// The driver sleeps toward an hour-long timer; a 2 ms timer registered
/// afterwards, from another thread, wakes it early. (Were the wake-up
/// lost, this test would hang for an hour rather than pass.)
#[test]
fn an_earlier_timer_wakes_a_driver_sleeping_toward_a_later_one() {
    for (name, rt) in all_runtimes() {
        let handle = rt.handle().clone();
        let out = rt.block_on(async move {
            let long = runtime::spawn(sleep(Duration::from_secs(3600)));
            // Let the runtime go idle with only the long timer pending.
            sleep(Duration::from_millis(1)).await;
            let short = runtime::spawn_blocking(move || {
                handle.block_on(async {
                    let s = sleep(Duration::from_millis(2));
                    let deadline = s.deadline();
                    s.await;
                    Instant::now() >= deadline
                })
            });
            let early_enough = short.await.unwrap();
            assert!(!long.is_finished());
            long.abort();
            early_enough
        });
        assert!(out, "{name}: early");
    }
}
