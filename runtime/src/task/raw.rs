//! `RawTask`: a type-erased pointer to a task, and the vtable behind it.

use super::Schedule;
use super::core::{Cell, Header};
use super::harness::Harness;
use super::id::TaskMeta;
use super::state::TransitionToNotified;
use std::future::Future;
use std::ptr::NonNull;
use std::task::Waker;

/// The typed operations of a task, reached from type-erased code.
pub(crate) struct Vtable {
    /// Runs the task; consumes the caller's `Notified` reference.
    poll: unsafe fn(NonNull<Header>),
    /// Hands the task to its scheduler; consumes one reference (the new
    /// `Notified`'s).
    schedule: unsafe fn(NonNull<Header>),
    /// Frees the cell.
    dealloc: unsafe fn(NonNull<Header>),
    /// `JoinHandle::poll`: writes `Poll<Result<T, JoinError>>` to the pointer
    /// when the output is ready, else registers the waker.
    try_read_output: unsafe fn(NonNull<Header>, *mut (), &Waker),
    /// `JoinHandle::drop`; consumes the handle's reference.
    drop_join_handle: unsafe fn(NonNull<Header>),
    /// Cancels the task at shutdown; consumes one reference.
    shutdown: unsafe fn(NonNull<Header>),
}

/// The vtable of tasks running future `F` on scheduler `S`.
pub(super) fn vtable<F: Future, S: Schedule>() -> &'static Vtable {
    &Vtable {
        poll: poll::<F, S>,
        schedule: schedule::<F, S>,
        dealloc: dealloc::<F, S>,
        try_read_output: try_read_output::<F, S>,
        drop_join_handle: drop_join_handle::<F, S>,
        shutdown: shutdown::<F, S>,
    }
}

/// A pointer to a task's header. Copying it does not add a reference: the
/// owning wrapper (`Task`, `Notified`, `JoinHandle`, a `Waker`) accounts for
/// the reference it holds.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawTask {
    ptr: NonNull<Header>,
}

// SAFETY: a RawTask is only a pointer; what may be done through it is
// governed by the state word, which is atomic. The spawn functions make sure
// futures that are not `Send` stay on their thread (see `task::spawn_local`).
unsafe impl Send for RawTask {}
// SAFETY: as above.
unsafe impl Sync for RawTask {}

impl RawTask {
    /// Allocates a task with `refs` references.
    pub(super) fn new<F, S>(future: F, scheduler: S, meta: TaskMeta, refs: usize) -> RawTask
    where
        F: Future,
        S: Schedule,
    {
        let ptr = Cell::allocate(future, scheduler, meta, vtable::<F, S>(), refs);
        RawTask { ptr }
    }

    /// # Safety
    /// `ptr` points to a live task header.
    pub(super) unsafe fn from_raw(ptr: NonNull<Header>) -> RawTask {
        RawTask { ptr }
    }

    pub(super) fn header_ptr(self) -> NonNull<Header> {
        self.ptr
    }

    pub(crate) fn header(&self) -> &Header {
        // SAFETY: a RawTask is only built from a live task, and whoever uses
        // it holds a reference, so the header outlives this borrow.
        unsafe { self.ptr.as_ref() }
    }

