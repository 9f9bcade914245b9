//! Timer entries: a slab, indexed by [`Key`], owned by the wheel.
//!
//! An entry lives in the slab from registration until its `Sleep` lets go
//! of it (drop, or the poll that observes it fired). A key carries the
//! slot's generation, bumped each time the slot is freed, so a stale key
//! (kept by a heap item after its entry was cancelled) never reaches the
//! entry that reuses the slot.
//!
//! Free slots form a list threaded through `next`, so the slab never
//! allocates beyond its high-water mark: creating and dropping a million
//! sleeps one after another uses one slot.

use std::task::Waker;

/// "No entry": the end of a list.
pub(super) const NIL: u32 = u32::MAX;

/// Where a registered entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Place {
    /// In a wheel slot's list.
    Wheel { level: u8, slot: u8 },
    /// In the heap of entries due within the current tick.
    Heap,
    /// Fired; waiting for its owner to notice.
    Fired,
    /// Not in use (on the free list).
    Free,
}

/// The handle a `Sleep` keeps to its entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Key {
    pub(super) index: u32,
    pub(super) generation: u32,
}

pub(super) struct Entry {
    pub(super) generation: u32,
    pub(super) place: Place,
    /// Deadline in ns since the clock's base.
    pub(super) deadline: u64,
    /// Registration order: breaks ties between equal deadlines (first
    /// registered fires first).
    pub(super) seq: u64,
    /// The task to wake: the waker of the owner's last poll. Kept while
    /// the entry is fired and not yet released, so a reset before the
    /// owner observes the fire re-arms the timer with it.
    pub(super) waker: Option<Waker>,
    /// Links of the wheel slot list (or, for free slots, `next` links the
    /// free list).
    pub(super) prev: u32,
    pub(super) next: u32,
}

#[derive(Default)]
pub(super) struct Slab {
    entries: Vec<Entry>,
    free_head: Option<u32>,
    len: usize,
}

impl Slab {
    pub(super) fn insert(&mut self, deadline: u64, seq: u64, waker: Waker) -> Key {
        self.len += 1;
        let index = match self.free_head {
            Some(index) => {
                let entry = &mut self.entries[index as usize];
                self.free_head = (entry.next != NIL).then_some(entry.next);
                entry.place = Place::Fired; // placed by the caller
                entry.deadline = deadline;
                entry.seq = seq;
                entry.waker = Some(waker);
                entry.prev = NIL;
                entry.next = NIL;
                index
            }
            None => {
                let index = u32::try_from(self.entries.len())
                    .ok()
                    .filter(|&i| i != NIL)
                    .expect("more than 4 billion timers registered at once");
                self.entries.push(Entry {
                    generation: 0,
                    place: Place::Fired,
                    deadline,
                    seq,
                    waker: Some(waker),
                    prev: NIL,
                    next: NIL,
                });
                index
            }
        };
        Key {
            index,
            generation: self.entries[index as usize].generation,
        }
    }

    /// The entry of a live key.
    pub(super) fn get(&self, key: Key) -> Option<&Entry> {
        self.entries
            .get(key.index as usize)
            .filter(|e| e.generation == key.generation && e.place != Place::Free)
    }

    pub(super) fn get_mut(&mut self, key: Key) -> Option<&mut Entry> {
        self.entries
            .get_mut(key.index as usize)
            .filter(|e| e.generation == key.generation && e.place != Place::Free)
    }

    pub(super) fn at(&self, index: u32) -> &Entry {
        &self.entries[index as usize]
    }

    pub(super) fn at_mut(&mut self, index: u32) -> &mut Entry {
        &mut self.entries[index as usize]
    }

    /// Frees the slot of an entry that is in no list any more. Returns its
    /// waker, to be dropped outside the lock.
    pub(super) fn free(&mut self, index: u32) -> Option<Waker> {
        let free_head = self.free_head.unwrap_or(NIL);
        let entry = &mut self.entries[index as usize];
        debug_assert!(matches!(entry.place, Place::Fired | Place::Heap));
        entry.place = Place::Free;
        entry.generation = entry.generation.wrapping_add(1);
        entry.prev = NIL;
        entry.next = free_head;
        self.free_head = Some(index);
        self.len -= 1;
        entry.waker.take()
    }

    /// Entries in use (registered or fired and not yet released).
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Slots allocated (the high-water mark).
    #[cfg(test)]
    pub(super) fn capacity(&self) -> usize {
        self.entries.len()
    }

    /// Every entry in use, for shutdown.
    pub(super) fn live_indices(&self) -> impl Iterator<Item = u32> + '_ {
        self.entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.place != Place::Free)
            .map(|(i, _)| i as u32)
    }
}
