//! The heap of the current tick: the entries whose tick the wheel has
//! reached (the current millisecond, or overdue), ordered by exact
//! deadline (ties: registration order), which gives the wheel nanosecond
//! precision. See `wheel.rs` for how it fits with the levels.
//!
//! Cancelling an entry that is in the heap leaves its heap item behind,
//! stale: an item is valid only while its entry is still in the heap with
//! the same `seq`. Stale items are skipped when they reach the top, and the
//! heap is compacted when they are more than half of it, so memory stays
//! proportional to the live timers.

use super::entry::{Place, Slab};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Stale heap items tolerated before a compaction is considered.
pub(super) const STALE_SLACK: usize = 64;

/// An entry's place in the heap: valid while the entry is still in the
/// heap with the same `seq`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct HeapItem {
    pub(super) deadline: u64,
    pub(super) seq: u64,
    pub(super) index: u32,
}

#[derive(Default)]
pub(super) struct DeadlineHeap {
    heap: BinaryHeap<Reverse<HeapItem>>,
    /// Items whose entry has left the heap.
    stale: usize,
}

impl DeadlineHeap {
    /// Adds an item for entry `index`, which the caller has just marked
    /// `Place::Heap`.
    pub(super) fn push(&mut self, deadline: u64, seq: u64, index: u32) {
        self.heap.push(Reverse(HeapItem {
            deadline,
            seq,
            index,
        }));
    }

    /// Entry `leaving`, still marked `Place::Heap` in `slab`, is about to
    /// leave the heap (cancelled or moved): its item turns stale.
    pub(super) fn leave(&mut self, slab: &Slab, leaving: u32) {
        self.stale += 1;
        if self.stale > STALE_SLACK && self.stale > self.heap.len() / 2 {
            self.compact(slab, leaving);
        }
    }

    /// Drops every stale heap item; `leaving` is about to become stale.
    fn compact(&mut self, slab: &Slab, leaving: u32) {
        self.heap.retain(|Reverse(item)| {
            let e = slab.at(item.index);
            item.index != leaving && e.place == Place::Heap && e.seq == item.seq
        });
        // `leaving`'s item is gone too, so nothing is stale any more.
        self.stale = 0;
    }

    /// The heap's top after discarding stale items.
    pub(super) fn valid_top(&mut self, slab: &Slab) -> Option<HeapItem> {
        while let Some(&Reverse(item)) = self.heap.peek() {
            let e = slab.at(item.index);
            if e.place == Place::Heap && e.seq == item.seq {
                return Some(item);
            }
            self.heap.pop();
            self.stale -= 1;
        }
        None
    }

    /// Removes the top item, which [`valid_top`](Self::valid_top) has just
    /// returned.
    pub(super) fn pop(&mut self) {
        self.heap.pop();
    }

    /// Heap items, stale ones included.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.heap.len()
    }
}
