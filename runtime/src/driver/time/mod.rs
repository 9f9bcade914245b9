//! Timers: the runtime's clock and its hierarchical timing wheel, driven
//! from the park step of whichever thread owns the driver.
//!
//! # Who does what
//!
//! * Any thread **registers**, **re-arms** and **cancels** timers (a
//!   `time::Sleep` being polled, reset or dropped) through [`Handle`].
//! * The thread that owns the `Driver` asks [`Handle::park_timeout`] how
//!   long it may block, blocks in the I/O poller, and then calls
//!   [`Handle::process`], which **fires** every timer whose deadline has
//!   passed (wakes its task). A busy multi-thread worker polls the driver
//!   every few dozen tasks, which also calls `process`.
//!
//! # Why a slab under a mutex, not intrusive entries
//!
//! tokio keeps each timer's entry inside the (pinned, `!Unpin`) `Sleep` and
//! links it into the wheel with raw pointers: no allocation per timer, at
//! the price of a subtle protocol (atomic entry states, a pending list,
//! unsafe list manipulation racing with drop). Here every entry lives in a
//! slab owned by the wheel (`entry.rs`), under one mutex, and a `Sleep`
//! holds only a `Key` (index + generation). Consequences:
//!
//! * No `unsafe` at all, and the synchronization is "everything about
//!   timers happens under the wheel lock", which loom checks exhaustively.
//! * `Sleep` is `Unpin`: it can be awaited by `&mut` without pinning.
//! * The slab never shrinks below its high-water mark, but it does not
//!   grow with churn (free slots are reused), so a million sleeps created
//!   and dropped use one slot.
//! * Each operation takes the lock for a few dozen nanoseconds; firing
//!   hands the wakers out in batches of [`FIRE_BATCH`] and wakes them with
//!   the lock released, so registrations from other threads interleave.
//!   A waker that panics is contained (see `wake_all`): the rest of its
//!   batch is still woken and the driver keeps running.
//!
//! # Firing versus cancelling
//!
//! An entry is either placed (wheel slot or heap), fired, or free; every
//! transition happens under the lock. `process` moves a due entry to
//! *fired* and wakes a clone of its waker; the `Sleep` finds it fired at
//! its next poll and frees it, or frees it when dropped. Until then the
//! entry keeps its waker: a `Sleep::reset` in between (the task woke up
//! and moved the deadline without polling the sleep) places the entry
//! again *with* that waker, so the task is woken at the new deadline. Had
//! the fire taken the waker, the re-armed timer would wake nobody. The
//! price is one waker clone per fire (a reference-count increment for the
//! runtime's own wakers), no allocation. A `Sleep` polled after its
//! deadline but before the driver got to it sees the deadline itself
//! (`EntryState::Expired`) and frees the entry, so a task woken for some
//! other reason does not wait for the driver. A `Sleep` dropped while
//! `process` is waking its (already taken) waker is fine: the waker is a
//! reference-counted handle to the task, and waking a task whose future is
//! gone does nothing. A key whose slot was freed and reused has a stale
//! generation and can touch nothing.
//!
//! # Sleeping until the exact deadline, and waking early
//!
//! The driver sleeps until the earliest deadline itself, not the
//! millisecond boundary of its slot (see `wheel.rs`: the heap of the
//! current tick and the per-slot lower bound), and `polling` turns the
//! timeout into a `timerfd` with nanosecond resolution, which the kernel
//! fires without the per-thread timer slack `epoll_wait` and `nanosleep`
//! add. Before blocking, the owner records the deadline it will sleep
//! toward (`sleeping_until`) under the wheel lock. A registration, under
//! the same lock, compares its deadline with it and, only if it is
//! earlier, wakes the owner (`driver::Handle::unpark`, an eventfd write)
//! and clears `sleeping_until` so later registrations do not wake it
//! again. Either the registration comes first and the owner's timeout
//! includes it, or the owner's record comes first and the registration
//! wakes it; the eventfd is sticky, so a wake-up sent before the owner
//! actually blocks still cuts the block short. No wake-up is lost.
//!
//! # Clock reads on the hot path
//!
//! Reading the clock costs a `clock_gettime` (a few dozen ns through the
//! vDSO, more under virtualization), and a task spawning many timers would
//! pay it once per timer. So the driver records every reading it takes
//! (`seen`: when it parks and when it fires), which is a lower bound of
//! now, and `sleep_until` and a sleep's first poll compare the deadline
//! with that instead: at or before it, the deadline has certainly passed
//! and the sleep yields once without the wheel; after it, the sleep
//! registers, and a deadline that has in fact passed fires at the driver's
//! next turn. The poll that finds its timer fired reads no clock at all.
//! A paused clock answers exactly (its frozen reading) and is never
//! recorded, since its virtual time may be ahead of real time.
//!
//! # The paused clock
//!
//! `time::pause` freezes the clock (`clock.rs`); `time::advance` moves it
//! and fires what became due. When a current_thread runtime has nothing to
//! run and would block, `park_timeout` answers "advance the clock to the
//! next deadline" instead of a timeout (auto-advance), unless
//! `spawn_blocking` work is still running (it may yet wake a task): then
//! the driver blocks for real, for the virtual time left, and the blocking
//! work wakes it when it finishes.

