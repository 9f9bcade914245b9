//! Per-worker counters.
//!
//! A worker counts in plain integers (`Stats`) and publishes them to its
//! cache-padded `WorkerMetrics` when it parks and every maintenance tick, so
//! counting costs nothing on the hot path and reading the metrics never
//! touches a worker. Each published counter has a single writer, so it is a
//! relaxed `store`, not a locked read-modify-write.

use crate::loom::{AtomicU64, Ordering};
use std::time::Instant;

/// The published counters of one worker.
#[derive(Default, Debug)]
pub(crate) struct WorkerMetrics {
    pub(crate) polls: AtomicU64,
    pub(crate) steals: AtomicU64,
    pub(crate) steal_operations: AtomicU64,
    pub(crate) parks: AtomicU64,
    /// Written by other threads (whoever wakes this worker).
    pub(crate) unparks: AtomicU64,
    pub(crate) busy_nanos: AtomicU64,
}

impl WorkerMetrics {
    pub(crate) fn inc_unpark(&self) {
        self.unparks.fetch_add(1, Ordering::Relaxed);
    }
}

/// The worker's private running totals.
pub(super) struct Stats {
    pub(super) polls: u64,
    pub(super) steals: u64,
    pub(super) steal_operations: u64,
    pub(super) parks: u64,
    busy_nanos: u64,
    busy_since: Option<Instant>,
}

impl Stats {
    pub(super) fn new() -> Stats {
        Stats {
            polls: 0,
            steals: 0,
            steal_operations: 0,
            parks: 0,
            busy_nanos: 0,
            busy_since: None,
        }
    }

    pub(super) fn start_busy(&mut self) {
        self.busy_since = Some(Instant::now());
    }

    pub(super) fn end_busy(&mut self) {
        if let Some(since) = self.busy_since.take() {
            self.busy_nanos += since.elapsed().as_nanos() as u64;
        }
    }

    /// Publishes the totals.
    pub(super) fn submit(&self, to: &WorkerMetrics) {
        let busy = self.busy_nanos
            + self
                .busy_since
                .map_or(0, |since| since.elapsed().as_nanos() as u64);
        to.polls.store(self.polls, Ordering::Relaxed);
        to.steals.store(self.steals, Ordering::Relaxed);
        to.steal_operations
            .store(self.steal_operations, Ordering::Relaxed);
        to.parks.store(self.parks, Ordering::Relaxed);
        to.busy_nanos.store(busy, Ordering::Relaxed);
    }
}
