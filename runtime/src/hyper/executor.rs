//! [`Executor`]: hyper's `rt::Executor` on [`crate::spawn`].

use std::future::Future;

/// Runs the tasks hyper spawns (HTTP/2 streams and connection drivers) on
/// this runtime, with [`crate::spawn`]: hyper's `rt::Executor`, playing the
/// part of asyncio's `loop.create_task` for the library.
///
/// It holds nothing: each task goes to the runtime of the thread that
/// spawns it, which for hyper is the task polling the connection. Give it
/// to hyper wherever a builder asks for an executor (HTTP/2 servers and
/// clients); [`serve`](super::serve) does so itself.
///
/// # Panics
/// `execute` panics if called outside a runtime, as [`crate::spawn`] does.
///
/// ```
/// use hyper::rt::Executor as _;
/// use runtime::hyper::Executor;
/// use runtime::sync::Event;
/// use std::sync::Arc;
///
/// runtime::run(async {
///     let ran = Arc::new(Event::new());
///     let done = ran.clone();
///     Executor.execute(async move { done.set() }); // loop.create_task
///     ran.wait().await;
/// });
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Executor;

impl<F> ::hyper::rt::Executor<F> for Executor
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    #[track_caller]
    fn execute(&self, future: F) {
        // Detached: hyper watches its own tasks through its channels.
        drop(crate::spawn(future));
    }
}
