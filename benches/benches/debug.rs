//! The cost of debug mode: the scheduler benchmarks with it off (the
//! default: only the always-on bookkeeping) and on (every poll timed, a
//! watchdog thread).
//!
//! Run: `cargo bench -p benches --bench debug`, then
//! `cargo run -p benches --bin report debug_spawn_many debug_yield_many`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Duration;

fn runtime(debug: bool) -> runtime::Runtime {
    let mut builder = runtime::Builder::multi_thread();
    builder.worker_threads(benches::workers());
    if debug {
        builder
            .slow_poll_threshold(Duration::from_secs(3600))
            .on_slow_poll(|_| {});
    }
    builder.build().unwrap()
}

fn spawn_many(rt: &runtime::Runtime) {
    rt.block_on(rt.spawn(async {
        let handles: Vec<_> = (0..100_000).map(|_| runtime::spawn(async {})).collect();
        for h in handles {
            h.await.unwrap();
        }
    }))
    .unwrap();
}

fn yield_many(rt: &runtime::Runtime) {
    rt.block_on(rt.spawn(async {
        let handles: Vec<_> = (0..1_000)
            .map(|_| {
                runtime::spawn(async {
                    for _ in 0..200 {
                        runtime::yield_now().await;
                    }
                })
            })
            .collect();
        for h in handles {
            h.await.unwrap();
        }
    }))
    .unwrap();
}

fn bench(c: &mut Criterion) {
    for (name, work) in [
        ("debug_spawn_many", spawn_many as fn(&runtime::Runtime)),
        ("debug_yield_many", yield_many),
    ] {
        let mut group = c.benchmark_group(name);
        group.sample_size(20);
        group.measurement_time(Duration::from_secs(4));
        for (label, debug) in [("off", false), ("on", true)] {
            let rt = runtime(debug);
            group.bench_function(label, |b| b.iter(|| work(&rt)));
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
