//! The async generators and iterators of the asyncio guides, ported in
//! `runtime/examples/`: what they print and when, on a paused clock (see
//! `tests/src/guide.rs`).

// Each example brings its own copy of `runtime/examples/guide/console.rs`.
#![allow(clippy::duplicate_mod)]

use tests::{lines, run_guide, secs};

#[path = "../../runtime/examples/async_generator.rs"]
#[allow(dead_code)] // its `main`
mod async_generator;

#[path = "../../runtime/examples/async_number_generator.rs"]
#[allow(dead_code)]
mod async_number_generator;

#[test]
fn async_generator_yields_a_number_a_second() {
    let run = run_guide!(async_generator::program());
    assert_eq!(run.took, secs(5.0));
    assert_eq!(
        run.schedule(),
        lines(&[
            "1s Received number: 0",
            "2s Received number: 1",
            "3s Received number: 2",
            "4s Received number: 3",
            "5s Received number: 4",
        ])
    );
}

#[test]
fn async_number_generator_yields_a_number_a_second() {
    let run = run_guide!(async_number_generator::program());
    assert_eq!(run.took, secs(5.0));
    assert_eq!(
        run.schedule(),
        lines(&[
            "1s Generated number: 0",
            "2s Generated number: 1",
            "3s Generated number: 2",
            "4s Generated number: 3",
            "5s Generated number: 4",
        ])
    );
}

#[path = "../../runtime/examples/async_iterator.rs"]
#[allow(dead_code)]
mod async_iterator;

#[test]
fn async_iterator_yields_five_items_a_tenth_of_a_second_apart() {
    let run = run_guide!(async_iterator::program());
    assert_eq!(run.took, secs(0.5));
    assert_eq!(
        run.schedule(),
        lines(&["0.1s 1", "0.2s 2", "0.3s 3", "0.4s 4", "0.5s 5"])
    );
}
