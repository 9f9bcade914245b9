//! Parking the thread that calls `block_on` (not a worker): a condvar
//! parker per thread, and a waker that unparks it.

use crate::loom::{AtomicUsize, Condvar, Mutex, Ordering};
use crate::task::coop;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Wake, Waker};

const EMPTY: usize = 0;
const PARKED: usize = 1;
const NOTIFIED: usize = 2;

/// A thread's parker; its waker sets `NOTIFIED` and wakes the thread.
pub(crate) struct ParkThread {
    state: AtomicUsize,
    mutex: Mutex<()>,
    condvar: Condvar,
}

thread_local! {
    static CURRENT: std::sync::Arc<ParkThread> = std::sync::Arc::new(ParkThread::new());
}

impl ParkThread {
    fn new() -> ParkThread {
        ParkThread {
            state: AtomicUsize::new(EMPTY),
            mutex: Mutex::new(()),
            condvar: Condvar::new(),
        }
    }

    /// Blocks until unparked; returns at once if a wake came first.
    pub(crate) fn park(&self) {
        if self
            .state
            .compare_exchange(NOTIFIED, EMPTY, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            return;
        }
        let mut guard = self.mutex.lock();
        match self
            .state
            .compare_exchange(EMPTY, PARKED, Ordering::SeqCst, Ordering::SeqCst)
        {
            Ok(_) => {}
            Err(NOTIFIED) => {
                self.state.store(EMPTY, Ordering::SeqCst);
                return;
            }
            Err(actual) => unreachable!("inconsistent thread park state: {actual}"),
        }
        loop {
            guard = self.condvar.wait(guard);
            if self
                .state
                .compare_exchange(NOTIFIED, EMPTY, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
            {
                return;
            }
        }
    }

    fn unpark(&self) {
        if self.state.swap(NOTIFIED, Ordering::SeqCst) == PARKED {
            drop(self.mutex.lock());
            self.condvar.notify_one();
        }
    }
}

impl Wake for ParkThread {
    fn wake(self: std::sync::Arc<Self>) {
        self.unpark();
    }

    fn wake_by_ref(self: &std::sync::Arc<Self>) {
        self.unpark();
    }
}

/// This thread's parker and a waker for it (no allocation after the first
/// call on a thread).
pub(crate) fn current() -> (std::sync::Arc<ParkThread>, Waker) {
    CURRENT.with(|park| (park.clone(), Waker::from(park.clone())))
}

/// Polls `future` on this thread, sleeping between wake-ups.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let (park, waker) = current();
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = coop::budget(|| future.as_mut().poll(&mut cx)) {
            return output;
        }
        park.park();
    }
}
