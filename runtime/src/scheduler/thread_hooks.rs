//! `Builder::on_thread_start` / `on_thread_stop`: user code run on every
//! thread the runtime starts (workers and blocking-pool threads), once at
//! the thread's start and once at its exit.
//!
//! Both hooks run on the thread itself, inside the runtime's context
//! (`Handle::current()` is the runtime), before the thread takes its first
//! task and after it ran its last one. A thread that exits (a worker at
//! shutdown, a blocking thread at shutdown or after its keep-alive) runs
//! its stop hook before the runtime counts it as gone, so once dropping a
//! `Runtime` (without a timeout) has returned, every stop hook has run.
//!
//! A hook that panics does not take its thread down (a worker that died
//! would strand the tasks in its queue): the panic is caught and reported
//! on stderr with the hook's name, the thread's name and the panic's
//! message, and the thread carries on without whatever the hook was to
//! set up.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

/// A hook: any `Fn()` shared by every thread.
pub(crate) type Hook = Arc<dyn Fn() + Send + Sync>;

/// The two hooks of a runtime; cloned into each place that starts threads.
#[derive(Clone, Default)]
pub(crate) struct ThreadHooks {
    pub(crate) start: Option<Hook>,
    pub(crate) stop: Option<Hook>,
}

impl ThreadHooks {
    /// Runs the start hook, if any, on the calling (new) thread.
    pub(crate) fn thread_started(&self) {
        if let Some(hook) = &self.start {
            call(hook, "on_thread_start");
        }
    }

    /// Runs the stop hook, if any, on the calling (exiting) thread.
    pub(crate) fn thread_stopping(&self) {
        if let Some(hook) = &self.stop {
            call(hook, "on_thread_stop");
        }
    }
}

/// Runs `hook`, turning a panic into a report on stderr.
fn call(hook: &Hook, which: &str) {
    let Err(payload) = catch_unwind(AssertUnwindSafe(|| hook())) else {
        return;
    };
    let message = if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "<a panic payload that is not a string>".to_string()
    };
    let thread = std::thread::current();
    let name = thread.name().unwrap_or("<unnamed>");
    eprintln!(
        "runtime: the {which} hook (Builder::{which}) panicked on thread '{name}': {message}. \
         The thread carries on without what the hook was to do; a hook must not panic \
         (handle its failure inside it)."
    );
}
