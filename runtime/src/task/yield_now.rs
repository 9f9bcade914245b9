//! `yield_now`: asyncio's `await asyncio.sleep(0)`.

use std::future::poll_fn;
use std::task::Poll;

/// Lets every other ready task run before this one continues: asyncio's
/// `await asyncio.sleep(0)`.
///
/// The task goes to the back of its worker's run queue (not the
/// message-passing fast slot), so a loop of `yield_now` is fair to the other
/// tasks of the worker. Outside a task (in `block_on`'s own future) it
/// returns to the event loop once.
///
/// ```
/// let rt = runtime::Runtime::new().unwrap();
/// rt.block_on(async {
///     let other = runtime::spawn(async { "other ran" });
///     while !other.is_finished() {
///         runtime::yield_now().await;
///     }
///     assert_eq!(other.await.unwrap(), "other ran");
/// });
/// ```
pub async fn yield_now() {
    let mut yielded = false;
    poll_fn(|cx| {
        if yielded {
            return Poll::Ready(());
        }
        yielded = true;
        // A wake during the task's own poll re-queues it at the back when
        // the poll returns (see `Schedule::yield_now`).
        cx.waker().wake_by_ref();
        Poll::Pending
    })
    .await
}
