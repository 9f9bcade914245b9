//! The queue machinery shared by `Queue`, `LifoQueue` and `PriorityQueue`.
//!
//! # Design
//!
//! The items live in a concurrent store (`buffer.rs`: for a bounded FIFO
//! queue the lock-free ring of `ring.rs`), *not* under the mutex. The mutex
//! guards only the slow path: the three waiter lists (getters, putters,
//! joiners), the reservations, and the shutdown state. A `put` or `get` that
//! nobody waits in front of never touches it: it reads one atomic word,
//! `flags`, and goes straight to the store. So producers and consumers on
//! different cores share the store's slots, not a lock's cache line.
//!
//! `flags` mirrors, for the fast path, what the mutex knows:
//!
//! * [`GET_WAIT`] / [`PUT_WAIT`]: getters (putters) wait;
//! * [`GET_RESV`] / [`PUT_RESV`]: woken getters (putters) hold reserved
//!   items (slots), which a newcomer must not take;
//! * [`CLOSED`]: the queue is shut down.
//!
//! A newcomer `get` takes the slow path if getters wait or hold
//! reservations, a newcomer `put` likewise (or if the queue is shut down).
//! `flags` is written only under the mutex (`sync_flags`), so it is exact
//! whenever the lock is free; a stale read only costs a trip to the slow
//! path, or the race described below.
//!
//! # Waiting is FIFO-fair: reservations
//!
//! When an item arrives while getters wait, the head getter is completed
//! with [`GRANTED`] and the item counted in `reserved_items`: it stays in
//! the store (so `qsize` counts it, as asyncio does) but `GET_RESV` keeps
//! newcomers out until the woken getter has taken it. Putters mirror this
//! with `reserved_slots` when room appears in a bounded queue. A getter
//! (putter) dropped after being granted passes its reservation to the next
//! waiting getter (putter), or gives it up.
//!
//! One race is left to the fast path: a `get` that read `flags` before a
//! getter started waiting may take the item that is then reserved for that
//! getter (the two overlap, so either order is a valid outcome). The woken
//! getter then finds nothing for it and waits again *at the head* of the
//! line (`WaitNode::push_front`), keeping its turn. Likewise for putters.
//!
//! # No lost wake-up: the store's marks
//!
//! The store keeps a *getters' mark* and a *putters' mark* (`Buffer`): in
//! the ring, the top bit of `tail` and of `head`. A getter about to wait
//! sets the getters' mark under the lock (`announce`) and only then looks
//! at the store one last time before linking its node. Setting the mark is
//! a read-modify-write of `tail`, so every push is ordered with it: a push
//! that came first is seen by that last look (the getter may wait out the
//! pusher's final store), and a push that came after reports the mark and
//! takes the lock to grant the item to the waiting getters
//! (`notify_getters`). A fast put thus needs no fence and no second look at
//! `flags`: its one CAS on `tail` tells it. `get` against a waiting putter
//! is the mirror image (the putters' mark on `head`, `notify_putters`).
//! An immediate `shutdown` sets the getters' mark for good before dropping
//! the items, so a racing fast `put` whose item went in afterwards sees the
//! mark and drops what is left too. The marks are cleared (under the lock)
//! when the lines empty. The loom models in `loom_tests.rs` check these
//! pairs, and fail if a push or a pop ignores the mark.
//!
//! # Invariants (whenever the lock is free, and no fast operation is in flight)
//!
//! * if getters wait, every item is reserved (`len == reserved_items`), and
//!   if putters wait, every free slot is reserved
//!   (`len + reserved_slots == maxsize`); a newcomer finds nothing to take
//!   and queues behind the waiters;
//! * `flags` equals `State::flags`, and the store's marks equal
//!   `getters_marked` / `putters_marked`.
//!
//! # Unfinished work (`task_done` / `join`)
//!
//! `unfinished` is an atomic counter, raised *before* an item becomes
//! visible (so a consumer's `task_done` cannot run ahead of it) and lowered
//! by `task_done`. Only the step that brings it to zero takes the lock, and
//! wakes the joiners under it; joiners read it under the lock. A fast `put`
//! that finds the store full lowers it back (waking joiners if that makes
//! zero, since a joiner may have seen the raised value).
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
use crate::loom::{AtomicUsize, Mutex, MutexGuard, Ordering};
use crate::waiters::{Cancelled, WaitNode, WaiterList, complete_before};

