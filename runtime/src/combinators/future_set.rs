//! `FutureSet`: many futures polled inside one task, each only when it was
//! woken.
//!
//! Polling every child on every wake-up makes gathering `n` tasks cost
//! `O(n²)` polls (each completion wakes the parent, which would poll all
//! the others again). Here each child gets its own waker; waking it queues
//! its index (once: a flag per child) and wakes the parent task, and the
//! parent polls only the queued children. That is what
//! `futures::stream::FuturesUnordered` does, reduced to what `gather`,
//! `as_completed`, `wait` and `TaskGroup` need: children are indexed by
//! position and never added once polling started.
//!
//! # Pinning
//!
//! Children may be `!Unpin`: they live in a `Vec` that is filled once and
//! never grown, shrunk or moved out of afterwards, so each child stays at
//! the same heap address until it is dropped in place (finished children
//! are dropped where they are; the rest drop with the `Vec`). Moving the
//! `FutureSet` moves only the `Vec`'s pointer, not the children. Only
//! `Unpin` children may be taken out (`take_pending`).
//!
//! One poll of the set polls at most the children queued when it began, so
//! a child that wakes itself at once (cooperative yield) cannot keep the
//! parent spinning: it is polled again on the parent's next poll. And it
//! stops when the task's cooperative budget is spent: the children left in
//! the batch stay queued for the parent's next turn instead of being polled
//! only to report that the budget is gone.

use crate::loom::Mutex;
use crate::task::coop;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};

/// What all child wakers share.
struct Shared {
    /// Indexes of children woken since the parent last looked.
    ready: Mutex<Vec<usize>>,
    /// The parent task's waker.
    parent: Mutex<Option<Waker>>,
}

/// The waker of one child.
struct ChildWaker {
    index: usize,
    /// Set while the index is in `ready` (or about to be polled).
    queued: AtomicBool,
    shared: Arc<Shared>,
}

impl Wake for ChildWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if self.queued.swap(true, Ordering::AcqRel) {
            return; // queued already
        }
        self.shared.ready.lock().push(self.index);
        let parent = self.shared.parent.lock().clone();
        if let Some(parent) = parent {
            parent.wake();
        }
    }
}

struct Child<F> {
    future: Option<F>,
    state: Arc<ChildWaker>,
    /// `state` as a `Waker`, made once.
    waker: Waker,
}

/// A fixed set of futures, polled when woken.
pub(crate) struct FutureSet<F> {
    /// Filled once in `new`; never resized (see "Pinning").
    children: Vec<Child<F>>,
    shared: Arc<Shared>,
    /// Indexes taken from `ready` and not polled yet.
    batch: Vec<usize>,
    pending: usize,
}

// Moving a `FutureSet` never moves its children (see "Pinning"), and no
// `Pin<&mut FutureSet>` is ever projected to a child.
impl<F> Unpin for FutureSet<F> {}

impl<F: Future> FutureSet<F> {
    pub(crate) fn new(futures: impl IntoIterator<Item = F>) -> FutureSet<F> {
        let shared = Arc::new(Shared {
            ready: Mutex::new(Vec::new()),
            parent: Mutex::new(None),
        });
        let children: Vec<Child<F>> = futures
            .into_iter()
            .enumerate()
            .map(|(index, future)| {
                let state = Arc::new(ChildWaker {
                    index,
                    queued: AtomicBool::new(true),
                    shared: shared.clone(),
                });
                Child {
                    future: Some(future),
                    waker: Waker::from(state.clone()),
                    state,
                }
            })
            .collect();
        let pending = children.len();
        // Every child starts queued: each is polled once at the start.
        *shared.ready.lock() = (0..pending).collect();
        FutureSet {
            children,
            shared,
            batch: Vec::new(),
            pending,
        }
    }

    /// Number of children.
    pub(crate) fn len(&self) -> usize {
        self.children.len()
    }

    /// Children not finished yet.
    pub(crate) fn pending(&self) -> usize {
        self.pending
    }