    fn vtable(&self) -> &'static Vtable {
        self.header().vtable
    }

    /// Runs the task, consuming a `Notified` reference.
    ///
    /// # Safety
    /// The caller owns a `Notified` reference (one made with `NOTIFIED`
    /// set) and gives it up.
    pub(super) unsafe fn poll(self) {
        // SAFETY: the vtable was made for this task's types; the reference
        // is the caller's to give.
        unsafe { (self.vtable().poll)(self.ptr) }
    }

    /// Hands the task to its scheduler, consuming one reference.
    ///
    /// # Safety
    /// The caller owns a reference made for a new `Notified` and gives it
    /// up; it also holds another reference until this returns (the
    /// scheduler may use its handle in the cell after queueing, see
    /// `Schedule::schedule`).
    pub(super) unsafe fn schedule(self) {
        // SAFETY: as in `poll`.
        unsafe { (self.vtable().schedule)(self.ptr) }
    }

    /// Frees the task.
    ///
    /// # Safety
    /// The caller dropped the last reference: nobody can reach the cell.
    pub(super) unsafe fn dealloc(self) {
        // SAFETY: as in `poll`.
        unsafe { (self.vtable().dealloc)(self.ptr) }
    }

    /// # Safety
    /// `dst` points to a `Poll<Result<T, JoinError>>` where `T` is the
    /// task's output type, and the caller holds the join interest.
    pub(super) unsafe fn try_read_output(self, dst: *mut (), waker: &Waker) {
        // SAFETY: forwarded from the caller; the vtable matches the task.
        unsafe { (self.vtable().try_read_output)(self.ptr, dst, waker) }
    }

    /// `JoinHandle::drop`.
    ///
    /// # Safety
    /// The caller is the task's `JoinHandle` and gives up its reference.
    pub(super) unsafe fn drop_join_handle(self) {
        // SAFETY: as in `poll`.
        unsafe { (self.vtable().drop_join_handle)(self.ptr) }
    }

    /// Cancels the task at shutdown.
    ///
    /// # Safety
    /// The caller owns a reference and gives it up.
    pub(super) unsafe fn shutdown(self) {
        // SAFETY: as in `poll`.
        unsafe { (self.vtable().shutdown)(self.ptr) }
    }

    /// Drops one reference, freeing the task if it was the last.
    ///
    /// # Safety
    /// The caller owns a reference and gives it up.
    pub(super) unsafe fn drop_reference(self) {
        if self.header().state.ref_dec() {
            // SAFETY: that was the last reference.
            unsafe { self.dealloc() };
        }
    }

    /// `Waker::wake`.
    ///
    /// # Safety
    /// The caller owns a waker's reference and gives it up.
    pub(super) unsafe fn wake_by_val(self) {
        match self.header().state.transition_to_notified_by_val() {
            TransitionToNotified::Submit => {
                // SAFETY: the transition made the queue's reference; ours
                // keeps the cell (and the scheduler handle in it, which
                // `schedule` is still using) alive until `schedule` has
                // returned, then goes.
                unsafe {
                    self.schedule();
                    self.drop_reference();
                }
            }
            // SAFETY: ours was the last reference.
            TransitionToNotified::Dealloc => unsafe { self.dealloc() },
            TransitionToNotified::DoNothing => {}
        }
    }

    /// `Waker::wake_by_ref`. The caller holds a reference (its waker's).
    pub(super) fn wake_by_ref(self) {
        match self.header().state.transition_to_notified_by_ref() {
            // SAFETY: the transition made the queue's reference, and the
            // caller's own keeps the cell alive through `schedule`.
            TransitionToNotified::Submit => unsafe { self.schedule() },
            TransitionToNotified::Dealloc => unreachable!("wake_by_ref does not drop a reference"),
            TransitionToNotified::DoNothing => {}
        }
    }

    /// `JoinHandle::abort`. The caller holds a reference (the handle's).
    pub(super) fn remote_abort(self) {
        if self.header().state.transition_to_notified_and_cancel() {
            // SAFETY: the transition made a `Notified` reference for the
            // scheduler (which drops the future on a worker when it runs
            // the task); the handle's reference keeps the cell alive
            // through `schedule`.
            unsafe { self.schedule() };
        }
    }

    pub(super) fn ref_inc(self) {
        self.header().state.ref_inc();
    }
}

unsafe fn poll<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the vtable for <F, S> is only installed in Cell<F, S>.
    unsafe { Harness::<F, S>::from_raw(ptr) }.poll();
}

unsafe fn schedule<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: as in `poll`.
    unsafe { Harness::<F, S>::from_raw(ptr) }.schedule();
}

unsafe fn dealloc<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: as in `poll`.
    unsafe { Harness::<F, S>::from_raw(ptr) }.dealloc();
}

unsafe fn try_read_output<F: Future, S: Schedule>(
    ptr: NonNull<Header>,
    dst: *mut (),
    waker: &Waker,
) {
    let dst = dst.cast::<std::task::Poll<super::Result<F::Output>>>();
    // SAFETY: as in `poll`; `dst` has the task's output type per the caller.
    unsafe { Harness::<F, S>::from_raw(ptr).try_read_output(&mut *dst, waker) };
}

unsafe fn drop_join_handle<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: as in `poll`.
    unsafe { Harness::<F, S>::from_raw(ptr) }.drop_join_handle();
}

unsafe fn shutdown<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: as in `poll`.
    unsafe { Harness::<F, S>::from_raw(ptr) }.shutdown();
}
