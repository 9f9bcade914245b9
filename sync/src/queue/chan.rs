//! The queue machinery shared by `Queue`, `LifoQueue` and `PriorityQueue`.
//!
//! # Protocol
//!
//! One mutex guards everything: the items, the unfinished-work counter, the
//! shutdown flag, and three waiter lists (getters, putters, joiners).
//!
//! Waiting is FIFO-fair through *reservations*. When an item arrives while
//! getters wait, the head getter is completed with [`GRANTED`] and the item
//! is counted in `reserved_items`: it stays in the buffer (so `qsize` counts
//! it, as asyncio does) but no later `get`/`get_nowait` may take it. The
//! woken getter takes it when it runs. Putters mirror this with
//! `reserved_slots` when room appears in a bounded queue. So:
//!
//! * invariant: if getters wait, every item is reserved
//!   (`buf.len() == reserved_items`), and if putters wait, every free slot is
//!   reserved (`buf.len() + reserved_slots == maxsize`); hence a newcomer
//!   finds nothing to take and queues behind the waiters;
//! * a getter (putter) dropped after being granted passes its reservation
//!   to the next waiting getter (putter), or gives it up if there is none:
//!   no item or slot is stranded, and no wake-up is lost.
//!
//! Shutdown (asyncio 3.13): puts fail at once; gets take what is not
//! reserved by others, then fail; `immediate` also drops the items (outside
//! the lock), forgets the reservations, lowers the unfinished count by the
//! number dropped and releases `join` if it reaches zero. Every waiting
//! getter and putter is completed with [`SHUT_DOWN`] and re-checks.

use core::pin::Pin;
use core::task::{Context, Poll, Waker};

use super::buffer::Buffer;
use crate::error::{PutError, QueueShutDown, TryGetError, TryPutError};
use crate::loom::{Mutex, MutexGuard};
use crate::waiters::{Cancelled, DeferredPanic, WaitNode, WaiterList, complete_before};

/// Completion code: an item (for a getter) or a slot (for a putter) was
/// reserved for this waiter.
const GRANTED: usize = 0;
/// Completion code: the queue was shut down.
const SHUT_DOWN: usize = 1;

/// A queue's state and its waiters.
pub(crate) struct Chan<B> {
    /// 0 means unbounded.
    maxsize: usize,
    state: Mutex<State<B>>,
}

struct State<B> {
    buf: B,
    /// Items put and not yet marked done by `task_done`.
    unfinished: usize,
    shut_down: bool,
    /// Items in `buf` promised to completed (woken) getters.
    reserved_items: usize,
    /// Free slots promised to completed (woken) putters.
    reserved_slots: usize,
    getters: WaiterList,
    putters: WaiterList,
    joiners: WaiterList,
}

