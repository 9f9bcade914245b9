//! The error handling, resource and cancellation programs of the asyncio
//! guides, ported in `runtime/examples/`: what they print and when, on a
//! paused clock (see `tests/src/guide.rs`).

// Each example brings its own copy of `runtime/examples/guide/console.rs`.
#![allow(clippy::duplicate_mod)]

use tests::{lines, run_guide, secs};

#[path = "../../runtime/examples/task_error_logging.rs"]
#[allow(dead_code)] // its `main`
mod task_error_logging;

#[path = "../../runtime/examples/async_resource.rs"]
#[allow(dead_code)]
mod async_resource;

#[test]
fn task_error_is_logged_after_a_second() {
    let run = run_guide!(task_error_logging::program());
    assert_eq!(run.took, secs(1.0));
    assert_eq!(
        run.schedule(),
        lines(&[
            "1s ERROR:root:Caught an exception in main",
            "1s ValueError: Something went wrong!",
        ])
    );
}

#[test]
fn async_resource_is_set_up_used_and_torn_down() {
    let run = run_guide!(async_resource::program());
    // 1 s to get the resource, 1 s to release it.
    assert_eq!(run.took, secs(2.0));
    assert_eq!(run.schedule(), lines(&["1s Using: my resource"]));
}

#[path = "../../runtime/examples/wait_first_exception.rs"]
#[allow(dead_code)]
mod wait_first_exception;

#[path = "../../runtime/examples/timeout_deadline.rs"]
#[allow(dead_code)]
mod timeout_deadline;

#[path = "../../runtime/examples/cancel_cleanup.rs"]
#[allow(dead_code)]
mod cancel_cleanup;

#[test]
fn wait_returns_at_the_first_exception_with_done_and_pending() {
    // The failing task panics on purpose; the test harness keeps the
    // default hook's report out of the way.
    let run = run_guide!(wait_first_exception::program());
    // The exception comes at 2 s; the two pending tasks (due at 3 s and
    // 4 s) are cancelled then, not waited for.
    assert_eq!(run.took, secs(2.0));
    assert_eq!(
        run.schedule(),
        lines(&[
            "2s 2 done, 2 pending",
            "2s result: 5",
            "2s exception: negative input: -1 + 5",
            "2s cancelled 2 pending tasks",
        ])
    );
}

#[test]
fn timeout_at_bounds_the_whole_block() {
    let run = run_guide!(timeout_deadline::program());
    assert_eq!(run.took, secs(2.5));
    assert_eq!(
        run.schedule(),
        lines(&[
            "1s 3 + 4 = 7",
            "2s 5 + 5 = 10",
            "2.5s deadline passed after 2 of 4 sums: [7, 10]",
        ])
    );
}

#[test]
fn cancelled_worker_cleans_up_before_main_sees_the_cancellation() {
    let run = run_guide!(cancel_cleanup::program());
    assert_eq!(run.took, secs(2.5));
    assert_eq!(
        run.schedule(),
        lines(&[
            "0s worker: started",
            "1s worker: working",
            "2s worker: working",
            "2.5s worker: cleaning up",
            "2.5s main: worker was cancelled",
        ])
    );
}
