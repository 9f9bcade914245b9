//! The two schedulers, behind one handle type.
//!
//! * `multi_thread`: per-core workers that steal work from each other.
//! * `current_thread`: one event loop on the thread that calls `block_on`.

pub(crate) mod context;
pub(crate) mod current_thread;
pub(crate) mod multi_thread;
pub(crate) mod park_thread;
pub(crate) mod rand;

use crate::blocking;
use crate::driver;
use crate::loom::Mutex;
use crate::task::{JoinHandle, TaskMeta};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context as TaskContext, Poll, Waker};

/// A handle to either scheduler; what tasks, the thread-local context and
/// the public `Handle` hold.
#[derive(Clone)]
pub(crate) enum Handle {
    MultiThread(Arc<multi_thread::Handle>),
    CurrentThread(Arc<current_thread::Handle>),
}

/// The scheduler state of a thread that drives tasks.
pub(crate) enum Context {
    MultiThread(multi_thread::Context),
    CurrentThread(current_thread::Context),
}

impl Handle {
    pub(crate) fn spawn<F>(&self, future: F, meta: TaskMeta) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match self {
            Handle::MultiThread(h) => h.spawn(future, meta),
            Handle::CurrentThread(h) => h.spawn(future, meta),
        }
    }

    pub(crate) fn spawn_blocking<F, R>(&self, f: F, meta: TaskMeta) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.blocking_spawner().spawn_blocking(self, f, meta)
    }

    /// `spawn_blocking` for work that must not be lost at shutdown (see
    /// the blocking pool).
    #[track_caller]
    pub(crate) fn spawn_mandatory<F, R>(&self, f: F, meta: TaskMeta) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.blocking_spawner().spawn_mandatory(self, f, meta)
    }

    pub(crate) fn blocking_spawner(&self) -> &blocking::Spawner {
        match self {
            Handle::MultiThread(h) => &h.blocking,
            Handle::CurrentThread(h) => &h.blocking,
        }
    }

    pub(crate) fn driver(&self) -> &driver::Handle {
        match self {
            Handle::MultiThread(h) => &h.driver,
            Handle::CurrentThread(h) => &h.driver,
        }
    }

    pub(crate) fn dump(&self) -> Vec<crate::debug::TaskInfo> {
        match self {
            Handle::MultiThread(h) => h.dump(),
            Handle::CurrentThread(h) => h.dump(),
        }
    }

    pub(crate) fn stop_signal(&self) -> &StopSignal {
        match self {
            Handle::MultiThread(h) => &h.stop,
            Handle::CurrentThread(h) => &h.stop,
        }
    }
}

/// `Handle::stop` / `Runtime::run_forever`: a flag and the waker of the
/// `run_forever` call waiting for it.
pub(crate) struct StopSignal {
    stopped: AtomicBool,
    /// A `run_forever` is under way.
    running: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl StopSignal {
    pub(crate) fn new() -> StopSignal {
        StopSignal {
            stopped: AtomicBool::new(false),
            running: AtomicBool::new(false),
            waker: Mutex::new(None),
        }
    }

    pub(crate) fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        if let Some(waker) = self.waker.lock().take() {
            waker.wake();
        }
    }

    /// Resolves once `stop` has been called (consuming that call), after
    /// giving the loop one turn first, as asyncio's `run_forever` runs one
    /// iteration when `stop()` came before it.
    ///
    /// # Panics
    /// If another `run_forever` of the same runtime is under way (asyncio:
    /// "This event loop is already running").
    #[track_caller]
    pub(crate) fn wait(&self) -> impl Future<Output = ()> + '_ {
        assert!(
            !self.running.swap(true, Ordering::SeqCst),
            "run_forever was called while another run_forever of the same runtime is running \
             (asyncio: \"This event loop is already running\"); call stop() first"
        );
        struct Running<'a>(&'a AtomicBool);
        impl Drop for Running<'_> {
            fn drop(&mut self) {
                self.0.store(false, Ordering::SeqCst);
            }
        }
        let running = Running(&self.running);
        let mut turned = false;
        std::future::poll_fn(move |cx: &mut TaskContext<'_>| {
            let _running = &running;
            if !turned {
                turned = true;
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            *self.waker.lock() = Some(cx.waker().clone());
            if self.stopped.swap(false, Ordering::SeqCst) {
                self.waker.lock().take();
                return Poll::Ready(());
            }
            Poll::Pending
        })
    }
}
