//! The memory layout of a task: one heap allocation holding the header, the
//! scheduler handle and the future or its output.
//!
//! ```text
//! Cell<F, S> (#[repr(C)], one Box)
//! ├── Header        state word, vtable, id, owned-list links, join waker,
//! │                 and the bookkeeping of the task dump (spawn location,
//! │                 spawn time, poll count, what the task waits on)
//! ├── scheduler: S  the scheduler the task belongs to
//! └── stage         Running(F) | Finished(Result<F::Output, JoinError>) | Consumed
//! ```
//!
//! The header comes first, so a `NonNull<Header>` is also a pointer to the
//! whole cell: type-erased code (wakers, join handles, run queues) holds the
//! header pointer and reaches the typed parts through the vtable.
//!
//! # Who may touch what
//! * `header.state`: anyone holding a reference, atomically.
//! * `header.owned`: only while holding the lock of the owned-tasks shard
//!   the task belongs to.
//! * `header.join_waker`: see `state.rs` (`JOIN_WAKER`): the `JoinHandle`
//!   while the bit is clear and the task is not complete; read-only for the
//!   completing task while the bit is set; after completion and the wake,
//!   emptied by the `JoinHandle`'s drop, or by the completing task if the
//!   handle is gone (whatever is left is dropped with the cell).
//! * `polls`, `waiting`: written only by the owner of `RUNNING` (plain
//!   relaxed stores, no read-modify-write); read racily by the task dump,
//!   which only needs a recent value.
//! * `stage`: the owner of `RUNNING` while the task is not complete; after
//!   `COMPLETE`, the `JoinHandle` (or the completing task, when there is no
//!   join interest); and the last reference in `dealloc`. The future in
//!   `Stage::Running` is pinned: it is dropped in place (`set_stage`) and
//!   never moved out; only a `Stage::Finished` output is.

use super::error::JoinError;
use super::id::{TaskId, TaskMeta};
use super::raw::Vtable;
use super::state::State;
use crate::loom::{AtomicU32, AtomicU64, Ordering, UnsafeCell};
use std::future::Future;
use std::marker::PhantomPinned;
use std::mem::ManuallyDrop;
use std::panic::Location;
use std::pin::Pin;
use std::ptr::{self, NonNull};
use std::task::{Context, Poll, Waker};

/// The whole task allocation.
#[repr(C)]
pub(super) struct Cell<F: Future, S> {
    pub(super) header: Header,
    pub(super) core: Core<F, S>,
}

/// The type-erased part, at the start of every task.
#[repr(C)]
pub(crate) struct Header {
    pub(super) state: State,
    pub(super) vtable: &'static Vtable,
    pub(super) id: TaskId,
    /// Where the user's code spawned the task.
    pub(super) location: &'static Location<'static>,
    /// Spawn time on the coarse clock, in wrapping milliseconds
    /// (`util::coarse_clock::now_millis_u32`): with `polls` beside it, one
    /// word. So the header of a task is 80 bytes, and a task whose future
    /// and output are small fits a 112-byte allocator chunk instead of a
    /// 128-byte one; a task dump shows the age of a task older than 49.7
    /// days modulo that.
    pub(super) spawned_at: u32,
    /// Polls so far.
    pub(super) polls: AtomicU32,
    /// What the task waited on when its last poll returned `Pending`
    /// (`debug::WaitingOn`, encoded); 0 when unknown.
    pub(super) waiting: AtomicU64,
    /// Links in the owned-tasks list; guarded by that list's shard lock.
    pub(super) owned: UnsafeCell<Pointers>,
    /// Woken when the task completes; see the module docs for access rules.
    pub(super) join_waker: UnsafeCell<Option<Waker>>,
    /// The cell is pinned in memory: wakers and queues point into it.
    _pinned: PhantomPinned,
}

/// Intrusive doubly-linked list pointers.
pub(super) struct Pointers {
    pub(super) prev: Option<NonNull<Header>>,
    pub(super) next: Option<NonNull<Header>>,
}

/// The typed part: scheduler and future/output.
pub(super) struct Core<F: Future, S> {
    pub(super) scheduler: S,
    pub(super) stage: UnsafeCell<Stage<F>>,
}

/// Where the task is in its life.
pub(super) enum Stage<F: Future> {
    Running(F),
    Finished(Result<F::Output, JoinError>),
    Consumed,
}

impl<F: Future, S> Cell<F, S> {
    /// Allocates a task. `refs` is the initial reference count.
    pub(super) fn allocate(
        future: F,
        scheduler: S,
        meta: TaskMeta,
        vtable: &'static Vtable,
        refs: usize,
    ) -> NonNull<Header> {
        let cell = Box::new(Cell {
            header: Header {
                state: State::new(refs),
                vtable,
                id: meta.id,
                location: meta.location,
                spawned_at: crate::util::coarse_clock::now_millis_u32(),
                polls: AtomicU32::new(0),
                waiting: AtomicU64::new(0),
                owned: UnsafeCell::new(Pointers {
                    prev: None,
                    next: None,
                }),
                join_waker: UnsafeCell::new(None),
                _pinned: PhantomPinned,
            },
            core: Core {
                scheduler,
                stage: UnsafeCell::new(Stage::Running(future)),
            },
        });
        NonNull::from(Box::leak(cell)).cast()
    }
}