/// Completion code: an item (for a getter) or a slot (for a putter) was
/// reserved for this waiter.
const GRANTED: usize = 0;
/// Completion code: the queue was shut down.
const SHUT_DOWN: usize = 1;

/// `flags` bit: getters wait (a put must serve them).
const GET_WAIT: usize = 1;
/// `flags` bit: woken getters hold reserved items (a newcomer get must
/// not take them).
const GET_RESV: usize = 2;
/// `flags` bit: putters wait (a get must serve them).
const PUT_WAIT: usize = 4;
/// `flags` bit: woken putters hold reserved slots.
const PUT_RESV: usize = 8;
/// `flags` bit: the queue is shut down.
const CLOSED: usize = 16;
/// A newcomer get goes to the slow path.
const GET_GATE: usize = GET_WAIT | GET_RESV;
/// A newcomer put goes to the slow path.
const PUT_GATE: usize = PUT_WAIT | PUT_RESV | CLOSED;

/// Keeps `T` on its own cache line (128 bytes: adjacent-line prefetch).
#[repr(align(128))]
struct Padded<T>(T);

/// A queue's items, its fast-path flags and its waiters.
pub(crate) struct Chan<B> {
    /// 0 means unbounded.
    maxsize: usize,
    /// Read by every operation, written rarely (under `state`'s lock).
    flags: Padded<AtomicUsize>,
    /// Items put and not yet marked done by `task_done`.
    unfinished: Padded<AtomicUsize>,
    buf: B,
    state: Mutex<State>,
}

struct State {
    shut_down: bool,
    /// `shutdown(true)` was called: items pushed by racing puts are dropped.
    immediate: bool,
    /// Items in `buf` promised to completed (woken) getters.
    reserved_items: usize,
    /// Free slots promised to completed (woken) putters.
    reserved_slots: usize,
    getters: WaiterList,
    putters: WaiterList,
    joiners: WaiterList,
    /// The store's getters' mark is set (see `Buffer`): getters wait, or
    /// an immediate shutdown happened (racing puts must drop their items).
    getters_marked: bool,
    /// The store's putters' mark is set: putters wait.
    putters_marked: bool,
}

impl State {
    /// What `Chan::flags` must say.
    fn flags(&self) -> usize {
        let mut flags = 0;
        if !self.getters.is_empty() {
            flags |= GET_WAIT;
        }
        if self.reserved_items > 0 {
            flags |= GET_RESV;
        }
        if !self.putters.is_empty() {
            flags |= PUT_WAIT;
        }
        if self.reserved_slots > 0 {
            flags |= PUT_RESV;
        }
        if self.shut_down {
            flags |= CLOSED;
        }
        flags
    }
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

fn wake(waker: Option<Waker>) {
    if let Some(waker) = waker {
        waker.wake();
    }
}

impl<B: Buffer> Chan<B> {
    pub(crate) fn new(maxsize: usize) -> Self {
        Self {
            maxsize,
            flags: Padded(AtomicUsize::new(0)),
            unfinished: Padded(AtomicUsize::new(0)),
            buf: B::new(maxsize),
            state: Mutex::new(State {
                shut_down: false,
                immediate: false,
                reserved_items: 0,
                reserved_slots: 0,
                getters: WaiterList::new(),
                putters: WaiterList::new(),
                joiners: WaiterList::new(),
                getters_marked: false,
                putters_marked: false,
            }),
        }
    }

    pub(crate) fn maxsize(&self) -> usize {
        self.maxsize
    }

    pub(crate) fn qsize(&self) -> usize {
        self.buf.len()
    }

    #[inline]
    fn flags(&self) -> usize {
        self.flags.0.load(Ordering::Acquire)
    }

