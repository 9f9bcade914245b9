//! [`Event`]: asyncio's `Event`, a flag tasks can wait for.
//!
//! # Protocol
//!
//! `is_set` is an atomic flag; waiters read it first and only take the list
//! mutex if it is clear. `set` stores the flag *under* the mutex, so a waiter
//! that checked the flag under the mutex and linked its node cannot miss it,
//! then completes every node that was linked before the `set` (by ticket), in
//! batches woken without the lock. A waiter woken by a `set` returns even if
//! the event was cleared before it ran, as in asyncio.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::loom::{AtomicBool, Mutex, Ordering};
use crate::waiters::{WaitNode, WaiterList, complete_before};

/// A flag that tasks can wait for: asyncio's `Event`.
///
/// [`set`](Event::set) raises the flag and wakes every waiting task;
/// [`wait`](Event::wait) returns at once while the flag is up;
/// [`clear`](Event::clear) lowers it again.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use runtime_sync::Event;
/// # futures_lite::future::block_on(async {
/// let event = Arc::new(Event::new());
/// let setter = {
///     let event = event.clone();
///     std::thread::spawn(move || event.set())
/// };
/// event.wait().await; // returns once the other thread has set it
/// assert!(event.is_set());
/// # setter.join().unwrap();
/// # });
/// ```
pub struct Event {
    is_set: AtomicBool,
    waiters: Mutex<WaiterList>,
}

impl Event {
    /// A new event, not set: asyncio's `Event()`.
    ///
    /// ```
    /// assert!(!runtime_sync::Event::new().is_set());
    /// ```
    pub fn new() -> Self {
        Self {
            is_set: AtomicBool::new(false),
            waiters: Mutex::new(WaiterList::new()),
        }
    }

    /// Raises the flag and wakes every task waiting for it: asyncio's
    /// `Event.set()`. Does nothing if it is already set.
    ///
    /// ```
    /// let event = runtime_sync::Event::new();
    /// event.set();
    /// assert!(event.is_set());
    /// ```
    pub fn set(&self) {
        if self.is_set.load(Ordering::Acquire) {
            return;
        }
        let waiters = self.waiters.lock();
        if self.is_set.load(Ordering::Relaxed) {
            return;
        }
        self.is_set.store(true, Ordering::Release);
        let limit = waiters.next_ticket();
        complete_before(&self.waiters, waiters, |list| list, limit, 0, usize::MAX);
    }

    /// Lowers the flag: later `wait`s wait again for a `set`. Tasks already
    /// woken by a `set` still return. asyncio's `Event.clear()`.
    ///
    /// ```
    /// let event = runtime_sync::Event::new();
    /// event.set();
    /// event.clear();
    /// assert!(!event.is_set());
    /// ```
    pub fn clear(&self) {
        self.is_set.store(false, Ordering::Release);
    }

    /// Whether the flag is up: asyncio's `Event.is_set()`.
    ///
    /// ```
    /// let event = runtime_sync::Event::new();
    /// assert!(!event.is_set());
    /// ```
    pub fn is_set(&self) -> bool {
        self.is_set.load(Ordering::Acquire)
    }

    /// Waits until the flag is up: asyncio's `await event.wait()`. Returns
    /// at once if it is set already.
    ///
    /// Cancel-safe: dropping the future just leaves the line.
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let event = runtime_sync::Event::new();
    /// event.set();
    /// event.wait().await;
    /// # });
    /// ```
    pub fn wait(&self) -> EventWait<'_> {
        EventWait {
            event: self,
            node: WaitNode::new(),
        }
    }
}

impl Default for Event {
    /// ```
    /// let event: runtime_sync::Event = Default::default();
    /// assert!(!event.is_set());
    /// ```
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("is_set", &self.is_set())
            .finish()
    }
}

pin_project! {
    /// The future of [`Event::wait`]: asyncio's `event.wait()` coroutine.
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let event = runtime_sync::Event::new();
    /// let wait = event.wait(); // nothing happens until polled
    /// event.set();
    /// wait.await;
    /// # });
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct EventWait<'a> {
        event: &'a Event,
        #[pin]
        node: WaitNode,
    }

    impl PinnedDrop for EventWait<'_> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            // SAFETY: `event.waiters` is the node's one list (see `poll`).
            // Removed or completed, there is nothing to pass on: a `set`
            // wakes everybody.
            drop(unsafe { this.node.cancel(&this.event.waiters, |l| l) });
        }
    }
}

impl Future for EventWait<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut this = self.project();
        let event = *this.event;
        // SAFETY: this node is only ever used with `event.waiters` (here,
        // below, and in `drop`).
        match unsafe {
            this.node
                .as_mut()
                .poll_completion(&event.waiters, |l| l, cx.waker())
        } {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Some(_)) => return Poll::Ready(()),
            Poll::Ready(None) => {}
        }
        if event.is_set.load(Ordering::Acquire) {
            return Poll::Ready(());
        }
        let mut waiters = event.waiters.lock();
        if event.is_set.load(Ordering::Relaxed) {
            return Poll::Ready(());
        }
        // SAFETY: as above.
        unsafe { this.node.push(&mut waiters, 0, cx.waker()) };
        Poll::Pending
    }
}

impl fmt::Debug for EventWait<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventWait")
            .field("queued", &self.node.is_queued())
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::test_util::{Counter, poll};

    /// A waker that panics in the first batch of a `set` does not cost the
    /// waiters of later batches their wake-up (the event stays set, so no
    /// later `set` would wake them).
    #[test]
    fn set_wakes_every_batch_when_a_waker_panics() {
        let event = Event::new();
        let (counter, waker) = Counter::new();
        let (panics, panicking) = Counter::panicking();
        let mut first = Box::pin(event.wait());
        assert!(poll(first.as_mut(), &panicking).is_pending());
        let mut waits: Vec<_> = (0..70).map(|_| Box::pin(event.wait())).collect();
        for w in &mut waits {
            assert!(poll(w.as_mut(), &waker).is_pending());
        }
        let set = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| event.set()));
        assert!(
            set.is_err(),
            "the waker's panic reaches the caller of `set`"
        );
        assert_eq!(panics.count(), 1);
        assert_eq!(counter.count(), 70);
        assert!(poll(first.as_mut(), &waker).is_ready());
        for w in &mut waits {
            assert!(poll(w.as_mut(), &waker).is_ready());
        }
    }

    #[test]
    fn set_wakes_all_in_batches_and_cancellation() {
        let event = Event::new();
        let (counter, waker) = Counter::new();
        let mut waits: Vec<_> = (0..70).map(|_| Box::pin(event.wait())).collect();
        for w in &mut waits {
            assert!(poll(w.as_mut(), &waker).is_pending());
        }
        drop(waits.remove(3)); // queued, dropped
        event.set();
        assert_eq!(counter.count(), 69);
        drop(waits.remove(0)); // completed, dropped
        for w in &mut waits {
            assert!(poll(w.as_mut(), &waker).is_ready());
        }
    }

    #[test]
    fn set_from_another_thread() {
        let event = std::sync::Arc::new(Event::new());
        let setter = {
            let event = event.clone();
            std::thread::spawn(move || event.set())
        };
        futures_lite::future::block_on(event.wait());
        setter.join().unwrap();
    }
}
