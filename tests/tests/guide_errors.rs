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
