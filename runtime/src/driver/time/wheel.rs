//! The hierarchical timing wheel (Varghese & Lauck, "Hashed and
//! Hierarchical Timing Wheels", 1987), plus a small heap that gives it
//! nanosecond precision. A plain data structure: no clock, no locking, no
//! waking; `mod.rs` wraps it in the driver's mutex.
//!
//! # Layout
//!
//! Time is counted in *ticks* of [`TICK_NS`] (1 ms) since the clock's base.
//! Six levels of 64 slots: a slot of level `L` spans `64^L` ticks, a level
//! spans `64^(L+1)`, so the top level reaches 64^6 ms, about 2.2 years.
//! Each level keeps a 64-bit occupancy bitmap, so the next non-empty slot
//! of a level is a rotate and a `trailing_zeros`, and the next expiry of
//! the whole wheel is found in O(levels).
//!
//! An entry whose tick is later than `elapsed` (the tick the wheel has
//! reached) sits in the slot of the level given by the highest bit in which
//! its tick differs from `elapsed` (so every entry of a lower level expires
//! before every entry of a higher one), in a doubly linked list threaded
//! through the slab: O(1) insert, O(1) cancel. When the wheel reaches a
//! slot of a level above 0, the slot's entries *cascade*: each is placed
//! again relative to the new `elapsed`, which puts it in a lower level.
//! An entry moves at most once per level, so the cost is O(levels) per
//! timer whatever its duration. Deadlines past the top level's reach go
//! into the top level's slot for their bits, which acts as a ring: they
//! come around every 2.2 years, cascade, and land in the top level again
//! until they are near (tokio's wheel does the same).
//!
//! # Precision: the heap of the current tick
//!
//! A wheel alone can only say "in this millisecond". Entries whose tick
//! the wheel has reached (the current millisecond, or overdue) move into a
//! binary heap ordered by exact deadline (ties: registration order), so
//! the driver can sleep until the exact earliest deadline and fire each
//! timer when its own nanosecond deadline has passed, never before. The
//! heap only ever holds about one tick's worth of timers, so its
//! O(log n) is over a small n. Every slot also keeps a lower bound of its
//! entries' exact deadlines (`min`), so the driver parks until the first
//! deadline itself rather than the boundary of its slot. The bound is not
//! raised when an entry leaves (that would cost a scan): after a cancel it
//! may be early, which costs at most one spurious wake-up, at which the
//! slot cascades into the heap and the exact deadline is known again.
//!
//! # Files
//!
//! One level (its slots, their lists and bounds, its bitmap) is `level.rs`;
//! the heap (and how it copes with cancelled entries) is `heap.rs`; the
//! entries themselves live in the slab of `entry.rs`. This file composes
//! them: where an entry goes, cascading, firing.

use super::clock::NEVER;
use super::entry::{Key, NIL, Place, Slab};
use super::heap::DeadlineHeap;
use super::level::{LEVELS, Level, level_for, level_range, slot_for, slot_range};
use std::task::Waker;

/// The wheel's resolution: one tick, in nanoseconds.
pub(crate) const TICK_NS: u64 = 1_000_000;

/// What `poll_entry` found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EntryState {
    /// Registered, not due yet; its waker is up to date.
    Pending,
    /// It fired; the entry is released.
    Fired,
    /// Its deadline passed before the driver fired it; the entry is
    /// released.
    Expired,
    /// No such entry (released at shutdown).
    Gone,
}

pub(crate) struct Wheel {
    slab: Slab,
    levels: Box<[Level]>,
    /// The tick the wheel has reached: every entry in a slot has a later
    /// tick; entries with this tick or earlier are in the heap.
    elapsed: u64,
    heap: DeadlineHeap,
    next_seq: u64,
    /// Registered entries that have not fired.
    pending: usize,
}

/// The tick of a deadline.
fn tick_of(deadline: u64) -> u64 {
    deadline / TICK_NS
}

impl Default for Wheel {
    fn default() -> Wheel {
        Wheel::new()
    }
}

impl Wheel {
    pub(crate) fn new() -> Wheel {
        Wheel {
            slab: Slab::default(),
            levels: (0..LEVELS).map(|_| Level::new()).collect(),
            elapsed: 0,
            heap: DeadlineHeap::default(),
            next_seq: 0,
            pending: 0,
        }
    }

