//! A bounded multi-producer multi-consumer ring: the lock-free item storage
//! of a bounded FIFO [`Queue`](crate::Queue).
//!
//! # Design
//!
//! The classic array queue with per-slot sequence stamps (D. Vyukov's
//! bounded MPMC queue, in the lap-encoded form that also allows a capacity
//! of 1). A position is `lap + index`, where `index < cap` and `lap` counts
//! in units of `one_lap`, the power of two above `cap`. `tail` is the next
//! position to write, `head` the next to read; each slot's `stamp` says
//! what the slot expects next:
//!
//! * `stamp == pos`: the slot is free for the push at `pos`;
//! * `stamp == pos + 1`: the slot holds the item pushed at `pos`, for the
//!   pop at `pos`.
//!
//! A push claims its position by a CAS on `tail`, writes the value, then
//! publishes it with a `Release` store of `pos + 1` to the stamp. A pop
//! claims by a CAS on `head`, reads the value, then frees the slot for the
//! next lap with a `Release` store of `pos + one_lap`. Producers touch
//! `tail` and the slots, consumers `head` and the slots: the two ends live
//! on different cache lines, and neither side reads the other's index
//! except to tell "full" or "empty" from "someone is mid-operation".
//!
//! # Invariants
//!
//! * A slot's value is initialized exactly when its stamp is `pos + 1` for
//!   the position `pos` it was last pushed at; only the thread that won the
//!   CAS for a position touches that slot's value until it stores the stamp
//!   (the stamp store/load pair orders the value's write and read).
//! * Positions are never reused within 2^63 operations' worth of wrapping:
//!   `usize` positions wrap, and comparisons are equalities, not orderings.
//!
//! A pusher (popper) that finds the slot of its position not yet released by
//! the previous popper (pusher), which already moved `head` (`tail`) past
//! it, spins until it is: that window is a few instructions long (between
//! a CAS and a store on the same thread). Nothing else waits.

use core::mem::MaybeUninit;

use crate::loom::{AtomicUsize, Backoff, Ordering, UnsafeCell};

/// The top bit of `head` and `tail`: a mark (see [`Ring::mark_tail`]);
/// positions use the other bits and wrap within them.
const MARK: usize = 1 << (usize::BITS - 1);

/// Keeps `T` on its own cache line (128 bytes: adjacent-line prefetch).
#[repr(align(128))]
struct Padded<T>(T);

struct Slot<T> {
    stamp: AtomicUsize,
    value: UnsafeCell<MaybeUninit<T>>,
}

/// See the module docs for the protocol and its invariants.
pub(crate) struct Ring<T> {
    head: Padded<AtomicUsize>,
    tail: Padded<AtomicUsize>,
    slots: Box<[Slot<T>]>,
    /// `cap.next_power_of_two()` above `cap`: the position step of one lap.
    one_lap: usize,
}

// SAFETY: values move in and out of the ring between threads (hence
// `T: Send`); each slot's value is accessed only by the thread that claimed
// its position (module docs), so no `&T` is ever shared (no `T: Sync`).
unsafe impl<T: Send> Send for Ring<T> {}
// SAFETY: as for `Send`.
unsafe impl<T: Send> Sync for Ring<T> {}

impl<T> Ring<T> {
    /// A ring holding at most `cap` items.
    ///
    /// # Panics
    ///
    /// If `cap` is 0 (an unbounded queue uses another storage) or so large
    /// that the slots cannot be allocated.
    pub(crate) fn new(cap: usize) -> Self {
        assert!(cap > 0, "a ring holds at least one item");
        let one_lap = (cap + 1).next_power_of_two();
        let slots = (0..cap)
            .map(|i| Slot {
                stamp: AtomicUsize::new(i),
                value: UnsafeCell::new(MaybeUninit::uninit()),
            })
            .collect();
        Self {
            head: Padded(AtomicUsize::new(0)),
            tail: Padded(AtomicUsize::new(0)),
            slots,
            one_lap,
        }
    }

    fn cap(&self) -> usize {
        self.slots.len()
    }

    /// The position after `pos` (positions live in the low 63 bits).
    #[inline]
    fn next(&self, pos: usize) -> usize {
        let index = pos & (self.one_lap - 1);
        if index + 1 < self.cap() {
            pos + 1
        } else {
            (pos & !(self.one_lap - 1)).wrapping_add(self.one_lap) & !MARK
        }
    }

