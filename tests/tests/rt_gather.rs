//! gather!, try_gather!, task::gather, task::try_gather, as_completed.

use runtime::task::{as_completed, gather, try_gather};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use tests::{DropCounter, Gate, all_runtimes, multi, scaled};

async fn after_yields<T>(n: usize, value: T) -> T {
    for _ in 0..n {
        runtime::yield_now().await;
    }
    value
}

#[test]
fn gather_macro_gives_a_tuple_of_mixed_types() {
    for (name, rt) in all_runtimes() {
        let (a, b, c) = rt.block_on(async {
            runtime::gather!(after_yields(3, 1u8), after_yields(1, "two"), async {
                3.0f64
            })
            .await
        });
        assert_eq!((a, b, c), (1, "two", 3.0), "{name}");
    }
}

#[test]
fn gather_macro_futures_may_borrow_locals() {
    let rt = tests::current();
    let data = vec![1, 2, 3];
    let (sum, len) = rt.block_on(async {
        runtime::gather!(async { data.iter().sum::<i32>() }, async { data.len() }).await
    });
    assert_eq!((sum, len), (6, 3));
    assert_eq!(data, [1, 2, 3], "still ours");
}

#[test]
fn gather_macro_runs_concurrently_not_one_after_another() {
    // b can only finish after a opened the gate: sequential awaiting would
    // deadlock on b first.
    let rt = tests::current();
    let gate = Gate::new();
    let (a, b) = rt.block_on(async {
        runtime::gather!(
            async {
                gate.wait().await;
                "b waited"
            },
            async {
                gate.open();
                "a opened"
            },
        )
        .await
    });
    assert_eq!((a, b), ("b waited", "a opened"));
}

#[test]
fn try_gather_macro_returns_the_first_error_at_once() {
    let rt = tests::current();
    let out: Result<(u8, u8), &str> = rt.block_on(async {
        runtime::try_gather!(
            async {
                std::future::pending::<()>().await;
                Ok(1)
            },
            async { Err("failed") },
        )
        .await
    });
    assert_eq!(out, Err("failed"));
    let ok: Result<(u8, &str), ()> =
        rt.block_on(async { runtime::try_gather!(async { Ok(1) }, async { Ok("x") }).await });
    assert_eq!(ok, Ok((1, "x")));
}

#[test]
fn gather_keeps_input_order_whatever_the_completion_order() {
    for (name, rt) in all_runtimes() {
        let out = rt.block_on(async {
            // Later inputs finish first.
            let futures = (0..10usize).map(|i| after_yields(10 - i, i));
            gather(futures).await
        });
        assert_eq!(out, (0..10).collect::<Vec<_>>(), "{name}");
    }
}

#[test]
fn gather_of_join_handles_reports_each_task() {
    let rt = multi(2);
    let out = rt.block_on(async {
        let handles = vec![
            runtime::spawn(async { 1 }),
            runtime::spawn(async { panic!("task 2") }),
            runtime::spawn(async { 3 }),
        ];
        gather(handles).await
    });
    assert_eq!(*out[0].as_ref().unwrap(), 1);
    assert!(out[1].as_ref().unwrap_err().is_panic());
    assert_eq!(*out[2].as_ref().unwrap(), 3);
}

#[test]
fn gather_many_handles_polls_only_woken_ones() {
    // With poll-everything-on-every-wake this would take n² polls; count
    // the polls of a wrapper to see that it stays linear.
    let rt = multi(2);
    let polls = Arc::new(AtomicUsize::new(0));
    let n = scaled(20_000);
    rt.block_on({
        let polls = polls.clone();
        async move {
            let wrapped = (0..n).map(|i| {
                let polls = polls.clone();
                let mut handle = runtime::spawn(async move { i });
                std::future::poll_fn(move |cx| {
                    polls.fetch_add(1, Ordering::Relaxed);
                    std::pin::Pin::new(&mut handle).poll(cx)
                })
            });
            let out = gather(wrapped).await;
            assert_eq!(out.len(), n);
            assert!(
                out.iter()
                    .enumerate()
                    .all(|(i, r)| *r.as_ref().unwrap() == i)
            );
        }
    });
    let polls = polls.load(Ordering::SeqCst);
    assert!(polls <= 4 * n, "{polls} polls for {n} handles");
}

