//! The memory layout of a task: one heap allocation holding the header, the
//! scheduler handle and the future or its output.
//!
//! ```text
//! Cell<F, S> (#[repr(C)], one Box)
//! ├── Header        state word, vtable, id, owned-list links, join waker
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
//!   completing task while the bit is set; dropped with the cell.
//! * `stage`: the owner of `RUNNING` while the task is not complete; after
//!   `COMPLETE`, the `JoinHandle` (or the completing task, when there is no
//!   join interest); and the last reference in `dealloc`.

use super::error::JoinError;
use super::id::TaskId;
use super::raw::Vtable;
use super::state::State;
use crate::loom::UnsafeCell;
use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::ptr::NonNull;
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
        id: TaskId,
        vtable: &'static Vtable,
        refs: usize,
    ) -> NonNull<Header> {
        let cell = Box::new(Cell {
            header: Header {
                state: State::new(refs),
                vtable,
                id,
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

    /// Replaces the stage and then drops the old one, so a panicking
    /// destructor leaves the new stage in place.
    ///
    /// # Safety
    /// The caller has exclusive access to the stage.
    pub(super) unsafe fn set_stage(&self, stage: Stage<F>) {
        // SAFETY: exclusive access per the caller.
        let old = self
            .stage
            .with_mut(|ptr| unsafe { std::mem::replace(&mut *ptr, stage) });
        drop(old);
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

    /// Takes the result out.
    ///
    /// # Safety
    /// The caller has exclusive access to the stage, and the task is complete.
    pub(super) unsafe fn take_output(&self) -> Result<F::Output, JoinError> {
        // SAFETY: exclusive access per the caller.
        let stage = self
            .stage
            .with_mut(|ptr| unsafe { std::mem::replace(&mut *ptr, Stage::Consumed) });
        match stage {
            Stage::Finished(output) => output,
            _ => panic!("JoinHandle polled after it returned Ready: its output was already taken"),
        }
    }
}

impl Header {
    pub(crate) fn id(&self) -> TaskId {
        self.id
    }
}