    /// Adds `value` at the tail, or gives it back if the ring is full.
    /// `Ok(true)` if the tail was marked (see [`Self::mark_tail`]) when the
    /// item went in: the caller must tell whoever set the mark.
    #[inline]
    pub(crate) fn push(&self, value: T) -> Result<bool, T> {
        let mut backoff = Backoff::new();
        let mut tail = self.tail.0.load(Ordering::Relaxed);
        loop {
            let pos = tail & !MARK;
            let slot = &self.slots[pos & (self.one_lap - 1)];
            let stamp = slot.stamp.load(Ordering::Acquire);
            if stamp == pos {
                match self.tail.0.compare_exchange_weak(
                    tail,
                    self.next(pos) | (tail & MARK),
                    Ordering::SeqCst,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => {
                        slot.value.with_mut(|v| {
                            // SAFETY: we won position `pos`, whose slot is
                            // free (stamp == pos): nobody else touches the
                            // value until we store the stamp below.
                            unsafe { (*v).write(value) };
                        });
                        slot.stamp.store((pos + 1) & !MARK, Ordering::Release);
                        return Ok(tail & MARK != 0);
                    }
                    Err(now) => tail = now,
                }
            } else if stamp.wrapping_add(self.one_lap) & !MARK == (pos + 1) & !MARK {
                // The slot still holds last lap's item: full, unless its
                // popper has moved `head` and not yet freed the slot. (A
                // stale `head` only makes us report "full" while that pop
                // is still in flight, which is a valid order.)
                let head = self.head.0.load(Ordering::Relaxed) & !MARK;
                if head.wrapping_add(self.one_lap) & !MARK == pos {
                    return Err(value);
                }
                backoff.snooze();
                tail = self.tail.0.load(Ordering::Relaxed);
            } else {
                // Another pusher took this position: catch up.
                backoff.snooze();
                tail = self.tail.0.load(Ordering::Relaxed);
            }
        }
    }

    /// Takes the item at the head, if any. The flag is `true` if the head
    /// was marked (see [`Self::mark_head`]) when the item came out.
    #[inline]
    pub(crate) fn pop(&self) -> Option<(T, bool)> {
        let mut backoff = Backoff::new();
        let mut head = self.head.0.load(Ordering::Relaxed);
        loop {
            let pos = head & !MARK;
            let slot = &self.slots[pos & (self.one_lap - 1)];
            let stamp = slot.stamp.load(Ordering::Acquire);
            if stamp == (pos + 1) & !MARK {
                match self.head.0.compare_exchange_weak(
                    head,
                    self.next(pos) | (head & MARK),
                    Ordering::SeqCst,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => {
                        let value = slot.value.with(|v| {
                            // SAFETY: we won position `pos`, whose slot holds
                            // the item pushed there (stamp == pos + 1); the
                            // stamp's Acquire load ordered its write before us.
                            unsafe { (*v).assume_init_read() }
                        });
                        slot.stamp
                            .store(pos.wrapping_add(self.one_lap) & !MARK, Ordering::Release);
                        return Some((value, head & MARK != 0));
                    }
                    Err(now) => head = now,
                }
            } else if stamp == pos {
                // The slot waits for this lap's push: empty, unless its
                // pusher has moved `tail` and not yet published the item.
                // (A stale `tail` only makes us report "empty" while that
                // push is still in flight, which is a valid order.)
                let tail = self.tail.0.load(Ordering::Relaxed) & !MARK;
                if tail == pos {
                    return None;
                }
                backoff.snooze();
                head = self.head.0.load(Ordering::Relaxed);
            } else {
                // Another popper took this position: catch up.
                backoff.snooze();
                head = self.head.0.load(Ordering::Relaxed);
            }
        }
    }

    /// Sets or clears the tail's mark: while it is set, every push reports
    /// it. Setting it is a read-modify-write of `tail`, so it is ordered
    /// with every push: a push either comes first (and the caller, looking
    /// at the ring after setting the mark, sees its item, possibly after
    /// waiting out its last store) or reports the mark.
    pub(crate) fn mark_tail(&self, on: bool) {
        if on {
            self.tail.0.fetch_or(MARK, Ordering::SeqCst);
        } else {
            self.tail.0.fetch_and(!MARK, Ordering::SeqCst);
        }
    }

    /// [`Self::mark_tail`] for the head and pops.
    pub(crate) fn mark_head(&self, on: bool) {
        if on {
            self.head.0.fetch_or(MARK, Ordering::SeqCst);
        } else {
            self.head.0.fetch_and(!MARK, Ordering::SeqCst);
        }
    }

