//! [`Barrier`]: asyncio's `Barrier`, a reusable meeting point for N tasks.
//!
//! # Protocol
//!
//! Everything is under one mutex: the count of tasks that arrived in the
//! current generation and the list of those waiting. The task that makes
//! the count reach `parties` is the leader: it resets the count (starting
//! the next generation at once) and completes every node linked before it
//! arrived, by ticket, so early arrivals of the next generation stay put.
//!
//! A wait dropped before its generation filled up withdraws its arrival
//! (asyncio decrements its count for a cancelled waiter too); one dropped
//! after its generation was released changes nothing. Each node carries its
//! generation as payload: the leader wakes in batches with the lock dropped
//! in between, so a waiter of the released generation may be dropped while
//! still linked, and must then not withdraw from the next generation.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::loom::Mutex;
use crate::waiters::{Cancelled, MAX_PAYLOAD, WaitNode, WaiterList, complete_before};

/// A meeting point: [`wait`](Barrier::wait) returns once `parties` tasks
/// are waiting, then the barrier starts over. asyncio's `Barrier`.
///
/// Exactly one waiter per round is the *leader*
/// ([`BarrierWaitResult::is_leader`]): the last to arrive.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use runtime_sync::Barrier;
///
/// let barrier = Arc::new(Barrier::new(3));
/// let threads: Vec<_> = (0..3)
///     .map(|_| {
///         let barrier = barrier.clone();
///         std::thread::spawn(move || {
///             futures_lite::future::block_on(barrier.wait()).is_leader()
///         })
///     })
///     .collect();
/// let leaders = threads
///     .into_iter()
///     .map(|t| t.join().unwrap())
///     .filter(|&leader| leader)
///     .count();
/// assert_eq!(leaders, 1);
/// ```
pub struct Barrier {
    parties: usize,
    state: Mutex<State>,
}

struct State {
    /// Tasks waiting in the current generation.
    arrived: usize,
    /// The current generation, as a node payload (wraps at `MAX_PAYLOAD`).
    generation: usize,
    waiters: WaiterList,
}

impl Barrier {
    /// A barrier for `parties` tasks: asyncio's `Barrier(parties)`.
    ///
    /// # Panics
    ///
    /// If `parties` is 0 (asyncio raises `ValueError`): a barrier needs at
    /// least one task.
    ///
    /// ```
    /// let barrier = runtime_sync::Barrier::new(2);
    /// assert_eq!(barrier.parties(), 2);
    /// ```
    #[track_caller]
    pub fn new(parties: usize) -> Self {
        assert!(
            parties > 0,
            "Barrier::new(0): a barrier needs at least one party; pass the number of tasks \
             that must meet"
        );
        Self {
            parties,
            state: Mutex::new(State {
                arrived: 0,
                generation: 0,
                waiters: WaiterList::new(),
            }),
        }
    }

    /// Waits until `parties` tasks are waiting: asyncio's
    /// `await barrier.wait()`. The last one to arrive is the leader and
    /// returns at once; the others return when it arrives.
    ///
    /// Cancel-safe: dropping the future before the round is complete takes
    /// its arrival back, so the round then needs one more task.
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let barrier = runtime_sync::Barrier::new(1);
    /// assert!(barrier.wait().await.is_leader()); // a party of one
    /// assert!(barrier.wait().await.is_leader()); // and it is reusable
    /// # });
    /// ```
    pub fn wait(&self) -> BarrierWait<'_> {
        BarrierWait {
            barrier: self,
            node: WaitNode::new(),
        }
    }

    /// How many tasks must meet: asyncio's `Barrier.parties`.
    ///
    /// ```
    /// assert_eq!(runtime_sync::Barrier::new(4).parties(), 4);
    /// ```
    pub fn parties(&self) -> usize {
        self.parties
    }

    /// How many tasks wait in the current round: asyncio's
    /// `Barrier.n_waiting`.
    ///
    /// ```
    /// assert_eq!(runtime_sync::Barrier::new(4).n_waiting(), 0);
    /// ```
    pub fn n_waiting(&self) -> usize {
        self.state.lock().arrived
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Barrier")
            .field("parties", &self.parties)
            .field("n_waiting", &self.n_waiting())
            .finish()
    }
}

/// What [`Barrier::wait`] returns: tells the one leader of each round.
/// asyncio's `wait()` returns an arrival index instead; the leader is the
/// one that got `parties - 1`.
///
/// ```
/// # futures_lite::future::block_on(async {
/// let result = runtime_sync::Barrier::new(1).wait().await;
/// assert!(result.is_leader());
/// # });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BarrierWaitResult {
    leader: bool,
}

impl BarrierWaitResult {
    /// Whether this waiter was the leader of its round (the last to
    /// arrive): true for exactly one waiter per round. In asyncio terms:
    /// `await barrier.wait() == barrier.parties - 1`.
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// assert!(runtime_sync::Barrier::new(1).wait().await.is_leader());
    /// # });
    /// ```
    pub fn is_leader(&self) -> bool {
        self.leader
    }
}