mod auto_advance;
mod clock;
mod entry;
mod heap;
mod level;
mod wheel;

pub(crate) use auto_advance::AutoAdvanceGuard;
pub(crate) use clock::{NEVER, any_paused, far_future};
pub(crate) use entry::Key;
pub(crate) use wheel::EntryState;

use crate::loom::{AtomicU64, Mutex, Ordering};
use clock::Clock;
use std::task::Waker;
use std::time::{Duration, Instant};
use wheel::Wheel;

/// Wakers handed out per lock hold when firing.
const FIRE_BATCH: usize = 32;

/// `sleeping_until` when the owner is not blocked on the clock.
const NOT_SLEEPING: u64 = 0;

/// The runtime's clock and timers; the time half of `driver::Handle`.
pub(crate) struct Handle {
    clock: Clock,
    shared: Mutex<Shared>,
    /// Timers registered, and fired, since the runtime started (for the
    /// metrics). Written only under the `shared` lock (see `bump`).
    registered: AtomicU64,
    fired: AtomicU64,
    /// The latest real-clock reading the driver took (ns), a lower bound
    /// of now that costs a load instead of a clock read: see
    /// [`Handle::recent_ns`]. Written only under the `shared` lock, and
    /// only while the clock runs (a paused clock's virtual time may be
    /// ahead of real time).
    seen: AtomicU64,
}

struct Shared {
    wheel: Wheel,
    /// The deadline the driver's owner is blocked until: [`NEVER`] when it
    /// blocks with no deadline, [`NOT_SLEEPING`] when it is not blocked or
    /// is already being woken.
    sleeping_until: u64,
    is_shutdown: bool,
}

/// What the driver's owner should do instead of blocking indefinitely.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Park {
    /// Block for at most this long (`None`: until woken).
    Timeout(Option<Duration>),
    /// The clock is paused and nothing else can happen: poll I/O without
    /// blocking, then move the clock to this deadline.
    AutoAdvance(u64),
}

/// Whether a registration must wake the driver's owner.
#[must_use]
pub(crate) struct Registered {
    pub(crate) key: Key,
    pub(crate) unpark: bool,
}

impl Handle {
    pub(crate) fn new() -> Handle {
        Handle {
            clock: Clock::new(),
            shared: Mutex::new(Shared {
                wheel: Wheel::new(),
                sleeping_until: NOT_SLEEPING,
                is_shutdown: false,
            }),
            registered: AtomicU64::new(0),
            fired: AtomicU64::new(0),
            seen: AtomicU64::new(0),
        }
    }

    // ----- the clock -----

    /// Now, in ns since the clock's base.
    pub(crate) fn now_ns(&self) -> u64 {
        self.clock.now_ns()
    }

    pub(crate) fn now(&self) -> Instant {
        self.clock.now()
    }

    /// A recent reading of the clock, never later than now: the last one
    /// the driver took (exact while paused). A deadline at or before it
    /// has certainly passed; one after it may have passed too. For the
    /// hot paths that only want to spot a deadline already due without
    /// paying a clock read (`sleep_until` on a deadline in the future).
    pub(crate) fn recent_ns(&self) -> u64 {
        if self.clock.is_paused() {
            self.clock.now_ns()
        } else {
            self.seen.load(Ordering::Relaxed)
        }
    }

    /// Records a clock reading for [`recent_ns`](Self::recent_ns); the
    /// caller holds the `shared` lock (the only writers), so the value only
    /// grows.
    fn saw(&self, now: u64) {
        if !self.clock.is_paused() && now > self.seen.load(Ordering::Relaxed) {
            self.seen.store(now, Ordering::Relaxed);
        }
    }

    pub(crate) fn instant_to_ns(&self, instant: Instant) -> u64 {
        self.clock.instant_to_ns(instant)
    }

    pub(crate) fn is_paused(&self) -> bool {
        self.clock.is_paused()
    }

    /// Freezes the clock; false if it already was.
    pub(crate) fn pause(&self) -> bool {
        self.clock.pause()
    }

