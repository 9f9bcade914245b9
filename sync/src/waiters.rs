//! The intrusive FIFO list of waiting futures that every primitive is built on.
//!
//! # Design
//!
//! A future that has to wait (for a lock, a permit, an item, a notification)
//! embeds a [`WaitNode`] (a [`Waiter`] node plus its "queued" flag) in
//! itself and, on its first `Pending` poll, links that node at the tail of
//! its primitive's [`WaiterList`]. Whoever makes
//! progress possible (an unlock, a release, a put, a `set`, a `notify`)
//! unlinks nodes from the head, in FIFO order, *completes* them with a small
//! code ("you got the lock", "your item is reserved", "the queue was shut
//! down"), and wakes their wakers. Because the node lives inside the pinned
//! future, waiting allocates nothing; because completion happens at the head
//! only, waiting is FIFO-fair.
//!
//! # Who may touch what, and when
//!
//! Every list lives inside a mutex (`crate::loom::Mutex`) together with the
//! rest of its primitive's slow-path state, and `&mut WaiterList` is only
//! reachable through that mutex's guard: holding `&mut WaiterList` *is* the
//! proof that the caller holds the lock. The fields of a node follow three
//! rules:
//!
//! * `links` and `waker` are read and written only by a holder of the lock of
//!   the list the node is linked in (or being linked into). The owner (the
//!   future) also takes that lock to register or refresh its waker, and to
//!   unlink the node when it is dropped. Once the node is unlinked they are
//!   the owner's alone; `remove` leaves the waker in the node so that it is
//!   dropped with the node, outside the lock (dropping a waker can drop a
//!   task, whose futures may need the same lock).
//! * `state` is an atomic word: bit 0 ([`LINKED`]) says the node is in a list,
//!   the other bits are a payload. While `LINKED` is set the payload belongs
//!   to the list (the semaphore keeps "permits still needed" there and lowers
//!   it under the lock). Unlinking writes the final payload, the *completion
//!   code*, with `LINKED` clear, in one `Release` store.
//! * That `Release` store is the last access a notifier makes to a node: it
//!   takes the waker out *before* the store and wakes it after dropping the
//!   lock. So an owner that loads `state` (`Acquire`) and sees `LINKED` clear
//!   knows, without taking the lock, that nobody else references its node any
//!   more and that the completion code is final. This is what lets a woken
//!   future finish without touching the mutex at all.
//!
//! # Why it is sound
//!
//! The list stores raw pointers to nodes that live in other futures' memory.
//! They stay valid because of the contract of [`WaiterList::push_back`]: the
//! node is pinned, and its owner unlinks it (under the lock) before the node
//! is dropped or reused. [`WaitNode`] is the one place that pushes nodes,
//! and every future that embeds one calls [`WaitNode::cancel`] from its
//! `Drop` (and `WaitNode` aborts rather than be dropped linked); `Pin`'s drop
//! guarantee means the memory cannot be reused without that `Drop` running
//! (a `mem::forget` leaks the node, which keeps the pointer valid forever).
//! The futures reach the node through `pin-project-lite` projections, so
//! they need no `unsafe` of their own to keep it pinned.
//!
//! Completion and removal both happen under the lock, so a node is unlinked
//! exactly once, by exactly one of them, and the owner tells which happened
//! from the `LINKED` bit it re-reads under the lock.
//!
//! A node is `!Unpin` (`PhantomPinned`): the futures hand out `&mut Self` only
//! through `Pin`, and a `&mut` to a `!Unpin` type is not assumed unique, so
//! the notifier's concurrent writes through the list's raw pointers do not
//! alias an exclusive reference. The owner itself only ever touches its node
//! through `&Waiter` (which `WaitNode` takes from its pinned projection).
//!
//! # Tickets
//!
//! Each push hands out a ticket, increasing in list order. Operations that
//! wake "everybody who is waiting now" (`Event::set`, `Condition::notify_all`,
//! a barrier's release) wake in batches, dropping the lock between batches so
//! that no waker runs under it; they stop at the first ticket issued after
//! they started, so a waiter that arrives in between is left alone.

mod wake;

use core::fmt;
use core::marker::PhantomPinned;
use core::mem::MaybeUninit;
use core::pin::Pin;
use core::ptr::NonNull;
use core::task::{Poll, Waker};

