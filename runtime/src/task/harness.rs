//! The typed task operations behind the vtable: poll, complete, cancel,
//! read the output, drop the join handle, free.

use super::core::{Cell, Core, Header, Stage};
use super::current;
use super::error::JoinError;
use super::raw::RawTask;
use super::state::{TransitionToIdle, TransitionToRunning};
use super::waker::waker_ref;
use super::{Notified, Schedule, Task};
use std::future::Future;
use std::mem::ManuallyDrop;
use std::panic::{self, AssertUnwindSafe};
use std::ptr::NonNull;
use std::task::{Context, Poll, Waker};

/// Typed access to one task cell.
pub(super) struct Harness<F: Future, S: 'static> {
    cell: NonNull<Cell<F, S>>,
}

impl<F: Future, S: Schedule> Harness<F, S> {
    /// # Safety
    /// `ptr` is the header of a live `Cell<F, S>`.
    pub(super) unsafe fn from_raw(ptr: NonNull<Header>) -> Self {
        Harness { cell: ptr.cast() }
    }

    fn header(&self) -> &Header {
        // SAFETY: the cell is live while any reference exists, and the
        // caller of every harness method holds one.
        unsafe { &self.cell.as_ref().header }
    }

    fn core(&self) -> &Core<F, S> {
        // SAFETY: as in `header`.
        unsafe { &self.cell.as_ref().core }
    }

    fn raw(&self) -> RawTask {
        // SAFETY: the header is live (see `header`).
        unsafe { RawTask::from_raw(self.cell.cast()) }
    }

    /// A `Task` view that does not own a reference: never drop it.
    fn task_view(&self) -> ManuallyDrop<Task<S>> {
        ManuallyDrop::new(Task::from_raw(self.raw()))
    }

    /// Runs one scheduling step of the task; consumes a `Notified` reference.
    pub(super) fn poll(self) {
        match self.header().state.transition_to_running() {
            TransitionToRunning::Success => {
                self.header().start_poll();
                let ready = self.poll_inner().is_ready();
                crate::trace::task_polled(self.header().id.as_u64(), ready);
                if ready {
                    self.complete();
                    return;
                }
                match self.header().state.transition_to_idle() {
                    TransitionToIdle::Ok => {}
                    TransitionToIdle::OkNotified => {
                        // Woken during its own poll (yield_now, or a resource
                        // that was ready at once): to the back of the queue.
                        // SAFETY: the transition added the reference the
                        // `Notified` owns.
                        let notified = unsafe { Notified::from_raw(self.raw()) };
                        self.core().scheduler.yield_now(notified);
                        // Only now: once queued, another worker may run the
                        // task to completion while `yield_now` still runs
                        // with a reference to the scheduler handle in the
                        // cell (a reference argument must stay valid for the
                        // whole call).
                        // SAFETY: the poller's reference, given up here.
                        unsafe { self.raw().drop_reference() };
                    }
                    TransitionToIdle::OkDealloc => self.dealloc(),
                    TransitionToIdle::Cancelled => {
                        self.cancel_task();
                        self.complete();
                    }
                }
            }
            TransitionToRunning::Cancelled => {
                self.cancel_task();
                self.complete();
            }
            TransitionToRunning::Failed => {}
            TransitionToRunning::Dealloc => self.dealloc(),
        }
    }

