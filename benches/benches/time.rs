//! Timer benchmarks: our runtime beside tokio and the smol stack
//! (async-executor + async-io's `Timer`), in one run, with the same worker
//! count and the same pseudo-random deadlines.
//!
//! Run: `cargo bench -p benches --bench time`, then
//! `cargo run -p benches --bin report time_sleep_100k time_churn_1m time_timeout_ready`.
//! Lateness percentiles: `cargo run --release -p benches --bin timer_lateness`.

use benches::{Smol, ours, tokio};
use criterion::{
    BenchmarkGroup, Criterion, criterion_group, criterion_main, measurement::WallTime,
};
use futures_lite::future;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Waker};
use std::time::Duration;

const SLEEPS: usize = 100_000;
const CHURN: usize = 1_000_000;
const TIMEOUTS: usize = 1_000_000;

fn configure(group: &mut BenchmarkGroup<'_, WallTime>) {
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
}

fn xorshift(state: &mut u64) -> u64 {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    x
}

/// 100k random deadlines in 1..20 ms.
fn deadlines() -> Vec<Duration> {
    let mut rng = 2;
    (0..SLEEPS)
        .map(|_| Duration::from_micros(1000 + xorshift(&mut rng) % 19_000))
        .collect()
}

/// Polls once with a no-op waker.
fn poll_once<F: Future>(f: std::pin::Pin<&mut F>) -> bool {
    f.poll(&mut Context::from_waker(Waker::noop())).is_ready()
}

/// 100k tasks each sleep a random 1..20 ms; the time until all are done.
/// The ideal is the latest deadline (just under 20 ms).
fn sleep_100k(c: &mut Criterion) {
    let mut group = c.benchmark_group("time_sleep_100k");
    configure(&mut group);
    let ds = deadlines();
    let rt = ours();
    group.bench_function("runtime", |b| {
        b.iter(|| {
            let ds = ds.clone();
            rt.block_on(rt.spawn(async move {
                let hs: Vec<_> = ds
                    .into_iter()
                    .map(|d| runtime::spawn(runtime::time::sleep(d)))
                    .collect();
                for h in hs {
                    h.await.unwrap();
                }
            }))
            .unwrap()
        })
    });
    drop(rt);
    let rt = tokio();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            let ds = ds.clone();
            rt.block_on(rt.spawn(async move {
                let hs: Vec<_> = ds
                    .into_iter()
                    .map(|d| tokio::spawn(tokio::time::sleep(d)))
                    .collect();
                for h in hs {
                    h.await.unwrap();
                }
            }))
            .unwrap()
        })
    });
    drop(rt);
    let smol = Smol::new();
    group.bench_function("smol", |b| {
        b.iter(|| {
            let ds = ds.clone();
            let ex = smol.ex.clone();
            smol.block_on(async move {
                let hs: Vec<_> = ds
                    .into_iter()
                    .map(|d| {
                        ex.spawn(async move {
                            async_io::Timer::after(d).await;
                        })
                    })
                    .collect();
                for h in hs {
                    h.await;
                }
            })
        })
    });
    group.finish();
}

/// 1M sleeps created, registered (polled once) and dropped before firing.
fn churn_1m(c: &mut Criterion) {
    let mut group = c.benchmark_group("time_churn_1m");
    configure(&mut group);
    let rt = ours();
    group.bench_function("runtime", |b| {
        b.iter(|| {
            rt.block_on(rt.spawn(async {
                for i in 0..CHURN {
                    let s = pin!(runtime::time::sleep(Duration::from_millis(
                        1 + (i % 1000) as u64
                    )));
                    assert!(!poll_once(s));
                }
            }))
            .unwrap()
        })
    });
    drop(rt);
    let rt = tokio();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            rt.block_on(rt.spawn(async {
                for i in 0..CHURN {
                    let s = pin!(tokio::time::sleep(Duration::from_millis(
                        1 + (i % 1000) as u64
                    )));
                    assert!(!poll_once(s));
                }
            }))
            .unwrap()
        })
    });
    drop(rt);
    let smol = Smol::new();
    group.bench_function("smol", |b| {
        b.iter(|| {
            smol.block_on(async {
                for i in 0..CHURN {
                    let s = pin!(async_io::Timer::after(Duration::from_millis(
                        1 + (i % 1000) as u64
                    )));
                    assert!(!poll_once(s));
                }
            })
        })
    });
    group.finish();
}

/// 1M timeouts around futures that are ready at once (the common case of
/// `asyncio.wait_for`: the deadline is not reached).
fn timeout_ready(c: &mut Criterion) {
    let mut group = c.benchmark_group("time_timeout_ready");
    configure(&mut group);
    let rt = ours();
    group.bench_function("runtime", |b| {
        b.iter(|| {
            rt.block_on(rt.spawn(async {
                let mut sum = 0u64;
                for i in 0..TIMEOUTS as u64 {
                    sum += runtime::time::timeout(Duration::from_secs(1), async { i })
                        .await
                        .unwrap();
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
                let mut sum = 0u64;
                for i in 0..TIMEOUTS as u64 {
                    sum += tokio::time::timeout(Duration::from_secs(1), async { i })
                        .await
                        .unwrap();
                }
                sum
            }))
            .unwrap()
        })
    });
    drop(rt);
    let smol = Smol::new();
    group.bench_function("smol", |b| {
        b.iter(|| {
            smol.block_on(async {
                let mut sum = 0u64;
                for i in 0..TIMEOUTS as u64 {
                    // smol's idiom: race the future against a Timer.
                    sum += future::or(async { Some(i) }, async {
                        async_io::Timer::after(Duration::from_secs(1)).await;
                        None
                    })
                    .await
                    .unwrap();
                }
                sum
            })
        })
    });
    group.finish();
}

criterion_group!(time, sleep_100k, churn_1m, timeout_ready);
criterion_main!(time);
