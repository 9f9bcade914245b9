//! Scheduler benchmarks: our runtime beside tokio and the smol stack
//! (async-executor on the same number of threads), in one run.
//!
//! Run: `cargo bench -p benches --bench rt`
//!
//! Every comparison uses the same worker count (the machine's cores) and,
//! where tasks talk to each other, the same runtime-agnostic channel
//! (async-channel), so only the scheduler differs.

use benches::{Smol, ours, tokio};
use criterion::{
    BenchmarkGroup, Criterion, criterion_group, criterion_main, measurement::WallTime,
};
use std::time::Duration;

const SPAWN_MANY: usize = 100_000;
const YIELD_TASKS: usize = 1_000;
const YIELDS: usize = 200;
const CHAIN_DEPTH: usize = 10_000;
const PAIRS: usize = 1_000;
const ROUND_TRIPS: usize = 100;

fn configure(group: &mut BenchmarkGroup<'_, WallTime>) {
    group.sample_size(20);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(4));
}

fn spawn_many(c: &mut Criterion) {
    let mut group = c.benchmark_group("spawn_many");
    configure(&mut group);
    let rt = ours();
    group.bench_function("runtime", |b| {
        b.iter(|| {
            rt.block_on(rt.spawn(async {
                let handles: Vec<_> = (0..SPAWN_MANY).map(|_| runtime::spawn(async {})).collect();
                for h in handles {
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
            rt.block_on(rt.spawn(async {
                let handles: Vec<_> = (0..SPAWN_MANY).map(|_| tokio::spawn(async {})).collect();
                for h in handles {
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
            let ex = smol.ex.clone();
            smol.block_on(async move {
                let handles: Vec<_> = (0..SPAWN_MANY).map(|_| ex.spawn(async {})).collect();
                for h in handles {
                    h.await;
                }
            })
        })
    });
    group.finish();
}

fn spawn_remote(c: &mut Criterion) {
    let mut group = c.benchmark_group("spawn_remote");
    configure(&mut group);
    let rt = ours();
    group.bench_function("runtime", |b| {
        b.iter(|| {
            let handles: Vec<_> = (0..SPAWN_MANY).map(|_| rt.spawn(async {})).collect();
            rt.block_on(async {
                for h in handles {
                    h.await.unwrap();
                }
            })
        })
    });
    drop(rt);
    let rt = tokio();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            let handles: Vec<_> = (0..SPAWN_MANY).map(|_| rt.spawn(async {})).collect();
            rt.block_on(async {
                for h in handles {
                    h.await.unwrap();
                }
            })
        })
    });
    drop(rt);
    let smol = Smol::new();
    group.bench_function("smol", |b| {
        b.iter(|| {
            let handles: Vec<_> = (0..SPAWN_MANY).map(|_| smol.ex.spawn(async {})).collect();
            async_io::block_on(async {
                for h in handles {
                    h.await;
                }
            })
        })
    });
    group.finish();
}

fn yield_many(c: &mut Criterion) {
    let mut group = c.benchmark_group("yield_many");
    configure(&mut group);
    let rt = ours();
    group.bench_function("runtime", |b| {
        b.iter(|| {
            rt.block_on(rt.spawn(async {
                let handles: Vec<_> = (0..YIELD_TASKS)
                    .map(|_| {
                        runtime::spawn(async {
                            for _ in 0..YIELDS {
                                runtime::yield_now().await;
                            }
                        })
                    })
                    .collect();
                for h in handles {
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
            rt.block_on(rt.spawn(async {
                let handles: Vec<_> = (0..YIELD_TASKS)
                    .map(|_| {
                        tokio::spawn(async {
                            for _ in 0..YIELDS {
                                tokio::task::yield_now().await;
                            }
                        })
                    })
                    .collect();
                for h in handles {
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
            let ex = smol.ex.clone();
            smol.block_on(async move {
                let handles: Vec<_> = (0..YIELD_TASKS)
                    .map(|_| {
                        ex.spawn(async {
                            for _ in 0..YIELDS {
                                futures_lite::future::yield_now().await;
                            }
                        })
                    })
                    .collect();
                for h in handles {
                    h.await;
                }
            })
        })
    });
    group.finish();
}

fn chained_spawn(c: &mut Criterion) {
    fn ours_chain(left: usize, done: async_channel::Sender<()>) {
        if left == 0 {
            let _ = done.try_send(());
        } else {
            drop(runtime::spawn(async move { ours_chain(left - 1, done) }));
        }
    }
    fn tokio_chain(left: usize, done: async_channel::Sender<()>) {
        if left == 0 {
            let _ = done.try_send(());
        } else {
            drop(tokio::spawn(async move { tokio_chain(left - 1, done) }));
        }
    }
    fn smol_chain(
        ex: std::sync::Arc<async_executor::Executor<'static>>,
        left: usize,
        done: async_channel::Sender<()>,
    ) {
        if left == 0 {
            let _ = done.try_send(());
        } else {
            let next = ex.clone();
            ex.spawn(async move { smol_chain(next, left - 1, done) })
                .detach();
        }
    }

    let mut group = c.benchmark_group("chained_spawn");
    configure(&mut group);
    let rt = ours();
    group.bench_function("runtime", |b| {
        b.iter(|| {
            rt.block_on(rt.spawn(async {
                let (tx, rx) = async_channel::bounded(1);
                ours_chain(CHAIN_DEPTH, tx);
                rx.recv().await.unwrap();
            }))
            .unwrap()
        })
    });
    drop(rt);
    let rt = tokio();
    group.bench_function("tokio", |b| {
        b.iter(|| {
            rt.block_on(rt.spawn(async {
                let (tx, rx) = async_channel::bounded(1);
                tokio_chain(CHAIN_DEPTH, tx);
                rx.recv().await.unwrap();
            }))
            .unwrap()
        })
    });
    drop(rt);
    let smol = Smol::new();
    group.bench_function("smol", |b| {
        b.iter(|| {
            let ex = smol.ex.clone();
            smol.block_on(async move {
                let (tx, rx) = async_channel::bounded(1);
                smol_chain(ex, CHAIN_DEPTH, tx);
                rx.recv().await.unwrap();
            })
        })
    });
    group.finish();
}

/// One pair: `ROUND_TRIPS` messages there and back over bounded(1)
/// channels.
async fn ping(tx: async_channel::Sender<()>, rx: async_channel::Receiver<()>) {
    for _ in 0..ROUND_TRIPS {
        tx.send(()).await.unwrap();
        rx.recv().await.unwrap();
    }
}

async fn pong(tx: async_channel::Sender<()>, rx: async_channel::Receiver<()>) {
    for _ in 0..ROUND_TRIPS {
        rx.recv().await.unwrap();
        tx.send(()).await.unwrap();
    }
}

fn ping_pong(c: &mut Criterion) {
    type Ends = (async_channel::Sender<()>, async_channel::Receiver<()>);
    fn channels() -> (Ends, Ends) {
        let (a_tx, b_rx) = async_channel::bounded(1);
        let (b_tx, a_rx) = async_channel::bounded(1);
        ((a_tx, a_rx), (b_tx, b_rx))
    }

    let mut group = c.benchmark_group("ping_pong");
    configure(&mut group);
    let rt = ours();
    group.bench_function("runtime", |b| {
        b.iter(|| {
            rt.block_on(rt.spawn(async {
                let mut handles = Vec::with_capacity(2 * PAIRS);
                for _ in 0..PAIRS {
                    let ((a_tx, a_rx), (b_tx, b_rx)) = channels();
                    handles.push(runtime::spawn(ping(a_tx, a_rx)));
                    handles.push(runtime::spawn(pong(b_tx, b_rx)));
                }
                for h in handles {
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
            rt.block_on(rt.spawn(async {
                let mut handles = Vec::with_capacity(2 * PAIRS);
                for _ in 0..PAIRS {
                    let ((a_tx, a_rx), (b_tx, b_rx)) = channels();
                    handles.push(tokio::spawn(ping(a_tx, a_rx)));
                    handles.push(tokio::spawn(pong(b_tx, b_rx)));
                }
                for h in handles {
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
            let ex = smol.ex.clone();
            smol.block_on(async move {
                let mut handles = Vec::with_capacity(2 * PAIRS);
                for _ in 0..PAIRS {
                    let ((a_tx, a_rx), (b_tx, b_rx)) = channels();
                    handles.push(ex.spawn(ping(a_tx, a_rx)));
                    handles.push(ex.spawn(pong(b_tx, b_rx)));
                }
                for h in handles {
                    h.await;
                }
            })
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    spawn_many,
    spawn_remote,
    yield_many,
    chained_spawn,
    ping_pong
);
criterion_main!(benches);
