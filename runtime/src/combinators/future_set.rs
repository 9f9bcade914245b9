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
//! One poll of the set polls at most the children left from its last poll
//! and those queued when it began ([`Batch`](super::ready_list::Batch)), so
//! a child that wakes itself at once (cooperative yield) cannot keep the
//! parent spinning: it is polled again on the parent's next poll. And it
//! stops when the task's cooperative budget is spent: the children left in
//! the batch stay queued for the parent's next turn instead of being polled
//! only to report that the budget is gone.
//!
//! # The parent's waker
//!
//! Child wakers may outlive the set (a child can hand its waker to a
//! resource that keeps it), and each holds the shared state, which holds
//! the parent task's waker. So the set lets go of that waker as soon as it
//! no longer needs it: when its last child finished or was taken out, when
//! its owner is done with it (`FutureSet::release_parent`), and when it
//! is dropped. Otherwise a finished combinator, or a stray child waker,
//! would keep the parent task (its waker is a reference to the task)
//! alive.
//!
//! # Wake-ups
//!
//! Each child's waker queues its index in a [`ReadyList`], whose module
//! gives the protocol (and why no wake-up is lost); the `loom_*` models at
//! the end check it with the very `FutureSet` code.

use super::ready_list::{Batch, EntryWaker, ReadyList};
use crate::task::coop;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

struct Child<F> {
    future: Option<F>,
    state: Arc<EntryWaker>,
    /// `state` as a `Waker`, made once.
    waker: Waker,
}

/// A fixed set of futures, polled when woken.
pub(crate) struct FutureSet<F> {
    /// Filled once in `new`; never resized (see "Pinning").
    children: Vec<Child<F>>,
    ready: Arc<ReadyList>,
    /// Indexes taken from `ready` and not polled yet.
    batch: Batch,
    pending: usize,
}

// Moving a `FutureSet` never moves its children (see "Pinning"), and no
// `Pin<&mut FutureSet>` is ever projected to a child.
impl<F> Unpin for FutureSet<F> {}

