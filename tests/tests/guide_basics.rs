//! The small programs of "The Art of Concurrency" and the first guide,
//! ported in `runtime/examples/`: what they print and when, on a paused
//! clock (see `tests/src/guide.rs`).

// Each example brings its own copy of `runtime/examples/guide/console.rs`.
#![allow(clippy::duplicate_mod)]

use tests::{lines, run_guide, secs};

#[path = "../../runtime/examples/main_skeleton.rs"]
#[allow(dead_code)] // its `main`
mod main_skeleton;

#[path = "../../runtime/examples/greet.rs"]
#[allow(dead_code)]
mod greet;

#[path = "../../runtime/examples/parallel_timers.rs"]
#[allow(dead_code)]
mod parallel_timers;

#[path = "../../runtime/examples/profile_duration.rs"]
#[allow(dead_code)]
mod profile_duration;

#[test]
fn main_skeleton_does_nothing() {
    let run = run_guide!(main_skeleton::program());
    assert_eq!(run.took, secs(0.0));
    assert_eq!(run.printed, "");
}

#[test]
fn greet_says_world_a_second_after_hello() {
    let run = run_guide!(greet::program());
    assert_eq!(run.took, secs(1.0));
    assert_eq!(run.schedule(), lines(&["0s Hello", "1s World!"]));
}

#[test]
fn parallel_timers_all_start_at_once_and_end_at_ten_seconds() {
    let run = run_guide!(parallel_timers::program());
    // The longest timer, not the sum of the three (17 s).
    assert_eq!(run.took, secs(10.0));
    assert_eq!(
        run.schedule(),
        lines(&[
            "0s Timer Short started for 2 seconds.",
            "0s Timer Medium started for 5 seconds.",
            "0s Timer Long started for 10 seconds.",
            "2s Timer Short ended.",
            "5s Timer Medium ended.",
            "10s Timer Long ended.",
        ])
    );
}

#[test]
fn profile_duration_measures_two_seconds() {
    let run = run_guide!(profile_duration::program());
    assert_eq!(run.took, secs(2.0));
    assert_eq!(run.printed, lines(&["Duration: 2.00 seconds"]));
}