    /// Publishes `st`'s flags and marks (the lock is held: the only
    /// writer).
    fn sync_flags(&self, st: &mut State) {
        let flags = st.flags();
        // Only lock holders write it, so a relaxed look under the lock is
        // exact.
        if self.flags.0.load(Ordering::Relaxed) != flags {
            // A fast path that reads a stale value only takes the slow path
            // for nothing, or takes an item (a slot) that was just reserved:
            // the race `poll_get` (`poll_put`) tolerates by waiting again at
            // the head. No wake-up depends on it: those go by the marks.
            self.flags.0.store(flags, Ordering::Release);
        }
        let getters = !st.getters.is_empty() || st.immediate;
        if st.getters_marked != getters {
            st.getters_marked = getters;
            self.buf.mark_getters(getters);
        }
        let putters = !st.putters.is_empty();
        if st.putters_marked != putters {
            st.putters_marked = putters;
            self.buf.mark_putters(putters);
        }
    }

    /// Announces, under the lock, that the caller is about to wait in the
    /// line `bit`, before its last look at the store: sets the store's mark,
    /// which every later push (pop) reports (the other half of "push, then
    /// look at the mark").
    fn announce(&self, st: &mut State, bit: usize) {
        self.flags.0.store(st.flags() | bit, Ordering::Release);
        if bit == GET_WAIT && !st.getters_marked {
            st.getters_marked = true;
            self.buf.mark_getters(true);
        }
        if bit == PUT_WAIT && !st.putters_marked {
            st.putters_marked = true;
            self.buf.mark_putters(true);
        }
    }

    pub(crate) fn put_nowait(&self, item: B::Item) -> Result<(), TryPutError<B::Item>> {
        if self.flags() & PUT_GATE == 0 {
            return self.push_fast(item).map_err(TryPutError::full);
        }
        let st = self.state.lock();
        if st.shut_down {
            return Err(TryPutError::shut_down(item));
        }
        if !self.has_free_slot(&st) {
            return Err(TryPutError::full(item));
        }
        let pushed = self.push_locked(item);
        drop(st);
        let marked = pushed.map_err(TryPutError::full)?;
        self.after_push(marked);
        Ok(())
    }

    pub(crate) fn get_nowait(&self) -> Result<B::Item, TryGetError> {
        let flags = self.flags();
        if flags & GET_GATE == 0 {
            if let Some((item, marked)) = self.buf.pop() {
                self.after_pop(marked);
                return Ok(item);
            }
            return Err(if flags & CLOSED != 0 {
                TryGetError::SHUT_DOWN
            } else {
                TryGetError::EMPTY
            });
        }
        let st = self.state.lock();
        if st.getters.is_empty()
            && self.buf.len() > st.reserved_items
            && let Some((item, marked)) = self.buf.pop()
        {
            drop(st);
            self.after_pop(marked);
            return Ok(item);
        }
        Err(if st.shut_down {
            TryGetError::SHUT_DOWN
        } else {
            TryGetError::EMPTY
        })
    }

    #[track_caller]
    pub(crate) fn task_done(&self) {
        if !self.lower_unfinished_fast() {
            self.lower_unfinished_locked(true);
        }
    }

    /// Lowers `unfinished` by one unless that would make it zero (or it is
    /// zero): `false` then, for the caller to do it under the lock.
    #[inline]
    fn lower_unfinished_fast(&self) -> bool {
        let mut n = self.unfinished.0.load(Ordering::Relaxed);
        while n > 1 {
            match self.unfinished.0.compare_exchange_weak(
                n,
                n - 1,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(now) => n = now,
            }
        }
        false
    }

    /// Lowers `unfinished` by one under the lock, and releases the joiners
    /// if that makes zero. `task_done`: panics on zero; otherwise (a failed
    /// fast put taking back its count) zero cannot happen.
    #[track_caller]
    fn lower_unfinished_locked(&self, task_done: bool) {
        let st = self.state.lock();
        let mut n = self.unfinished.0.load(Ordering::Relaxed);
        loop {
            if n == 0 {
                drop(st);
                if !task_done {
                    // A surplus `task_done` already took the count back.
                    return;
                }
                panic!(
                    "task_done() called more times than items were put in the queue: \
                     call it exactly once per item taken with get(), after processing it"
                );
            }
            match self.unfinished.0.compare_exchange_weak(
                n,
                n - 1,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => break,
                Err(now) => n = now,
            }
        }
        if n == 1 {
            self.release_joiners(st);
        }
    }

