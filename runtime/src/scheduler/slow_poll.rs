//! Debug mode: reporting polls that take too long, asyncio's
//! `loop.slow_callback_duration`.
//!
//! Each worker (or the current_thread loop) owns a [`PollTracker`]. Around
//! every poll it records which task runs and since when, in atomics, under a
//! sequence number that is odd while a poll is under way (a seqlock: the
//! fields are written before the odd number is published and read between
//! two equal odd numbers, with a `Release` fence before the writes and an
//! `Acquire` fence after the reads, as a seqlock needs). After the poll,
//! the worker reports it if it ran longer than the threshold. Meanwhile a
//! watchdog thread wakes several times per threshold and looks at each
//! tracker: a poll that has been running longer than the threshold is
//! reported *while it is still stuck* (`still_running`); the worker then
//! does not report it again when it finally returns. (A poll that returns
//! just as the watchdog reports it may be reported a second time by the
//! worker: the watchdog's mark and the worker's look at it are not one
//! atomic step. Never zero times.)
//!
//! Outside debug mode none of this exists: the worker's check is one branch
//! on an `Option`.

use crate::loom::{AtomicU64, Ordering, fence};
use crate::task::TaskId;
use crossbeam_utils::CachePadded;
use std::fmt;
use std::panic::Location;
use std::sync::atomic::AtomicPtr;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A poll that ran longer than the debug threshold, as passed to
/// [`Builder::on_slow_poll`](crate::Builder::on_slow_poll).
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use std::time::Duration;
///
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let sink = seen.clone();
/// let rt = runtime::Builder::multi_thread()
///     .slow_poll_threshold(Duration::from_millis(20))
///     .on_slow_poll(move |slow| sink.lock().unwrap().push(slow.task_id()))
///     .build()
///     .unwrap();
/// let task = rt.spawn(async { std::thread::sleep(Duration::from_millis(60)) });
/// let id = task.id();
/// rt.block_on(task).unwrap();
/// assert_eq!(seen.lock().unwrap().first(), Some(&id));
/// ```
#[derive(Clone, Debug)]
pub struct SlowPoll {
    task_id: TaskId,
    location: &'static Location<'static>,
    duration: Duration,
    still_running: bool,
}

impl SlowPoll {
    /// The task whose poll was slow.
    ///
    /// ```
    /// # fn f(slow: &runtime::debug::SlowPoll) {
    /// println!("task {}", slow.task_id());
    /// # }
    /// ```
    pub fn task_id(&self) -> TaskId {
        self.task_id
    }

    /// Where that task was spawned.
    ///
    /// ```
    /// # fn f(slow: &runtime::debug::SlowPoll) {
    /// println!("spawned at {}", slow.location());
    /// # }
    /// ```
    pub fn location(&self) -> &'static Location<'static> {
        self.location
    }

    /// How long the poll ran (so far, if it is still running).
    ///
    /// ```
    /// # fn f(slow: &runtime::debug::SlowPoll) {
    /// println!("{:?}", slow.duration());
    /// # }
    /// ```
    pub fn duration(&self) -> Duration {
        self.duration
    }

    /// True when reported by the watchdog while the poll had not returned
    /// yet (the task is blocking its worker right now).
    ///
    /// ```
    /// # fn f(slow: &runtime::debug::SlowPoll) {
    /// if slow.still_running() { eprintln!("a worker is blocked") }
    /// # }
    /// ```
    pub fn still_running(&self) -> bool {
        self.still_running
    }
}

impl fmt::Display for SlowPoll {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.still_running {
            write!(
                f,
                "task {} (spawned at {}) has been running for {:?} in one poll and is still \
                 running: it blocks its worker (a blocking call in async code? use \
                 spawn_blocking)",
                self.task_id, self.location, self.duration
            )
        } else {
            write!(
                f,
                "task {} (spawned at {}) ran for {:?} in one poll",
                self.task_id, self.location, self.duration
            )
        }
    }
}

pub(crate) type SlowPollCallback = Arc<dyn Fn(&SlowPoll) + Send + Sync>;

/// Thresholds at least this long are measured on the coarse clock.
const COARSE_ENOUGH: Duration = Duration::from_millis(20);

/// The default report: one line on stderr.
pub(crate) fn print_to_stderr() -> SlowPollCallback {
    Arc::new(|slow: &SlowPoll| eprintln!("runtime (debug mode): slow poll: {slow}"))
}