    /// Polls the future once; on `Ready` the output (or the panic) is
    /// stored and the caller must complete the task.
    fn poll_inner(&self) -> Poll<()> {
        let header = self.header();
        let waker = waker_ref(self.raw());
        let mut cx = Context::from_waker(&waker);
        let core = self.core();
        let id = header.id;

        // If the poll panics, the future is dropped right here (on the
        // worker, with the task id still current) and the panic becomes the
        // task's JoinError.
        struct DropFutureOnPanic<'a, F: Future, S: Schedule>(&'a Core<F, S>);
        impl<F: Future, S: Schedule> Drop for DropFutureOnPanic<'_, F, S> {
            fn drop(&mut self) {
                // SAFETY: this guard only exists while we own RUNNING.
                let _ = panic::catch_unwind(AssertUnwindSafe(|| unsafe {
                    self.0.drop_future_or_output()
                }));
            }
        }

        let result = current::enter(header, || {
            panic::catch_unwind(AssertUnwindSafe(|| {
                let guard = DropFutureOnPanic(core);
                // SAFETY: we own RUNNING and the stage is Running.
                let result = unsafe { core.poll(&mut cx) };
                std::mem::forget(guard);
                result
            }))
        });
        let output = match result {
            Ok(Poll::Pending) => return Poll::Pending,
            Ok(Poll::Ready(output)) => Ok(output),
            Err(panic) => Err(JoinError::panic(id, panic)),
        };
        // Storing the output drops the future, whose destructor may panic:
        // the output is kept, the destructor's panic is reported.
        let stored = current::enter(header, || {
            // SAFETY: we own RUNNING.
            panic::catch_unwind(AssertUnwindSafe(|| unsafe { core.store_output(output) }))
        });
        if let Err(panic) = stored {
            core.scheduler.unhandled_panic(id, &*panic);
        }
        Poll::Ready(())
    }

    /// Drops the future of a cancelled task and stores the `JoinError`.
    /// The caller owns RUNNING.
    fn cancel_task(&self) {
        let core = self.core();
        let header = self.header();
        let id = header.id;
        let dropped = current::enter(header, || {
            // SAFETY: we own RUNNING.
            panic::catch_unwind(AssertUnwindSafe(|| unsafe { core.drop_future_or_output() }))
        });
        let error = match dropped {
            Ok(()) => JoinError::cancelled(id),
            Err(panic) => JoinError::panic(id, panic),
        };
        // SAFETY: we own RUNNING; the stage is Consumed, nothing is dropped.
        unsafe { core.store_output(Err(error)) };
    }

    /// Leaves the owned list, publishes the stored output, wakes the joiner
    /// and drops the poller's reference.
    ///
    /// The task leaves the list *before* it is marked complete, so whoever
    /// sees it complete (its `JoinHandle`) also sees it gone from the list
    /// (metrics add up: spawned = completed + alive).
    fn complete(self) {
        let header = self.header();
        let core = self.core();

        let view = self.task_view();
        let count = match core.scheduler.release(&view) {
            Some(list_ref) => {
                // The list's reference is dropped with ours, in one step.
                std::mem::forget(list_ref);
                2
            }
            None => 1,
        };

        crate::trace::task_completed(header.id.as_u64(), || {
            // SAFETY: we own RUNNING until the transition below: the stage
            // is ours.
            core.stage.with(|stage| match unsafe { &*stage } {
                Stage::Finished(Err(e)) if e.is_panic() => crate::trace::Outcome::Panicked,
                Stage::Finished(Err(_)) => crate::trace::Outcome::Cancelled,
                _ => crate::trace::Outcome::Ok,
            })
        });

        // Detached (the JoinHandle is gone, and a handle never comes back):
        // nobody will read the output, so it is dropped while we still own
        // RUNNING, and marking the task complete drops our references in
        // the same atomic step (one read-modify-write instead of two).
        if !header.state.load().is_join_interested() {
            // SAFETY: we own RUNNING, and without a JoinHandle nobody else
            // will ever read the stage or the join waker slot.
            unsafe { self.drop_output_and_join_waker() };
            core.scheduler.completed();
            if header.state.transition_to_complete_and_terminal(count) {
                self.dealloc();
            }
            return;
        }

        let snapshot = header.state.transition_to_complete();
        // Each step that runs user code (an output's destructor, a join
        // waker) is caught on its own, so a panic in one never skips the
        // bookkeeping after it: the join waker slot is always handed back.
        if !snapshot.is_join_interested() {
            // The handle was dropped after the check above: the output is
            // ours to drop after all.
            // SAFETY: COMPLETE without join interest: exclusive access.
            unsafe { self.drop_output_and_join_waker() };
        } else if snapshot.is_join_waker_set() {
            self.catch_unhandled(|| {
                // SAFETY: JOIN_WAKER was set when we completed, so the
                // JoinHandle does not write the slot until we clear it
                // below; reading is shared with nobody who writes.
                header.join_waker.with(|waker| unsafe {
                    (*waker)
                        .as_ref()
                        .expect("JOIN_WAKER set without a waker")
                        .wake_by_ref()
                });
            });
            if !header
                .state
                .unset_join_waker_after_complete()
                .is_join_interested()
            {
                // The handle was dropped while we woke it: the slot is ours
                // to empty.
                // SAFETY: the handle saw JOIN_WAKER set when it let go
                // (`drop_join_handle`), so it left the slot to us.
                let waker = header.join_waker.with_mut(|slot| unsafe { (*slot).take() });
                self.catch_unhandled(|| drop(waker));
            }
        }
        core.scheduler.completed();

        if header.state.transition_to_terminal(count) {
            self.dealloc();
        }
    }

    /// Drops the stored output (reporting a panic nobody will retrieve) and
    /// a join waker a gone handle left behind.
    ///
    /// # Safety
    /// The task has no `JoinHandle` any more and the caller owns the
    /// completion (RUNNING, or COMPLETE set by itself): nobody else touches
    /// the stage or the join waker slot.
    unsafe fn drop_output_and_join_waker(&self) {
        let core = self.core();
        let header = self.header();
        // SAFETY: exclusive access to the stage, per the caller.
        let output = unsafe { core.take_output() };
        if output.as_ref().is_err_and(JoinError::is_panic) {
            core.scheduler.unretrieved_panic(header);
        }
        self.catch_unhandled(|| drop(output));
        // SAFETY: exclusive access to the slot, per the caller.
        let waker = header.join_waker.with_mut(|slot| unsafe { (*slot).take() });
        self.catch_unhandled(|| drop(waker));
    }

    /// Runs user code (a destructor, a waker) whose panic no `JoinHandle`
    /// can report: a panic is handed to the scheduler's hook instead of
    /// unwinding through the worker.
    fn catch_unhandled(&self, f: impl FnOnce()) {
        if let Err(panic) = panic::catch_unwind(AssertUnwindSafe(f)) {
            self.core()
                .scheduler
                .unhandled_panic(self.header().id, &*panic);
        }
    }

    /// Hands the task to its scheduler; consumes one reference.
    pub(super) fn schedule(self) {
        // SAFETY: the caller transferred a reference for the `Notified`.
        let notified = unsafe { Notified::from_raw(self.raw()) };
        self.core().scheduler.schedule(notified);
    }

    /// Cancels the task at shutdown; consumes one reference.
    pub(super) fn shutdown(self) {
        if !self.header().state.transition_to_shutdown() {
            // Running (the poller will see CANCELLED) or complete.
            // SAFETY: the caller's reference, given up here.
            unsafe { self.raw().drop_reference() };
            return;
        }
        self.cancel_task();
        self.complete();
    }

    /// `JoinHandle::poll`: writes the output into `dst` if the task is
    /// complete, else registers `waker`.
    pub(super) fn try_read_output(self, dst: &mut Poll<super::Result<F::Output>>, waker: &Waker) {
        if self.can_read_output(waker) {
            // SAFETY: COMPLETE with join interest: the stage is the handle's.
            *dst = Poll::Ready(unsafe { self.core().take_output() });
        }
    }

    fn can_read_output(&self, waker: &Waker) -> bool {
        let header = self.header();
        let snapshot = header.state.load();
        debug_assert!(snapshot.is_join_interested());
        if snapshot.is_complete() {
            return true;
        }
        let result = if snapshot.is_join_waker_set() {
            // SAFETY: while JOIN_WAKER is set nobody writes the slot.
            let same = header.join_waker.with(|slot| unsafe {
                (*slot)
                    .as_ref()
                    .expect("JOIN_WAKER set without a waker")
                    .will_wake(waker)
            });
            if same {
                return false;
            }
            header
                .state
                .unset_join_waker()
                .and_then(|_| self.set_join_waker(waker.clone()))
        } else {
            self.set_join_waker(waker.clone())
        };
        match result {
            Ok(_) => false,
            Err(snapshot) => {
                debug_assert!(snapshot.is_complete());
                true
            }
        }
    }

    /// Stores `waker` and sets JOIN_WAKER. The caller holds the join
    /// interest and JOIN_WAKER is clear, so the slot is the caller's.
    fn set_join_waker(
        &self,
        waker: Waker,
    ) -> Result<super::state::Snapshot, super::state::Snapshot> {
        let header = self.header();
        // SAFETY: JOIN_WAKER is clear: only the JoinHandle touches the slot.
        header
            .join_waker
            .with_mut(|slot| unsafe { *slot = Some(waker) });
        let result = header.state.set_join_waker();
        if result.is_err() {
            // Completed meanwhile: the task did not see our waker, and the
            // slot is still ours; release the waker now.
            // SAFETY: JOIN_WAKER is still clear.
            header.join_waker.with_mut(|slot| unsafe { *slot = None });
        }
        result
    }

    /// `JoinHandle::drop`: consumes the handle's reference.
    pub(super) fn drop_join_handle(self) {
        let snapshot = match self.header().state.unset_join_interested_and_ref_dec() {
            // Not complete: the interest and the handle's reference went in
            // one step; the completing task drops the output.
            Ok(false) => return,
            Ok(true) => {
                // Unreachable while someone is bound to complete the task,
                // but a free is never skipped.
                self.dealloc();
                return;
            }
            Err(snapshot) => snapshot,
        };
        // Completed: the output is ours to drop. A panicking destructor
        // must not unwind out of the JoinHandle's drop.
        let core = self.core();
        let header = self.header();
        // SAFETY: COMPLETE with join interest: the stage is ours.
        let output = unsafe { core.take_finished() };
        if output
            .as_ref()
            .is_some_and(|o| o.as_ref().is_err_and(JoinError::is_panic))
        {
            core.scheduler.unretrieved_panic(header);
        }
        self.catch_unhandled(|| drop(output));
        // Empty the join waker slot now rather than when the cell is
        // freed (see `state.rs`, `JOIN_WAKER`). With JOIN_WAKER already
        // clear (the common case) the slot is ours without another
        // atomic operation; else hand over through JOIN_INTEREST.
        if !snapshot.is_join_waker_set()
            || !header
                .state
                .unset_join_interested_after_complete()
                .is_join_waker_set()
        {
            // SAFETY: JOIN_WAKER is clear after completion: the
            // completing task is done with the slot, and nobody else
            // writes it.
            let waker = header.join_waker.with_mut(|slot| unsafe { (*slot).take() });
            self.catch_unhandled(|| drop(waker));
        }
        // SAFETY: the handle's reference, given up here.
        unsafe { self.raw().drop_reference() };
    }

    /// Frees the cell. The last reference is gone.
    pub(super) fn dealloc(self) {
        // SAFETY: no reference remains, so nobody else can reach the cell;
        // it was allocated as a Box<Cell<F, S>> in `Cell::new`.
        drop(unsafe { Box::from_raw(self.cell.as_ptr()) });
    }
}