use pin_project_lite::pin_project;

pub(crate) use self::wake::{DeferredPanic, WakeList, complete_before};
use crate::loom::{AtomicUsize, Mutex, MutexGuard, Ordering, UnsafeCell};

/// Bit 0 of [`Waiter::state`]: the node is linked in a list.
const LINKED: usize = 1;

/// The largest payload a node can carry (the state word keeps one bit).
pub(crate) const MAX_PAYLOAD: usize = usize::MAX >> 1;

/// A waiting future's node. See the module docs for the access rules.
pub(crate) struct Waiter {
    /// `LINKED` bit plus payload; see the module docs.
    state: AtomicUsize,
    /// List links. Only under the lock of the list the node is linked in.
    /// Uninitialised until the first push, which writes them whole; read
    /// only while the node is linked, so always initialised when read
    /// (left uninitialised so that creating a future that may wait, which
    /// is most often served at once, writes as little as possible).
    links: UnsafeCell<MaybeUninit<Links>>,
    /// The owner's waker, set while linked and taken out by whoever unlinks
    /// the node. Only under the lock of the list the node is linked in.
    waker: UnsafeCell<Option<Waker>>,
    _pin: PhantomPinned,
}

#[derive(Clone, Copy)]
struct Links {
    prev: Option<NonNull<Waiter>>,
    next: Option<NonNull<Waiter>>,
    ticket: Ticket,
}

// SAFETY: a `Waiter` is shared between its owner and the holder of its list's
// lock. `state` is atomic; `links` and `waker` are only accessed under that
// lock (module docs), and `Waker` is `Send + Sync`. The raw pointers in
// `links` are never dereferenced without the lock.
unsafe impl Send for Waiter {}
// SAFETY: as for `Send`: every shared access is atomic or under the lock.
unsafe impl Sync for Waiter {}

impl Waiter {
    /// A node that is in no list.
    pub(crate) fn new() -> Self {
        Self {
            state: AtomicUsize::new(0),
            links: UnsafeCell::new(MaybeUninit::uninit()),
            waker: UnsafeCell::new(None),
            _pin: PhantomPinned,
        }
    }

    /// The completion code, if the node is not linked: `None` while it waits.
    ///
    /// Needs no lock. For a node its owner has pushed, `Some` means a
    /// notifier completed it, and that notifier will not touch it again.
    #[inline]
    pub(crate) fn completion(&self) -> Option<usize> {
        let state = self.state.load(Ordering::Acquire);
        (state & LINKED == 0).then_some(state >> 1)
    }

    /// [`Self::completion`] for a caller that holds the lock of the list
    /// this node was pushed on (the lock orders the load).
    #[inline]
    pub(crate) fn completion_locked(&self, _list: &WaiterList) -> Option<usize> {
        let state = self.state.load(Ordering::Relaxed);
        (state & LINKED == 0).then_some(state >> 1)
    }
}

impl fmt::Debug for Waiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waiter")
            .field("completion", &self.completion())
            .finish_non_exhaustive()
    }
}

/// Position of a node in its list: later pushes get later tickets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ticket(usize);

impl Ticket {
    /// Whether `self` was handed out before `limit` (wrap-around safe).
    fn is_before(self, limit: Ticket) -> bool {
        (self.0.wrapping_sub(limit.0) as isize) < 0
    }
}

/// An intrusive doubly-linked FIFO of [`Waiter`]s. Lives inside a mutex;
/// `&mut WaiterList` is the proof that the lock is held.
pub(crate) struct WaiterList {
    head: Option<NonNull<Waiter>>,
    tail: Option<NonNull<Waiter>>,
    next_ticket: usize,
}

// SAFETY: the list only holds pointers to `Waiter`s, which are `Send + Sync`;
// they are dereferenced only through `&mut WaiterList`, i.e. under the lock.
unsafe impl Send for WaiterList {}
// SAFETY: `&WaiterList` only allows reading `head`, never dereferencing it.
unsafe impl Sync for WaiterList {}

impl fmt::Debug for WaiterList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaiterList")
            .field("is_empty", &self.is_empty())
            .finish_non_exhaustive()
    }
}

impl Default for WaiterList {
    fn default() -> Self {
        Self::new()
    }
}

