//! The fetch programs of "Asynchronous Programming with Asyncio", ported in
//! `runtime/examples/`: what they print and how long they take, on a paused
//! clock (see `tests/src/guide.rs`).

// Each example brings its own copy of `runtime/examples/guide/console.rs`.
#![allow(clippy::duplicate_mod)]

use tests::{lines, run_guide, secs};

#[path = "../../runtime/examples/fetch_sequential.rs"]
#[allow(dead_code)] // its `main`
mod fetch_sequential;

#[path = "../../runtime/examples/fetch_tasks.rs"]
#[allow(dead_code)]
mod fetch_tasks;

#[path = "../../runtime/examples/fetch_gather.rs"]
#[allow(dead_code)]
mod fetch_gather;

#[path = "../../runtime/examples/gather_error.rs"]
#[allow(dead_code)]
mod gather_error;

#[test]
fn sequential_fetches_take_six_seconds() {
    let run = run_guide!(fetch_sequential::program());
    assert_eq!(run.took, secs(6.0));
    assert_eq!(
        run.schedule(),
        lines(&[
            "0s Fetching data...",
            "3s Data retrieved.",
            "3s Fetching data...",
            "6s Data retrieved.",
            "6s Data one: {'input': 1, 'start_time': '00:00:00', 'end_time': '00:00:03'}",
            "6s Data two: {'input': 2, 'start_time': '00:00:03', 'end_time': '00:00:06'}",
        ])
    );
}

#[test]
fn tasks_fetch_concurrently_in_three_seconds() {
    let run = run_guide!(fetch_tasks::program());
    assert_eq!(run.took, secs(3.0));
    assert_eq!(
        run.schedule(),
        lines(&[
            "0s Fetching data...",
            "0s Fetching data...",
            "3s Data retrieved.",
            "3s Data retrieved.",
            "3s Data one: {'input': 1, 'start_time': '00:00:00', 'end_time': '00:00:03'}",
            "3s Data two: {'input': 2, 'start_time': '00:00:00', 'end_time': '00:00:03'}",
        ])
    );
}

#[test]
fn gather_fetches_three_in_three_seconds_in_input_order() {
    let run = run_guide!(fetch_gather::program());
    assert_eq!(run.took, secs(3.0));
    assert_eq!(
        run.printed,
        lines(&[
            "Fetching data...",
            "Fetching data...",
            "Fetching data...",
            "Data retrieved.",
            "Data retrieved.",
            "Data retrieved.",
            "Data 1: {'input': 1, 'start_time': '00:00:00', 'end_time': '00:00:03'}",
            "Data 2: {'input': 2, 'start_time': '00:00:00', 'end_time': '00:00:03'}",
            "Data 3: {'input': 3, 'start_time': '00:00:00', 'end_time': '00:00:03'}",
        ])
    );
}

#[test]
fn gather_error_returns_the_first_error_at_once() {
    let run = run_guide!(gather_error::program());
    // The error comes before anything sleeps: the others are not waited for.
    assert_eq!(run.took, secs(0.0));
    assert_eq!(
        run.printed,
        lines(&["Caught an exception: Simulated error for input 2"])
    );
}

#[path = "../../runtime/examples/create_task_gather.rs"]
#[allow(dead_code)]
mod create_task_gather;

#[test]
fn create_task_gather_runs_both_tasks_in_one_second() {
    let run = run_guide!(create_task_gather::program());
    assert_eq!(run.took, secs(1.0));
    assert_eq!(run.schedule(), lines(&["1s ['some data', 'some data']"]));
}