    /// Completes every joiner (the lock is held, `unfinished` hit zero).
    fn release_joiners(&self, st: MutexGuard<'_, State>) {
        let limit = st.joiners.next_ticket();
        complete_before(&self.state, st, |s| &mut s.joiners, limit, 0, usize::MAX);
    }

    pub(crate) fn shutdown(&self, immediate: bool) {
        let mut st = self.state.lock();
        st.shut_down = true;
        st.immediate |= immediate;
        // Puts fail from now on, so slot reservations are void.
        st.reserved_slots = 0;
        self.sync_flags(&mut st);
        let (dropped, zero) = if immediate {
            self.drain(&mut st)
        } else {
            (Vec::new(), self.unfinished.0.load(Ordering::Relaxed) == 0)
        };
        if zero {
            self.release_joiners(st);
            st = self.state.lock();
        }
        // No getter or putter links itself after the flag is set, so these
        // lists only shrink: wake everybody in them.
        let limit = st.getters.next_ticket();
        complete_before(
            &self.state,
            st,
            |s| &mut s.getters,
            limit,
            SHUT_DOWN,
            usize::MAX,
        );
        let st = self.state.lock();
        let limit = st.putters.next_ticket();
        complete_before(
            &self.state,
            st,
            |s| &mut s.putters,
            limit,
            SHUT_DOWN,
            usize::MAX,
        );
        let mut st = self.state.lock();
        self.sync_flags(&mut st);
        drop(st);
        // The items go outside the lock: their `Drop` may do anything.
        drop(dropped);
    }

    /// Takes every item out for an immediate shutdown (lock held), voids the
    /// item reservations and lowers `unfinished` by the number taken.
    /// Returns the items, to drop once the lock is released, and whether
    /// `unfinished` is now zero.
    fn drain(&self, st: &mut State) -> (Vec<B::Item>, bool) {
        let mut items = Vec::new();
        while let Some((item, _)) = self.buf.pop() {
            items.push(item);
        }
        st.reserved_items = 0;
        let n = items.len();
        let before = self
            .unfinished
            .0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |u| {
                Some(u.saturating_sub(n))
            })
            .unwrap_or_else(|u| u);
        (items, before <= n)
    }

    /// Room for one more item that nobody has a claim on (lock held).
    fn has_free_slot(&self, st: &State) -> bool {
        st.putters.is_empty() && self.room(st)
    }

    /// A free slot that is not reserved (lock held).
    fn room(&self, st: &State) -> bool {
        self.maxsize == 0 || self.buf.len() + st.reserved_slots < self.maxsize
    }

    /// The fast put: counts the item, pushes it, and serves waiting getters.
    /// Gives the item back if the store is full.
    #[inline]
    fn push_fast(&self, item: B::Item) -> Result<(), B::Item> {
        self.unfinished.0.fetch_add(1, Ordering::Relaxed);
        match self.buf.push(item) {
            Ok(marked) => {
                self.after_push(marked);
                Ok(())
            }
            Err(item) => {
                // A joiner may have seen the raised count: lower it as
                // `task_done` would.
                if !self.lower_unfinished_fast() {
                    self.lower_unfinished_locked(false);
                }
                Err(item)
            }
        }
    }

    /// The put of a slow path (lock held, so no joiner can have seen the
    /// count raised if the push fails). The caller calls `after_push` with
    /// the flag once it has dropped the lock.
    fn push_locked(&self, item: B::Item) -> Result<bool, B::Item> {
        self.unfinished.0.fetch_add(1, Ordering::Relaxed);
        self.buf.push(item).inspect_err(|_| {
            self.unfinished.0.fetch_sub(1, Ordering::Relaxed);
        })
    }

    /// After an item was pushed (no lock held): if the getters' mark was
    /// set, hand it to a waiting getter, or drop it if an immediate
    /// shutdown raced the put.
    #[inline]
    fn after_push(&self, marked: bool) {
        if marked {
            self.notify_getters();
        }
    }

