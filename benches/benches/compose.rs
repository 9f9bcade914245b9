//! Composition benchmarks: `JoinSet` and `select!` beside tokio's, in one
//! run. (The smol stack has neither.)
//!
//! Run: `cargo bench -p benches --bench compose`

use benches::{ours, tokio};
use criterion::{
    BenchmarkGroup, Criterion, criterion_group, criterion_main, measurement::WallTime,
};
use std::future::{pending, ready};
use std::time::Duration;

/// Tasks spawned into the set and reaped.
const SET_TASKS: usize = 10_000;
/// `select!` evaluations per iteration.
const SELECTS: usize = 10_000;

fn configure(group: &mut BenchmarkGroup<'_, WallTime>) {
    group.sample_size(20);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
}

/// A server loop's shape: spawn into the set, reap everything.
fn join_set(c: &mut Criterion) {
    let mut group = c.benchmark_group("join_set");
    configure(&mut group);
    let rt = ours();
    group.bench_function("runtime", |b| {
        b.iter(|| {
            rt.block_on(rt.spawn(async {
                let mut set = runtime::task::JoinSet::new();
                for i in 0..SET_TASKS {
                    set.spawn(async move { i });
                }
                let mut sum = 0;
                while let Some(r) = set.join_next().await {
                    sum += r.unwrap();
                }
                sum
            }))
            .unwrap()
        })
    });
    drop(rt);
    let rt = tokio();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            rt.block_on(rt.spawn(async {
                let mut set = tokio::task::JoinSet::new();
                for i in 0..SET_TASKS {
                    set.spawn(async move { i });
                }
                let mut sum = 0;
                while let Some(r) = set.join_next().await {
                    sum += r.unwrap();
                }
                sum
            }))
            .unwrap()
        })
    });
    group.finish();
}

/// The cost of the macro itself: two branches, one ready, one never.
fn select(c: &mut Criterion) {
    let mut group = c.benchmark_group("select");
    configure(&mut group);
    let rt = ours();
    group.bench_function("runtime", |b| {
        b.iter(|| {
            rt.block_on(rt.spawn(async {
                let mut n = 0u64;
                for i in 0..SELECTS as u64 {
                    n += runtime::select! {
                        v = ready(i) => v,
                        v = pending::<u64>() => v,
                    };
                }
                n
            }))
            .unwrap()
        })
    });
    drop(rt);
    let rt = tokio();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            rt.block_on(rt.spawn(async {
                let mut n = 0u64;
                for i in 0..SELECTS as u64 {
                    n += tokio::select! {
                        v = ready(i) => v,
                        v = pending::<u64>() => v,
                    };
                }
                n
            }))
            .unwrap()
        })
    });
    group.finish();
}

criterion_group!(compose, join_set, select);
criterion_main!(compose);
