//! loom models live in `tests/`; they only build with `RUSTFLAGS="--cfg loom"`.
//!
//! This library holds the small executor pieces the models share: a
//! `block_on` that parks the loom thread (so a lost wake-up shows up as a
//! loom deadlock), and a counting waker for polling futures by hand.

#[cfg(loom)]
pub use imp::*;

#[cfg(loom)]
mod imp {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::{Context, Poll, Wake, Waker};

    struct Unpark(loom::thread::Thread);

    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0.unpark();
        }
    }

    /// Runs `future` on the current loom thread, parking while it waits. If
    /// nothing ever wakes it, loom reports a deadlock: a lost wake-up.
    pub fn block_on<F: Future>(future: F) -> F::Output {
        let waker = Waker::from(Arc::new(Unpark(loom::thread::current())));
        let mut cx = Context::from_waker(&waker);
        let mut future = std::pin::pin!(future);
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
            loom::thread::park();
        }
    }

    /// A waker that counts its wake-ups. (The count is bookkeeping for the
    /// model's assertions, not part of the protocol under test; loom runs
    /// all threads on one OS thread, so a std atomic is exact here.)
    pub struct Counter(AtomicUsize);

    impl Counter {
        pub fn new() -> (Arc<Self>, Waker) {
            let counter = Arc::new(Self(AtomicUsize::new(0)));
            (counter.clone(), Waker::from(counter))
        }

        pub fn count(&self) -> usize {
            self.0.load(Ordering::SeqCst)
        }
    }

    impl Wake for Counter {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Polls `future` once with `waker`.
    pub fn poll<F: Future + ?Sized>(future: Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
        future.poll(&mut Context::from_waker(waker))
    }
}