    /// After an item was popped (no lock held): if the putters' mark was
    /// set, give the freed slot to a waiting putter.
    #[inline]
    fn after_pop(&self, marked: bool) {
        if marked {
            self.notify_putters();
        }
    }

    /// Reserves the unreserved items for waiting getters, in order, and
    /// wakes them (one at a time, with the lock dropped); drops the items
    /// of a put that raced an immediate shutdown.
    #[cold]
    fn notify_getters(&self) {
        let mut st = self.state.lock();
        if st.immediate {
            let (dropped, zero) = self.drain(&mut st);
            self.sync_flags(&mut st);
            if zero {
                self.release_joiners(st);
            } else {
                drop(st);
            }
            drop(dropped);
            return;
        }
        loop {
            let waker = if !st.getters.is_empty() && self.buf.len() > st.reserved_items {
                st.getters.pop_front(GRANTED)
            } else {
                None
            };
            if waker.is_some() {
                st.reserved_items += 1;
            }
            let more = !st.getters.is_empty() && self.buf.len() > st.reserved_items;
            self.sync_flags(&mut st);
            drop(st);
            let Some(waker) = waker else { return };
            waker.wake();
            if !more {
                return;
            }
            st = self.state.lock();
        }
    }

    /// Reserves the free slots for waiting putters, in order, and wakes
    /// them (one at a time, with the lock dropped).
    #[cold]
    fn notify_putters(&self) {
        loop {
            let mut st = self.state.lock();
            let waker = if !st.putters.is_empty() && !st.shut_down && self.room(&st) {
                st.putters.pop_front(GRANTED)
            } else {
                None
            };
            if waker.is_some() {
                st.reserved_slots += 1;
            }
            let more = !st.putters.is_empty() && self.room(&st);
            self.sync_flags(&mut st);
            drop(st);
            let Some(waker) = waker else { return };
            waker.wake();
            if !more {
                return;
            }
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
            Poll::Ready(None) => {
                // First poll: the fast path, unless getters are in line.
                if self.flags() & GET_GATE == 0
                    && let Some((item, marked)) = self.buf.pop()
                {
                    self.after_pop(marked);
                    return Poll::Ready(Ok(item));
                }
                false
            }
            Poll::Ready(Some(code)) => code == GRANTED,
        };
        let mut st = self.state.lock();
        let head = if granted && st.reserved_items > 0 {
            // Our reservation (an immediate shutdown would have voided it).
            st.reserved_items -= 1;
            if let Some((item, marked)) = self.buf.pop() {
                self.sync_flags(&mut st);
                drop(st);
                self.after_pop(marked);
                return Poll::Ready(Ok(item));
            }
            // A getter that raced past the flag took it: wait again, first
            // in line.
            true
        } else {
            false
        };
        if st.shut_down {
            // The lines only shrink now: take what is left, or fail.
            if self.buf.len() > st.reserved_items
                && let Some((item, _)) = self.buf.pop()
            {
                self.sync_flags(&mut st);
                drop(st);
                return Poll::Ready(Ok(item));
            }
            self.sync_flags(&mut st);
            return Poll::Ready(Err(QueueShutDown));
        }
        if st.getters.is_empty() && !head && st.reserved_items > 0 {
            // The fast path did not look (reserved items closed it): an
            // unreserved item may be there.
            if self.buf.len() > st.reserved_items
                && let Some((item, marked)) = self.buf.pop()
            {
                self.sync_flags(&mut st);
                drop(st);
                self.after_pop(marked);
                return Poll::Ready(Ok(item));
            }
        }
        if st.getters.is_empty() || head {
            // About to wait at the head: announce it, then look again (a
            // fast put that missed the mark pushed before our look).
            self.announce(&mut st, GET_WAIT);
            if self.buf.len() > st.reserved_items
                && let Some((item, marked)) = self.buf.pop()
            {
                self.sync_flags(&mut st);
                drop(st);
                self.after_pop(marked);
                return Poll::Ready(Ok(item));
            }
        }
        // SAFETY: as above.
        unsafe {
            if head {
                node.push_front(&mut st.getters, 0, cx.waker());
            } else {
                node.push(&mut st.getters, 0, cx.waker());
            }
        }
        self.sync_flags(&mut st);
        Poll::Pending
    }

