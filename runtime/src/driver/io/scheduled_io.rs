//! `ScheduledIo`: the readiness of one registered source and the tasks
//! waiting on it.
//!
//! # Readiness word
//!
//! ```text
//!  usize::BITS-1 ............ 8  7        5          4        3            2           1         0
//! [           tick           ][ - ][SHUTDOWN][ ERROR ][WRITE_CLOSED][READ_CLOSED][WRITABLE][READABLE]
//! ```
//!
//! The driver ORs bits in when the OS reports an edge and bumps `tick`. An
//! operation that sees a bit set tries the syscall; if that returns
//! `WouldBlock`, it clears the bit — but only if `tick` is still the one it
//! saw, so an edge that arrived in between (and that the failed syscall may
//! have raced with) is never thrown away. Because sources are registered in
//! edge-triggered mode, the OS reports each new edge exactly once: losing
//! one would hang the task, and the tick rule is what prevents that.
//!
//! The tick takes every bit above the readiness bits: 56 on a 64-bit
//! target. It used to be 8 bits, and 256 edges on a socket shared by
//! several tasks, between one task's readiness check and its `WouldBlock`,
//! brought it back to the value that task saw (ABA): the stale clear then
//! erased the newest readiness. 2^56 edges in one syscall's window cannot
//! happen; on a 32-bit target it would take 2^24 (16 million) of them.
//!
//! # Waiters
//!
//! Each direction has two kinds of waiters:
//!
//! * [`IoWaiter`]s, the slot of one future (`Registration::async_io`).
//!   The slot index lives in the future, so a re-poll finds its waker in
//!   O(1) (one `will_wake`, no scan), and dropping the future empties the
//!   slot at once: a cancelled operation does not keep its task's waker
//!   until the source's next edge, which may never come. Slots are reused
//!   through a free list; the slab only grows to the largest number of such
//!   futures that were alive at once, so a wait allocates nothing.
//! * The `polled` list, for `poll_*` callers (`AsyncRead::poll_read`,
//!   `poll_accept`...), which have no future of ours whose `Drop` could
//!   deregister them. Their wakers stay until the next edge, and a poll
//!   scans the list with `will_wake` to register a task once. `&self`
//!   sockets such as `UdpSocket` may have several tasks waiting in the same
//!   direction, which is why this is a list and not one slot per direction
//!   (tokio's choice for its `poll_*` methods, where only the last poller
//!   is woken); the list is nearly always one waker long.
//!
//! An edge wakes every waiter of the directions it concerns; the losers
//! register again. The driver sets readiness *before* taking the waiter
//! lock, and a poller re-checks readiness *after* registering under that
//! lock, so a wake cannot fall between the two.
//!
//! # A waker that panics
//!
//! Wakers are taken in batches under the lock and woken outside it (a waker
//! may run arbitrary code). A user's waker may panic: the panic is caught,
//! the rest of the batch is still woken, and the driver goes on. It is not
//! re-raised, because the thread dispatching is a worker (or the thread in
//! `block_on`) that owns the driver, and unwinding out of it would take the
//! worker down, or fail an unrelated `block_on`, for a bug in someone
//! else's waker; the panic hook has already reported it when it was raised
//! (on stderr, by default).

use crate::loom::{AtomicUsize, Mutex, Ordering};
use std::task::{Context, Poll, Waker};

pub(crate) const READABLE: usize = 1 << 0;
pub(crate) const WRITABLE: usize = 1 << 1;
pub(crate) const READ_CLOSED: usize = 1 << 2;
pub(crate) const WRITE_CLOSED: usize = 1 << 3;
pub(crate) const ERROR: usize = 1 << 4;
pub(crate) const SHUTDOWN: usize = 1 << 5;
const TICK_SHIFT: u32 = 8;
const READINESS_MASK: usize = (1 << TICK_SHIFT) - 1;
/// Every bit above the readiness bits.
const TICK_MASK: usize = !READINESS_MASK;
/// One tick; adding it to the word wraps the tick within its bits.
const TICK_ONE: usize = 1 << TICK_SHIFT;