/// Debug-mode settings and state of one runtime.
pub(crate) struct DebugMode {
    threshold: Duration,
    /// `threshold` in nanoseconds (saturated), compared on every poll end.
    threshold_nanos: u64,
    /// Time polls on the coarse clock (8 ns a read, 1–4 ms resolution)
    /// instead of `Instant` (27 ns): fine when the threshold is much
    /// coarser than that resolution.
    coarse: bool,
    callback: SlowPollCallback,
    trackers: Box<[CachePadded<PollTracker>]>,
    epoch: Instant,
    watchdog: Mutex<Option<JoinHandle<()>>>,
    stop: Arc<(Mutex<bool>, Condvar)>,
}

/// What one worker is polling, for the watchdog.
pub(crate) struct PollTracker {
    /// Odd while a poll is under way.
    seq: AtomicU64,
    task_id: AtomicU64,
    location: AtomicPtr<Location<'static>>,
    /// Nanoseconds since `epoch` when the poll started.
    started: AtomicU64,
    /// The `seq` of a poll the watchdog already reported.
    reported: AtomicU64,
}

impl DebugMode {
    pub(crate) fn new(
        threshold: Duration,
        callback: SlowPollCallback,
        workers: usize,
    ) -> Arc<DebugMode> {
        Arc::new(DebugMode {
            threshold,
            threshold_nanos: u64::try_from(threshold.as_nanos()).unwrap_or(u64::MAX),
            coarse: threshold >= COARSE_ENOUGH,
            callback,
            trackers: (0..workers)
                .map(|_| {
                    CachePadded::new(PollTracker {
                        seq: AtomicU64::new(0),
                        task_id: AtomicU64::new(0),
                        location: AtomicPtr::new(std::ptr::null_mut()),
                        started: AtomicU64::new(0),
                        reported: AtomicU64::new(u64::MAX),
                    })
                })
                .collect(),
            epoch: Instant::now(),
            watchdog: Mutex::new(None),
            stop: Arc::new((Mutex::new(false), Condvar::new())),
        })
    }

    fn now(&self) -> u64 {
        if self.coarse {
            crate::util::coarse_clock::now_nanos()
        } else {
            self.epoch.elapsed().as_nanos() as u64
        }
    }

    /// Starts the watchdog thread.
    pub(crate) fn start_watchdog(self: &Arc<Self>) -> std::io::Result<()> {
        let me = self.clone();
        let thread = std::thread::Builder::new()
            .name("rt-watchdog".into())
            .spawn(move || me.watch())?;
        *self.watchdog.lock().unwrap_or_else(|e| e.into_inner()) = Some(thread);
        Ok(())
    }

    /// Stops and joins the watchdog (runtime shutdown).
    pub(crate) fn stop(&self) {
        let (stopped, condvar) = &*self.stop;
        *stopped.lock().unwrap_or_else(|e| e.into_inner()) = true;
        condvar.notify_all();
        let thread = self
            .watchdog
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(thread) = thread {
            let _ = thread.join();
        }
    }

    fn watch(&self) {
        let period = (self.threshold / 4).max(Duration::from_millis(1));
        let (stopped, condvar) = &*self.stop;
        let mut guard = stopped.lock().unwrap_or_else(|e| e.into_inner());
        while !*guard {
            guard = condvar
                .wait_timeout(guard, period)
                .unwrap_or_else(|e| e.into_inner())
                .0;
            if *guard {
                return;
            }
            for tracker in self.trackers.iter() {
                self.check(tracker);
            }
        }
    }

    /// The watchdog's look at one tracker.
    fn check(&self, tracker: &PollTracker) {
        let seq = tracker.seq.load(Ordering::Acquire);
        if seq.is_multiple_of(2) || tracker.reported.load(Ordering::Relaxed) == seq {
            return;
        }
        let task_id = tracker.task_id.load(Ordering::Relaxed);
        let location = tracker.location.load(Ordering::Relaxed);
        let started = tracker.started.load(Ordering::Relaxed);
        // Pairs with the fence in `begin`: if a load above read a field of
        // a *later* poll, the `seq` below sees that poll's `begin` (or its
        // predecessor's `end`) and differs. Without it the `Acquire` load
        // below orders nothing before it, and the fields of the next poll
        // can be read between two loads of `seq` that both return this
        // poll's number (on ARM and POWER, or after the compiler moved the
        // relaxed loads past the `Acquire` one): a "still running" report
        // of an ended poll that names the next poll's task, start or
        // location, and marks the ended poll reported.
        fence(Ordering::Acquire);
        if tracker.seq.load(Ordering::Acquire) != seq {
            return; // the poll ended meanwhile
        }
        let running_for = Duration::from_nanos(self.now().saturating_sub(started));
        if running_for < self.threshold {
            return;
        }
        let (Some(task_id), Some(location)) = (TaskId::from_u64(task_id), location_of(location))
        else {
            return;
        };
        tracker.reported.store(seq, Ordering::Relaxed);
        self.report(&SlowPoll {
            task_id,
            location,
            duration: running_for,
            still_running: true,
        });
    }