    /// The number of items (a snapshot: exact when nobody pushes or pops).
    pub(crate) fn len(&self) -> usize {
        let mut backoff = Backoff::new();
        loop {
            let tail = self.tail.0.load(Ordering::SeqCst);
            let head = self.head.0.load(Ordering::SeqCst) & !MARK;
            // A consistent pair: `tail` did not move while we read `head`.
            if self.tail.0.load(Ordering::SeqCst) == tail {
                let tail = tail & !MARK;
                let hix = head & (self.one_lap - 1);
                let tix = tail & (self.one_lap - 1);
                return if hix < tix {
                    tix - hix
                } else if hix > tix {
                    self.cap() - hix + tix
                } else if tail == head {
                    0
                } else {
                    self.cap()
                };
            }
            backoff.snooze();
        }
    }
}

impl<T> Drop for Ring<T> {
    fn drop(&mut self) {
        while self.pop().is_some() {}
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::Ring;
    use std::sync::Arc;

    #[test]
    fn fifo_full_and_empty_over_many_laps() {
        for cap in [1, 2, 3, 4, 7] {
            let ring = Ring::new(cap);
            let mut next_in = 0;
            let mut next_out = 0;
            for round in 0..20 {
                // Fill (a different amount each round, to shift the laps).
                while ring.push(next_in).is_ok() {
                    next_in += 1;
                }
                assert_eq!(ring.len(), cap, "cap {cap}");
                assert_eq!(ring.push(usize::MAX), Err(usize::MAX));
                for _ in 0..=(round % cap) {
                    assert_eq!(ring.pop(), Some((next_out, false)));
                    next_out += 1;
                }
            }
            while let Some((n, _)) = ring.pop() {
                assert_eq!(n, next_out);
                next_out += 1;
            }
            assert_eq!((ring.len(), next_out), (0, next_in));
        }
    }

    #[test]
    fn marks_are_reported_and_leave_positions_alone() {
        let ring = Ring::new(2);
        assert_eq!(ring.push(1), Ok(false));
        ring.mark_tail(true);
        ring.mark_head(true);
        assert_eq!(ring.push(2), Ok(true));
        assert_eq!(ring.push(3), Err(3));
        assert_eq!(ring.len(), 2);
        assert_eq!(ring.pop(), Some((1, true)));
        ring.mark_head(false);
        assert_eq!(ring.push(4), Ok(true));
        ring.mark_tail(false);
        assert_eq!(ring.pop(), Some((2, false)));
        assert_eq!(ring.push(5), Ok(false));
        assert_eq!(ring.pop(), Some((4, false)));
        assert_eq!(ring.pop(), Some((5, false)));
        assert!(ring.pop().is_none());
    }

    #[test]
    fn items_left_are_dropped_once() {
        let item = Arc::new(());
        let ring = Ring::new(3);
        for _ in 0..5 {
            let _ = ring.push(item.clone());
            drop(ring.pop());
        }
        ring.push(item.clone()).unwrap();
        ring.push(item.clone()).unwrap();
        assert_eq!(Arc::strong_count(&item), 3);
        drop(ring);
        assert_eq!(Arc::strong_count(&item), 1);
    }

    #[test]
    fn threads_pass_every_item_once() {
        const PER: usize = if cfg!(miri) { 50 } else { 5_000 };
        let ring = Arc::new(Ring::new(4));
        let producers: Vec<_> = (0..2)
            .map(|p| {
                let ring = ring.clone();
                std::thread::spawn(move || {
                    for i in 0..PER {
                        let mut item = p * PER + i;
                        while let Err(back) = ring.push(item) {
                            item = back;
                            std::thread::yield_now();
                        }
                    }
                })
            })
            .collect();
        let mut seen = vec![false; 2 * PER];
        let mut last = [None::<usize>; 2];
        for _ in 0..2 * PER {
            let n = loop {
                match ring.pop() {
                    Some((n, _)) => break n,
                    None => std::thread::yield_now(),
                }
            };
            assert!(!std::mem::replace(&mut seen[n], true), "{n} twice");
            // Each producer's items come out in its order.
            let p = n / PER;
            assert!(last[p].is_none_or(|l| l < n));
            last[p] = Some(n);
        }
        for p in producers {
            p.join().unwrap();
        }
        assert_eq!(ring.pop().map(|(n, _)| n), None);
    }
}