/// A direction of interest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Read,
    Write,
}

impl Direction {
    /// The readiness bits that let an operation in this direction proceed
    /// (to succeed, or to report an error or end of stream).
    fn mask(self) -> usize {
        match self {
            Direction::Read => READABLE | READ_CLOSED | ERROR | SHUTDOWN,
            Direction::Write => WRITABLE | WRITE_CLOSED | ERROR | SHUTDOWN,
        }
    }
}

/// What a readiness poll saw: the bits and the tick to clear them with.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ReadyEvent {
    pub(crate) ready: usize,
    tick: usize,
}

impl ReadyEvent {
    pub(crate) fn is_shutdown(&self) -> bool {
        self.ready & SHUTDOWN != 0
    }
}

/// One registered source.
pub(crate) struct ScheduledIo {
    readiness: AtomicUsize,
    waiters: Mutex<Waiters>,
}

#[derive(Default)]
struct Waiters {
    reader: List,
    writer: List,
}

impl Waiters {
    fn list(&mut self, direction: Direction) -> &mut List {
        match direction {
            Direction::Read => &mut self.reader,
            Direction::Write => &mut self.writer,
        }
    }
}

/// The waiters of one direction; see the module docs.
struct List {
    /// Wakers of `poll_*` callers, oldest first.
    polled: Vec<Waker>,
    /// The slots of [`IoWaiter`]s, indexed by `IoWaiter::slot`.
    slots: Vec<Slot>,
    /// First vacant slot, chained through `Slot::Vacant`; `NO_SLOT` if none.
    free: usize,
}

impl Default for List {
    fn default() -> List {
        List {
            polled: Vec::new(),
            slots: Vec::new(),
            free: NO_SLOT,
        }
    }
}

const NO_SLOT: usize = usize::MAX;

enum Slot {
    /// Free; the next free slot (or `NO_SLOT`).
    Vacant(usize),
    /// Belongs to a live `IoWaiter`: its waker while it waits and has not
    /// been woken yet.
    Owned(Option<Waker>),
}

impl List {
    fn alloc(&mut self) -> usize {
        match self.free {
            NO_SLOT => {
                self.slots.push(Slot::Owned(None));
                self.slots.len() - 1
            }
            index => {
                let Slot::Vacant(next) = self.slots[index] else {
                    unreachable!("the free list links vacant slots only")
                };
                self.free = next;
                self.slots[index] = Slot::Owned(None);
                index
            }
        }
    }

    fn waker_mut(&mut self, index: usize) -> &mut Option<Waker> {
        match &mut self.slots[index] {
            Slot::Owned(waker) => waker,
            Slot::Vacant(_) => unreachable!("an IoWaiter's slot is owned until it drops"),
        }
    }

    /// Frees a slot, returning its waker to be dropped outside the lock.
    fn release(&mut self, index: usize) -> Option<Waker> {
        let slot = std::mem::replace(&mut self.slots[index], Slot::Vacant(self.free));
        self.free = index;
        match slot {
            Slot::Owned(waker) => waker,
            Slot::Vacant(_) => unreachable!("an IoWaiter's slot is owned until it drops"),
        }
    }

    /// Moves wakers into `batch` until it is full or the list has nothing
    /// left that `cursor` has not visited. True if something is left.
    fn take(&mut self, batch: &mut WakeBatch, cursor: &mut Cursor) -> bool {
        // `polled`: only the wakers that were there when this wake began
        // (a waker pushed since belongs to a task that found the readiness
        // cleared again, and waits for a newer edge), oldest first.
        let budget = *cursor.polled.get_or_insert(self.polled.len());
        let n = budget.min(self.polled.len()).min(batch.room());
        if n == self.polled.len() {
            // All of them (the usual case): order does not matter.
            while let Some(waker) = self.polled.pop() {
                batch.push(waker);
            }
        } else {
            for waker in self.polled.drain(..n) {
                batch.push(waker);
            }
        }
        cursor.polled = Some(budget - n);
        // Slots: each visited once per wake.
        while cursor.slot < self.slots.len() && batch.room() > 0 {
            if let Slot::Owned(waker) = &mut self.slots[cursor.slot]
                && let Some(waker) = waker.take()
            {
                batch.push(waker);
            }
            cursor.slot += 1;
        }
        (budget > n && !self.polled.is_empty()) || cursor.slot < self.slots.len()
    }
}

