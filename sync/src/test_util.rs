//! Helpers for the unit tests (which Miri runs over the unsafe code).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

/// A waker that counts its wake-ups (and, made by
/// [`panicking`](Self::panicking), then panics: a foreign executor's waker
/// may).
pub(crate) struct Counter {
    count: AtomicUsize,
    panics: bool,
}

impl Counter {
    pub(crate) fn new() -> (Arc<Self>, Waker) {
        Self::make(false)
    }

    pub(crate) fn panicking() -> (Arc<Self>, Waker) {
        Self::make(true)
    }

    fn make(panics: bool) -> (Arc<Self>, Waker) {
        let counter = Arc::new(Self {
            count: AtomicUsize::new(0),
            panics,
        });
        (counter.clone(), Waker::from(counter))
    }

    pub(crate) fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
}

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.count.fetch_add(1, Ordering::SeqCst);
        if self.panics {
            panic!("waker panicked");
        }
    }
}

pub(crate) fn poll<F: Future + ?Sized>(future: Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(waker))
}

/// A waker whose `clone` panics (a foreign executor's waker may); waking or
/// dropping it does nothing.
pub(crate) fn clone_panics_waker() -> Waker {
    fn clone(_: *const ()) -> std::task::RawWaker {
        panic!("waker clone panicked")
    }
    fn noop(_: *const ()) {}
    static VTABLE: std::task::RawWakerVTable =
        std::task::RawWakerVTable::new(clone, noop, noop, noop);
    // SAFETY: the vtable's functions ignore the (null) data pointer, so
    // every call is sound from any thread.
    unsafe { Waker::from_raw(std::task::RawWaker::new(std::ptr::null(), &VTABLE)) }
}