    /// The next child to finish: its index and output. `Ready(None)` once
    /// every child has finished.
    pub(crate) fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<(usize, F::Output)>> {
        if self.pending == 0 {
            return Poll::Ready(None);
        }
        {
            let mut parent = self.shared.parent.lock();
            if !parent.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                *parent = Some(cx.waker().clone());
            }
        }
        if self.batch.is_empty() {
            std::mem::swap(&mut self.batch, &mut *self.shared.ready.lock());
            // Poll in wake order (the batch is popped from the end).
            self.batch.reverse();
        }
        while let Some(index) = self.batch.pop() {
            if !coop::has_budget_remaining() {
                // Children polled now would only answer "out of budget" and
                // queue themselves again: keep them queued and yield.
                self.batch.push(index);
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            let child = &mut self.children[index];
            // Clear before polling, so a wake during the poll queues again.
            child.state.queued.store(false, Ordering::Release);
            let Some(future) = child.future.as_mut() else {
                continue;
            };
            let mut child_cx = Context::from_waker(&child.waker);
            // SAFETY: the children's buffer is never reallocated and a
            // child is never moved out unless `F: Unpin` (see "Pinning").
            let future = unsafe { Pin::new_unchecked(future) };
            if let Poll::Ready(output) = future.poll(&mut child_cx) {
                child.future = None;
                self.pending -= 1;
                return Poll::Ready(Some((index, output)));
            }
        }
        Poll::Pending
    }
}

impl<F: Future + Unpin> FutureSet<F> {
    /// The unfinished children, in index order, leaving the set empty.
    pub(crate) fn take_pending(&mut self) -> Vec<(usize, F)> {
        self.pending = 0;
        self.children
            .iter_mut()
            .enumerate()
            .filter_map(|(i, c)| c.future.take().map(|f| (i, f)))
            .collect()
    }

    /// Mutable access to each unfinished child.
    pub(crate) fn for_each_pending(&mut self, mut f: impl FnMut(&mut F)) {
        for child in &mut self.children {
            if let Some(future) = child.future.as_mut() {
                f(future);
            }
        }
    }
}

impl<F> std::fmt::Debug for FutureSet<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FutureSet")
            .field("len", &self.children.len())
            .field("pending", &self.pending)
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::FutureSet;
    use std::future::{Future, poll_fn};
    use std::pin::Pin;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::{Context, Poll, Waker};

    /// Ready on its `n`th poll; counts its polls.
    struct ReadyAfter {
        left: usize,
        polls: Arc<AtomicUsize>,
        waker: Arc<std::sync::Mutex<Option<Waker>>>,
    }

    impl Future for ReadyAfter {
        type Output = usize;
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
            self.polls.fetch_add(1, Ordering::SeqCst);
            if self.left == 0 {
                return Poll::Ready(7);
            }
            self.left -= 1;
            *self.waker.lock().unwrap() = Some(cx.waker().clone());
            Poll::Pending
        }
    }

    #[test]
    fn only_woken_children_are_polled_again() {
        let polls: Vec<_> = (0..3).map(|_| Arc::new(AtomicUsize::new(0))).collect();
        let wakers: Vec<_> = (0..3)
            .map(|_| Arc::new(std::sync::Mutex::new(None)))
            .collect();
        let mut set = FutureSet::new((0..3).map(|i| ReadyAfter {
            left: 1,
            polls: polls[i].clone(),
            waker: wakers[i].clone(),
        }));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(set.poll_next(&mut cx).is_pending());
        assert!(polls.iter().all(|p| p.load(Ordering::SeqCst) == 1));
        // Wake only child 1.
        wakers[1].lock().unwrap().take().unwrap().wake();
        assert!(matches!(set.poll_next(&mut cx), Poll::Ready(Some((1, 7)))));
        assert_eq!(polls[0].load(Ordering::SeqCst), 1);
        assert_eq!(polls[2].load(Ordering::SeqCst), 1);
        assert!(set.poll_next(&mut cx).is_pending());
        assert_eq!(set.pending(), 2);
        let rest = set.take_pending();
        assert_eq!(rest.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [0, 2]);
    }

    #[test]
    fn a_self_waking_child_does_not_spin_the_parent() {
        let mut set = FutureSet::new([poll_fn(|cx: &mut Context<'_>| {
            cx.waker().wake_by_ref();
            Poll::<()>::Pending
        })]);
        let mut cx = Context::from_waker(Waker::noop());
        // Returns Pending after one poll of the child instead of looping.
        assert!(set.poll_next(&mut cx).is_pending());
        assert!(set.poll_next(&mut cx).is_pending());
    }

    #[test]
    fn empty_set_is_done_at_once() {
        let mut set = FutureSet::<std::future::Ready<()>>::new([]);
        let mut cx = Context::from_waker(Waker::noop());
        assert!(matches!(set.poll_next(&mut cx), Poll::Ready(None)));
        assert_eq!(set.len(), 0);
    }
}
