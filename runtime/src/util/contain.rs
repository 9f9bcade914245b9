//! Running code the runtime does not own (another task's waker: a foreign
//! executor's may panic) on the runtime's behalf, without letting its panic
//! unwind into the runtime.
//!
//! The reactor's dispatch, the timer wheel's firing and shutdown, signal
//! delivery and the accept backoff wake other tasks' wakers in batches. A
//! panic from one of them must neither cost the wakers after it their
//! wake-up (nothing else would wake them) nor fail the task or worker that
//! happened to run the batch. So it is caught here and not re-raised: the
//! panic hook has already reported it. Its payload is user code as well: if
//! the payload's own drop panics, the payload is leaked.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::task::Waker;

/// Runs `f`, containing a panic.
pub(crate) fn contain(f: impl FnOnce()) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(f))
        && let Err(again) = catch_unwind(AssertUnwindSafe(|| drop(payload)))
    {
        std::mem::forget(again);
    }
}

/// Wakes `waker`, containing a panic.
pub(crate) fn wake(waker: Waker) {
    contain(|| waker.wake());
}

#[cfg(all(test, not(loom)))]
mod tests {
    use crate::test_util::WakeCount;

    struct PanicsOnDrop;
    impl Drop for PanicsOnDrop {
        fn drop(&mut self) {
            panic!("deliberate: a panic payload whose drop panics (contain test)");
        }
    }

    #[test]
    fn a_panicking_waker_is_woken_and_contained() {
        let (count, waker) = WakeCount::panicking();
        super::wake(waker);
        assert_eq!(count.count(), 1);
    }

    #[test]
    fn a_payload_whose_drop_panics_is_leaked() {
        super::contain(|| std::panic::panic_any(PanicsOnDrop));
    }
}
