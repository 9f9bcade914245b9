//! The programs of "A minimalistic guide for understanding asyncio in
//! Python", ported in `runtime/examples/`: what they print and when, on a
//! paused clock (see `tests/src/guide.rs`). The event-loop programs get a
//! paused current_thread runtime as their loop.

// Each example brings its own copy of `runtime/examples/guide/console.rs`.
#![allow(clippy::duplicate_mod)]

use tests::{lines, paused, run_guide, secs};

#[path = "../../runtime/examples/run_until_complete.rs"]
#[allow(dead_code)] // its `main`
mod run_until_complete;

#[path = "../../runtime/examples/run_until_complete_twice.rs"]
#[allow(dead_code)]
mod run_until_complete_twice;

#[path = "../../runtime/examples/run_forever_stop.rs"]
#[allow(dead_code)]
mod run_forever_stop;

#[path = "../../runtime/examples/asyncio_run.rs"]
#[allow(dead_code)]
mod asyncio_run;

#[path = "../../runtime/examples/add_fast_slow.rs"]
#[allow(dead_code)]
mod add_fast_slow;

#[path = "../../runtime/examples/gather_add.rs"]
#[allow(dead_code)]
mod gather_add;

#[path = "../../runtime/examples/gather_add_tasks.rs"]
#[allow(dead_code)]
mod gather_add_tasks;

#[path = "../../runtime/examples/as_completed.rs"]
#[allow(dead_code)]
mod as_completed;

#[path = "../../runtime/examples/wait_for_fallback.rs"]
#[allow(dead_code)]
mod wait_for_fallback;

#[test]
fn run_until_complete_returns_the_sum() {
    let event_loop = paused();
    let out = run_until_complete::console::Console::capture();
    run_until_complete::program(out.clone(), &event_loop);
    assert_eq!(out.captured(), lines(&["7"]));
}

#[test]
fn run_until_complete_twice_runs_one_loop_after_the_other() {
    let event_loop = paused();
    let out = run_until_complete_twice::console::Console::capture();
    run_until_complete_twice::program(out.clone(), &event_loop);
    assert_eq!(out.captured(), lines(&["7", "10"]));
}

#[test]
fn run_forever_returns_when_the_task_stops_the_loop() {
    let out = run_forever_stop::console::Console::capture();
    run_forever_stop::program(out.clone(), paused());
    assert_eq!(out.captured(), lines(&["7 10"]));
}

#[test]
fn asyncio_run_prints_both_sums() {
    let run = run_guide!(asyncio_run::get_results());
    assert_eq!(run.took, secs(0.0));
    assert_eq!(run.printed, lines(&["7 10"]));
}

#[test]
fn fast_and_slow_tasks_are_both_ready_after_five_seconds() {
    let run = run_guide!(add_fast_slow::get_results());
    // Not 8 s: the two sleeps overlap.
    assert_eq!(run.took, secs(5.0));
    assert_eq!(
        run.schedule(),
        lines(&[
            "0s starting slow add",
            "0s starting fast add",
            "3s result ready for fast add",
            "5s result ready for slow add",
            "5s 7 10",
        ])
    );
}

#[test]
fn gather_gives_results_in_input_order() {
    let run = run_guide!(gather_add::get_results());
    assert_eq!(run.printed, lines(&["[5, 9, 10, 9]"]));
    let run = run_guide!(gather_add_tasks::get_results());
    assert_eq!(run.printed, lines(&["[5, 9, 10, 9]"]));
}

#[test]
fn as_completed_gives_every_result() {
    let run = run_guide!(as_completed::get_results());
    assert_eq!(run.took, secs(0.0));
    // All four finish at once: the order is not part of the contract (the
    // guide warns it is non-deterministic), the results are.
    let mut results: Vec<&str> = run.printed.lines().collect();
    results.sort();
    assert_eq!(results, ["10", "5", "9", "9"]);
}

#[test]
fn wait_for_gives_the_sum_in_time_or_the_fallback_at_three_seconds() {
    use wait_for_fallback::random::Random;
    let mut tried = std::collections::BTreeSet::new();
    for seed in 0..100 {
        // The delay `add` will draw from this seed.
        let delay = Random::seeded(seed).randrange(1, 5);
        if !tried.insert(delay) {
            continue;
        }
        let run = run_guide!(wait_for_fallback::get_results(Random::seeded(seed)));
        let expected = match delay {
            1 => "1s 7",
            2 => "2s 7",
            // The tie: done right at the deadline, the future wins (Python
            // times out; see the example's docs).
            3 => "3s 7",
            _ => "3s fallback payload",
        };
        assert_eq!(run.schedule(), lines(&[expected]), "delay {delay}");
    }
    assert_eq!(tried.len(), 4, "seeds 0..100 should draw every delay 1..=4");
}
