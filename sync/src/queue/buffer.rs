//! The three orders a queue can hand items out in, as concurrent stores.
//!
//! A store is used through `&self` from any thread: the queue's waiter
//! mutex does not guard it. A bounded FIFO store is the lock-free
//! [`Ring`]; the others (an unbounded FIFO, the LIFO stack and the
//! priority heap) are a std collection behind their own small mutex, which
//! is never held while the waiter mutex is taken.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use super::ring::Ring;
use crate::loom::{AtomicUsize, Mutex, Ordering};

/// Item storage of a queue; the only thing the three queues differ in.
///
/// Besides the items, a store keeps two *marks*, set by the queue while
/// getters (putters) wait: a push (pop) reports whether the getters'
/// (putters') mark was set when it happened. Setting a mark is ordered with
/// every push (pop) (see `Ring::mark_tail`), which is what lets a fast put
/// learn of a waiting getter without a fence.
pub(crate) trait Buffer {
    type Item;
    /// A store for at most `maxsize` items (0: no limit).
    fn new(maxsize: usize) -> Self;
    /// Adds an item, or gives it back if `maxsize` items are stored.
    /// `Ok(true)`: the getters' mark was set.
    fn push(&self, item: Self::Item) -> Result<bool, Self::Item>;
    /// Takes an item; the flag says the putters' mark was set.
    fn pop(&self) -> Option<(Self::Item, bool)>;
    /// A snapshot of the number of items.
    fn len(&self) -> usize;
    fn mark_getters(&self, on: bool);
    fn mark_putters(&self, on: bool);
}

/// A collection and its marks, behind a mutex (which orders the marks with
/// the pushes and pops), with its length mirrored in an atomic so that
/// `len` takes no lock.
pub(crate) struct Locked<C> {
    items: Mutex<Marked<C>>,
    len: AtomicUsize,
    /// 0: no limit.
    maxsize: usize,
}

#[derive(Default)]
struct Marked<C> {
    items: C,
    getters: bool,
    putters: bool,
}

impl<C: Default> Locked<C> {
    fn new(maxsize: usize) -> Self {
        Self {
            items: Mutex::new(Marked::default()),
            len: AtomicUsize::new(0),
            maxsize,
        }
    }

    fn push<T>(
        &self,
        item: T,
        len: impl Fn(&C) -> usize,
        add: impl FnOnce(&mut C, T),
    ) -> Result<bool, T> {
        let mut m = self.items.lock();
        let n = len(&m.items);
        if self.maxsize != 0 && n >= self.maxsize {
            return Err(item);
        }
        add(&mut m.items, item);
        self.len.store(n + 1, Ordering::Relaxed);
        Ok(m.getters)
    }

    fn pop<T>(
        &self,
        len: impl Fn(&C) -> usize,
        take: impl FnOnce(&mut C) -> Option<T>,
    ) -> Option<(T, bool)> {
        let mut m = self.items.lock();
        let item = take(&mut m.items)?;
        self.len.store(len(&m.items), Ordering::Relaxed);
        Some((item, m.putters))
    }

    fn len(&self) -> usize {
        self.len.load(Ordering::Relaxed)
    }

    fn mark_getters(&self, on: bool) {
        self.items.lock().getters = on;
    }

    fn mark_putters(&self, on: bool) {
        self.items.lock().putters = on;
    }
}

/// First in, first out: asyncio's `Queue`. Bounded: the lock-free ring;
/// unbounded: a `VecDeque` behind a mutex.
// One per queue, made once and never moved: the size gap costs nothing.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Fifo<T> {
    Bounded(Ring<T>),
    Unbounded(Locked<VecDeque<T>>),
}

impl<T> Buffer for Fifo<T> {
    type Item = T;

    fn new(maxsize: usize) -> Self {
        if maxsize == 0 {
            Self::Unbounded(Locked::new(0))
        } else {
            Self::Bounded(Ring::new(maxsize))
        }
    }

    #[inline]
    fn push(&self, item: T) -> Result<bool, T> {
        match self {
            Self::Bounded(ring) => ring.push(item),
            Self::Unbounded(q) => q.push(item, VecDeque::len, VecDeque::push_back),
        }
    }

    #[inline]
    fn pop(&self) -> Option<(T, bool)> {
        match self {
            Self::Bounded(ring) => ring.pop(),
            Self::Unbounded(q) => q.pop(VecDeque::len, VecDeque::pop_front),
        }
    }

    #[inline]
    fn len(&self) -> usize {
        match self {
            Self::Bounded(ring) => ring.len(),
            Self::Unbounded(q) => q.len(),
        }
    }

    fn mark_getters(&self, on: bool) {
        match self {
            Self::Bounded(ring) => ring.mark_tail(on),
            Self::Unbounded(q) => q.mark_getters(on),
        }
    }

    fn mark_putters(&self, on: bool) {
        match self {
            Self::Bounded(ring) => ring.mark_head(on),
            Self::Unbounded(q) => q.mark_putters(on),
        }
    }
}

/// Last in, first out: asyncio's `LifoQueue`.
pub(crate) struct Lifo<T>(Locked<Vec<T>>);

impl<T> Buffer for Lifo<T> {
    type Item = T;

    fn new(maxsize: usize) -> Self {
        Self(Locked::new(maxsize))
    }

    fn push(&self, item: T) -> Result<bool, T> {
        self.0.push(item, Vec::len, Vec::push)
    }

    fn pop(&self) -> Option<(T, bool)> {
        self.0.pop(Vec::len, Vec::pop)
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn mark_getters(&self, on: bool) {
        self.0.mark_getters(on);
    }

    fn mark_putters(&self, on: bool) {
        self.0.mark_putters(on);
    }
}

/// Smallest first: asyncio's `PriorityQueue` (a min-heap, like `heapq`).
pub(crate) struct Priority<T: Ord>(Locked<BinaryHeap<Reverse<T>>>);

impl<T: Ord> Buffer for Priority<T> {
    type Item = T;

    fn new(maxsize: usize) -> Self {
        Self(Locked::new(maxsize))
    }

    fn push(&self, item: T) -> Result<bool, T> {
        self.0
            .push(item, BinaryHeap::len, |heap, item| heap.push(Reverse(item)))
    }

    fn pop(&self) -> Option<(T, bool)> {
        self.0
            .pop(BinaryHeap::len, |heap| heap.pop().map(|Reverse(item)| item))
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn mark_getters(&self, on: bool) {
        self.0.mark_getters(on);
    }

    fn mark_putters(&self, on: bool) {
        self.0.mark_putters(on);
    }
}