impl WaiterList {
    pub(crate) const fn new() -> Self {
        Self {
            head: None,
            tail: None,
            next_ticket: 0,
        }
    }

    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.head.is_none()
    }

    /// The ticket the next push will get: nodes already in the list are all
    /// [`Self::pop_front_before`] it.
    pub(crate) fn next_ticket(&self) -> Ticket {
        Ticket(self.next_ticket)
    }

    /// Links `node` at the tail with `payload` and the owner's `waker`.
    ///
    /// # Safety
    ///
    /// `node` is in no list, and it stays valid at the same address until it
    /// has been unlinked from this list (by [`Self::remove`] or by one of the
    /// `pop_front*` methods). In practice: `node` is embedded in a pinned
    /// future whose `Drop` calls [`Self::remove`] under this list's lock.
    pub(crate) unsafe fn push_back(&mut self, node: &Waiter, payload: usize, waker: &Waker) {
        debug_assert!(payload <= MAX_PAYLOAD, "waiter payload out of range");
        debug_assert!(node.completion_locked(self).is_some(), "node pushed twice");
        let ptr = NonNull::from(node);
        let ticket = Ticket(self.next_ticket);
        self.next_ticket = self.next_ticket.wrapping_add(1);
        node.links.with_mut(|links| {
            // SAFETY: the node is in no list, so nobody but us (holding the
            // lock it is being linked under) can access its links.
            unsafe {
                (*links).write(Links {
                    prev: self.tail,
                    next: None,
                    ticket,
                });
            }
        });
        node.waker.with_mut(|slot| {
            // SAFETY: as above, the waker slot is ours under this lock.
            unsafe { *slot = Some(waker.clone()) }
        });
        node.state.store((payload << 1) | LINKED, Ordering::Relaxed);
        match self.tail {
            // SAFETY: `tail` is linked in this list, so it is valid (push
            // contract) and its links are ours while we hold the lock.
            Some(tail) => unsafe { Self::links_mut(tail, |l| l.next = Some(ptr)) },
            None => self.head = Some(ptr),
        }
        self.tail = Some(ptr);
    }

    /// Replaces the waker of a linked node with `waker`, unless it would wake
    /// the same task already. Returns the replaced waker, for the caller to
    /// drop *after* releasing the lock (dropping a waker may drop a task,
    /// whose futures may want this very lock).
    ///
    /// # Safety
    ///
    /// `node` is linked in this list.
    #[must_use = "drop the old waker after releasing the lock"]
    pub(crate) unsafe fn update_waker(&mut self, node: &Waiter, waker: &Waker) -> Option<Waker> {
        node.waker.with_mut(|slot| {
            // SAFETY: the node is linked in this list and we hold its lock.
            let slot = unsafe { &mut *slot };
            match slot {
                Some(old) if old.will_wake(waker) => None,
                _ => slot.replace(waker.clone()),
            }
        })
    }

    /// Unlinks `node` if it is still linked (returns `true` then), leaving
    /// its payload as the completion code. A node that was already completed
    /// is left alone (returns `false`).
    ///
    /// The owner's waker stays in the node, so that it is dropped with the
    /// node, after the caller released the lock.
    ///
    /// # Safety
    ///
    /// `node` is linked in this list or in no list.
    pub(crate) unsafe fn remove(&mut self, node: &Waiter) -> bool {
        if node.completion_locked(self).is_some() {
            return false;
        }
        // SAFETY: linked, hence in this list (contract); lock held.
        unsafe { self.unlink(NonNull::from(node)) };
        let payload = node.state.load(Ordering::Relaxed) >> 1;
        node.state.store(payload << 1, Ordering::Relaxed);
        true
    }

    /// The payload of the head node.
    pub(crate) fn front_payload(&self) -> Option<usize> {
        // SAFETY: the head is linked in this list, hence valid (push
        // contract); `state` is atomic.
        self.head
            .map(|head| unsafe { head.as_ref() }.state.load(Ordering::Relaxed) >> 1)
    }

    /// Sets the payload of the head node, which stays linked.
    pub(crate) fn set_front_payload(&mut self, payload: usize) {
        debug_assert!(payload <= MAX_PAYLOAD, "waiter payload out of range");
        if let Some(head) = self.head {
            // SAFETY: the head is linked in this list, hence valid.
            let head = unsafe { head.as_ref() };
            head.state.store((payload << 1) | LINKED, Ordering::Relaxed);
        }
    }

    /// Completes the head node with `code`: unlinks it and returns its waker,
    /// which the caller wakes after dropping the lock.
    #[inline]
    pub(crate) fn pop_front(&mut self, code: usize) -> Option<Waker> {
        let head = self.head?;
        // SAFETY: the head is linked in this list and we hold the lock.
        Some(unsafe { self.complete(head, code) })
    }

    /// [`Self::pop_front`], but only a node that got its ticket before `limit`.
    pub(crate) fn pop_front_before(&mut self, limit: Ticket, code: usize) -> Option<Waker> {
        let head = self.head?;
        // SAFETY: the head is linked in this list, hence valid, and its links
        // are ours while we hold the lock.
        let ticket = unsafe { Self::links(head) }.ticket;
        if !ticket.is_before(limit) {
            return None;
        }
        // SAFETY: as above.
        Some(unsafe { self.complete(head, code) })
    }

    /// Unlinks `node`, takes its waker, then publishes `code` with the
    /// `Release` store that ends our access to the node.
    ///
    /// # Safety
    ///
    /// `node` is linked in this list.
    unsafe fn complete(&mut self, node: NonNull<Waiter>, code: usize) -> Waker {
        debug_assert!(code <= MAX_PAYLOAD, "completion code out of range");
        // SAFETY: forwarded contract.
        unsafe { self.unlink(node) };
        // SAFETY: the node is valid until the store below hands it back.
        let node = unsafe { node.as_ref() };
        // SAFETY: linked until the store below, and we hold the lock.
        let waker = node.waker.with_mut(|slot| unsafe { (*slot).take() });
        node.state.store(code << 1, Ordering::Release);
        // From here on the owner may free the node: do not touch it again.
        waker.expect("a linked waiter always has a waker")
    }

    /// Unlinks `node`; leaves `state` and `waker` to the caller.
    ///
    /// # Safety
    ///
    /// `node` is linked in this list.
    unsafe fn unlink(&mut self, node: NonNull<Waiter>) {
        // SAFETY: linked (contract) hence valid; lock held.
        let Links { prev, next, .. } = unsafe { Self::links(node) };
        match prev {
            // SAFETY: neighbours are linked in this list too.
            Some(prev) => unsafe { Self::links_mut(prev, |l| l.next = next) },
            None => self.head = next,
        }
        match next {
            // SAFETY: as above.
            Some(next) => unsafe { Self::links_mut(next, |l| l.prev = prev) },
            None => self.tail = prev,
        }
        // SAFETY: as above.
        unsafe {
            Self::links_mut(node, |l| {
                l.prev = None;
                l.next = None;
            })
        };
    }

    /// A copy of a node's links.
    ///
    /// # Safety
    ///
    /// `node` is valid, linked (so its links are initialised: `push_back`
    /// wrote them) and the caller holds the lock of the list it is in.
    unsafe fn links(node: NonNull<Waiter>) -> Links {
        // SAFETY: forwarded contract.
        unsafe { node_ref(node) }.links.with(|l| {
            // SAFETY: a linked node's links were written by `push_back`,
            // and the list lock (held) keeps them from changing meanwhile.
            unsafe { (*l).assume_init() }
        })
    }

    /// Edits a node's links.
    ///
    /// # Safety
    ///
    /// As for [`Self::links`].
    unsafe fn links_mut(node: NonNull<Waiter>, f: impl FnOnce(&mut Links)) {
        // SAFETY: forwarded contract.
        unsafe { node_ref(node) }.links.with_mut(|l| {
            // SAFETY: as in `links`: initialised, and ours under the list
            // lock for the duration of `f`.
            f(unsafe { (*l).assume_init_mut() })
        })
    }
}

