//! Parking a worker: in the driver if it is free, else on a condvar.
//!
//! Each worker has one `Parker`; other threads hold its `Unparker`. All
//! parkers of a runtime share the one [`Driver`]: the first worker to park
//! takes it (try-lock) and blocks in it (`PARKED_DRIVER`), so it also
//! receives I/O events and timer deadlines; the others block on their own
//! condition variable (`PARKED_CONDVAR`), which is a cheap futex wake.
//!
//! The state word makes a wake that races with going to sleep impossible to
//! lose:
//!
//! ```text
//!   EMPTY --park--> PARKED_CONDVAR | PARKED_DRIVER --unpark--> NOTIFIED --park returns--> EMPTY
//!   EMPTY --unpark--> NOTIFIED --park--> (returns at once) EMPTY
//! ```
//!
//! `unpark` always swaps in `NOTIFIED` first and only then looks at what the
//! parker was doing; `park` moves from `EMPTY` to a parked state with a CAS,
//! which fails if a notification arrived in between. A condvar sleeper is
//! notified while holding its mutex, so the wake cannot slip between its CAS
//! and its wait.

use crate::driver::{self, Driver};
use crate::loom::{Arc, AtomicUsize, Condvar, Mutex, Ordering};

const EMPTY: usize = 0;
const PARKED_CONDVAR: usize = 1;
const PARKED_DRIVER: usize = 2;
const NOTIFIED: usize = 3;

/// The sleeping side, owned by one worker.
pub(crate) struct Parker {
    inner: Arc<Inner>,
}

/// The waking side.
#[derive(Clone)]
pub(crate) struct Unparker {
    inner: Arc<Inner>,
}

struct Inner {
    state: AtomicUsize,
    mutex: Mutex<()>,
    condvar: Condvar,
    shared: Arc<Shared>,
}

/// What every parker of a runtime shares: the driver.
pub(crate) struct Shared {
    driver: Mutex<Driver>,
}

impl Shared {
    pub(crate) fn new(driver: Driver) -> Arc<Shared> {
        Arc::new(Shared {
            driver: Mutex::new(driver),
        })
    }

    /// Runs `f` with the driver, waiting for it if a worker holds it (only
    /// used at shutdown, once the workers are gone).
    pub(crate) fn with_driver<R>(&self, f: impl FnOnce(&mut Driver) -> R) -> R {
        f(&mut self.driver.lock())
    }
}

impl Parker {
    pub(crate) fn new(shared: Arc<Shared>) -> Parker {
        Parker {
            inner: Arc::new(Inner {
                state: AtomicUsize::new(EMPTY),
                mutex: Mutex::new(()),
                condvar: Condvar::new(),
                shared,
            }),
        }
    }

    pub(crate) fn unparker(&self) -> Unparker {
        Unparker {
            inner: self.inner.clone(),
        }
    }

    /// Blocks until unparked (or spuriously early, when the driver had an
    /// event to deliver: callers re-check their queues anyway).
    pub(crate) fn park(&mut self, handle: &driver::Handle) {
        self.inner.park(handle);
    }

    /// Polls the driver without blocking, if no other worker holds it.
    /// Pending notifications stay pending for the next `park`.
    pub(crate) fn poll_driver(&mut self, handle: &driver::Handle) {
        if let Some(mut driver) = self.inner.shared.driver.try_lock() {
            driver.poll(handle);
        }
    }
}

impl Unparker {
    pub(crate) fn unpark(&self, handle: &driver::Handle) {
        self.inner.unpark(handle);
    }

    /// True while the worker is blocked in the driver (used to prefer
    /// waking a condvar sleeper: a futex wake is cheaper than an eventfd
    /// write, and the driver's owner should stay on watch for I/O).
    pub(crate) fn is_parked_on_driver(&self) -> bool {
        self.inner.state.load(Ordering::Relaxed) == PARKED_DRIVER
    }
}

