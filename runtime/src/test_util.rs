//! Wakers for unit tests: one that counts its wake-ups, and one that
//! counts and then panics (a foreign executor's waker may).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Wake, Waker};

/// Counts the wake-ups of the wakers made from it.
pub(crate) struct WakeCount {
    count: AtomicUsize,
    panics: bool,
}

impl WakeCount {
    /// A counter and a waker that counts into it.
    pub(crate) fn new() -> (Arc<Self>, Waker) {
        Self::make(false)
    }

    /// A counter and a waker that counts into it, then panics.
    pub(crate) fn panicking() -> (Arc<Self>, Waker) {
        Self::make(true)
    }

    fn make(panics: bool) -> (Arc<Self>, Waker) {
        let this = Arc::new(Self {
            count: AtomicUsize::new(0),
            panics,
        });
        (this.clone(), Waker::from(this))
    }

    pub(crate) fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
}

impl Wake for WakeCount {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.count.fetch_add(1, Ordering::SeqCst);
        if self.panics {
            panic!("deliberate: a waker that panics (test)");
        }
    }
}