#[test]
fn try_gather_stops_at_the_first_error_and_drops_the_rest() {
    let rt = tests::current();
    let drops = DropCounter::new();
    let out = rt.block_on({
        let drops = drops.clone();
        async move {
            let futures = (0..5).map(|i| {
                let token = drops.token();
                async move {
                    let _token = token;
                    if i == 2 {
                        return Err(format!("input {i} is bad"));
                    }
                    std::future::pending::<()>().await;
                    Ok(i)
                }
            });
            try_gather(futures).await
        }
    });
    assert_eq!(out, Err("input 2 is bad".to_string()));
    assert_eq!(drops.count(), 5);
}

#[test]
fn as_completed_yields_earliest_first() {
    for (name, rt) in all_runtimes() {
        let order = rt.block_on(async {
            let mut stream = as_completed([
                after_yields(30, "slow"),
                after_yields(0, "instant"),
                after_yields(10, "medium"),
            ]);
            assert_eq!(stream.remaining(), 3);
            let mut order = Vec::new();
            while let Some(x) = stream.next().await {
                order.push(x);
            }
            order
        });
        assert_eq!(order, ["instant", "medium", "slow"], "{name}");
    }
}

#[test]
fn as_completed_is_a_stream() {
    use futures_core::Stream;
    let rt = tests::current();
    rt.block_on(async {
        let mut stream = as_completed((1..=2).map(|i| async move { i }));
        assert_eq!(stream.size_hint(), (2, Some(2)));
        let mut got = Vec::new();
        while let Some(x) =
            std::future::poll_fn(|cx| std::pin::Pin::new(&mut stream).poll_next(cx)).await
        {
            got.push(x);
        }
        got.sort();
        assert_eq!(got, [1, 2]);
    });
}

/// `!Unpin`; records where it was polled and, on drop, whether it is still
/// there (`Pin`'s drop guarantee).
struct StaysPut {
    polled_at: Option<usize>,
    /// Set on drop: `Some(true)` when dropped where it was polled.
    dropped_in_place: Arc<std::sync::Mutex<Option<bool>>>,
    _pinned: std::marker::PhantomPinned,
}

impl StaysPut {
    fn new() -> (StaysPut, Arc<std::sync::Mutex<Option<bool>>>) {
        let dropped = Arc::new(std::sync::Mutex::new(None));
        let future = StaysPut {
            polled_at: None,
            dropped_in_place: dropped.clone(),
            _pinned: std::marker::PhantomPinned,
        };
        (future, dropped)
    }
}

impl Future for StaysPut {
    type Output = Result<u8, ()>;

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Result<u8, ()>> {
        let address = &*self as *const StaysPut as usize;
        // SAFETY: only a plain field is written; nothing is moved.
        unsafe { self.get_unchecked_mut() }.polled_at = Some(address);
        Poll::Pending
    }
}

impl Drop for StaysPut {
    fn drop(&mut self) {
        let here = self as *const StaysPut as usize;
        if let Some(at) = self.polled_at {
            *self.dropped_in_place.lock().unwrap() = Some(at == here);
        }
    }
}

#[test]
fn try_maybe_done_take_output_never_moves_a_pinned_future() {
    // `TryMaybeDone` is reachable from safe code (it backs `try_gather!`):
    // asking a still-running one for its output must neither move the
    // future out of its pinned place nor panic.
    let (future, dropped) = StaysPut::new();
    let mut slot = Box::pin(runtime::__private::TryMaybeDone::new(future));
    let waker = Waker::noop();
    assert!(
        slot.as_mut()
            .poll_try(&mut Context::from_waker(waker))
            .is_pending()
    );
    let taken =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| slot.as_mut().take_output()));
    let moved_before_drop = *dropped.lock().unwrap() == Some(false);
    assert!(
        !moved_before_drop,
        "take_output moved the pinned future out and dropped it elsewhere"
    );
    assert_eq!(taken.ok(), Some(None), "no output yet");
    drop(slot);
    assert_eq!(
        *dropped.lock().unwrap(),
        Some(true),
        "dropped where it was polled"
    );
}

#[test]
fn maybe_done_take_output_never_moves_a_pinned_future() {
    let (future, dropped) = StaysPut::new();
    let mut slot = Box::pin(runtime::__private::MaybeDone::new(future));
    let waker = Waker::noop();
    assert!(
        slot.as_mut()
            .poll(&mut Context::from_waker(waker))
            .is_pending()
    );
    assert!(slot.as_mut().take_output().is_none(), "no output yet");
    assert_eq!(*dropped.lock().unwrap(), None, "not dropped yet");
    drop(slot);
    assert_eq!(
        *dropped.lock().unwrap(),
        Some(true),
        "dropped where it was polled"
    );
}

