//! The wheel as a plain data structure: ordering, never early, cancel at
//! every point, cascades across every level, saturation, and a randomized
//! comparison against a sorted reference model.

use super::{TICK_NS, Wheel};
use crate::driver::time::clock::NEVER;
use crate::driver::time::entry::Key;
use crate::driver::time::heap::STALE_SLACK;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::task::{Wake, Waker};

/// A waker that logs its id when woken.
struct IdWaker {
    id: u64,
    log: Arc<Mutex<Vec<u64>>>,
}

impl Wake for IdWaker {
    fn wake(self: Arc<Self>) {
        self.log.lock().unwrap().push(self.id);
    }
}

struct Fixture {
    wheel: Wheel,
    log: Arc<Mutex<Vec<u64>>>,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture {
            wheel: Wheel::new(),
            log: Arc::default(),
        }
    }

    fn insert(&mut self, id: u64, deadline: u64) -> Key {
        let waker = Waker::from(Arc::new(IdWaker {
            id,
            log: self.log.clone(),
        }));
        self.wheel.insert(deadline, waker)
    }

    /// Polls at `now` and returns the ids fired, in firing order.
    fn poll(&mut self, now: u64) -> Vec<u64> {
        let mut wakers = Vec::new();
        while self.wheel.poll(now, &mut wakers, 7) {
            for w in wakers.drain(..) {
                w.wake();
            }
        }
        for w in wakers.drain(..) {
            w.wake();
        }
        std::mem::take(&mut *self.log.lock().unwrap())
    }
}

const MS: u64 = TICK_NS;
const SEC: u64 = 1000 * MS;

fn scaled(n: u64) -> u64 {
    if cfg!(miri) { (n / 100).max(10) } else { n }
}

#[test]
fn fires_in_deadline_order_and_never_early() {
    let mut f = Fixture::new();
    // Deliberately registered out of order, some within one tick.
    let deadlines = [
        5 * MS + 300,
        5 * MS + 100,
        3 * MS,
        70 * MS,
        5 * MS + 200,
        4100 * MS,
        1,
    ];
    for (id, &d) in deadlines.iter().enumerate() {
        f.insert(id as u64, d);
    }
    let mut sorted: Vec<(u64, u64)> = deadlines
        .iter()
        .enumerate()
        .map(|(i, &d)| (d, i as u64))
        .collect();
    sorted.sort();
    let mut fired = Vec::new();
    // Step through time finely around each deadline.
    for &(d, _) in &sorted {
        for now in [d.saturating_sub(1), d] {
            for id in f.poll(now) {
                assert!(deadlines[id as usize] <= now, "timer {id} fired early");
                fired.push(id);
            }
        }
    }
    let expected: Vec<u64> = sorted.iter().map(|&(_, id)| id).collect();
    assert_eq!(fired, expected);
    assert_eq!(f.wheel.pending(), 0);
}

#[test]
fn equal_deadlines_fire_in_registration_order() {
    let mut f = Fixture::new();
    for id in 0..10 {
        f.insert(id, 42 * MS + 7);
    }
    assert_eq!(f.poll(42 * MS + 6), Vec::<u64>::new());
    assert_eq!(f.poll(42 * MS + 7), (0..10).collect::<Vec<_>>());
}

#[test]
fn a_late_poll_fires_everything_due_in_order() {
    let mut f = Fixture::new();
    let deadlines = [9 * SEC, 3 * MS, 200 * MS, 70 * SEC, 5 * SEC];
    for (id, &d) in deadlines.iter().enumerate() {
        f.insert(id as u64, d);
    }
    assert_eq!(f.poll(10 * SEC), vec![1, 2, 4, 0]);
    assert_eq!(f.poll(70 * SEC - 1), Vec::<u64>::new());
    assert_eq!(f.poll(70 * SEC), vec![3]);
}

#[test]
fn cascades_through_every_level() {
    // One timer per level, and some beyond the wheel's reach.
    let deadlines = [
        MS + 1,
        100 * MS + 1,
        10 * SEC + 1,
        30 * 60 * SEC + 1,
        3 * 86_400 * SEC + 1,
        200 * 86_400 * SEC + 1,
        3 * 365 * 86_400 * SEC + 1,  // past the top level's reach
        30 * 365 * 86_400 * SEC + 1, // far past it
    ];
    let mut f = Fixture::new();
    for (id, &d) in deadlines.iter().enumerate() {
        f.insert(id as u64, d);
    }
    for (id, &d) in deadlines.iter().enumerate() {
        // The wheel says exactly when to wake, or something earlier.
        let next = f.wheel.next_deadline().unwrap();
        assert!(next <= d, "next deadline {next} after timer {id}'s {d}");
        assert_eq!(f.poll(d - 1), Vec::<u64>::new(), "early, timer {id}");
        assert_eq!(f.poll(d), vec![id as u64], "timer {id}");
    }
    assert_eq!(f.wheel.next_deadline(), None);
}