    /// Moves the paused clock forward and fires what became due.
    pub(crate) fn advance(&self, by: Duration) {
        self.clock.advance(by);
        self.fire_due(false);
    }

    /// `spawn_blocking` work starts: auto-advance waits for it.
    pub(crate) fn inhibit_auto_advance(&self) {
        self.clock.inhibit_auto_advance();
    }

    /// `spawn_blocking` work is done. True if auto-advance may resume (the
    /// caller then wakes the driver's owner).
    pub(crate) fn allow_auto_advance(&self) -> bool {
        self.clock.allow_auto_advance() && self.clock.is_paused()
    }

    // ----- timers, for `time::Sleep` -----

    /// Registers a timer for `deadline` (ns). The caller must wake the
    /// driver's owner if told to.
    ///
    /// # Panics
    /// If the runtime has shut down.
    pub(crate) fn register(&self, deadline: u64, waker: &Waker) -> Registered {
        // Cloned before locking: a clone runs the waker's code (a reference
        // count increment for the runtime's own), which need not hold the
        // lock up.
        let waker = waker.clone();
        let mut shared = self.shared.lock();
        shared.check_running();
        let key = shared.wheel.insert(deadline, waker);
        let unpark = shared.wake_owner_for(deadline);
        bump(&self.registered, 1);
        drop(shared);
        Registered { key, unpark }
    }

    /// Moves a timer to a new deadline (registering it again if it had
    /// fired). `None` if the key is gone.
    pub(crate) fn reset(&self, key: Key, deadline: u64) -> Option<Registered> {
        let mut shared = self.shared.lock();
        shared.check_running();
        if !shared.wheel.reset(key, deadline) {
            return None;
        }
        let unpark = shared.wake_owner_for(deadline);
        bump(&self.registered, 1);
        drop(shared);
        Some(Registered { key, unpark })
    }

    /// Checks a timer for its owner; see [`Wheel::poll_entry`].
    pub(crate) fn poll_entry(&self, key: Key, waker: &Waker) -> EntryState {
        let mut shared = self.shared.lock();
        // The clock is read only if the entry has not fired (under the lock:
        // rare, a task polled before its timer's fire).
        let (state, old) = shared.wheel.poll_entry(key, waker, || self.clock.now_ns());
        if state == EntryState::Expired {
            bump(&self.fired, 1);
        }
        let is_shutdown = shared.is_shutdown;
        drop(shared);
        drop(old);
        if state == EntryState::Gone && is_shutdown {
            panic_shutdown();
        }
        state
    }

    /// Cancels a timer, or releases a fired one.
    pub(crate) fn remove(&self, key: Key) {
        let waker = self.shared.lock().wheel.remove(key);
        drop(waker);
    }

    // ----- the driver's side -----

    /// How the driver's owner should block: `timeout` (what the scheduler
    /// asked for) shortened to the next deadline. Records the deadline it
    /// will sleep toward, so an earlier registration wakes it.
    pub(crate) fn park_timeout(&self, timeout: Option<Duration>) -> Park {
        let mut shared = self.shared.lock();
        if timeout == Some(Duration::ZERO) {
            shared.sleeping_until = NOT_SLEEPING;
            return Park::Timeout(timeout);
        }
        let next = shared.wheel.next_deadline();
        let now = self.clock.now_ns();
        self.saw(now);
        if self.clock.is_paused()
            && timeout.is_none()
            && self.clock.can_auto_advance()
            && let Some(next) = next
        {
            shared.sleeping_until = NOT_SLEEPING;
            if self.clock.take_released() {
                // Blocking work finished since the last park and may have
                // woken a task the scheduler had not seen when it decided
                // to sleep (it looked before the release): poll instead,
                // so the scheduler looks again before the clock can move.
                // The next park, with nothing new released, advances.
                return Park::Timeout(Some(Duration::ZERO));
            }
            return Park::AutoAdvance(next);
        }
        let until_timer = next.map(|next| Duration::from_nanos(next.saturating_sub(now)));
        let timeout = match (timeout, until_timer) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        shared.sleeping_until = match (timeout, next) {
            // Paused and inhibited: the virtual deadline, in real time; a
            // registration compares against it like any other.
            (_, Some(next)) => next.max(1),
            (None, None) => NEVER,
            // A scheduler timeout only: any registration wakes it, which
            // errs on the side of waking.
            (Some(_), None) => NEVER,
        };
        Park::Timeout(timeout)
    }

    /// Auto-advance: moves the paused clock to `to`.
    pub(crate) fn advance_to(&self, to: u64) {
        self.clock.advance_to(to);
    }