    /// Registers a timer. `deadline` is in ns since the clock's base; a
    /// deadline in the past fires at the next `poll`.
    pub(crate) fn insert(&mut self, deadline: u64, waker: Waker) -> Key {
        let seq = self.take_seq();
        let key = self.slab.insert(deadline, seq, waker);
        self.place(key.index);
        self.pending += 1;
        key
    }

    /// Moves a registered (or fired, not yet released) entry to a new
    /// deadline, with the waker it holds: a fired entry still has the one
    /// it was fired with (see `poll`). False if the key is gone.
    pub(crate) fn reset(&mut self, key: Key, deadline: u64) -> bool {
        let Some(entry) = self.slab.get(key) else {
            return false;
        };
        match entry.place {
            Place::Wheel { .. } | Place::Heap => self.unplace(key.index),
            Place::Fired => self.pending += 1,
            Place::Free => unreachable!("slab returned a free entry"),
        }
        let seq = self.take_seq();
        let entry = self.slab.at_mut(key.index);
        entry.deadline = deadline;
        entry.seq = seq;
        self.place(key.index);
        true
    }

    /// Looks at an entry for its owner: releases it if it fired, or if its
    /// deadline is at or before `now()` (the owner saw it due before the
    /// driver did: `Expired`); else stores `waker` in it (unless it already
    /// wakes the same task). `now` is called only for an entry that has
    /// not fired: the common poll, the one after the fire, reads no clock.
    pub(crate) fn poll_entry(
        &mut self,
        key: Key,
        waker: &Waker,
        now: impl FnOnce() -> u64,
    ) -> (EntryState, Option<Waker>) {
        let Some(entry) = self.slab.get_mut(key) else {
            return (EntryState::Gone, None);
        };
        if entry.place == Place::Fired {
            return (EntryState::Fired, self.slab.free(key.index));
        }
        if entry.deadline <= now() {
            return (EntryState::Expired, self.remove(key));
        }
        match &mut entry.waker {
            Some(w) if w.will_wake(waker) => (EntryState::Pending, None),
            slot => (EntryState::Pending, slot.replace(waker.clone())),
        }
    }

    /// Cancels a timer, or releases a fired one. Returns its waker so the
    /// caller can drop it outside any lock.
    pub(crate) fn remove(&mut self, key: Key) -> Option<Waker> {
        let entry = self.slab.get(key)?;
        if entry.place != Place::Fired {
            self.unplace(key.index);
            self.pending -= 1;
        }
        self.slab.free(key.index)
    }

    /// Fires, in deadline order, up to `max` timers whose deadline is at or
    /// before `now`; pushes clones of their wakers to `fired` (each entry
    /// keeps its own until released). True if more are due.
    pub(crate) fn poll(&mut self, now: u64, fired: &mut Vec<Waker>, max: usize) -> bool {
        let now_tick = tick_of(now);
        // Move everything the wheel has reached into the heap first, so the
        // heap sees all candidates and fires them in deadline order.
        while let Some((level, slot, start)) = self.next_expiration() {
            if start > now_tick {
                break;
            }
            self.elapsed = self.elapsed.max(start);
            self.cascade(level, slot);
        }
        self.elapsed = self.elapsed.max(now_tick);
        while let Some(item) = self.heap.valid_top(&self.slab) {
            if item.deadline > now {
                return false;
            }
            if fired.len() >= max {
                return true;
            }
            // The entry keeps its waker until its owner observes the fire
            // (a poll, or the drop): a reset before then re-arms the timer
            // with it, so the task is woken at the new deadline without
            // having to poll in between. The driver wakes a clone.
            let entry = self.slab.at_mut(item.index);
            let waker = clone_waker(&mut entry.waker);
            self.heap.pop();
            entry.place = Place::Fired;
            fired.extend(waker);
            self.pending -= 1;
        }
        false
    }

    /// The earliest deadline of a registered timer, or a lower bound of it
    /// (see the module docs); `None` if no timer can ever fire.
    pub(crate) fn next_deadline(&mut self) -> Option<u64> {
        let heap = self.heap.valid_top(&self.slab).map(|item| item.deadline);
        let wheel = self.next_expiration().map(|(level, slot, start)| {
            self.levels[level]
                .min(slot)
                .max(start.saturating_mul(TICK_NS))
        });
        let next = match (heap, wheel) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        next.filter(|&d| d != NEVER)
    }

