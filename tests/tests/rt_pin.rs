//! `Pin`'s drop guarantee: a spawned future, once polled, is dropped at the
//! address where it was polled, whether it completes, is aborted or is
//! dropped at shutdown. (Moving it out before dropping it would break
//! self-referential futures: an `async` block holding a borrow across an
//! `.await`.)

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use tests::all_runtimes;

/// Records where it was polled; its `Drop` compares with where it is.
struct StaysPut {
    ready: bool,
    polled_at: Option<usize>,
    dropped_in_place: Arc<AtomicUsize>,
    dropped_elsewhere: Arc<AtomicUsize>,
}

impl StaysPut {
    fn new(ready: bool) -> (StaysPut, Arc<AtomicUsize>, Arc<AtomicUsize>) {
        let (here, elsewhere) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let future = StaysPut {
            ready,
            polled_at: None,
            dropped_in_place: here.clone(),
            dropped_elsewhere: elsewhere.clone(),
        };
        (future, here, elsewhere)
    }

    fn address(&self) -> usize {
        self as *const StaysPut as usize
    }
}

impl Future for StaysPut {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        this.polled_at = Some(this.address());
        if this.ready {
            Poll::Ready(())
        } else {
            Poll::Pending // never woken: only an abort or shutdown ends it
        }
    }
}

impl Drop for StaysPut {
    fn drop(&mut self) {
        match self.polled_at {
            Some(at) if at == self.address() => &self.dropped_in_place,
            Some(_) => &self.dropped_elsewhere,
            None => return,
        }
        .fetch_add(1, Ordering::SeqCst);
    }
}

fn assert_in_place(what: &str, here: &AtomicUsize, elsewhere: &AtomicUsize) {
    assert_eq!(
        (
            here.load(Ordering::SeqCst),
            elsewhere.load(Ordering::SeqCst)
        ),
        (1, 0),
        "{what}: the polled future must be dropped once, where it was polled"
    );
}

#[test]
fn a_completed_future_is_dropped_where_it_was_polled() {
    for (name, rt) in all_runtimes() {
        let (future, here, elsewhere) = StaysPut::new(true);
        rt.block_on(rt.spawn(future)).unwrap();
        assert_in_place(&name, &here, &elsewhere);
    }
}

#[test]
fn an_aborted_future_is_dropped_where_it_was_polled() {
    for (name, rt) in all_runtimes() {
        let (task, here, elsewhere) = spawn_pending_and_poll(&rt);
        task.abort();
        assert!(rt.block_on(task).unwrap_err().is_cancelled(), "{name}");
        assert_in_place(&name, &here, &elsewhere);
    }
}

#[test]
fn a_future_dropped_at_shutdown_is_dropped_where_it_was_polled() {
    for (name, rt) in all_runtimes() {
        let (_task, here, elsewhere) = spawn_pending_and_poll(&rt);
        drop(rt);
        assert_in_place(&name, &here, &elsewhere);
    }
}

/// Spawns a `StaysPut` that stays pending, and waits until it was polled.
fn spawn_pending_and_poll(
    rt: &runtime::Runtime,
) -> (
    runtime::task::JoinHandle<()>,
    Arc<AtomicUsize>,
    Arc<AtomicUsize>,
) {
    let (future, here, elsewhere) = StaysPut::new(false);
    let task = rt.spawn(future);
    rt.block_on(async {
        while !is_polled(&task) {
            runtime::yield_now().await;
        }
    });
    (task, here, elsewhere)
}

/// Whether the task has been polled at least once (the dump counts polls).
fn is_polled<T>(task: &runtime::task::JoinHandle<T>) -> bool {
    let id = task.id();
    runtime::Handle::current()
        .dump()
        .iter()
        .any(|t| t.id() == id && t.polls() > 0)
}