    /// Fires every timer whose deadline has passed.
    /// Only the driver's owner calls this, after blocking or polling: it
    /// is awake, so registrations need not wake it.
    pub(crate) fn process(&self) {
        self.fire_due(true);
    }

    /// Fires every timer whose deadline has passed (any thread; `owner`:
    /// the driver's owner, which is awake).
    fn fire_due(&self, owner: bool) {
        let mut wakers: Vec<Waker> = Vec::new();
        let mut shared = self.shared.lock();
        if owner {
            shared.sleeping_until = NOT_SLEEPING;
        }
        let now = self.clock.now_ns();
        self.saw(now);
        loop {
            let more = shared.wheel.poll(now, &mut wakers, FIRE_BATCH);
            if wakers.is_empty() && !more {
                break;
            }
            bump(&self.fired, wakers.len() as u64);
            drop(shared);
            wake_all(&mut wakers);
            if !more {
                return;
            }
            shared = self.shared.lock();
        }
    }

    /// The runtime shuts down: every timer is released and its task woken;
    /// a `Sleep` polled after this panics, saying so.
    pub(crate) fn shutdown(&self) {
        let (mut wakers, mut released) = (Vec::new(), Vec::new());
        {
            let mut shared = self.shared.lock();
            shared.is_shutdown = true;
            shared.wheel.drain(&mut wakers, &mut released);
        }
        wake_all(&mut wakers);
        // Dropping a fired timer's waker runs its owner's code too, which
        // may panic: contained like a wake (see `wake_all`), and only after
        // the pending timers were woken. Unwinding out of here would leave
        // those unwoken (they may belong to another executor's tasks, which
        // would wait forever) and escape the runtime's shutdown.
        for waker in released {
            crate::util::contain::contain(|| drop(waker));
        }
    }

    // ----- counters, for metrics and tests -----

    /// Timers registered (and re-armed by a reset) since the start.
    #[allow(dead_code)] // read by the metrics
    pub(crate) fn timers_registered(&self) -> u64 {
        self.registered.load(Ordering::Relaxed)
    }

    /// Timers fired since the start.
    #[allow(dead_code)] // read by the metrics
    pub(crate) fn timers_fired(&self) -> u64 {
        self.fired.load(Ordering::Relaxed)
    }

    /// Registered timers that have not fired yet.
    #[allow(dead_code)] // read by the metrics
    pub(crate) fn timers_pending(&self) -> usize {
        self.shared.lock().wheel.pending()
    }

    /// (entries held, slab slots allocated), for tests.
    #[cfg(test)]
    pub(crate) fn entries(&self) -> (usize, usize) {
        let shared = self.shared.lock();
        (shared.wheel.entries(), shared.wheel.capacity())
    }
}

impl Shared {
    fn check_running(&self) {
        if self.is_shutdown {
            panic_shutdown();
        }
    }

    /// A timer for `deadline` was just registered: true if the owner must
    /// be woken to sleep less.
    fn wake_owner_for(&mut self, deadline: u64) -> bool {
        if deadline < self.sleeping_until {
            self.sleeping_until = NOT_SLEEPING;
            true
        } else {
            false
        }
    }
}

/// Wakes (and empties) a batch of fired timers' wakers, with the lock
/// released. A waker runs the code of whoever polled the `Sleep`; one that
/// panics must neither cost the rest of the batch their wake-up (their
/// entries are already marked fired: nothing would wake them later) nor
/// unwind out of the driver, which runs in a worker's park (a worker
/// would die) or in `time::advance` (some unrelated task would fail). So
/// each wake runs under `catch_unwind` and a panic is contained: the panic
/// hook has already reported it (on stderr, by default), the other wakers
/// are woken, and the driver carries on. (A guard that wakes the rest in
/// its `Drop`, as `runtime-sync`'s `WakeList` does, would still let the
/// panic take the worker down, and a second panicking waker in the same
/// batch would then panic during unwinding: an abort.) `catch_unwind`
/// costs nothing unless a panic happens.
fn wake_all(wakers: &mut Vec<Waker>) {
    for waker in wakers.drain(..) {
        crate::util::contain::wake(waker);
    }
}

/// Adds to a counter that is only written with the wheel lock held (so a
/// plain load and store, not a locked read-modify-write, is enough; readers
/// take it relaxed, without the lock).
fn bump(counter: &AtomicU64, n: u64) {
    counter.store(counter.load(Ordering::Relaxed) + n, Ordering::Relaxed);
}

#[track_caller]
fn panic_shutdown() -> ! {
    panic!(
        "a runtime::time timer was used after its runtime shut down: timers need the runtime \
         that created them to be running. Await it inside that runtime (a task, block_on) \
         before the Runtime is dropped."
    )
}

#[cfg(test)]
mod tests;