/// How far one wake got through one `List`.
#[derive(Default)]
struct Cursor {
    /// `polled` wakers still to take; `None` before the first batch.
    polled: Option<usize>,
    /// Next slot to look at.
    slot: usize,
}

/// Wakers taken under the lock, to wake outside it. Wakes whatever it
/// still holds when dropped, so that nothing taken is ever dropped unwoken
/// (the same idea as the sync crate's `WakeList`).
struct WakeBatch {
    wakers: [Option<Waker>; WakeBatch::CAPACITY],
    len: usize,
}

impl WakeBatch {
    const CAPACITY: usize = 16;

    fn new() -> WakeBatch {
        WakeBatch {
            wakers: Default::default(),
            len: 0,
        }
    }

    fn room(&self) -> usize {
        Self::CAPACITY - self.len
    }

    fn push(&mut self, waker: Waker) {
        self.wakers[self.len] = Some(waker);
        self.len += 1;
    }

    fn wake_all(&mut self) {
        while self.len > 0 {
            self.len -= 1;
            if let Some(waker) = self.wakers[self.len].take() {
                crate::util::contain::wake(waker);
            }
        }
    }
}

impl Drop for WakeBatch {
    fn drop(&mut self) {
        self.wake_all();
    }
}

impl ScheduledIo {
    pub(crate) fn new() -> ScheduledIo {
        ScheduledIo {
            readiness: AtomicUsize::new(0),
            waiters: Mutex::new(Waiters::default()),
        }
    }

    /// Driver side: records an edge and wakes the tasks it concerns.
    pub(crate) fn set_readiness(&self, bits: usize) {
        let mut curr = self.readiness.load(Ordering::Acquire);
        loop {
            let next = curr.wrapping_add(TICK_ONE) | bits;
            match self.readiness.compare_exchange_weak(
                curr,
                next,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => break,
                Err(actual) => curr = actual,
            }
        }
        self.wake(bits);
    }

    /// Wakes the waiters of every direction `bits` lets proceed, in batches
    /// taken under the lock and woken outside it (a waker may run arbitrary
    /// code), without allocating.
    pub(crate) fn wake(&self, bits: usize) {
        let read = bits & Direction::Read.mask() != 0;
        let write = bits & Direction::Write.mask() != 0;
        let mut cursors = [Cursor::default(), Cursor::default()];
        loop {
            let mut batch = WakeBatch::new();
            let more = {
                let mut waiters = self.waiters.lock();
                let Waiters { reader, writer } = &mut *waiters;
                let mut more = false;
                for ((wanted, list), cursor) in [(read, reader), (write, writer)]
                    .into_iter()
                    .zip(&mut cursors)
                {
                    if wanted {
                        more |= list.take(&mut batch, cursor);
                    }
                }
                more
            };
            batch.wake_all();
            if !more {
                return;
            }
        }
    }

    /// Task side, for `poll_*` callers: ready to try an operation in
    /// `direction`, or `Pending` with the task registered for the next
    /// edge (until that edge: see the module docs).
    pub(crate) fn poll_readiness(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<ReadyEvent> {
        if let Some(event) = self.ready_now(direction) {
            return Poll::Ready(event);
        }
        let mut waiters = self.waiters.lock();
        let list = &mut waiters.list(direction).polled;
        if !list.iter().any(|w| w.will_wake(cx.waker())) {
            list.push(cx.waker().clone());
        }
        // Re-check under the lock: an edge that came after the first look
        // either is visible now or will find our waker.
        match self.ready_now(direction) {
            Some(event) => Poll::Ready(event),
            None => Poll::Pending,
        }
    }

    /// A waiter slot for one future, which deregisters when dropped.
    pub(crate) fn waiter(&self, direction: Direction) -> IoWaiter<'_> {
        IoWaiter {
            io: self,
            direction,
            slot: NO_SLOT,
        }
    }

