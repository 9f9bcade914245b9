//! Python's `random`, as much as the guide programs use: `random()`,
//! `randint(a, b)` and `randrange(start, stop)`, on a small seedable
//! generator (SplitMix64), so that a test can replay a run.
//!
//! Included by the examples with `#[path = "guide/random.rs"] mod random;`.

#![allow(dead_code)] // each program uses a part of it

use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A random number generator; clones share one sequence (like the
/// functions of Python's `random` module, which share one generator).
#[derive(Clone, Debug)]
pub struct Random {
    state: Arc<AtomicU64>,
}

impl Random {
    /// Seeded from the OS, different every run: Python's default.
    pub fn new() -> Random {
        Random::seeded(RandomState::new().hash_one("guide"))
    }

    /// The same sequence for the same seed: `random.seed(seed)`.
    pub fn seeded(seed: u64) -> Random {
        Random {
            state: Arc::new(AtomicU64::new(seed)),
        }
    }

    fn next_u64(&self) -> u64 {
        const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut z = self
            .state
            .fetch_add(GAMMA, Ordering::Relaxed)
            .wrapping_add(GAMMA);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// `random.random()`: a float in [0.0, 1.0).
    pub fn random(&self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// `random.randrange(start, stop)`: an integer in [start, stop).
    pub fn randrange(&self, start: u64, stop: u64) -> u64 {
        assert!(start < stop, "empty range for randrange({start}, {stop})");
        start + self.next_u64() % (stop - start)
    }

    /// `random.randint(a, b)`: an integer in [a, b], both included.
    pub fn randint(&self, a: u64, b: u64) -> u64 {
        self.randrange(a, b + 1)
    }
}

impl Default for Random {
    /// [`Random::new`].
    fn default() -> Random {
        Random::new()
    }
}