/// `&Waiter` from a list pointer, for the unsafe helpers above.
///
/// # Safety
///
/// `node` is linked in a list whose lock the caller holds (hence valid), and
/// the reference is not used after the node is handed back to its owner.
unsafe fn node_ref<'a>(node: NonNull<Waiter>) -> &'a Waiter {
    // SAFETY: forwarded contract.
    unsafe { node.as_ref() }
}

pin_project! {
    /// A waiting future's membership in one [`WaiterList`]: its pinned
    /// [`Waiter`] node and whether that node is queued. Every future that
    /// waits embeds one (as a `#[pin]` field) and goes through its three
    /// steps, so the unsafe list handling and the cancellation protocol are
    /// written once, here:
    ///
    /// 1. [`push`](Self::push) links the node, under the list's lock, and
    ///    marks it queued;
    /// 2. [`poll_completion`](Self::poll_completion), on each re-poll, says
    ///    whether a notifier completed the node (lock-free when it did), and
    ///    otherwise refreshes the waker;
    /// 3. [`cancel`](Self::cancel), from the future's `Drop`, unlinks a node
    ///    that is still waiting, or reports the completion code of one that
    ///    was completed but never saw it, so the owner can pass the
    ///    hand-off on (a lock, permits, a reserved item, a notification).
    ///
    /// The node itself is only written on the first `push`: most futures
    /// that could wait are served on their first poll, and creating one then
    /// costs one byte (`stage`) instead of the whole node. (Writing the node
    /// up front, then moving the future into the task, doubled the cost of an
    /// uncontended `lock().await`: the compiler's copy of the half-written
    /// struct stalls on store forwarding.)
    ///
    /// # Invariants
    ///
    /// * `stage` is [`Stage::Fresh`] until the first `push`, and then
    ///   `waiter` is uninitialised: nothing reads it. From the first `push`
    ///   on, `waiter` is initialised and dropped with the `WaitNode`.
    /// * `stage` is [`Stage::Queued`] exactly while the node is linked in a
    ///   list, or has been completed by a notifier and the owner has not yet
    ///   observed it. Otherwise the node is in no list, so
    ///   [`push`](Self::push) may link it (it may be reused: a queue stream
    ///   re-pushes its node for every item).
    /// * A `WaitNode` is only ever used with *one* list: the same mutex and
    ///   the same field of the state it guards. That is the single safety
    ///   contract of the three methods above; each primitive meets it by
    ///   naming its list in one place (e.g. `&self.waiters`).
    /// * The node is pinned (the `WaitNode` is `!Unpin` and only reached
    ///   through `Pin<&mut WaitNode>`), so its address, which the list holds,
    ///   stays valid until the `WaitNode` is dropped; and it is not dropped
    ///   while linked: the owner's `Drop` calls [`cancel`](Self::cancel),
    ///   and as a last line of defence `WaitNode`'s own drop aborts the
    ///   process if it finds the node still linked (a dangling pointer in
    ///   the list would be undefined behaviour; a bug elsewhere must not
    ///   become one). After `cancel`, that check is one byte test.
    pub(crate) struct WaitNode {
        #[pin]
        waiter: MaybeUninit<Waiter>,
        stage: Stage,
    }

    impl PinnedDrop for WaitNode {
        fn drop(this: Pin<&mut Self>) {
            // The common drop (never pushed) is one inline byte test.
            if this.stage != Stage::Fresh {
                WaitNode::drop_pushed(this);
            }
        }
    }
}

