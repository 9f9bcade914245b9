//! One level of the timing wheel: 64 slots, each the head of a doubly
//! linked list of entries (threaded through the slab) plus a lower bound of
//! their deadlines, and a 64-bit occupancy bitmap, so the next non-empty
//! slot is a rotate and a `trailing_zeros`. Also the arithmetic that says
//! which level and slot a tick belongs to. See `wheel.rs` for how the
//! levels fit together.

use super::clock::NEVER;
use super::entry::{NIL, Slab};

/// Levels in the wheel.
pub(super) const LEVELS: usize = 6;
const LEVEL_BITS: u32 = 6;
const SLOTS: usize = 1 << LEVEL_BITS;
/// Ticks the top level reaches.
const MAX_TICKS: u64 = (1 << (LEVEL_BITS as u64 * LEVELS as u64)) - 1;

#[derive(Clone, Copy)]
struct Slot {
    head: u32,
    /// Lower bound of the deadlines (ns) of the entries in the list.
    min: u64,
}

const EMPTY_SLOT: Slot = Slot {
    head: NIL,
    min: NEVER,
};

pub(super) struct Level {
    occupied: u64,
    slots: [Slot; SLOTS],
}

/// The level an entry for tick `when` belongs to, seen from `elapsed`.
pub(super) fn level_for(elapsed: u64, when: u64) -> usize {
    const SLOT_MASK: u64 = (1 << LEVEL_BITS) - 1;
    // The low bits are or-ed in so equal ticks still give level 0; past the
    // top level's reach, the top level.
    let masked = ((elapsed ^ when) | SLOT_MASK).min(MAX_TICKS - 1);
    let significant = 63 - masked.leading_zeros();
    (significant / LEVEL_BITS) as usize
}

/// Ticks spanned by one slot of `level`.
pub(super) fn slot_range(level: usize) -> u64 {
    1 << (LEVEL_BITS as usize * level)
}

/// Ticks spanned by the whole of `level`.
pub(super) fn level_range(level: usize) -> u64 {
    1 << (LEVEL_BITS as usize * (level + 1))
}

/// The slot of `level` that tick `when` falls in.
pub(super) fn slot_for(when: u64, level: usize) -> usize {
    ((when >> (LEVEL_BITS as usize * level)) as usize) & (SLOTS - 1)
}

impl Level {
    pub(super) fn new() -> Level {
        Level {
            occupied: 0,
            slots: [EMPTY_SLOT; SLOTS],
        }
    }

    /// The next occupied slot at or after `now`'s slot, cyclically.
    pub(super) fn next_occupied_slot(&self, now: u64, level: usize) -> Option<usize> {
        if self.occupied == 0 {
            return None;
        }
        let now_slot = (now / slot_range(level)) as u32;
        let zeros = self.occupied.rotate_right(now_slot).trailing_zeros();
        Some((zeros as usize + now_slot as usize) % SLOTS)
    }

    /// A lower bound of the deadlines in `slot` (`NEVER` if it is empty).
    pub(super) fn min(&self, slot: usize) -> u64 {
        self.slots[slot].min
    }

    /// Pushes entry `index` (in no list) onto the front of `slot`'s list
    /// and lowers the slot's bound to its deadline. The caller records
    /// where the entry is (its `place`).
    pub(super) fn push(&mut self, slab: &mut Slab, slot: usize, index: u32) {
        let deadline = slab.at(index).deadline;
        let head = {
            let s = &mut self.slots[slot];
            s.min = s.min.min(deadline);
            std::mem::replace(&mut s.head, index)
        };
        self.occupied |= 1 << slot;
        if head != NIL {
            slab.at_mut(head).prev = index;
        }
        let entry = slab.at_mut(index);
        entry.prev = NIL;
        entry.next = head;
    }

    /// Takes entry `index` out of `slot`'s list (its own links are left
    /// for the caller to reset). The bound is not raised (see the module
    /// docs of `wheel.rs`), unless the slot is left empty.
    pub(super) fn unlink(&mut self, slab: &mut Slab, slot: usize, index: u32) {
        let entry = slab.at(index);
        let (prev, next) = (entry.prev, entry.next);
        if prev == NIL {
            self.slots[slot].head = next;
        } else {
            slab.at_mut(prev).next = next;
        }
        if next != NIL {
            slab.at_mut(next).prev = prev;
        }
        if self.slots[slot].head == NIL {
            self.slots[slot].min = NEVER;
            self.occupied &= !(1 << slot);
        }
    }

    /// Empties `slot`; returns the head of its list, whose entries are
    /// still linked through `next`.
    pub(super) fn take(&mut self, slot: usize) -> u32 {
        let head = std::mem::replace(&mut self.slots[slot], EMPTY_SLOT).head;
        self.occupied &= !(1 << slot);
        head
    }
}