impl<F: Future, S> Core<F, S> {
    /// Polls the future.
    ///
    /// # Safety
    /// The caller owns `RUNNING` (exclusive access to the stage) and the
    /// stage is `Running`.
    pub(super) unsafe fn poll(&self, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.stage.with_mut(|ptr| {
            // SAFETY: the caller has exclusive access to the stage.
            let stage = unsafe { &mut *ptr };
            let Stage::Running(future) = stage else {
                unreachable!("task polled after its future was dropped")
            };
            // SAFETY: the cell is heap-allocated and never moved until it is
            // freed, so the future is pinned.
            let future = unsafe { Pin::new_unchecked(future) };
            future.poll(cx)
        })
    }

    /// Drops the old stage in place, then writes `stage`.
    ///
    /// In place, because the future is pinned: `Pin`'s drop guarantee says a
    /// pinned value is dropped where it lies, before its memory is reused
    /// (moving it out first, as `mem::replace` would, breaks self-referential
    /// futures, and Miri reports it). If the old stage's destructor panics,
    /// `stage` is still written (over the dropped remains, which are never
    /// touched again) before the panic goes on, so a caller that catches it
    /// finds the new stage in place.
    ///
    /// # Safety
    /// The caller has exclusive access to the stage.
    pub(super) unsafe fn set_stage(&self, stage: Stage<F>) {
        /// Writes the new stage when dropped: after the old stage's drop,
        /// or while its panic unwinds.
        struct WriteOnDrop<F: Future> {
            ptr: *mut Stage<F>,
            stage: ManuallyDrop<Stage<F>>,
        }
        impl<F: Future> Drop for WriteOnDrop<F> {
            fn drop(&mut self) {
                // SAFETY: `stage` is taken exactly once, here; `ptr` points
                // to the stage cell, whose old value has been dropped (or
                // its drop panicked), so overwriting it leaks nothing twice.
                unsafe { ptr::write(self.ptr, ManuallyDrop::take(&mut self.stage)) }
            }
        }
        self.stage.with_mut(|ptr| {
            let write = WriteOnDrop {
                ptr,
                stage: ManuallyDrop::new(stage),
            };
            // SAFETY: exclusive access per the caller; the old stage is
            // valid and is dropped exactly once, in place.
            unsafe { ptr::drop_in_place(ptr) };
            drop(write);
        });
    }

    /// Drops the future or the output, whichever is there.
    ///
    /// # Safety
    /// The caller has exclusive access to the stage.
    pub(super) unsafe fn drop_future_or_output(&self) {
        // SAFETY: forwarded from the caller.
        unsafe { self.set_stage(Stage::Consumed) }
    }

    /// Stores the task's result.
    ///
    /// # Safety
    /// The caller has exclusive access to the stage.
    pub(super) unsafe fn store_output(&self, output: Result<F::Output, JoinError>) {
        // SAFETY: forwarded from the caller.
        unsafe { self.set_stage(Stage::Finished(output)) }
    }

    /// Takes the result out, if it is still there (it is not once a
    /// `JoinHandle` read it).
    ///
    /// # Safety
    /// The caller has exclusive access to the stage.
    pub(super) unsafe fn take_finished(&self) -> Option<Result<F::Output, JoinError>> {
        self.stage.with_mut(|ptr| {
            // SAFETY: exclusive access per the caller.
            let stage = unsafe { &mut *ptr };
            // Only an output is moved out; a (pinned) future never is.
            let Stage::Finished(_) = stage else {
                return None;
            };
            let Stage::Finished(output) = std::mem::replace(stage, Stage::Consumed) else {
                unreachable!("checked above")
            };
            Some(output)
        })
    }

    /// Takes the result out.
    ///
    /// # Safety
    /// The caller has exclusive access to the stage, and the task is complete.
    pub(super) unsafe fn take_output(&self) -> Result<F::Output, JoinError> {
        // SAFETY: forwarded from the caller.
        match unsafe { self.take_finished() } {
            Some(output) => output,
            None => {
                panic!("JoinHandle polled after it returned Ready: its output was already taken")
            }
        }
    }
}

impl Header {
    pub(crate) fn id(&self) -> TaskId {
        self.id
    }

    pub(crate) fn location(&self) -> &'static Location<'static> {
        self.location
    }

    /// Time since the spawn (coarse; see `spawned_at`).
    pub(crate) fn age(&self) -> std::time::Duration {
        crate::util::coarse_clock::since_millis_u32(self.spawned_at)
    }

    pub(crate) fn polls(&self) -> u32 {
        self.polls.load(Ordering::Relaxed)
    }

    /// Called by the owner of `RUNNING` as a poll begins: counts the poll
    /// and forgets what the task waited on.
    pub(super) fn start_poll(&self) {
        // Single writer: a load and a store, no locked instruction.
        let polls = self.polls.load(Ordering::Relaxed);
        self.polls.store(polls.wrapping_add(1), Ordering::Relaxed);
        self.waiting.store(0, Ordering::Relaxed);
    }

    /// Records what the running task is about to wait on.
    pub(crate) fn set_waiting(&self, encoded: u64) {
        self.waiting.store(encoded, Ordering::Relaxed);
    }

    pub(crate) fn waiting(&self) -> u64 {
        self.waiting.load(Ordering::Relaxed)
    }

    /// The task's lifecycle as the dump reports it.
    pub(crate) fn snapshot(&self) -> super::state::Snapshot {
        self.state.load()
    }
}

#[cfg(all(test, not(loom), target_pointer_width = "64"))]
mod tests {
    /// The header stays at 80 bytes: with a small future and output
    /// (24 bytes of scheduler and stage) a task is a 104-byte allocation,
    /// which glibc serves from a 112-byte chunk (one more word and it is
    /// 128: a seventh more memory and page faults per task).
    #[test]
    fn the_header_is_ten_words() {
        assert_eq!(std::mem::size_of::<super::Header>(), 80);
    }
}
