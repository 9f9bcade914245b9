//! A thread-local slot that lends a borrowed value for the duration of a
//! closure: the one way the runtime publishes "what this thread is running
//! right now" (the task being polled, the scheduler driving the thread).
//!
//! `set` stores a pointer to a value the caller borrows and restores the
//! previous pointer when the closure returns *or unwinds*; `with` hands out
//! a reference only while such a `set` is on the stack. That pairing is
//! what makes the raw pointer sound: the slot never outlives the borrow it
//! came from. (The same shape as tokio's `context/scoped.rs`.)

use std::cell::Cell;
use std::ptr;

/// A thread-local slot holding a `&T` for the extent of [`Scoped::set`].
///
/// Invariant: `inner` is null, or points to a value borrowed by a `set`
/// call that is still running on this thread (it is reset before that
/// borrow ends, even on unwind).
pub(crate) struct Scoped<T> {
    inner: Cell<*const T>,
}

impl<T> Scoped<T> {
    pub(crate) const fn new() -> Scoped<T> {
        Scoped {
            inner: Cell::new(ptr::null()),
        }
    }

    /// Runs `f` with `value` published in the slot, then restores what was
    /// there before (nested `set`s stack).
    pub(crate) fn set<R>(&self, value: &T, f: impl FnOnce() -> R) -> R {
        struct Reset<'a, T> {
            slot: &'a Cell<*const T>,
            prev: *const T,
        }
        impl<T> Drop for Reset<'_, T> {
            fn drop(&mut self) {
                self.slot.set(self.prev);
            }
        }
        let prev = self.inner.replace(value);
        let _reset = Reset {
            slot: &self.inner,
            prev,
        };
        f()
    }

    /// The value set by the innermost running [`set`](Self::set), or null:
    /// valid while that `set` runs, on this thread.
    #[inline]
    pub(crate) fn as_ptr(&self) -> *const T {
        self.inner.get()
    }

    /// Runs `f` with the published value, if a `set` is running.
    pub(crate) fn with<R>(&self, f: impl FnOnce(Option<&T>) -> R) -> R {
        let value = self.inner.get();
        // SAFETY: per the invariant, a non-null pointer is a value that a
        // `set` further up this thread's stack still borrows; `f` runs
        // before that `set` returns.
        f(unsafe { value.as_ref() })
    }

    /// Whether a `set` is running.
    #[cfg(all(test, not(loom)))]
    pub(crate) fn is_set(&self) -> bool {
        !self.inner.get().is_null()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::Scoped;

    #[test]
    fn set_nests_and_restores() {
        let slot = Scoped::<u32>::new();
        assert!(slot.with(|v| v.is_none()));
        slot.set(&1, || {
            assert_eq!(slot.with(|v| v.copied()), Some(1));
            slot.set(&2, || assert_eq!(slot.with(|v| v.copied()), Some(2)));
            assert_eq!(slot.with(|v| v.copied()), Some(1));
        });
        assert!(!slot.is_set());
    }

    #[test]
    fn set_restores_on_unwind() {
        let slot = Scoped::<u32>::new();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            slot.set(&7, || panic!("inside set"));
        }));
        assert!(caught.is_err());
        assert!(
            !slot.is_set(),
            "a panic left a dangling pointer in the slot"
        );
    }
}
