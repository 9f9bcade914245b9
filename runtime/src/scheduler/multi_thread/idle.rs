//! Idle accounting: how many workers are awake, how many are searching for
//! work, and which ones sleep.
//!
//! Waking a sleeping worker costs a syscall, so the scheduler wakes one only
//! when nobody is searching already: a searching worker will find the new
//! task (or, when it finds work itself and stops searching as the last
//! searcher, it wakes the next one). At most about half of the workers may
//! search at once, so stealing does not turn into a thundering herd.
//!
//! The protocol that keeps a task from being stranded while every worker
//! sleeps: a worker going to sleep registers in `sleepers` and decrements the
//! counters (one `SeqCst` read-modify-write), and if it was the last
//! searcher, it looks at every queue once more afterwards, after a `SeqCst`
//! fence. Whoever pushes a task (to the injector, or to its own worker's run
//! queue or LIFO slot) does so before reading the counters, with a `SeqCst`
//! fence between (`Handle::notify_parked_after_push`). So either the pusher
//! sees that nobody searches and wakes a sleeper, or the last searcher sees
//! the task.

use crate::loom::{AtomicUsize, Mutex, Ordering};

/// Low bits: searching workers; high bits: unparked workers.
const UNPARK_SHIFT: usize = 16;
const SEARCH_MASK: usize = (1 << UNPARK_SHIFT) - 1;
const UNPARK_ONE: usize = 1 << UNPARK_SHIFT;

pub(super) struct Idle {
    state: AtomicUsize,
    num_workers: usize,
    /// Indexes of parked workers.
    sleepers: Mutex<Vec<usize>>,
}

impl Idle {
    pub(super) fn new(num_workers: usize) -> Idle {
        assert!(num_workers < SEARCH_MASK, "too many workers");
        Idle {
            state: AtomicUsize::new(num_workers << UNPARK_SHIFT),
            num_workers,
            sleepers: Mutex::new(Vec::with_capacity(num_workers)),
        }
    }

    fn searching(state: usize) -> usize {
        state & SEARCH_MASK
    }

    fn unparked(state: usize) -> usize {
        state >> UNPARK_SHIFT
    }

    /// Picks a sleeping worker to wake for new work, or `None` when someone
    /// is searching already or nobody sleeps. The chosen worker is counted
    /// as unparked and searching from now on. `prefer` says which sleepers
    /// are cheaper to wake.
    pub(super) fn worker_to_notify(&self, prefer: impl Fn(usize) -> bool) -> Option<usize> {
        if !self.notify_should_wakeup() {
            return None;
        }
        let mut sleepers = self.sleepers.lock();
        if !self.notify_should_wakeup() {
            return None;
        }
        let position = sleepers
            .iter()
            .rposition(|&worker| prefer(worker))
            .or_else(|| sleepers.len().checked_sub(1))?;
        let worker = sleepers.swap_remove(position);
        self.state.fetch_add(UNPARK_ONE | 1, Ordering::SeqCst);
        Some(worker)
    }

    fn notify_should_wakeup(&self) -> bool {
        let state = self.state.load(Ordering::SeqCst);
        Self::searching(state) == 0 && Self::unparked(state) < self.num_workers
    }

    /// A worker starts searching; refused when half the workers already are.
    pub(super) fn transition_worker_to_searching(&self) -> bool {
        let state = self.state.load(Ordering::SeqCst);
        if 2 * Self::searching(state) >= self.num_workers {
            return false;
        }
        // Racy by design: a few too many searchers is harmless.
        self.state.fetch_add(1, Ordering::SeqCst);
        true
    }

    /// A searching worker found work. True if it was the last searcher (it
    /// must then wake another worker to keep looking).
    pub(super) fn transition_worker_from_searching(&self) -> bool {
        let prev = self.state.fetch_sub(1, Ordering::SeqCst);
        debug_assert!(Self::searching(prev) > 0);
        Self::searching(prev) == 1
    }

    /// A worker goes to sleep. True if it was the last searcher: it must then
    /// check every queue once more.
    pub(super) fn transition_worker_to_parked(&self, worker: usize, is_searching: bool) -> bool {
        let mut sleepers = self.sleepers.lock();
        let delta = UNPARK_ONE | usize::from(is_searching);
        let prev = self.state.fetch_sub(delta, Ordering::SeqCst);
        sleepers.push(worker);
        is_searching && Self::searching(prev) == 1
    }