    pub(crate) fn tracker(&self, worker: usize) -> &PollTracker {
        &self.trackers[worker]
    }

    /// Marks the start of a poll on `tracker`; returns its token.
    pub(crate) fn begin(
        &self,
        tracker: &PollTracker,
        task_id: TaskId,
        location: &'static Location<'static>,
    ) -> PollToken {
        let seq = tracker.seq.load(Ordering::Relaxed) + 1; // odd
        // Orders the last poll's even `seq` (stored by `end`) before this
        // poll's fields, for the watchdog's `Acquire` fence in `check`: a
        // `Release` store orders only what comes before it, so without this
        // the fields below may become visible before the even `seq`. (A
        // compiler barrier on x86; only in debug mode.)
        fence(Ordering::Release);
        tracker.task_id.store(task_id.as_u64(), Ordering::Relaxed);
        tracker.location.store(
            location as *const Location<'static> as *mut _,
            Ordering::Relaxed,
        );
        let started = self.now();
        tracker.started.store(started, Ordering::Relaxed);
        tracker.seq.store(seq, Ordering::Release);
        PollToken {
            seq,
            started,
            task_id,
            location,
        }
    }

    /// Marks the end of a poll; reports it if it was slow and the watchdog
    /// did not already.
    pub(crate) fn end(&self, tracker: &PollTracker, token: PollToken) {
        tracker.seq.store(token.seq + 1, Ordering::Release);
        // Raw nanoseconds on the hot path; a `Duration` only for a report.
        let ran = self.now().saturating_sub(token.started);
        if ran >= self.threshold_nanos && tracker.reported.load(Ordering::Relaxed) != token.seq {
            self.report(&SlowPoll {
                task_id: token.task_id,
                location: token.location,
                duration: Duration::from_nanos(ran),
                still_running: false,
            });
        }
    }

    fn report(&self, slow: &SlowPoll) {
        // A panicking callback must not take a worker or the watchdog down.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (self.callback)(slow)));
    }
}

/// What `DebugMode::end` needs of a poll `begin` started.
pub(crate) struct PollToken {
    seq: u64,
    started: u64,
    task_id: TaskId,
    location: &'static Location<'static>,
}

fn location_of(ptr: *mut Location<'static>) -> Option<&'static Location<'static>> {
    // SAFETY: only `begin` stores into the tracker's location, always a
    // `&'static Location`, so a non-null pointer is valid forever.
    unsafe { ptr.as_ref() }
}

impl fmt::Debug for DebugMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DebugMode")
            .field("threshold", &self.threshold)
            .finish_non_exhaustive()
    }
}

/// Loom model of the seqlock between a worker's `begin`/`end` and the
/// watchdog's `check`. (`location` is a std atomic, invisible to loom; the
/// model checks the loom-modelled `task_id` against `seq`.)
#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::loom::thread;

    /// The watchdog looks while the worker ends one poll (task 1, `seq` 1)
    /// and begins the next (task 2, `seq` 3): a "still running" report
    /// names the task of the poll whose `seq` it marks reported, never the
    /// next poll's task under the ended poll's `seq`.
    ///
    /// Fails without the two fences (`begin`'s `Release`, `check`'s
    /// `Acquire`): the watchdog reads task 2's id between two loads of
    /// `seq` that both return 1.
    #[test]
    fn loom_slow_poll_watchdog_reads_one_poll() {
        crate::loom::model(|| {
            let seen = Arc::new(Mutex::new(Vec::new()));
            let sink = seen.clone();
            let debug = DebugMode::new(
                Duration::ZERO,
                Arc::new(move |slow: &SlowPoll| {
                    if slow.still_running() {
                        sink.lock().unwrap().push(slow.task_id());
                    }
                }),
                1,
            );
            let first = TaskId::from_u64(1).unwrap();
            let second = TaskId::from_u64(2).unwrap();
            let location = Location::caller();
            let watchdog = {
                let debug = debug.clone();
                thread::spawn(move || debug.check(debug.tracker(0)))
            };
            let tracker = debug.tracker(0);
            let token = debug.begin(tracker, first, location);
            debug.end(tracker, token);
            // Left running.
            let _token = debug.begin(tracker, second, location);
            watchdog.join().unwrap();
            let reported = debug.tracker(0).reported.load(Ordering::Relaxed);
            for task in seen.lock().unwrap().iter() {
                let expected = if *task == first { 1 } else { 3 };
                assert_eq!(
                    reported, expected,
                    "task {task} reported under seq {reported}"
                );
            }
        });
    }
}