/// The operations the queue futures need, without the buffer type.
///
/// A node is used with one line only: a getter's with `poll_get` and
/// `cancel_get` (the `getters` list), a putter's with `poll_put` and
/// `cancel_put`, a joiner's with `poll_join` and `cancel_join`. That is
/// [`WaitNode`]'s contract, met by each future calling only its own pair.
pub(crate) trait ChanOps<T> {
    fn poll_get(
        &self,
        node: Pin<&mut WaitNode>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<T, QueueShutDown>>;
    fn cancel_get(&self, node: Pin<&mut WaitNode>);
    fn poll_put(
        &self,
        node: Pin<&mut WaitNode>,
        item: &mut Option<T>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), PutError<T>>>;
    fn cancel_put(&self, node: Pin<&mut WaitNode>);
    fn poll_join(&self, node: Pin<&mut WaitNode>, cx: &mut Context<'_>) -> Poll<()>;
    fn cancel_join(&self, node: Pin<&mut WaitNode>);
}

#[inline]
fn wake(waker: Option<Waker>) {
    if let Some(waker) = waker {
        waker.wake();
    }
}

/// Wakes what a push or pop handed over, with the lock dropped, then
/// resumes the buffer's panic if it had one (see [`Chan::push`]).
#[inline]
fn finish(waker: Option<Waker>, panic: DeferredPanic) {
    wake(waker);
    panic.resume();
}

impl<B: Buffer> Chan<B> {
    pub(crate) fn new(maxsize: usize) -> Self {
        Self {
            maxsize,
            state: Mutex::new(State {
                buf: B::default(),
                unfinished: 0,
                shut_down: false,
                reserved_items: 0,
                reserved_slots: 0,
                getters: WaiterList::new(),
                putters: WaiterList::new(),
                joiners: WaiterList::new(),
            }),
        }
    }

    pub(crate) fn maxsize(&self) -> usize {
        self.maxsize
    }

    pub(crate) fn qsize(&self) -> usize {
        self.state.lock().buf.len()
    }

    pub(crate) fn put_nowait(&self, item: B::Item) -> Result<(), TryPutError<B::Item>> {
        let mut st = self.state.lock();
        if st.shut_down {
            return Err(TryPutError::shut_down(item));
        }
        if !self.has_free_slot(&st) {
            return Err(TryPutError::full(item));
        }
        let (waker, panic) = Self::push(&mut st, item);
        drop(st);
        finish(waker, panic);
        Ok(())
    }

    pub(crate) fn get_nowait(&self) -> Result<B::Item, TryGetError> {
        let mut st = self.state.lock();
        if st.buf.len() > st.reserved_items {
            let (item, waker, panic) = self.pop(&mut st);
            drop(st);
            finish(waker, panic);
            Ok(item.expect("a pop without an item panicked, resumed above"))
        } else if st.shut_down {
            Err(TryGetError::SHUT_DOWN)
        } else {
            Err(TryGetError::EMPTY)
        }
    }

    #[track_caller]
    pub(crate) fn task_done(&self) {
        let mut st = self.state.lock();
        if st.unfinished == 0 {
            drop(st);
            panic!(
                "task_done() called more times than items were put in the queue: \
                 call it exactly once per item taken with get(), after processing it"
            );
        }
        st.unfinished -= 1;
        if st.unfinished == 0 {
            let limit = st.joiners.next_ticket();
            complete_before(&self.state, st, |s| &mut s.joiners, limit, 0, usize::MAX);
        }
    }

    pub(crate) fn shutdown(&self, immediate: bool) {
        let mut st = self.state.lock();
        st.shut_down = true;
        // Puts fail from now on, so slot reservations are void.
        st.reserved_slots = 0;
        let dropped = if immediate {
            let items = core::mem::take(&mut st.buf);
            st.reserved_items = 0;
            st.unfinished = st.unfinished.saturating_sub(items.len());
            Some(items)
        } else {
            None
        };
        // Three lines are woken in turn, each by a `complete_before` that
        // resumes a waker's panic once its own line is done. Such a panic
        // (user code) must not skip the lines after it, whose waiters no
        // later put or get would wake: it is held until all three are done.
        let mut panic = DeferredPanic::new();
        if st.unfinished == 0 {
            let limit = st.joiners.next_ticket();
            panic.catch(|| {
                complete_before(&self.state, st, |s| &mut s.joiners, limit, 0, usize::MAX)
            });
            st = self.state.lock();
        }
        // No getter or putter links itself after the flag is set, so these
        // lists only shrink: wake everybody in them.
        let limit = st.getters.next_ticket();
        panic.catch(|| {
            complete_before(
                &self.state,
                st,
                |s| &mut s.getters,
                limit,
                SHUT_DOWN,
                usize::MAX,
            )
        });
        let st = self.state.lock();
        let limit = st.putters.next_ticket();
        panic.catch(|| {
            complete_before(
                &self.state,
                st,
                |s| &mut s.putters,
                limit,
                SHUT_DOWN,
                usize::MAX,
            )
        });
        // The items go outside the lock: their `Drop` may do anything.
        drop(dropped);
        panic.resume();
    }

    /// Room for one more item that nobody has a claim on.
    fn has_free_slot(&self, st: &State<B>) -> bool {
        st.putters.is_empty()
            && (self.maxsize == 0 || st.buf.len() + st.reserved_slots < self.maxsize)
    }

    /// Adds an item; returns the head getter's waker if it gets the item,
    /// and the buffer's panic, for [`finish`] once the lock is dropped.
    ///
    /// A `PriorityQueue`'s buffer runs the items' `Ord` (user code), which
    /// may panic in the middle of the heap's sift. The heap keeps the item
    /// (or not: we go by its length), and the bookkeeping must still follow
    /// it: an item not counted would let `join` return early (and make its
    /// `task_done` panic), and a getter waiting while it sits in the buffer
    /// would never be handed it. So the panic is held until after that.
    #[inline(always)]
    fn push(st: &mut State<B>, item: B::Item) -> (Option<Waker>, DeferredPanic) {
        let mut panic = DeferredPanic::new();
        if B::RUNS_ITEM_CODE {
            let before = st.buf.len();
            panic.catch(|| st.buf.push(item));
            st.unfinished += st.buf.len() - before;
        } else {
            st.buf.push(item);
            st.unfinished += 1;
        }
        let waker = if st.buf.len() > st.reserved_items {
            st.getters
                .pop_front(GRANTED)
                .inspect(|_| st.reserved_items += 1)
        } else {
            None
        };
        (waker, panic)
    }

    /// Takes an item (the caller checked there is one for it); returns the
    /// head putter's waker if it gets the slot, and the buffer's panic, for
    /// [`finish`] once the lock is dropped.
    ///
    /// As in [`Self::push`], a `PriorityQueue`'s `Ord` may panic in the
    /// heap's sift; the item is then lost (the heap drops it) and we return
    /// none, but the slot it freed must still go to a waiting putter.
    #[inline(always)]
    fn pop(&self, st: &mut State<B>) -> (Option<B::Item>, Option<Waker>, DeferredPanic) {
        let mut panic = DeferredPanic::new();
        let pop = |buf: &mut B| buf.pop().expect("the caller checked the queue has an item");
        let item = if B::RUNS_ITEM_CODE {
            panic.catch(|| pop(&mut st.buf))
        } else {
            Some(pop(&mut st.buf))
        };
        let waker = if self.maxsize != 0 && st.buf.len() + st.reserved_slots < self.maxsize {
            st.putters
                .pop_front(GRANTED)
                .inspect(|_| st.reserved_slots += 1)
        } else {
            None
        };
        (item, waker, panic)
    }

    /// A waiter that was granted a reservation (an item for a getter, a
    /// slot for a putter) was dropped: the reservation goes to the next
    /// waiter on its line, or is given up. `line` picks the waiters and
    /// their reservation count. (An immediate shutdown may have voided the
    /// reservations already: then there is nothing to pass on.)
    fn pass_on(
        mut st: MutexGuard<'_, State<B>>,
        line: impl FnOnce(&mut State<B>) -> (&mut WaiterList, &mut usize),
    ) {
        let (waiters, reserved) = line(&mut st);
        if *reserved == 0 {
            return;
        }
        let next = waiters.pop_front(GRANTED);
        if next.is_none() {
            *reserved -= 1;
        }
        drop(st);
        wake(next);
    }

    /// Takes a dropped future's node out of `list`, and returns the locked
    /// state with the completion code if it had been completed instead (so
    /// the caller can pass a reservation on).
    ///
    /// # Safety
    ///
    /// `list` is the node's one line (see [`ChanOps`]).
    unsafe fn cancel<'a>(
        &'a self,
        node: Pin<&mut WaitNode>,
        list: impl FnOnce(&mut State<B>) -> &mut WaiterList,
    ) -> Option<(MutexGuard<'a, State<B>>, usize)> {
        // SAFETY: forwarded contract.
        match unsafe { node.cancel(&self.state, list) } {
            Cancelled::NotQueued | Cancelled::Removed(..) => None,
            Cancelled::Completed(code) => Some((self.state.lock(), code)),
        }
    }
}

impl<B: Buffer> ChanOps<B::Item> for Chan<B> {
    fn poll_get(
        &self,
        mut node: Pin<&mut WaitNode>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<B::Item, QueueShutDown>> {
        // SAFETY: a getter's node is only used with `getters` (`ChanOps`).
        let completion = unsafe {
            node.as_mut()
                .poll_completion(&self.state, |s| &mut s.getters, cx.waker())
        };
        let granted = match completion {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(code) => code == Some(GRANTED),
        };
        let mut st = self.state.lock();
        if granted && st.reserved_items > 0 {
            // Our reservation (an immediate shutdown would have voided it).
            st.reserved_items -= 1;
        } else if st.buf.len() <= st.reserved_items {
            if st.shut_down {
                return Poll::Ready(Err(QueueShutDown));
            }
            // SAFETY: as above.
            unsafe { node.push(&mut st.getters, 0, cx.waker()) };
            return Poll::Pending;
        }
        let (item, waker, panic) = self.pop(&mut st);
        drop(st);
        finish(waker, panic);
        Poll::Ready(Ok(
            item.expect("a pop without an item panicked, resumed above")
        ))
    }

    fn cancel_get(&self, node: Pin<&mut WaitNode>) {
        // SAFETY: a getter's node is only used with `getters` (`ChanOps`).
        let Some((st, code)) = (unsafe { self.cancel(node, |s| &mut s.getters) }) else {
            return;
        };
        if code == GRANTED {
            // An item was reserved for us: hand it to the next getter, or
            // make it available again.
            Self::pass_on(st, |s| (&mut s.getters, &mut s.reserved_items));
        }
    }

    fn poll_put(
        &self,
        mut node: Pin<&mut WaitNode>,
        item: &mut Option<B::Item>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), PutError<B::Item>>> {
        // SAFETY: a putter's node is only used with `putters` (`ChanOps`).
        let completion = unsafe {
            node.as_mut()
                .poll_completion(&self.state, |s| &mut s.putters, cx.waker())
        };
        let granted = match completion {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(code) => code == Some(GRANTED),
        };
        let mut st = self.state.lock();
        let take =
            |item: &mut Option<B::Item>| item.take().expect("PutFuture polled after completion");
        if st.shut_down {
            return Poll::Ready(Err(PutError::new(take(item))));
        }
        if granted && st.reserved_slots > 0 {
            st.reserved_slots -= 1;
        } else if !self.has_free_slot(&st) {
            // SAFETY: as above.
            unsafe { node.push(&mut st.putters, 0, cx.waker()) };
            return Poll::Pending;
        }
        let (waker, panic) = Self::push(&mut st, take(item));
        drop(st);
        finish(waker, panic);
        Poll::Ready(Ok(()))
    }

    fn cancel_put(&self, node: Pin<&mut WaitNode>) {
        // SAFETY: a putter's node is only used with `putters` (`ChanOps`).
        let Some((st, code)) = (unsafe { self.cancel(node, |s| &mut s.putters) }) else {
            return;
        };
        if code == GRANTED {
            Self::pass_on(st, |s| (&mut s.putters, &mut s.reserved_slots));
        }
    }

    fn poll_join(&self, mut node: Pin<&mut WaitNode>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: a joiner's node is only used with `joiners` (`ChanOps`).
        let completion = unsafe {
            node.as_mut()
                .poll_completion(&self.state, |s| &mut s.joiners, cx.waker())
        };
        match completion {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Some(_)) => return Poll::Ready(()),
            Poll::Ready(None) => {}
        }
        let mut st = self.state.lock();
        if st.unfinished == 0 {
            return Poll::Ready(());
        }
        // SAFETY: as above.
        unsafe { node.push(&mut st.joiners, 0, cx.waker()) };
        Poll::Pending
    }