impl WaitNode {
    /// The drop of a node that was pushed at least once.
    #[inline(never)]
    fn drop_pushed(this: Pin<&mut Self>) {
        let mut this = this.project();
        match *this.stage {
            Stage::Fresh => return,
            Stage::Idle => {}
            Stage::Queued => {
                // SAFETY: not fresh, so initialised (invariant).
                let waiter = unsafe { WaitNode::waiter(this.waiter.as_mut()) };
                if waiter.completion().is_none() {
                    // The owner did not `cancel`: the list still points
                    // here.
                    std::process::abort();
                }
            }
        }
        // SAFETY: initialised (not fresh), in no list and done with by
        // any notifier (checked above); pinned memory dropped in place,
        // never moved, and never used again.
        unsafe { this.waiter.get_unchecked_mut().assume_init_drop() };
    }
}

/// Where a [`WaitNode`] is; see its invariants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// Never pushed: the node is uninitialised.
    Fresh,
    /// In no list (never pushed since its completion or removal was seen).
    Idle,
    /// Linked, or completed and not yet observed by the owner.
    Queued,
}

/// What [`WaitNode::cancel`] found.
pub(crate) enum Cancelled<'a, S> {
    /// The node was not queued: nothing to do.
    NotQueued,
    /// The node was still waiting and is now unlinked. Holds the list's
    /// lock (for the caller's bookkeeping, e.g. "was I the last waiter?")
    /// and the node's payload at the time (e.g. permits still needed).
    Removed(MutexGuard<'a, S>, usize),
    /// A notifier had completed the node with this code, and the owner never
    /// saw it: whatever that code hands over is the owner's to pass on. The
    /// lock is not held.
    Completed(usize),
}

