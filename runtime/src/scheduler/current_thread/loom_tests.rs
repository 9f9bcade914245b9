//! Loom models of the current_thread scheduler's handshake between a thread
//! that wakes something and the loop's thread going to sleep in the driver
//! (`Context::park`: publish `parked`, look at the local queue, `woken` and
//! `remote_len`, block; a waker: publish its work, then `unpark_if_parked`).
//!
//! The loop is the real `Context::run_until` on a loom thread, without the
//! thread-local scheduler context `Context::drive` sets: loom runs all its
//! threads on one OS thread, so that thread-local would be shared with the
//! waking thread, whose wake would then take the local path. Without it
//! every wake takes the remote path, as from a foreign thread. A lost wake-up
//! leaves the loop blocked in the (mock) driver for good, which loom reports
//! as a deadlock.
//!
//! The handshake is a store-buffering one, closed by a `SeqCst` fence on
//! each side. (Loom models those fences fully but `SeqCst` loads more weakly
//! than C++: such a load may return a value older than a `SeqCst` store it is
//! not ordered after when that older value was not itself stored `SeqCst`,
//! like an atomic's initial value or `reset_woken`'s `AcqRel` swap. Without
//! the fences these models fail on the classic outcome, both sides reading
//! the old value, that C++ forbids for `SeqCst` accesses.)
//!
//! Each model fails on deliberately broken variants of the code, named in
//! its comment (checked by hand when the model was written).

use super::super::Handle;
use super::Context;
use crate::blocking::{self, BlockingPool};
use crate::driver::Driver;
use crate::loom::{Arc, AtomicBool, Mutex, Ordering, thread};
use crate::scheduler::Config;
use crate::task::TaskMeta;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::{Poll, Waker};
use std::time::Duration;

/// A runtime as the builder makes it (default intervals); the pool only has
/// to outlive the model.
fn runtime() -> (std::sync::Arc<Handle>, BlockingPool) {
    let (driver, driver_handle) = Driver::new().unwrap();
    let pool = BlockingPool::new(blocking::Config {
        thread_name: std::sync::Arc::new(|i| format!("blocking-{i}")),
        stack_size: None,
        max_threads: 1,
        keep_alive: Duration::from_secs(1),
        hooks: Default::default(),
    });
    let config = Config {
        global_queue_interval: 31,
        event_interval: 61,
    };
    let handle = Handle::new(driver, driver_handle, pool.spawner().clone(), config, None);
    (handle, pool)
}

/// Runs the loop on this thread until `future` completes, then gives the
/// core back and shuts the runtime down.
fn run_loop<F: Future>(handle: &std::sync::Arc<Handle>, future: F) -> F::Output {
    let cx = Context {
        handle: handle.clone(),
        core: RefCell::new(Some(handle.take_core().expect("the core is free"))),
    };
    let output = cx.run_until(pin!(future));
    let core = cx
        .core
        .borrow_mut()
        .take()
        .expect("the loop gave the core back");
    handle.return_core(core);
    handle.shutdown();
    assert_eq!(handle.common.num_alive_tasks(), 0);
    output
}

/// No task reference is left in the remote queue (or it was taken).
fn remote_queue_is_empty(handle: &Handle) -> bool {
    handle
        .shared
        .remote
        .lock()
        .as_ref()
        .is_none_or(VecDeque::is_empty)
}

/// Pending until opened from another thread, which then wakes the last
/// waker that polled it.
#[derive(Default)]
struct Gate {
    open: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl Gate {
    fn wait(gate: &Arc<Gate>) -> impl Future<Output = ()> + Send + 'static {
        let gate = gate.clone();
        poll_fn(move |cx| {
            let mut waker = gate.waker.lock();
            if gate.open.load(Ordering::SeqCst) {
                return Poll::Ready(());
            }
            *waker = Some(cx.waker().clone());
            Poll::Pending
        })
    }