    /// The readiness in `direction` now, if any (no waker registered).
    pub(crate) fn ready_now(&self, direction: Direction) -> Option<ReadyEvent> {
        let curr = self.readiness.load(Ordering::Acquire);
        let ready = curr & direction.mask();
        (ready != 0).then_some(ReadyEvent {
            ready,
            tick: curr & TICK_MASK,
        })
    }

    /// An operation got `WouldBlock`: forget the readiness it was based on,
    /// unless a newer edge arrived since.
    pub(crate) fn clear_readiness(&self, event: ReadyEvent, direction: Direction) {
        // Closed and shutdown states are final: never cleared. An error is
        // not: a socket reports a pending error (`SO_ERROR`) to the next
        // operation instead of `WouldBlock`, which clears it, so an
        // operation that got `WouldBlock` has seen that no error is
        // pending any more (a UDP socket's ICMP error, reported once by
        // `recv`). Kept, `ERROR` would make every later operation in both
        // directions ready at once: a retry loop of `WouldBlock`s, a
        // `readable()` that never waits.
        let clear = match direction {
            Direction::Read => READABLE | ERROR,
            Direction::Write => WRITABLE | ERROR,
        };
        let _ = self
            .readiness
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |curr| {
                (curr & TICK_MASK == event.tick).then_some(curr & !clear)
            });
    }

    /// The runtime shut down: every operation fails from now on.
    pub(crate) fn shutdown(&self) {
        self.set_readiness(SHUTDOWN);
    }
}

/// One future's registration of interest in a direction of a source: a
/// slot in the source's waiter slab, taken at the first `Pending` and
/// freed (with the waker in it) when the future is dropped.
pub(crate) struct IoWaiter<'a> {
    io: &'a ScheduledIo,
    direction: Direction,
    /// Index in the direction's `List::slots`, or `NO_SLOT`.
    slot: usize,
}

impl IoWaiter<'_> {
    /// Like [`ScheduledIo::poll_readiness`], with the waker kept in this
    /// waiter's slot: a re-poll compares one waker instead of scanning.
    pub(crate) fn poll_readiness(&mut self, cx: &mut Context<'_>) -> Poll<ReadyEvent> {
        if let Some(event) = self.io.ready_now(self.direction) {
            return Poll::Ready(event);
        }
        let (replaced, polled) = {
            let mut waiters = self.io.waiters.lock();
            let list = waiters.list(self.direction);
            if self.slot == NO_SLOT {
                self.slot = list.alloc();
            }
            let waker = list.waker_mut(self.slot);
            let replaced = match waker {
                Some(w) if w.will_wake(cx.waker()) => None,
                _ => waker.replace(cx.waker().clone()),
            };
            // Re-check under the lock, as in `poll_readiness`.
            let polled = match self.io.ready_now(self.direction) {
                Some(event) => Poll::Ready(event),
                None => Poll::Pending,
            };
            (replaced, polled)
        };
        // The old waker is dropped outside the lock: it may hold the last
        // reference to a task, whose futures may need this lock.
        drop(replaced);
        polled
    }
}

impl Drop for IoWaiter<'_> {
    fn drop(&mut self) {
        if self.slot != NO_SLOT {
            let waker = self
                .io
                .waiters
                .lock()
                .list(self.direction)
                .release(self.slot);
            drop(waker); // outside the lock, as above
        }
    }
}

#[cfg(all(test, not(loom)))]
#[path = "scheduled_io_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "scheduled_io_loom.rs"]
mod loom_models;
