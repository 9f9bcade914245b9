//! The two schedulers, behind one handle type.
//!
//! * `multi_thread`: per-core workers that steal work from each other.
//! * `current_thread`: one event loop on the thread that calls `block_on`.
//!
//! What they share (driver and blocking handles, stop signal, debug mode,
//! settings, owned-task list, shutdown flag) is one `Common`, embedded in
//! each flavor's `Handle` (`common.rs`). The thread-local context, which
//! runtime and which scheduler a thread drives, is `context.rs`.

mod common;
pub(crate) mod context;
pub(crate) mod current_thread;
pub(crate) mod multi_thread;
pub(crate) mod park_thread;
pub(crate) mod rand;
pub(crate) mod slow_poll;
pub(crate) mod thread_hooks;

pub(crate) use common::{Common, Config};

use crate::driver;
use crate::task::{JoinHandle, TaskMeta};
use std::future::Future;
use std::sync::Arc;

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
    #[inline]
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
        self.common().blocking.spawn_blocking(self, f, meta)
    }

    /// `spawn_blocking` for work that must not be lost at shutdown (see
    /// the blocking pool).
    #[track_caller]
    pub(crate) fn spawn_mandatory<F, R>(&self, f: F, meta: TaskMeta) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.common().blocking.spawn_mandatory(self, f, meta)
    }

    /// What both flavors share: the driver and blocking-pool handles, the
    /// stop signal, the debug mode, the settings and the owned-task list.
    #[inline]
    pub(crate) fn common(&self) -> &Common {
        match self {
            Handle::MultiThread(h) => &h.common,
            Handle::CurrentThread(h) => &h.common,
        }
    }

    /// The scheduler as its driver's owner: what an I/O resource holds to
    /// keep the driver alive (a clone of this runtime's `Arc`).
    pub(crate) fn driver_owner(&self) -> driver::OwnerRef {
        match self {
            Handle::MultiThread(h) => h.clone(),
            Handle::CurrentThread(h) => h.clone(),
        }
    }

    /// `common().driver`, which many callers want.
    #[inline]
    pub(crate) fn driver(&self) -> &driver::Handle {
        &self.common().driver
    }
}

impl driver::Owner for multi_thread::Handle {
    fn driver(&self) -> &driver::Handle {
        &self.common.driver
    }
}

impl driver::Owner for current_thread::Handle {
    fn driver(&self) -> &driver::Handle {
        &self.common.driver
    }
}