    fn cancel_join(&self, node: Pin<&mut WaitNode>) {
        // A completed joiner has nothing to pass on: all of them are woken.
        // SAFETY: a joiner's node is only used with `joiners` (`ChanOps`).
        let cancelled = unsafe { node.cancel(&self.state, |s| &mut s.joiners) };
        drop(cancelled);
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use crate::test_util::{Counter, poll};
    use crate::{PriorityQueue, Queue, QueueShutDown};
    use std::sync::atomic::AtomicBool;
    use std::sync::atomic::Ordering::SeqCst;
    use std::task::Poll;

    #[test]
    fn reservations_pass_on_when_cancelled() {
        let queue = Queue::new(1);
        let (counter, waker) = Counter::new();
        let mut g1 = Box::pin(queue.get());
        let mut g2 = Box::pin(queue.get());
        assert!(poll(g1.as_mut(), &waker).is_pending());
        assert!(poll(g2.as_mut(), &waker).is_pending());
        queue.put_nowait(1).unwrap();
        drop(g1); // granted, dropped: passes to g2
        assert_eq!(counter.count(), 2);
        assert_eq!(poll(g2.as_mut(), &waker), Poll::Ready(Ok(1)));

        queue.put_nowait(2).unwrap();
        let mut p1 = Box::pin(queue.put(3));
        let mut p2 = Box::pin(queue.put(4));
        assert!(poll(p1.as_mut(), &waker).is_pending());
        assert!(poll(p2.as_mut(), &waker).is_pending());
        assert_eq!(queue.get_nowait(), Ok(2));
        drop(p1); // granted slot passes to p2
        assert!(matches!(poll(p2.as_mut(), &waker), Poll::Ready(Ok(()))));
        assert_eq!(queue.get_nowait(), Ok(4));
    }

    #[test]
    fn shutdown_wakes_everybody_and_join_after_immediate() {
        let queue = PriorityQueue::new(1);
        let (counter, waker) = Counter::new();
        let mut getters: Vec<_> = (0..40).map(|_| Box::pin(queue.get())).collect();
        for g in &mut getters {
            assert!(poll(g.as_mut(), &waker).is_pending());
        }
        queue.put_nowait(5).unwrap(); // reserved for getters[0]
        let mut join = Box::pin(queue.join());
        assert!(poll(join.as_mut(), &waker).is_pending());
        queue.shutdown(true);
        assert_eq!(counter.count(), 41);
        for g in &mut getters {
            assert_eq!(poll(g.as_mut(), &waker), Poll::Ready(Err(QueueShutDown)));
        }
        assert!(poll(join.as_mut(), &waker).is_ready());
    }

    /// A joiner's waker that panics during `shutdown` does not cost the
    /// putters (or getters) their wake-up: nothing else would wake them, as
    /// nobody is served by a shut-down queue.
    #[test]
    fn shutdown_wakes_putters_when_a_joiner_waker_panics() {
        let queue = Queue::new(1);
        queue.put_nowait(1).unwrap();
        let (counter, waker) = Counter::new();
        let (panics, panicking) = Counter::panicking();
        let mut join = Box::pin(queue.join());
        assert!(poll(join.as_mut(), &panicking).is_pending());
        let mut put = Box::pin(queue.put(2));
        assert!(poll(put.as_mut(), &waker).is_pending());
        let shut = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            queue.shutdown(true);
        }));
        assert!(shut.is_err(), "the waker's panic reaches the caller");
        assert_eq!(panics.count(), 1);
        assert_eq!(counter.count(), 1);
        assert!(matches!(poll(put.as_mut(), &waker), Poll::Ready(Err(_))));
        assert!(poll(join.as_mut(), &waker).is_ready());
    }

    /// An item whose `Ord` panics once `armed` is set (user code, run by
    /// the heap under the queue's lock).
    #[derive(Debug)]
    struct Touchy(u32, &'static AtomicBool);

    impl PartialEq for Touchy {
        fn eq(&self, other: &Self) -> bool {
            self.0 == other.0
        }
    }

    impl Eq for Touchy {}

    impl PartialOrd for Touchy {
        fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(other))
        }
    }

    impl Ord for Touchy {
        fn cmp(&self, other: &Self) -> std::cmp::Ordering {
            if self.1.swap(false, SeqCst) {
                panic!("Ord panicked");
            }
            self.0.cmp(&other.0)
        }
    }

    /// A put whose `Ord` panics in the heap's sift: the item stays in the
    /// heap, so it is counted (for `join`) and handed to a waiting getter
    /// as any other.
    #[test]
    fn put_whose_ord_panics_still_counts_and_hands_over_the_item() {
        static ARMED: AtomicBool = AtomicBool::new(false);
        let queue = PriorityQueue::new(0);
        let (counter, waker) = Counter::new();
        let mut g1 = Box::pin(queue.get());
        assert!(poll(g1.as_mut(), &waker).is_pending());
        queue.put_nowait(Touchy(1, &ARMED)).unwrap(); // reserved for g1
        let mut g2 = Box::pin(queue.get());
        assert!(poll(g2.as_mut(), &waker).is_pending());
        ARMED.store(true, SeqCst);
        let put = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = queue.put_nowait(Touchy(2, &ARMED));
        }));
        assert!(put.is_err(), "the Ord's panic reaches the caller");
        assert_eq!(
            counter.count(),
            2,
            "the second getter was not handed the item"
        );
        assert!(matches!(poll(g1.as_mut(), &waker), Poll::Ready(Ok(_))));
        assert!(matches!(poll(g2.as_mut(), &waker), Poll::Ready(Ok(_))));
        queue.task_done();
        queue.task_done(); // panics without the fix: the item was not counted
    }

    /// A get whose `Ord` panics in the heap's sift (the popped item is lost,
    /// dropped by the heap): the slot it freed still goes to a waiting
    /// putter.
    #[test]
    fn get_whose_ord_panics_still_hands_the_slot_to_a_putter() {
        static ARMED: AtomicBool = AtomicBool::new(false);
        let queue = PriorityQueue::new(3);
        for n in 0..3 {
            queue.put_nowait(Touchy(n, &ARMED)).unwrap();
        }
        let (counter, waker) = Counter::new();
        let mut put = Box::pin(queue.put(Touchy(9, &ARMED)));
        assert!(poll(put.as_mut(), &waker).is_pending());
        ARMED.store(true, SeqCst);
        let got = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = queue.get_nowait();
        }));
        assert!(got.is_err(), "the Ord's panic reaches the caller");
        assert_eq!(queue.qsize(), 2);
        assert_eq!(counter.count(), 1, "the putter was not handed the slot");
        assert!(matches!(poll(put.as_mut(), &waker), Poll::Ready(Ok(()))));
        assert_eq!(queue.qsize(), 3);
    }

    #[test]
    fn threads_pass_items() {
        let queue = std::sync::Arc::new(Queue::new(2));
        let producer = {
            let queue = queue.clone();
            std::thread::spawn(move || {
                futures_lite::future::block_on(async {
                    for n in 0..30 {
                        queue.put(n).await.unwrap();
                    }
                    queue.shutdown(false);
                })
            })
        };
        let got: Vec<i32> = futures_lite::future::block_on(async {
            let mut got = Vec::new();
            while let Ok(n) = queue.get().await {
                got.push(n);
            }
            got
        });
        producer.join().unwrap();
        assert_eq!(got, (0..30).collect::<Vec<_>>());
    }
}