    fn open(&self) {
        self.open.store(true, Ordering::SeqCst);
        let waker = self.waker.lock().take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// A task woken from another thread (through the remote queue: push,
/// `remote_len`, then `unpark_if_parked`) while the loop finds nothing to
/// run and goes to sleep: the task runs, so the loop's own future (the
/// task's `JoinHandle`) completes.
///
/// Broken variants that fail: `Handle::schedule_task` calling
/// `unpark_if_parked` before the push instead of after (it may read `parked`
/// before the loop sets it, and the loop may look at `remote_len` before the
/// push); `Context::park` publishing `parked` only after it looked for work;
/// dropping the fence in `Context::park` or in `unpark_if_parked`.
#[test]
fn loom_remote_wake_races_with_the_loop_parking() {
    crate::loom::model(|| {
        let (handle, _pool) = runtime();
        let gate = Arc::new(Gate::default());
        // Spawned from outside the loop: it is in the remote queue.
        let join = handle.spawn(Gate::wait(&gate), TaskMeta::here());

        let opener = thread::spawn(move || gate.open());
        run_loop(&handle, join).expect("the task completed");
        opener.join().unwrap();
    });
}

/// The loop's own future woken from another thread (`woken`, then
/// `unpark_if_parked`) while the loop goes to sleep: the loop polls it
/// again, so it completes.
///
/// Broken variants that fail: `Handle::wake_main` calling
/// `unpark_if_parked` before setting `woken`; `Context::park` publishing
/// `parked` only after it looked for work; dropping the fence in
/// `Context::park` or in `unpark_if_parked`.
#[test]
fn loom_main_future_woken_while_the_loop_parks() {
    crate::loom::model(|| {
        let (handle, _pool) = runtime();
        let gate = Arc::new(Gate::default());
        let wait = Gate::wait(&gate);

        let opener = thread::spawn(move || gate.open());
        run_loop(&handle, wait);
        opener.join().unwrap();
    });
}

/// A `block_on` gives the core back (`Handle::return_core`) while another
/// thread shuts the runtime down, with a task still queued (woken, never
/// run): whichever comes first, the queued reference is dropped and the
/// driver released, by `shutdown` if it finds the core, else by
/// `return_core`.
///
/// Broken variant that fails: `return_core` reading the shutdown flag
/// before taking the core's lock (the shutdown can fall between the read
/// and the store, find no core, and leave the queues to `return_core`,
/// which read "open"; the task stays queued).
#[test]
fn loom_shutdown_races_with_the_core_coming_back() {
    crate::loom::model(|| {
        let (handle, _pool) = runtime();
        let core = handle.take_core().expect("the core is free");
        // Spawned from outside the loop: it waits in the remote queue.
        let join = handle.spawn(async {}, TaskMeta::here());

        let shutdown = {
            let handle = handle.clone();
            thread::spawn(move || handle.shutdown())
        };
        handle.return_core(core);
        shutdown.join().unwrap();

        assert!(
            remote_queue_is_empty(&handle),
            "the queued task was released"
        );
        assert!(
            handle
                .take_core()
                .expect("the core is back")
                .tasks
                .is_empty()
        );
        drop(join);
    });
}

/// A task spawned from a foreign thread while the runtime shuts down (the
/// core is home): `bind` may find the list open, then `shutdown` cancel the
/// task and release the remote queue, and only then the spawner push its
/// `Notified`. Over every interleaving the remote queue ends empty: a
/// reference left there is never dropped, and since the task's cell holds
/// the runtime's `Handle`, which holds the queue, the cell, the handle and
/// the driver's descriptors leak (a reference cycle).
///
/// Broken variant that fails: `release_queues` draining the remote queue
/// but leaving it in place, open to pushes (the code before this model).
#[test]
fn loom_remote_spawn_races_with_shutdown() {
    crate::loom::model(|| {
        let (handle, _pool) = runtime();
        let spawner = {
            let handle = handle.clone();
            thread::spawn(move || handle.spawn(async {}, TaskMeta::here()))
        };
        handle.shutdown();
        let join = spawner.join().unwrap();
        assert!(
            remote_queue_is_empty(&handle),
            "a Notified was left in the remote queue after shutdown"
        );
        assert_eq!(handle.common.num_alive_tasks(), 0);
        drop(join);
    });
}

/// The clock is paused and a blocking job (which holds back auto-advance
/// with an `AutoAdvanceGuard`) wakes the loop's future, then releases its
/// guard, while the loop goes to sleep with a timer an hour away in the
/// wheel. The loop must see the woken future before the clock may move:
/// the future reads the clock unmoved, whichever the interleaving.
///
/// Broken variant that fails: `time::Handle::park_timeout` auto-advancing
/// on `inhibit == 0` alone (the code before this model): the loop looks
/// for work, finds none, then the job wakes the future and releases its
/// guard, and then the driver sees no inhibition and advances the clock an
/// hour past the wake.
#[test]
fn loom_auto_advance_waits_for_a_task_a_blocking_job_woke() {
    use crate::driver::OwnerRef;
    use crate::driver::time::AutoAdvanceGuard;
    crate::loom::model(|| {
        let (handle, _pool) = runtime();
        let time = &handle.common.driver.time;
        assert!(time.pause());
        let start = time.now_ns();
        let owner: OwnerRef = handle.clone();
        let guard = AutoAdvanceGuard::new(&handle.common.driver, || owner).expect("paused");
        let gate = Arc::new(Gate::default());
        let job = {
            let gate = gate.clone();
            thread::spawn(move || {
                gate.open();
                guard.release();
            })
        };
        let mut wait = Box::pin(Gate::wait(&gate));
        let mut timer = None;
        let loop_handle = handle.clone();
        let seen = run_loop(
            &handle,
            poll_fn(move |cx| {
                let time = &loop_handle.common.driver.time;
                if timer.is_none() {
                    let far = start + Duration::from_secs(3600).as_nanos() as u64;
                    timer = Some(time.register(far, cx.waker()).key);
                }
                std::task::ready!(wait.as_mut().poll(cx));
                Poll::Ready(time.now_ns())
            }),
        );
        job.join().unwrap();
        assert_eq!(
            seen, start,
            "the clock moved on before the loop saw the future the blocking job woke"
        );
    });
}