    fn cancel_get(&self, node: Pin<&mut WaitNode>) {
        // SAFETY: a getter's node is only used with `getters` (`ChanOps`).
        match unsafe { node.cancel(&self.state, |s| &mut s.getters) } {
            Cancelled::NotQueued => {}
            Cancelled::Removed(mut st, _) => self.sync_flags(&mut st),
            Cancelled::Completed(code) => {
                let mut st = self.state.lock();
                if code == GRANTED && st.reserved_items > 0 {
                    // An item was reserved for us: hand it to the next
                    // getter, or make it available again.
                    let next = st.getters.pop_front(GRANTED);
                    if next.is_none() {
                        st.reserved_items -= 1;
                    }
                    self.sync_flags(&mut st);
                    drop(st);
                    wake(next);
                }
            }
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
        let take =
            |item: &mut Option<B::Item>| item.take().expect("PutFuture polled after completion");
        let granted = match completion {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(None) => {
                // First poll: the fast path, unless putters are in line.
                if self.flags() & PUT_GATE == 0 {
                    match self.push_fast(take(item)) {
                        Ok(()) => return Poll::Ready(Ok(())),
                        Err(back) => *item = Some(back),
                    }
                }
                false
            }
            Poll::Ready(Some(code)) => code == GRANTED,
        };
        let mut st = self.state.lock();
        if st.shut_down {
            self.sync_flags(&mut st);
            return Poll::Ready(Err(PutError::new(take(item))));
        }
        let head = if granted && st.reserved_slots > 0 {
            st.reserved_slots -= 1;
            match self.push_locked(take(item)) {
                Ok(marked) => {
                    self.sync_flags(&mut st);
                    drop(st);
                    self.after_push(marked);
                    return Poll::Ready(Ok(()));
                }
                // A put that raced past the flag took the slot: wait again,
                // first in line.
                Err(back) => *item = Some(back),
            }
            true
        } else {
            false
        };
        if st.putters.is_empty() && !head && st.reserved_slots > 0 && self.room(&st) {
            // The fast path did not look (reserved slots closed it): an
            // unreserved slot may be free.
            match self.push_locked(take(item)) {
                Ok(marked) => {
                    self.sync_flags(&mut st);
                    drop(st);
                    self.after_push(marked);
                    return Poll::Ready(Ok(()));
                }
                Err(back) => *item = Some(back),
            }
        }
        if st.putters.is_empty() || head {
            // About to wait at the head: announce it, then look again (a
            // fast get that missed the mark popped before our look).
            self.announce(&mut st, PUT_WAIT);
            if self.room(&st) {
                match self.push_locked(take(item)) {
                    Ok(marked) => {
                        self.sync_flags(&mut st);
                        drop(st);
                        self.after_push(marked);
                        return Poll::Ready(Ok(()));
                    }
                    Err(back) => *item = Some(back),
                }
            }
        }
        // SAFETY: as above.
        unsafe {
            if head {
                node.push_front(&mut st.putters, 0, cx.waker());
            } else {
                node.push(&mut st.putters, 0, cx.waker());
            }
        }
        self.sync_flags(&mut st);
        Poll::Pending
    }

    fn cancel_put(&self, node: Pin<&mut WaitNode>) {
        // SAFETY: a putter's node is only used with `putters` (`ChanOps`).
        match unsafe { node.cancel(&self.state, |s| &mut s.putters) } {
            Cancelled::NotQueued => {}
            Cancelled::Removed(mut st, _) => self.sync_flags(&mut st),
            Cancelled::Completed(code) => {
                let mut st = self.state.lock();
                if code == GRANTED && st.reserved_slots > 0 {
                    let next = st.putters.pop_front(GRANTED);
                    if next.is_none() {
                        st.reserved_slots -= 1;
                    }
                    self.sync_flags(&mut st);
                    drop(st);
                    wake(next);
                }
            }
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
        if self.unfinished.0.load(Ordering::Relaxed) == 0 {
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