impl<F: Future> FutureSet<F> {
    pub(crate) fn new(futures: impl IntoIterator<Item = F>) -> FutureSet<F> {
        let ready = ReadyList::new();
        // Every child starts queued: each is polled once at the start.
        let children: Vec<Child<F>> = futures
            .into_iter()
            .enumerate()
            .map(|(index, future)| {
                let (state, waker) = ready.entry_queued_by_caller(index as u64);
                Child {
                    future: Some(future),
                    state,
                    waker,
                }
            })
            .collect();
        let pending = children.len();
        // Nothing can wake a child before the set polls it: queue every
        // key now, under one lock.
        ready.queue_all(0..pending as u64);
        FutureSet {
            children,
            ready,
            batch: Batch::default(),
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
        let mut took = self.batch.begin(&self.ready, cx.waker());
        loop {
            while let Some(key) = self.batch.next_key() {
                if !coop::has_budget_remaining() {
                    // Children polled now would only answer "out of budget"
                    // and queue themselves again: keep them and yield.
                    self.batch.put_back();
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                let index = key as usize;
                let child = &mut self.children[index];
                // Clear before polling, so a wake during the poll queues again.
                child.state.clear();
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
                    if self.pending == 0 {
                        self.release_parent();
                    }
                    return Poll::Ready(Some((index, output)));
                }
            }
            if took {
                return Poll::Pending;
            }
            // The leftovers of the last poll are done: register the waker
            // and take what was woken since, once.
            self.batch.refill(&self.ready, cx.waker());
            took = true;
        }
    }
}

impl<F: Future + Unpin> FutureSet<F> {
    /// The unfinished children, in index order, leaving the set empty.
    pub(crate) fn take_pending(&mut self) -> Vec<(usize, F)> {
        self.pending = 0;
        self.release_parent();
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

impl<F> FutureSet<F> {
    /// Forgets the parent's waker (until the next `poll_next`), for an
    /// owner that is done polling the set before every child finished.
    pub(crate) fn release_parent(&self) {
        // Dropped after the lock is released: a waker's drop may run any code.
        self.ready.release_parent();
    }
}

impl<F> Drop for FutureSet<F> {
    fn drop(&mut self) {
        // Child wakers may outlive the set; the parent's waker must not
        // live on with them.
        self.release_parent();
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

/// Concurrency models of the child-waker protocol (see "Wake-ups"): the very
/// `FutureSet` code, with children woken from another thread. Under
/// `--cfg loom` every interleaving is explored (a lost wake-up leaves the
/// parent blocked forever, which loom reports as a deadlock); otherwise each
/// model runs once on real threads.
#[cfg(test)]
mod models {
    use super::FutureSet;
    use crate::loom::{Arc, Mutex, thread};
    use std::future::{Future, poll_fn};
    use std::task::{Poll, Waker};

    /// Shuts a child until opened; keeps the child's latest waker.
    #[derive(Clone)]
    struct Gate(Arc<Mutex<GateState>>);

    #[derive(Default)]
    struct GateState {
        open: bool,
        waker: Option<Waker>,
        /// Polls that found the gate open.
        ready_polls: usize,
    }

    impl Gate {
        fn new() -> Gate {
            Gate(Arc::new(Mutex::new(GateState::default())))
        }

        /// A child that is pending until the gate opens, then gives `value`.
        fn child(&self, value: usize) -> impl Future<Output = usize> + Unpin + use<> {
            let gate = self.clone();
            poll_fn(move |cx| {
                let mut state = gate.0.lock();
                if state.open {
                    state.ready_polls += 1;
                    Poll::Ready(value)
                } else {
                    state.waker = Some(cx.waker().clone());
                    Poll::Pending
                }
            })
        }

        /// Opens the gate and wakes the child (outside the lock, as a
        /// resource does).
        fn open(&self) {
            let waker = {
                let mut state = self.0.lock();
                state.open = true;
                state.waker.take()
            };
            if let Some(waker) = waker {
                waker.wake();
            }
        }
    }

    /// Polls `set` to the end (inside `block_on`: parked while pending);
    /// gives the outputs in the order they came.
    fn drain<F: Future<Output = usize>>(set: &mut FutureSet<F>) -> Vec<usize> {
        let mut outputs = Vec::new();
        crate::loom::block_on(poll_fn(|cx| {
            loop {
                match set.poll_next(cx) {
                    Poll::Ready(Some((index, output))) => {
                        assert_eq!(index, output, "each output comes with its index");
                        outputs.push(output);
                    }
                    Poll::Ready(None) => return Poll::Ready(()),
                    Poll::Pending => return Poll::Pending,
                }
            }
        }));
        outputs
    }

    /// Two children, both woken from another thread while the parent polls
    /// them: whatever the interleaving, the parent is woken (no lost
    /// wake-up: loom would report the parent blocked forever), each child
    /// that became ready is polled and gives its output exactly once, and
    /// the set lets go of the parent's waker when it is done.
    ///
    /// Fails (loom: "deadlock") on the broken variant that clears a child's
    /// `queued` flag *after* polling it instead of before: a wake that lands
    /// between the child's `Pending` and the clearing finds the flag still
    /// set, queues nothing and wakes nobody.
    #[test]
    fn loom_child_woken_from_another_thread_while_the_parent_polls() {
        crate::loom::model(|| {
            let gates = [Gate::new(), Gate::new()];
            let mut set = FutureSet::new([gates[0].child(0), gates[1].child(1)]);
            let opener = {
                let gates = gates.clone();
                thread::spawn(move || {
                    for gate in &gates {
                        gate.open();
                    }
                })
            };
            let mut outputs = drain(&mut set);
            opener.join().unwrap();
            outputs.sort_unstable();
            assert_eq!(outputs, [0, 1], "each child's output exactly once");
            for gate in &gates {
                assert_eq!(
                    gate.0.lock().ready_polls,
                    1,
                    "a finished child is not polled again"
                );
            }
            assert!(
                !set.ready.has_parent(),
                "a finished set let go of the parent's waker"
            );
        });
    }

    /// One child woken twice, from two threads, while the parent polls: two
    /// concurrent wakes queue it once (the `queued` flag), and neither wake
    /// is lost.
    ///
    /// Fails (loom: "deadlock") on the same broken variant as above.
    #[test]
    fn loom_child_woken_twice_concurrently() {
        crate::loom::model(|| {
            let gate = Gate::new();
            let mut set = FutureSet::new([gate.child(0)]);
            // The first poll hands the child its waker.
            let noop = Waker::noop();
            assert!(
                set.poll_next(&mut std::task::Context::from_waker(noop))
                    .is_pending()
            );
            let waker = gate.0.lock().waker.clone().unwrap();
            let early = thread::spawn(move || waker.wake());
            let opener = {
                let gate = gate.clone();
                thread::spawn(move || gate.open())
            };
            assert_eq!(drain(&mut set), [0]);
            early.join().unwrap();
            opener.join().unwrap();
            assert!(set.ready.queued_len() <= 1, "queued at most once");
        });
    }

    /// A child that, once its waker is registered, re-polls with a load
    /// alone while the waker it is polled with `will_wake` the registered
    /// one: what a `JoinHandle` does (`Harness::can_read_output`), and so
    /// what a child that polls several `JoinHandle`s (a `join` of two
    /// handles, a `select` of a handle and a timer) does for the ones it
    /// already registered with.
    #[derive(Clone)]
    struct Flag(Arc<FlagState>);

    struct FlagState {
        set: crate::loom::AtomicBool,
        waker: Mutex<Option<Waker>>,
    }

    impl Flag {
        fn new() -> Flag {
            Flag(Arc::new(FlagState {
                set: crate::loom::AtomicBool::new(false),
                waker: Mutex::new(None),
            }))
        }

        fn child(&self, value: usize) -> impl Future<Output = usize> + Unpin + use<> {
            use crate::loom::Ordering::Acquire;
            let flag = self.clone();
            let mut registered: Option<Waker> = None;
            poll_fn(move |cx| {
                if flag.0.set.load(Acquire) {
                    return Poll::Ready(value);
                }
                if registered.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                    return Poll::Pending;
                }
                *flag.0.waker.lock() = Some(cx.waker().clone());
                registered = Some(cx.waker().clone());
                if flag.0.set.load(Acquire) {
                    Poll::Ready(value)
                } else {
                    Poll::Pending
                }
            })
        }

        /// Sets the flag, then wakes the registered waker (as a task's
        /// completion wakes its join waker).
        fn set(&self) {
            self.0.set.store(true, crate::loom::Ordering::Release);
            let waker = self.0.waker.lock().clone();
            if let Some(waker) = waker {
                waker.wake();
            }
        }
    }

    /// A child whose waker is registered is woken twice, from two threads:
    /// once by something that does not make it ready (another future it
    /// polls), once by its completion. The parent clears the child's
    /// `queued` flag and re-polls it while the completion lands; the
    /// completion's wake finds the flag still set by the first wake and
    /// queues nothing, so the re-poll must see the completion.
    ///
    /// Fails (loom: "deadlock") when `EntryWaker::clear` is a plain store:
    /// the store-buffering outcome, where the completion's swap reads the
    /// flag from before the clear and the re-poll's load reads the child's
    /// state from before the completion, strands the finished child.
    #[test]
    fn loom_child_repolled_by_a_load_sees_a_concurrent_completion() {
        crate::loom::model(|| {
            let flag = Flag::new();
            let mut set = FutureSet::new([flag.child(0)]);
            // The first poll hands the child its waker, which it registers.
            let noop = Waker::noop();
            assert!(
                set.poll_next(&mut std::task::Context::from_waker(noop))
                    .is_pending()
            );
            let waker = flag.0.waker.lock().clone().unwrap();
            let other = thread::spawn(move || waker.wake());
            let completer = {
                let flag = flag.clone();
                thread::spawn(move || flag.set())
            };
            assert_eq!(drain(&mut set), [0]);
            other.join().unwrap();
            completer.join().unwrap();
        });
    }
}