impl Inner {
    fn park(&self, handle: &driver::Handle) {
        // A pending notification: consume it and return.
        if self
            .state
            .compare_exchange(NOTIFIED, EMPTY, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            return;
        }
        if let Some(mut driver) = self.shared.driver.try_lock() {
            self.park_driver(&mut driver, handle);
        } else {
            self.park_condvar();
        }
    }

    fn park_condvar(&self) {
        let mut guard = self.mutex.lock();
        match self
            .state
            .compare_exchange(EMPTY, PARKED_CONDVAR, Ordering::SeqCst, Ordering::SeqCst)
        {
            Ok(_) => {}
            Err(NOTIFIED) => {
                // Notified between the fast path and taking the lock.
                let prev = self.state.swap(EMPTY, Ordering::SeqCst);
                debug_assert_eq!(prev, NOTIFIED);
                return;
            }
            Err(actual) => unreachable!("inconsistent park state: {actual}"),
        }
        loop {
            guard = self.condvar.wait(guard);
            if self
                .state
                .compare_exchange(NOTIFIED, EMPTY, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
            {
                return;
            }
            // Spurious wake-up: sleep again.
        }
    }

    fn park_driver(&self, driver: &mut Driver, handle: &driver::Handle) {
        match self
            .state
            .compare_exchange(EMPTY, PARKED_DRIVER, Ordering::SeqCst, Ordering::SeqCst)
        {
            Ok(_) => {}
            Err(NOTIFIED) => {
                let prev = self.state.swap(EMPTY, Ordering::SeqCst);
                debug_assert_eq!(prev, NOTIFIED);
                return;
            }
            Err(actual) => unreachable!("inconsistent park state: {actual}"),
        }
        driver.park(handle, None);
        match self.state.swap(EMPTY, Ordering::SeqCst) {
            NOTIFIED | PARKED_DRIVER => {}
            actual => unreachable!("inconsistent park_driver state: {actual}"),
        }
    }

    fn unpark(&self, handle: &driver::Handle) {
        match self.state.swap(NOTIFIED, Ordering::SeqCst) {
            EMPTY | NOTIFIED => {}
            PARKED_CONDVAR => {
                // Taking the lock orders this wake after the sleeper's wait
                // started (it holds the lock from its CAS to its wait).
                drop(self.mutex.lock());
                self.condvar.notify_one();
            }
            PARKED_DRIVER => handle.unpark(),
            actual => unreachable!("inconsistent unpark state: {actual}"),
        }
    }
}

#[cfg(test)]
mod loom_tests {
    use super::*;
    use crate::loom::{AtomicBool, thread};

    /// A wake sent while the worker goes to sleep is never lost, whether the
    /// worker parks on the condvar or in the driver.
    #[test]
    fn loom_park_unpark_no_lost_wakeup() {
        crate::loom::model(|| {
            let (driver, handle) = Driver::new().unwrap();
            let handle = Arc::new(handle);
            let shared = Shared::new(driver);
            let mut a = Parker::new(shared.clone());
            let mut b = Parker::new(shared);
            let work_a = Arc::new(AtomicBool::new(false));
            let work_b = Arc::new(AtomicBool::new(false));
            let (ua, ub) = (a.unparker(), b.unparker());

            let waker = {
                let (handle, work_a, work_b) = (handle.clone(), work_a.clone(), work_b.clone());
                thread::spawn(move || {
                    work_a.store(true, Ordering::SeqCst);
                    ua.unpark(&handle);
                    work_b.store(true, Ordering::SeqCst);
                    ub.unpark(&handle);
                })
            };
            let other = {
                let handle = handle.clone();
                thread::spawn(move || {
                    while !work_b.load(Ordering::SeqCst) {
                        b.park(&handle);
                    }
                })
            };
            while !work_a.load(Ordering::SeqCst) {
                a.park(&handle);
            }
            waker.join().unwrap();
            other.join().unwrap();
        });
    }
}