#[test]
fn next_deadline_is_exact_without_cancels() {
    let mut f = Fixture::new();
    f.insert(0, 7 * SEC + 123_456);
    f.insert(1, 9 * SEC);
    assert_eq!(f.wheel.next_deadline(), Some(7 * SEC + 123_456));
    // Time passes without a due timer: still exact.
    assert!(f.poll(7 * SEC).is_empty());
    assert_eq!(f.wheel.next_deadline(), Some(7 * SEC + 123_456));
    assert_eq!(f.poll(7 * SEC + 123_456), vec![0]);
    assert_eq!(f.wheel.next_deadline(), Some(9 * SEC));
}

#[test]
fn next_deadline_after_a_cancel_is_a_lower_bound_then_exact() {
    let mut f = Fixture::new();
    let a = f.insert(0, 5 * MS + 10);
    f.insert(1, 5 * MS + 900);
    f.wheel.remove(a);
    let next = f.wheel.next_deadline().unwrap();
    assert!(next <= 5 * MS + 900);
    // The wake-up at the stale bound fires nothing and makes it exact.
    assert!(f.poll(next).is_empty());
    assert_eq!(f.wheel.next_deadline(), Some(5 * MS + 900));
}

#[test]
fn cancel_at_every_point() {
    let mut f = Fixture::new();
    // In a high level, never cascaded.
    let far = f.insert(0, 100 * SEC);
    assert!(f.wheel.remove(far).is_some());
    // Cascaded once into level 0.
    let mid = f.insert(1, 2 * SEC + 5);
    assert!(f.poll(2 * SEC - 3 * MS).is_empty());
    assert!(f.wheel.remove(mid).is_some());
    // In the heap (its tick reached, deadline not).
    let near = f.insert(2, 3 * SEC + 500);
    assert!(f.poll(3 * SEC).is_empty());
    assert!(f.wheel.remove(near).is_some());
    // Fired, not yet released.
    let fired = f.insert(3, 4 * SEC);
    assert_eq!(f.poll(4 * SEC), vec![3]);
    assert_eq!(f.wheel.pending(), 0);
    assert_eq!(f.wheel.entries(), 1);
    // The entry kept its waker across the fire (for a reset), until now.
    assert!(f.wheel.remove(fired).is_some());
    // Twice: the key is stale now.
    assert!(f.wheel.remove(fired).is_none());
    assert_eq!(f.wheel.entries(), 0);
    assert!(f.poll(1000 * SEC).is_empty());
    assert_eq!(f.wheel.next_deadline(), None);
}

#[test]
fn reset_moves_an_entry_and_revives_a_fired_one() {
    let mut f = Fixture::new();
    let k = f.insert(0, 10 * SEC);
    assert!(f.wheel.reset(k, 2 * SEC));
    assert!(f.poll(2 * SEC - 1).is_empty());
    assert_eq!(f.poll(2 * SEC), vec![0]);
    // Fired: a reset registers it again, with a waker stored by a poll.
    assert!(f.wheel.reset(k, 3 * SEC));
    assert_eq!(f.wheel.pending(), 1);
    let waker = Waker::from(Arc::new(IdWaker {
        id: 7,
        log: f.log.clone(),
    }));
    assert_eq!(
        f.wheel.poll_entry(k, &waker, || 0).0,
        super::EntryState::Pending
    );
    // Later, then earlier, in the heap.
    assert!(f.poll(3 * SEC - 1).is_empty());
    assert!(f.wheel.reset(k, 3 * SEC + 10));
    assert!(f.poll(3 * SEC + 9).is_empty());
    assert_eq!(f.poll(3 * SEC + 10), vec![7]);
    assert_eq!(
        f.wheel.poll_entry(k, &waker, || 0).0,
        super::EntryState::Fired
    );
    assert_eq!(
        f.wheel.poll_entry(k, &waker, || 0).0,
        super::EntryState::Gone
    );
    assert!(!f.wheel.reset(k, 0));
}

