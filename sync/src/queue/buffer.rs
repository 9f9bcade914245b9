//! The three orders a queue can hand items out in.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// Item storage of a queue; the only thing the three queues differ in.
pub(crate) trait Buffer: Default {
    type Item;
    /// True if `push` and `pop` run the items' code (`PriorityQueue`'s
    /// `Ord`), which may panic halfway; the queue then guards them (see
    /// `Chan::push`). The FIFO and LIFO buffers only move items.
    const RUNS_ITEM_CODE: bool = false;
    fn push(&mut self, item: Self::Item);
    fn pop(&mut self) -> Option<Self::Item>;
    fn len(&self) -> usize;
}

/// First in, first out: asyncio's `Queue`.
#[derive(Debug)]
pub(crate) struct Fifo<T>(VecDeque<T>);

impl<T> Default for Fifo<T> {
    fn default() -> Self {
        Self(VecDeque::new())
    }
}

impl<T> Buffer for Fifo<T> {
    type Item = T;

    #[inline]
    fn push(&mut self, item: T) {
        self.0.push_back(item);
    }

    #[inline]
    fn pop(&mut self) -> Option<T> {
        self.0.pop_front()
    }

    #[inline]
    fn len(&self) -> usize {
        self.0.len()
    }
}

/// Last in, first out: asyncio's `LifoQueue`.
#[derive(Debug)]
pub(crate) struct Lifo<T>(Vec<T>);

impl<T> Default for Lifo<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T> Buffer for Lifo<T> {
    type Item = T;

    #[inline]
    fn push(&mut self, item: T) {
        self.0.push(item);
    }

    #[inline]
    fn pop(&mut self) -> Option<T> {
        self.0.pop()
    }

    #[inline]
    fn len(&self) -> usize {
        self.0.len()
    }
}

/// Smallest first: asyncio's `PriorityQueue` (a min-heap, like `heapq`).
#[derive(Debug)]
pub(crate) struct Priority<T: Ord>(BinaryHeap<Reverse<T>>);

impl<T: Ord> Default for Priority<T> {
    fn default() -> Self {
        Self(BinaryHeap::new())
    }
}

impl<T: Ord> Buffer for Priority<T> {
    type Item = T;
    const RUNS_ITEM_CODE: bool = true;

    #[inline]
    fn push(&mut self, item: T) {
        self.0.push(Reverse(item));
    }

    #[inline]
    fn pop(&mut self) -> Option<T> {
        self.0.pop().map(|Reverse(item)| item)
    }

    #[inline]
    fn len(&self) -> usize {
        self.0.len()
    }
}