pin_project! {
    /// The future of [`Barrier::wait`]: asyncio's `barrier.wait()` coroutine.
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let barrier = runtime_sync::Barrier::new(1);
    /// let wait = barrier.wait(); // does not count until polled
    /// assert!(wait.await.is_leader());
    /// # });
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct BarrierWait<'a> {
        barrier: &'a Barrier,
        #[pin]
        node: WaitNode,
    }

    impl PinnedDrop for BarrierWait<'_> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            // SAFETY: `barrier.state.waiters` is the node's one list (see
            // `poll`).
            let cancelled = unsafe { this.node.cancel(&this.barrier.state, |s| &mut s.waiters) };
            // Released (completed) waiters have nothing to give back.
            if let Cancelled::Removed(mut state, generation) = cancelled
                && generation == state.generation {
                    // Still in the current round: take the arrival back.
                    state.arrived -= 1;
                }
        }
    }
}

impl Future for BarrierWait<'_> {
    type Output = BarrierWaitResult;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<BarrierWaitResult> {
        let mut this = self.project();
        let barrier = *this.barrier;
        // SAFETY: this node is only ever used with `barrier.state.waiters`
        // (here, below, and in `drop`).
        let completion = unsafe {
            this.node
                .as_mut()
                .poll_completion(&barrier.state, |s| &mut s.waiters, cx.waker())
        };
        match completion {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Some(_)) => return Poll::Ready(BarrierWaitResult { leader: false }),
            Poll::Ready(None) => {}
        }
        let mut state = barrier.state.lock();
        if state.arrived + 1 == barrier.parties {
            // The leader: start the next round and release this one.
            state.arrived = 0;
            state.generation = (state.generation + 1) & MAX_PAYLOAD;
            let limit = state.waiters.next_ticket();
            complete_before(
                &barrier.state,
                state,
                |state| &mut state.waiters,
                limit,
                0,
                usize::MAX,
            );
            return Poll::Ready(BarrierWaitResult { leader: true });
        }
        let generation = state.generation;
        // SAFETY: as above.
        unsafe { this.node.push(&mut state.waiters, generation, cx.waker()) };
        // Counted only once queued: `push` clones the waker (user code),
        // and an arrival counted before a panicking clone would stay
        // counted with nobody to withdraw it (the node is not queued, so
        // our drop does nothing), releasing the round one party short.
        state.arrived += 1;
        Poll::Pending
    }
}

impl fmt::Debug for BarrierWait<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BarrierWait")
            .field("queued", &self.node.is_queued())
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::test_util::{Counter, poll};

    #[test]
    fn leader_release_and_withdrawal() {
        let barrier = Barrier::new(3);
        let (counter, waker) = Counter::new();
        let mut a = Box::pin(barrier.wait());
        let mut b = Box::pin(barrier.wait());
        assert!(poll(a.as_mut(), &waker).is_pending());
        assert!(poll(b.as_mut(), &waker).is_pending());
        drop(b); // withdraws
        let mut c = Box::pin(barrier.wait());
        assert!(poll(c.as_mut(), &waker).is_pending());
        let Poll::Ready(leader) = poll(std::pin::pin!(barrier.wait()), &waker) else {
            panic!()
        };
        assert!(leader.is_leader());
        assert_eq!(counter.count(), 2);
        assert!(matches!(poll(a.as_mut(), &waker), Poll::Ready(r) if !r.is_leader()));
        drop(c); // released, not polled
        assert_eq!(barrier.n_waiting(), 0);
    }

    /// An arrival whose waker's `clone` panics (so it never queues) is not
    /// counted: the next round still needs all its parties.
    #[test]
    fn arrival_is_not_counted_when_the_waker_clone_panics() {
        let barrier = Barrier::new(2);
        let bad = crate::test_util::clone_panics_waker();
        let mut a = Box::pin(barrier.wait());
        let polled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = poll(a.as_mut(), &bad);
        }));
        assert!(polled.is_err(), "the clone's panic reaches the poller");
        drop(a);
        assert_eq!(barrier.n_waiting(), 0);
        let (_, waker) = Counter::new();
        let mut b = Box::pin(barrier.wait());
        assert!(poll(b.as_mut(), &waker).is_pending());
        assert!(poll(std::pin::pin!(barrier.wait()), &waker).is_ready());
        assert!(poll(b.as_mut(), &waker).is_ready());
    }

    #[test]
    fn threads_meet() {
        let barrier = std::sync::Arc::new(Barrier::new(3));
        let threads: Vec<_> = (0..3)
            .map(|_| {
                let barrier = barrier.clone();
                std::thread::spawn(move || {
                    (0..3)
                        .filter(|_| futures_lite::future::block_on(barrier.wait()).is_leader())
                        .count()
                })
            })
            .collect();
        let leaders: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
        assert_eq!(leaders, 3);
    }
}
