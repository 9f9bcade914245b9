//! The queue, lock and semaphore programs of the asyncio guides, ported in
//! `runtime/examples/`: what they print and how long they take, on a
//! paused clock (see `tests/src/guide.rs`).

// Each example brings its own copy of `runtime/examples/guide/console.rs`.
#![allow(clippy::duplicate_mod)]

use tests::{lines, run_guide, secs};

#[path = "../../runtime/examples/producer_consumer_sentinel.rs"]
#[allow(dead_code)] // its `main`
mod producer_consumer_sentinel;

#[path = "../../runtime/examples/semaphore_fetch.rs"]
#[allow(dead_code)]
mod semaphore_fetch;

#[test]
fn sentinel_ends_the_consumer_after_the_last_item() {
    let run = run_guide!(producer_consumer_sentinel::program());
    // The consumer takes 2 s an item: the last one is done at 10 s.
    assert_eq!(run.took, secs(10.0));
    assert_eq!(
        run.schedule(),
        lines(&[
            "0s Produced item-0",
            "0s Consumed item-0",
            "1s Produced item-1",
            "2s Consumed item-1", // both wake at 2 s: the consumer slept first
            "2s Produced item-2",
            "3s Produced item-3",
            "4s Consumed item-2",
            "4s Produced item-4",
            "6s Consumed item-3",
            "8s Consumed item-4", // and the sentinel at 10 s
        ])
    );
}

#[test]
fn semaphore_lets_three_fetches_run_at_a_time() {
    let run = run_guide!(semaphore_fetch::program());
    run.output.unwrap();
    // Ten 100 ms fetches, three at a time: four rounds. (All at once would
    // take 100 ms, one at a time 1 s.)
    assert_eq!(run.took, secs(0.4));
    assert_eq!(run.printed, lines(&["Fetched content of length: 416"; 10]));
}

#[path = "../../runtime/examples/lock_critical.rs"]
#[allow(dead_code)]
mod lock_critical;

#[path = "../../runtime/examples/producer_consumer_join.rs"]
#[allow(dead_code)]
mod producer_consumer_join;

#[test]
fn lock_lets_one_task_at_a_time_into_the_critical_section() {
    let run = run_guide!(lock_critical::program());
    assert_eq!(run.took, secs(2.0));
    assert_eq!(
        run.schedule(),
        lines(&[
            "0s Task A waiting for lock",
            "0s Task A acquired lock",
            "0s Task B waiting for lock",
            "1s Task A released lock",
            "1s Task B acquired lock",
            "2s Task B released lock",
        ])
    );
}

#[test]
fn join_waits_until_every_item_is_consumed() {
    use producer_consumer_join::random::Random;
    for seed in [1, 2, 3] {
        let run = run_guide!(producer_consumer_join::program(Random::seeded(seed)));

        // Replay the producer's random choices: a sleep, then an item.
        let random = Random::seeded(seed);
        let (mut at, mut expected) = (std::time::Duration::ZERO, Vec::new());
        for _ in 0..10 {
            at += std::time::Duration::from_secs_f64(random.random());
            let item = random.randint(0, 100);
            expected.push((at, format!("Produced {item}")));
            expected.push((at, format!("Consumed {item}")));
        }
        // Each item is consumed as soon as it is produced, and main returns
        // once the last one is marked done (the consumer is then cancelled).
        assert_eq!(run.timeline, expected, "seed {seed}");
        assert_eq!(run.took, at, "seed {seed}");
    }
}
