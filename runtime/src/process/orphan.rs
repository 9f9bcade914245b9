//! Children dropped before they were reaped: nobody waits for them, yet
//! each must be reaped, or it stays a zombie (a process-table entry) for as
//! long as we run.
//!
//! * A [`Child`](super::Child) dropped unreaped is *adopted*: if it has
//!   exited it is reaped at once; otherwise a small task on the runtime
//!   that spawned it waits for it (its pidfd or `SIGCHLD`, as any wait) and
//!   reaps it. A task, not a thread.
//! * A child whose task cannot run (its runtime shut down first) goes to a
//!   process-wide list, which is swept (a `try_wait` each) at every spawn
//!   and every adoption, in any runtime. Until then it may stay a zombie:
//!   the same bargain as tokio's orphan queue, which is swept on
//!   `SIGCHLD`.

use super::reap::Reaper;
use crate::loom::Mutex;
use crate::task::TaskMeta;

/// Unreaped children with no task waiting for them.
static ORPHANS: Mutex<Vec<std::process::Child>> = Mutex::new(Vec::new());

/// Reaps what it can of the orphan list.
pub(super) fn sweep() {
    let mut orphans = ORPHANS.lock();
    if !orphans.is_empty() {
        // Kept: still running (`Ok(None)`). An error means the pid is not
        // our child any more (someone else reaped it): nothing to do.
        orphans.retain_mut(|child| matches!(child.try_wait(), Ok(None)));
    }
}

/// Takes over a child nobody will wait for.
pub(super) fn adopt(mut reaper: Reaper) {
    sweep();
    if !matches!(reaper.try_wait(), Ok(None)) {
        return; // reaped now (or not ours to reap)
    }
    let handle = reaper.handle.clone();
    let mut orphan = Orphan(Some(reaper));
    // If the runtime has shut down, the task is dropped unrun, and the
    // child goes to the list (`Orphan::drop`).
    drop(handle.spawn(
        async move {
            if let Some(reaper) = &mut orphan.0
                && std::future::poll_fn(|cx| reaper.poll_wait(cx))
                    .await
                    .is_ok()
            {
                // Reaped: nothing for the list.
                drop(orphan.0.take());
            }
        },
        TaskMeta::here(),
    ));
}

/// A child being waited for by its orphan task; to the list if that task
/// is dropped before reaping it.
struct Orphan(Option<Reaper>);

impl Drop for Orphan {
    fn drop(&mut self) {
        if let Some(reaper) = self.0.take() {
            let mut child = reaper.into_std();
            if let Ok(None) = child.try_wait() {
                ORPHANS.lock().push(child);
            }
        }
    }
}
