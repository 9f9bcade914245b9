//! The whole-stack workloads of issue 15: each runtime with its **own**
//! executor and primitives, as a user of each would write the program.
//!
//! * `ours`: our runtime, `runtime::sync` and `runtime::net`.
//! * `tokio`: tokio's multi-thread runtime, `tokio::sync` and `tokio::net`.
//! * `smol`: async-executor run on N threads (as `smol` does), async-io
//!   (timers, reactor), async-lock, async-channel and async-net.
//!
//! Every workload runs in a process of its own (the driver,
//! `src/bin/whole_stack.rs`, starts one per measurement), with the root
//! task *spawned* on a worker and awaited from `block_on`, as the issue
//! measures. What is timed is said per workload in [`WORKLOADS`].
//!
//! Split by runtime ([`ours`], [`tokio_stack`], [`smol_stack`]) so the
//! three versions of a workload can be read side by side; the shapes (sizes,
//! deadlines) live here so they cannot drift apart.

use std::time::Duration;

pub mod ours;
pub mod smol_stack;
pub mod tokio_stack;

/// The workloads of the table, in its order, with what is timed.
pub const WORKLOADS: &[(&str, &str)] = &[
    ("spawn_many", "100k tasks spawned from a task, all awaited"),
    (
        "spawn_remote",
        "100k spawns from a non-runtime thread, each counts down; the root task waits for zero",
    ),
    (
        "yield_many",
        "1000 tasks × 200 yield_now (each runtime's own)",
    ),
    (
        "ping_pong",
        "1000 pairs × 100 round trips over two capacity-1 queues",
    ),
    ("chained_spawn", "each task spawns the next, 10k deep"),
    (
        "timers",
        "100k tasks each sleep_until a random 1–20 ms deadline, all joined",
    ),
    ("lock", "8 tasks × 50k lock/increment/unlock"),
    (
        "semaphore",
        "1000 tasks, 10 permits, 100 × (acquire, yield, release)",
    ),
    (
        "queue",
        "4 producers × 250k items into Queue(1024), 1 consumer (the root task)",
    ),
    (
        "tcp_echo",
        "100 conns × 1000 round trips of 64 B, TCP_NODELAY, one task per conn (connect/close not timed)",
    ),
];

pub const SPAWN_MANY: usize = 100_000;
pub const YIELD_TASKS: usize = 1_000;
pub const YIELDS: usize = 200;
pub const PAIRS: usize = 1_000;
pub const ROUND_TRIPS: usize = 100;
pub const CHAIN_DEPTH: usize = 10_000;
pub const TIMERS: usize = 100_000;
pub const LOCK_TASKS: usize = 8;
pub const LOCK_OPS: usize = 50_000;
pub const SEM_TASKS: usize = 1_000;
pub const SEM_PERMITS: usize = 10;
pub const SEM_ROUNDS: usize = 100;
pub const PRODUCERS: usize = 4;
pub const PER_PRODUCER: usize = 250_000;
pub const QUEUE_CAPACITY: usize = 1024;
pub const CONNS: usize = 100;
pub const ECHO_ROUND_TRIPS: usize = 1000;
pub const MESSAGE: usize = 64;

/// The sum the queue's consumer must see (every item exactly once).
pub fn queue_sum() -> u64 {
    let n = (PRODUCERS * PER_PRODUCER) as u64;
    n * (n - 1) / 2
}

/// The timer workload's offsets from its start: 1–20 ms, pseudo-random,
/// the same for every runtime.
pub fn timer_offsets() -> Vec<Duration> {
    let mut x: u64 = 2;
    (0..TIMERS)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            Duration::from_micros(1000 + x % 19_000)
        })
        .collect()
}

/// What one measurement gives back.
pub enum Outcome {
    /// Time of the timed part.
    Time(Duration),
    /// Resident-set growth per idle task, in bytes.
    BytesPerTask(f64),
}

/// Runs `workload` on `runtime` with `workers` worker threads; `size`
/// overrides the task count of `spawn_many` and `idle_memory`.
pub fn run(runtime: &str, workload: &str, workers: usize, size: Option<usize>) -> Outcome {
    match runtime {
        "ours" => ours::run(workload, workers, size),
        "tokio" => tokio_stack::run(workload, workers, size),
        "smol" => smol_stack::run(workload, workers, size),
        other => panic!("unknown runtime {other:?}: expected ours, tokio or smol"),
    }
}

/// Waits (on a plain thread) until `count` reaches `target`: lets every
/// idle task have its first poll before the resident set is read.
pub fn wait_for_count(count: &std::sync::atomic::AtomicUsize, target: usize) {
    while count.load(std::sync::atomic::Ordering::Acquire) < target {
        std::thread::sleep(Duration::from_millis(1));
    }
    // Let the workers go back to sleep (their queues drained).
    std::thread::sleep(Duration::from_millis(50));
}

/// Panics with the list of workloads for a name that is not one.
pub fn unknown(workload: &str) -> ! {
    let names: Vec<&str> = WORKLOADS.iter().map(|(n, _)| *n).collect();
    panic!(
        "unknown workload {workload:?}: expected one of {} or idle_memory",
        names.join(", ")
    )
}
