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
pub(crate) trait Buffer {
    type Item;
    /// A store for at most `maxsize` items (0: no limit).
    fn new(maxsize: usize) -> Self;
    /// Adds an item, or gives it back if `maxsize` items are stored.
    fn push(&self, item: Self::Item) -> Result<(), Self::Item>;
    fn pop(&self) -> Option<Self::Item>;
    /// A snapshot of the number of items.
    fn len(&self) -> usize;
}

/// A collection behind a mutex, with its length mirrored in an atomic so
/// that `len` takes no lock.
pub(crate) struct Locked<C> {
    items: Mutex<C>,
    len: AtomicUsize,
    /// 0: no limit.
    maxsize: usize,
}

impl<C: Default> Locked<C> {
    fn new(maxsize: usize) -> Self {
        Self {
            items: Mutex::new(C::default()),
            len: AtomicUsize::new(0),
            maxsize,
        }
    }

    fn push<T>(&self, item: T, len: impl Fn(&C) -> usize, add: impl FnOnce(&mut C, T)) -> Result<(), T> {
        let mut items = self.items.lock();
        let n = len(&items);
        if self.maxsize != 0 && n >= self.maxsize {
            return Err(item);
        }
        add(&mut items, item);
        self.len.store(n + 1, Ordering::SeqCst);
        Ok(())
    }

    fn pop<T>(&self, len: impl Fn(&C) -> usize, take: impl FnOnce(&mut C) -> Option<T>) -> Option<T> {
        let mut items = self.items.lock();
        let item = take(&mut items)?;
        self.len.store(len(&items), Ordering::SeqCst);
        Some(item)
    }

    fn len(&self) -> usize {
        self.len.load(Ordering::SeqCst)
    }
}

/// First in, first out: asyncio's `Queue`. Bounded: the lock-free ring;
/// unbounded: a `VecDeque` behind a mutex.
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
    fn push(&self, item: T) -> Result<(), T> {
        match self {
            Self::Bounded(ring) => ring.push(item),
            Self::Unbounded(q) => q.push(item, VecDeque::len, VecDeque::push_back),
        }
    }

    #[inline]
    fn pop(&self) -> Option<T> {
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
}

/// Last in, first out: asyncio's `LifoQueue`.
pub(crate) struct Lifo<T>(Locked<Vec<T>>);

impl<T> Buffer for Lifo<T> {
    type Item = T;

    fn new(maxsize: usize) -> Self {
        Self(Locked::new(maxsize))
    }

    fn push(&self, item: T) -> Result<(), T> {
        self.0.push(item, Vec::len, Vec::push)
    }

    fn pop(&self) -> Option<T> {
        self.0.pop(Vec::len, Vec::pop)
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

/// Smallest first: asyncio's `PriorityQueue` (a min-heap, like `heapq`).
pub(crate) struct Priority<T: Ord>(Locked<BinaryHeap<Reverse<T>>>);

impl<T: Ord> Buffer for Priority<T> {
    type Item = T;

    fn new(maxsize: usize) -> Self {
        Self(Locked::new(maxsize))
    }

    fn push(&self, item: T) -> Result<(), T> {
        self.0.push(item, BinaryHeap::len, |heap, item| heap.push(Reverse(item)))
    }

    fn pop(&self) -> Option<T> {
        self.0.pop(BinaryHeap::len, |heap| heap.pop().map(|Reverse(item)| item))
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}
