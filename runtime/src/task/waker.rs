//! Wakers that point straight at the task: waking allocates nothing.
//!
//! The data pointer of every task waker is the task's header; one static
//! vtable serves all tasks (so `Waker::will_wake` works across task types),
//! and it reaches the typed code through the header's own vtable. A waker
//! holds one task reference; `waker_ref` lends the poller's reference instead
//! of taking a new one.

use super::core::Header;
use super::raw::RawTask;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::ptr::NonNull;
use std::task::{RawWaker, RawWakerVTable, Waker};

static WAKER_VTABLE: RawWakerVTable =
    RawWakerVTable::new(clone_waker, wake_by_val, wake_by_ref, drop_waker);

/// A waker borrowed from a reference the caller already holds.
pub(super) struct WakerRef<'a> {
    waker: ManuallyDrop<Waker>,
    _lifetime: PhantomData<&'a Header>,
}

/// Makes a waker for `task` without taking a reference: valid while the
/// caller's reference is.
pub(super) fn waker_ref<'a>(task: RawTask) -> WakerRef<'a> {
    let data = task.header_ptr().as_ptr() as *const ();
    // SAFETY: the vtable's functions uphold the RawWaker contract for a
    // task header pointer; the ManuallyDrop keeps the borrowed reference
    // from being released.
    let waker = unsafe { Waker::from_raw(RawWaker::new(data, &WAKER_VTABLE)) };
    WakerRef {
        waker: ManuallyDrop::new(waker),
        _lifetime: PhantomData,
    }
}

impl Deref for WakerRef<'_> {
    type Target = Waker;
    fn deref(&self) -> &Waker {
        &self.waker
    }
}

/// # Safety
/// `ptr` is a task header pointer from a waker of this vtable.
unsafe fn raw_task(ptr: *const ()) -> RawTask {
    // SAFETY: per the caller, a live task header (the waker holds a reference).
    unsafe { RawTask::from_raw(NonNull::new_unchecked(ptr as *mut Header)) }
}

unsafe fn clone_waker(ptr: *const ()) -> RawWaker {
    // SAFETY: called by Waker::clone on one of our wakers.
    unsafe { raw_task(ptr) }.ref_inc();
    RawWaker::new(ptr, &WAKER_VTABLE)
}

unsafe fn wake_by_val(ptr: *const ()) {
    // SAFETY: called by Waker::wake on one of our wakers; its reference is
    // consumed by the wake.
    unsafe { raw_task(ptr).wake_by_val() };
}

unsafe fn wake_by_ref(ptr: *const ()) {
    // SAFETY: called by Waker::wake_by_ref on one of our wakers.
    unsafe { raw_task(ptr) }.wake_by_ref();
}

unsafe fn drop_waker(ptr: *const ()) {
    // SAFETY: called by Waker::drop on one of our wakers, whose reference
    // goes with it.
    unsafe { raw_task(ptr).drop_reference() };
}