#[test]
fn churn_leaves_the_wheel_empty_and_memory_flat() {
    let mut f = Fixture::new();
    let waker = Waker::noop();
    for i in 0..scaled(1_000_000) {
        // Half in the wheel, half in the heap (the current tick).
        let deadline = if i % 2 == 0 { 5 * SEC } else { 1 };
        let k = f.wheel.insert(deadline, waker.clone());
        f.wheel.remove(k);
    }
    assert_eq!(f.wheel.pending(), 0);
    assert_eq!(f.wheel.entries(), 0);
    assert_eq!(f.wheel.capacity(), 1);
    assert!(f.wheel.heap_len() <= 2 * STALE_SLACK + 2);
    assert_eq!(f.wheel.next_deadline(), None);
}

#[test]
fn saturation_and_never() {
    let mut f = Fixture::new();
    f.insert(0, NEVER);
    f.insert(1, NEVER - 1);
    assert_eq!(f.wheel.next_deadline(), Some(NEVER - 1));
    assert!(f.poll(NEVER - 2).is_empty());
    assert_eq!(f.poll(NEVER - 1), vec![1]);
    // The NEVER entry is still registered, and nothing says to wake for it.
    assert_eq!(f.wheel.pending(), 1);
    assert_eq!(f.wheel.next_deadline(), None);
}

#[test]
fn hundred_thousand_timers() {
    let mut f = Fixture::new();
    let n = scaled(100_000);
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    let mut deadlines = Vec::new();
    for id in 0..n {
        let d = 1 + xorshift(&mut rng) % (20 * MS);
        deadlines.push(d);
        f.insert(id, d);
    }
    let mut last = 0;
    let mut count = 0;
    let mut now = 0;
    while now <= 20 * MS {
        now += 37_123;
        for id in f.poll(now) {
            let d = deadlines[id as usize];
            assert!(d <= now && d >= last, "out of order or early");
            last = d;
            count += 1;
        }
    }
    assert_eq!(count, n);
}

fn xorshift(state: &mut u64) -> u64 {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    x
}

/// Random inserts, cancels, resets and polls against a sorted model.
#[test]
fn randomized_against_a_model() {
    for seed in 1..=scaled(40) {
        let mut rng = seed.wrapping_mul(0x2545_f491_4f6c_dd1d);
        let mut f = Fixture::new();
        let mut model: BTreeMap<(u64, u64), u64> = BTreeMap::new(); // (deadline, seq) -> id
        let mut live: Vec<(u64, Key, u64, u64)> = Vec::new(); // (id, key, deadline, seq)
        let mut now = 0u64;
        let mut seq = 0u64;
        for id in 0..scaled(2000) {
            match xorshift(&mut rng) % 10 {
                0..=4 => {
                    let span =
                        [MS, 100 * MS, 10 * SEC, 3600 * SEC][xorshift(&mut rng) as usize % 4];
                    let d = now + xorshift(&mut rng) % span;
                    let k = f.insert(id, d);
                    model.insert((d, seq), id);
                    live.push((id, k, d, seq));
                    seq += 1;
                }
                5 | 6 if !live.is_empty() => {
                    let i = xorshift(&mut rng) as usize % live.len();
                    let (_, k, d, s) = live.swap_remove(i);
                    f.wheel.remove(k);
                    model.remove(&(d, s));
                }
                7 if !live.is_empty() => {
                    let i = xorshift(&mut rng) as usize % live.len();
                    let (lid, k, d, s) = live[i];
                    let nd = now + xorshift(&mut rng) % (200 * MS);
                    assert!(f.wheel.reset(k, nd));
                    model.remove(&(d, s));
                    model.insert((nd, seq), lid);
                    live[i] = (lid, k, nd, seq);
                    seq += 1;
                }
                _ => {
                    if let Some(next) = f.wheel.next_deadline() {
                        let exact = model.keys().next().map(|&(d, _)| d);
                        assert!(exact.is_some_and(|e| next <= e), "next {next} > {exact:?}");
                    }
                    now += xorshift(&mut rng) % (50 * MS);
                    let fired = f.poll(now);
                    let due: Vec<u64> = model.range(..(now + 1, 0)).map(|(_, &id)| id).collect();
                    assert_eq!(fired, due, "seed {seed} at {now}");
                    model.retain(|&(d, _), _| d > now);
                    live.retain(|&(id, ..)| !fired.contains(&id));
                }
            }
            assert_eq!(f.wheel.pending(), model.len());
        }
    }
}