impl WaitNode {
    /// A node that is in no list (and costs one byte to create).
    #[inline]
    pub(crate) fn new() -> Self {
        Self {
            waiter: MaybeUninit::uninit(),
            stage: Stage::Fresh,
        }
    }

    /// Whether the node is queued (see the invariants). Generic futures
    /// test it before calling into their primitive's cancel, so that the
    /// common drop (never queued, or completion seen) costs no call.
    #[inline]
    pub(crate) fn is_queued(&self) -> bool {
        self.stage == Stage::Queued
    }

    /// The node of a queued `WaitNode`.
    ///
    /// # Safety
    ///
    /// `stage` is not `Fresh` (so the node is initialised).
    unsafe fn waiter(waiter: Pin<&mut MaybeUninit<Waiter>>) -> &Waiter {
        // SAFETY: initialised by the caller's contract; a shared reference
        // does not move it.
        unsafe { waiter.into_ref().get_ref().assume_init_ref() }
    }

    /// Links the node at the tail of `list` with `payload` and the owner's
    /// `waker`, and marks it queued. `list` is reached through its mutex's
    /// guard, so the lock is held.
    ///
    /// # Panics
    ///
    /// If the node is already queued.
    ///
    /// # Safety
    ///
    /// `list` is this node's one list (see the invariants).
    pub(crate) unsafe fn push(
        self: Pin<&mut Self>,
        list: &mut WaiterList,
        payload: usize,
        waker: &Waker,
    ) {
        let this = self.project();
        assert!(
            *this.stage != Stage::Queued,
            "a WaitNode is pushed while queued"
        );
        let mut slot = this.waiter;
        if *this.stage == Stage::Fresh {
            // SAFETY: writing in place does not move the pinned memory, and
            // a fresh node holds nothing to drop.
            unsafe { slot.as_mut().get_unchecked_mut() }.write(Waiter::new());
        }
        // SAFETY: initialised just above or by an earlier push.
        let waiter = unsafe { Self::waiter(slot) };
        // SAFETY: not queued, so in no list (invariant). The node is pinned,
        // and it is unlinked before it is dropped: its owner calls `cancel`
        // (with this same list, by the caller's contract), and our drop
        // aborts rather than leave it linked.
        unsafe { list.push_back(waiter, payload, waker) };
        *this.stage = Stage::Queued;
    }

    /// The re-poll of a waiting future. `Ready(None)` if the node is not
    /// queued (the caller goes on with its first-poll logic);
    /// `Ready(Some(code))` if a notifier completed it (it is then no longer
    /// queued); `Pending` if it still waits, after making `waker` the one to
    /// wake.
    ///
    /// Takes no lock if the node was completed (the common case after a
    /// wake-up). The list is `list(&mut state)` where `state` is what
    /// `mutex` guards.
    ///
    /// # Safety
    ///
    /// `mutex` and `list` designate this node's one list (see the invariants).
    #[inline]
    pub(crate) unsafe fn poll_completion<S>(
        self: Pin<&mut Self>,
        mutex: &Mutex<S>,
        list: impl FnOnce(&mut S) -> &mut WaiterList,
        waker: &Waker,
    ) -> Poll<Option<usize>> {
        // The test inline, the rest out of line: most polls of a future
        // that may wait are first polls that never queue.
        if !self.is_queued() {
            return Poll::Ready(None);
        }
        // SAFETY: forwarded contract.
        unsafe { self.poll_queued(mutex, list, waker) }
    }