    /// True while `worker` is registered as sleeping (so a wake-up it got was
    /// not addressed to it).
    pub(super) fn is_parked(&self, worker: usize) -> bool {
        self.sleepers.lock().contains(&worker)
    }

    /// A sleeping worker woke up on its own (work arrived in its queue, from
    /// the driver): count it as unparked again. True if it was registered.
    pub(super) fn unpark_worker_by_id(&self, worker: usize) -> bool {
        let mut sleepers = self.sleepers.lock();
        match sleepers.iter().position(|&w| w == worker) {
            Some(position) => {
                sleepers.swap_remove(position);
                self.state.fetch_add(UNPARK_ONE, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::Idle;

    #[test]
    fn wakes_nobody_while_someone_searches() {
        let idle = Idle::new(4);
        assert!(!idle.transition_worker_to_parked(0, false));
        assert!(!idle.transition_worker_to_parked(1, false));
        assert!(idle.transition_worker_to_searching());
        assert_eq!(idle.worker_to_notify(|_| false), None);
        assert!(idle.transition_worker_from_searching());
        let woken = idle.worker_to_notify(|_| false).unwrap();
        assert!(woken == 0 || woken == 1);
        // The woken worker counts as searching: no second wake.
        assert_eq!(idle.worker_to_notify(|_| false), None);
    }

    #[test]
    fn at_most_half_search() {
        let idle = Idle::new(4);
        assert!(idle.transition_worker_to_searching());
        assert!(idle.transition_worker_to_searching());
        assert!(!idle.transition_worker_to_searching());
    }

    #[test]
    fn last_searcher_is_told() {
        let idle = Idle::new(2);
        assert!(idle.transition_worker_to_searching());
        assert!(idle.transition_worker_to_parked(0, true));
        assert!(idle.is_parked(0));
        assert!(idle.unpark_worker_by_id(0));
        assert!(!idle.is_parked(0));
    }

    #[test]
    fn prefers_the_cheaper_sleeper() {
        let idle = Idle::new(3);
        for w in 0..3 {
            let _ = idle.transition_worker_to_parked(w, false);
        }
        assert_eq!(idle.worker_to_notify(|w| w == 1), Some(1));
    }
}

#[cfg(test)]
mod loom_tests {
    use super::Idle;
    use crate::driver::Driver;
    use crate::loom::{Arc, AtomicUsize, Ordering, fence, thread};
    use crate::scheduler::multi_thread::park::{Parker, Shared};

    /// The worker loop's sleep protocol against a remote push: a task
    /// pushed while the only worker goes to sleep is never stranded.
    #[test]
    fn loom_push_races_with_last_searcher_parking() {
        crate::loom::model(|| {
            let (driver, handle) = Driver::new().unwrap();
            let handle = Arc::new(handle);
            let idle = Arc::new(Idle::new(1));
            let mut parker = Parker::new(Shared::new(driver));
            let unparker = parker.unparker();
            let queue = Arc::new(AtomicUsize::new(0));

            let pusher = {
                let (idle, queue, handle) = (idle.clone(), queue.clone(), handle.clone());
                thread::spawn(move || {
                    queue.store(1, Ordering::SeqCst); // inject.push
                    fence(Ordering::SeqCst); // Handle::notify_parked_after_push
                    if let Some(worker) = idle.worker_to_notify(|_| true) {
                        assert_eq!(worker, 0);
                        unparker.unpark(&handle);
                    }
                })
            };

            // The worker: search, find nothing, park as the last searcher.
            assert!(idle.transition_worker_to_searching());
            if queue.load(Ordering::SeqCst) == 0 {
                let last = idle.transition_worker_to_parked(0, true);
                assert!(last);
                // Last searcher: look at the queues once more
                // (Handle::notify_if_work_pending).
                fence(Ordering::SeqCst);
                if queue.load(Ordering::SeqCst) != 0 {
                    if let Some(worker) = idle.worker_to_notify(|_| true) {
                        assert_eq!(worker, 0);
                    }
                    idle.unpark_worker_by_id(0);
                } else {
                    // Sleep until someone addressed a wake to us.
                    while idle.is_parked(0) {
                        parker.park(&handle);
                    }
                }
            }
            assert_eq!(queue.load(Ordering::SeqCst), 1, "woke without the task");
            pusher.join().unwrap();
        });
    }
}
