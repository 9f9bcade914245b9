//! The LIFO slot: the task most recently woken by the task a worker runs.
//!
//! The owner fills and empties it with one atomic swap each. It is an atomic
//! (rather than a plain field of the worker's core) so that, as a last
//! resort, another worker can take the task out: if the task that filled the
//! slot then blocks its worker (a long computation, a blocking call), the
//! slot's task would otherwise wait for it. Searchers look here only after
//! every run queue and the injector came up empty, so in the common case the
//! task stays with its waker, in cache.

use crate::loom::{AtomicPtr, Ordering};
use crate::task::Notified;
use std::marker::PhantomData;
use std::ptr::{self, NonNull};

/// Holds at most one `Notified` reference.
pub(super) struct LifoSlot<S: 'static> {
    ptr: AtomicPtr<()>,
    _task: PhantomData<Notified<S>>,
}

impl<S: 'static> LifoSlot<S> {
    pub(super) fn new() -> LifoSlot<S> {
        LifoSlot {
            ptr: AtomicPtr::new(ptr::null_mut()),
            _task: PhantomData,
        }
    }

    /// Puts `task` in the slot, returning the task it displaced.
    pub(super) fn replace(&self, task: Notified<S>) -> Option<Notified<S>> {
        let new = task.into_ptr().as_ptr();
        let old = self.ptr.swap(new, Ordering::AcqRel);
        // SAFETY: every non-null pointer in the slot came from `into_ptr`
        // and the swap took it out, so we own its reference.
        NonNull::new(old).map(|old| unsafe { Notified::from_ptr(old) })
    }

    /// Takes the task out, if any (owner or thief).
    pub(super) fn take(&self) -> Option<Notified<S>> {
        if self.ptr.load(Ordering::Relaxed).is_null() {
            return None;
        }
        let old = self.ptr.swap(ptr::null_mut(), Ordering::Acquire);
        // SAFETY: as in `replace`.
        NonNull::new(old).map(|old| unsafe { Notified::from_ptr(old) })
    }

    pub(super) fn is_occupied(&self) -> bool {
        !self.ptr.load(Ordering::Relaxed).is_null()
    }
}

impl<S: 'static> Drop for LifoSlot<S> {
    fn drop(&mut self) {
        drop(self.take());
    }
}