    /// Releases every entry (shutdown): the wakers of the timers that had
    /// not fired go to `wake`; those of fired ones (their tasks were woken
    /// then) to `release`, to be dropped outside the lock.
    pub(crate) fn drain(&mut self, wake: &mut Vec<Waker>, release: &mut Vec<Waker>) {
        let live: Vec<u32> = self.slab.live_indices().collect();
        for index in live {
            let entry = self.slab.at_mut(index);
            let fired = entry.place == Place::Fired;
            entry.place = Place::Fired;
            if let Some(waker) = self.slab.free(index) {
                if fired { &mut *release } else { &mut *wake }.push(waker);
            }
        }
        for level in self.levels.iter_mut() {
            *level = Level::new();
        }
        self.heap = DeadlineHeap::default();
        self.pending = 0;
    }

    /// Registered timers that have not fired.
    pub(crate) fn pending(&self) -> usize {
        self.pending
    }

    /// Entries held (pending, or fired and not yet released by their owner).
    #[cfg(test)]
    pub(crate) fn entries(&self) -> usize {
        self.slab.len()
    }

    /// Slab slots allocated: the high-water mark of `entries`.
    #[cfg(test)]
    pub(crate) fn capacity(&self) -> usize {
        self.slab.capacity()
    }

    /// Heap items, stale ones included.
    #[cfg(test)]
    pub(crate) fn heap_len(&self) -> usize {
        self.heap.len()
    }

    fn take_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    /// Puts a slab entry (in no list) where its deadline says.
    fn place(&mut self, index: u32) {
        let entry = self.slab.at(index);
        let (deadline, seq) = (entry.deadline, entry.seq);
        let when = tick_of(deadline);
        if when <= self.elapsed {
            self.slab.at_mut(index).place = Place::Heap;
            self.heap.push(deadline, seq, index);
            return;
        }
        let level = level_for(self.elapsed, when);
        let slot = slot_for(when, level);
        self.levels[level].push(&mut self.slab, slot, index);
        self.slab.at_mut(index).place = Place::Wheel {
            level: level as u8,
            slot: slot as u8,
        };
    }

    /// Takes a placed entry out of its list (or marks its heap item stale).
    fn unplace(&mut self, index: u32) {
        match self.slab.at(index).place {
            Place::Wheel { level, slot } => {
                self.levels[level as usize].unlink(&mut self.slab, slot as usize, index);
            }
            Place::Heap => self.heap.leave(&self.slab, index),
            Place::Fired | Place::Free => return,
        }
        let entry = self.slab.at_mut(index);
        entry.place = Place::Fired;
        entry.prev = NIL;
        entry.next = NIL;
    }

    /// The first non-empty slot (lowest level first): (level, slot, tick at
    /// which the wheel reaches it).
    fn next_expiration(&self) -> Option<(usize, usize, u64)> {
        for (level, l) in self.levels.iter().enumerate() {
            let Some(slot) = l.next_occupied_slot(self.elapsed, level) else {
                continue;
            };
            let level_start = self.elapsed & !(level_range(level) - 1);
            let mut start = level_start + slot as u64 * slot_range(level);
            if start <= self.elapsed {
                // Only the top level wraps: a slot "before" now is one
                // rotation ahead (see the module docs).
                debug_assert_eq!(level, LEVELS - 1);
                start += level_range(level);
            }
            return Some((level, slot, start));
        }
        None
    }

    /// Empties a slot and places its entries again, relative to `elapsed`.
    fn cascade(&mut self, level: usize, slot: usize) {
        let mut index = self.levels[level].take(slot);
        while index != NIL {
            let entry = self.slab.at_mut(index);
            let next = entry.next;
            entry.prev = NIL;
            entry.next = NIL;
            entry.place = Place::Fired; // in no list, for `place`
            self.place(index);
            index = next;
        }
    }
}

/// A clone of a fired entry's waker, for the driver to wake. Cloning runs
/// the waker's own code, under the driver's lock, before the entry is
/// touched. Should it panic, the panic is contained like a panicking wake
/// (see `wake_all` in `mod.rs`) and the entry hands its waker over instead
/// (a reset then re-arms it with none): the timer still fires, and nothing
/// unwinds out of the driver.
fn clone_waker(waker: &mut Option<Waker>) -> Option<Waker> {
    let cloned = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| waker.clone()));
    cloned.unwrap_or_else(|_| waker.take())
}

#[cfg(test)]
#[path = "wheel_tests.rs"]
mod tests;