/// A parent waker whose `Arc` count shows who still holds it.
struct Parent;

impl Wake for Parent {
    fn wake(self: Arc<Self>) {}
}

/// Pending until its slot's flag is set; leaves its waker in the slot.
#[derive(Clone, Default)]
struct Slot(Arc<std::sync::Mutex<(bool, Option<Waker>)>>);

impl Slot {
    fn future(&self) -> impl Future<Output = u8> + Unpin + use<> {
        let slot = self.clone();
        std::future::poll_fn(move |cx| {
            let mut s = slot.0.lock().unwrap();
            if s.0 {
                Poll::Ready(1)
            } else {
                s.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        })
    }

    fn finish(&self) {
        let waker = {
            let mut s = self.0.lock().unwrap();
            s.0 = true;
            s.1.take()
        };
        waker.unwrap().wake();
    }
}

#[test]
fn gather_releases_the_parent_waker_when_done() {
    let parent = Arc::new(Parent);
    let waker = Waker::from(parent.clone());
    let held = Arc::strong_count(&parent); // ours and `waker`'s
    let (a, b) = (Slot::default(), Slot::default());
    let mut gather = gather([a.future(), b.future()]);
    let mut cx = Context::from_waker(&waker);
    assert!(Pin::new(&mut gather).poll(&mut cx).is_pending());
    a.finish();
    b.finish();
    assert_eq!(Pin::new(&mut gather).poll(&mut cx), Poll::Ready(vec![1, 1]));
    assert_eq!(
        Arc::strong_count(&parent),
        held,
        "a finished gather still holds the parent's waker"
    );
}

#[test]
fn as_completed_releases_the_parent_waker_when_done() {
    let parent = Arc::new(Parent);
    let waker = Waker::from(parent.clone());
    let held = Arc::strong_count(&parent);
    let a = Slot::default();
    let mut stream = as_completed([a.future()]);
    let mut cx = Context::from_waker(&waker);
    let mut next =
        |cx: &mut Context<'_>| futures_core::Stream::poll_next(Pin::new(&mut stream), cx);
    assert!(next(&mut cx).is_pending());
    a.finish();
    assert_eq!(next(&mut cx), Poll::Ready(Some(1)));
    assert_eq!(
        Arc::strong_count(&parent),
        held,
        "an exhausted as_completed still holds the parent's waker"
    );
    assert_eq!(next(&mut cx), Poll::Ready(None));
    assert_eq!(Arc::strong_count(&parent), held);
}

#[test]
fn try_gather_releases_the_parent_waker_when_it_fails() {
    let parent = Arc::new(Parent);
    let waker = Waker::from(parent.clone());
    let held = Arc::strong_count(&parent);
    let (a, b) = (Slot::default(), Slot::default());
    let child = |slot: &Slot, fails: bool| {
        let slot = slot.clone();
        Box::pin(async move {
            let value = slot.future().await;
            if fails { Err(value) } else { Ok(value) }
        })
    };
    let mut gather = try_gather([child(&a, false), child(&b, true)]);
    let mut cx = Context::from_waker(&waker);
    assert!(Pin::new(&mut gather).poll(&mut cx).is_pending());
    b.finish();
    assert_eq!(Pin::new(&mut gather).poll(&mut cx), Poll::Ready(Err(1)));
    // The other child is still pending (and its waker still out there).
    assert_eq!(
        Arc::strong_count(&parent),
        held,
        "a failed try_gather still holds the parent's waker"
    );
}

#[test]
fn a_dropped_gather_releases_the_parent_waker_even_if_a_child_waker_lives_on() {
    let parent = Arc::new(Parent);
    let waker = Waker::from(parent.clone());
    let held = Arc::strong_count(&parent);
    let a = Slot::default();
    let mut gather = gather([a.future()]);
    assert!(
        Pin::new(&mut gather)
            .poll(&mut Context::from_waker(&waker))
            .is_pending()
    );
    drop(gather);
    // The child's waker is still in `a` (a resource that never fires, say):
    // it must not keep the parent task's waker alive.
    assert!(a.0.lock().unwrap().1.is_some());
    assert_eq!(
        Arc::strong_count(&parent),
        held,
        "a dropped gather's child waker still holds the parent's waker"
    );
}
