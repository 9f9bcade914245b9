//! A small, fast, non-cryptographic random number generator for picking
//! steal victims (xorshift64*).

use std::cell::Cell;

#[derive(Debug)]
pub(crate) struct FastRand {
    state: Cell<u64>,
}

impl FastRand {
    /// A generator with a seed that differs between calls and processes.
    pub(crate) fn new() -> FastRand {
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0x9E37_79B9_7F4A_7C15);
        let count = COUNTER.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
        let time = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let seed = (count ^ time) | 1;
        FastRand {
            state: Cell::new(seed),
        }
    }

    fn next(&self) -> u64 {
        let mut x = self.state.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n > 0`).
    pub(crate) fn below(&self, n: usize) -> usize {
        debug_assert!(n > 0);
        // Lemire's multiply-shift: unbiased enough for victim selection.
        (((self.next() >> 32) * n as u64) >> 32) as usize
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::FastRand;

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let rand = FastRand::new();
        let mut seen = [false; 7];
        for _ in 0..1000 {
            let n = rand.below(7);
            seen[n] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }
}