    /// [`Self::poll_completion`] of a queued node.
    ///
    /// # Safety
    ///
    /// As for [`Self::poll_completion`].
    #[inline(never)]
    unsafe fn poll_queued<S>(
        self: Pin<&mut Self>,
        mutex: &Mutex<S>,
        list: impl FnOnce(&mut S) -> &mut WaiterList,
        waker: &Waker,
    ) -> Poll<Option<usize>> {
        let this = self.project();
        // SAFETY: queued (checked by the caller), so initialised.
        let waiter = unsafe { Self::waiter(this.waiter) };
        let code = match waiter.completion() {
            Some(code) => code,
            None => {
                let mut guard = mutex.lock();
                let list = list(&mut guard);
                match waiter.completion_locked(list) {
                    Some(code) => code,
                    None => {
                        // SAFETY: queued and not completed, so linked, and
                        // in this list (the caller's contract).
                        let old = unsafe { list.update_waker(waiter, waker) };
                        drop(guard);
                        drop(old);
                        return Poll::Pending;
                    }
                }
            }
        };
        *this.stage = Stage::Idle;
        Poll::Ready(Some(code))
    }

    /// Takes the node out of its list, for the owner's `Drop`; see
    /// [`Cancelled`] for what it reports. Afterwards the node is not queued.
    ///
    /// # Safety
    ///
    /// `mutex` and `list` designate this node's one list (see the invariants).
    pub(crate) unsafe fn cancel<'a, S>(
        self: Pin<&mut Self>,
        mutex: &'a Mutex<S>,
        list: impl FnOnce(&mut S) -> &mut WaiterList,
    ) -> Cancelled<'a, S> {
        let this = self.project();
        if *this.stage != Stage::Queued {
            return Cancelled::NotQueued;
        }
        // SAFETY: queued, so initialised.
        let waiter = unsafe { Self::waiter(this.waiter) };
        let code = match waiter.completion() {
            Some(code) => code,
            None => {
                let mut guard = mutex.lock();
                let list = list(&mut guard);
                // SAFETY: queued, so linked in this list (the caller's
                // contract) or completed, hence in no list.
                let removed = unsafe { list.remove(waiter) };
                let code = waiter
                    .completion_locked(list)
                    .expect("a node in no list has a completion code");
                *this.stage = Stage::Idle;
                if removed {
                    return Cancelled::Removed(guard, code);
                }
                code
            }
        };
        *this.stage = Stage::Idle;
        Cancelled::Completed(code)
    }
}

impl fmt::Debug for WaitNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitNode")
            .field("stage", &self.stage)
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, not(loom)))]
mod tests;

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use loom::sync::Arc;
    use loom::thread;
    use std::task::Wake;

    struct Unpark(loom::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.unpark();
        }
    }

    /// A completion racing with the owner's removal: exactly one of them
    /// unlinks the node, and the owner learns which.
    #[test]
    fn loom_waiters_complete_races_remove() {
        loom::model(|| {
            let mutex = Arc::new(Mutex::new(WaiterList::new()));
            let node = Arc::new(Waiter::new());
            let waker = std::task::Waker::from(std::sync::Arc::new(Unpark(thread::current())));
            // SAFETY: the node lives in an `Arc` held by this thread until
            // after it is unlinked below.
            unsafe { mutex.lock().push_back(&node, 0, &waker) };
            let completer = {
                let mutex = mutex.clone();
                thread::spawn(move || mutex.lock().pop_front(1).is_some())
            };
            let removed = {
                let mut list = mutex.lock();
                // SAFETY: the node is in this list or in no list.
                unsafe { list.remove(&node) }
            };
            let completed = completer.join().unwrap();
            assert!(removed != completed, "exactly one side unlinks the node");
            assert_eq!(node.completion(), Some(if completed { 1 } else { 0 }));
            assert!(mutex.lock().is_empty());
        });
    }

    /// The owner's lock-free check sees the completion code published by
    /// the notifier's `Release` store.
    #[test]
    fn loom_waiters_completion_is_published() {
        loom::model(|| {
            let mutex = Arc::new(Mutex::new(WaiterList::new()));
            let node = Arc::new(Waiter::new());
            let waker = std::task::Waker::from(std::sync::Arc::new(Unpark(thread::current())));
            // SAFETY: the node outlives its time in the list (joined below).
            unsafe { mutex.lock().push_back(&node, 0, &waker) };
            let completer = {
                let mutex = mutex.clone();
                thread::spawn(move || {
                    let waker = mutex.lock().pop_front(5).unwrap();
                    waker.wake();
                })
            };
            loop {
                if let Some(code) = node.completion() {
                    assert_eq!(code, 5);
                    break;
                }
                thread::park();
            }
            completer.join().unwrap();
        });
    }
}
