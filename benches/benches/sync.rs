//! `runtime::sync` beside `tokio::sync` and the smol stack (`async-lock`,
//! `async-channel`, `event-listener`), in the same run, on the same
//! executor: only the primitive differs.
//!
//! Run: `cargo bench -p benches --bench sync`. Results and ratios are in
//! `BENCHMARKS.md` (`## sync`).
//!
//! The executor is our multi-thread runtime with 2 workers for all three
//! (the primitives are runtime-agnostic); everything executor-specific is in
//! `exec`, so measuring on another executor means editing that module only.

use std::hint::black_box;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// The shared executor. Switch these few functions to move every sync
/// benchmark onto another runtime.
mod exec {
    use std::task::Poll;

    pub type Runtime = runtime::Runtime;
    pub type JoinHandle<T> = runtime::task::JoinHandle<T>;

    /// Our multi-thread runtime with 2 workers.
    pub fn runtime() -> Runtime {
        runtime::Builder::multi_thread()
            .worker_threads(2)
            .build()
            .expect("cannot build the benchmark runtime")
    }

    pub fn block_on<F: Future>(rt: &Runtime, future: F) -> F::Output {
        rt.block_on(future)
    }

    /// Spawns a task (call from inside `block_on`).
    pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        runtime::spawn(future)
    }

    pub async fn join_all<T>(handles: Vec<JoinHandle<T>>) -> Vec<T> {
        let mut out = Vec::with_capacity(handles.len());
        for handle in handles {
            out.push(handle.await.expect("benchmark task panicked"));
        }
        out
    }

    /// Gives other tasks a turn: a plain self-wake, identical for every
    /// primitive (not tokio's, which defers the wake).
    pub async fn yield_now() {
        let mut yielded = false;
        std::future::poll_fn(|cx| {
            if yielded {
                Poll::Ready(())
            } else {
                yielded = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        })
        .await
    }
}

// ---------------------------------------------------------------- Lock ---

const UNCONTENDED_OPS: u64 = 10_000;

fn lock_uncontended(c: &mut Criterion) {
    let rt = exec::runtime();
    let mut group = c.benchmark_group("sync/lock_uncontended");
    group.throughput(Throughput::Elements(UNCONTENDED_OPS));
    group.bench_function("runtime", |b| {
        let lock = runtime::sync::Lock::new(0u64);
        b.iter(|| {
            exec::block_on(&rt, async {
                for _ in 0..UNCONTENDED_OPS {
                    *lock.lock().await += 1;
                }
            })
        });
        black_box(lock.into_inner());
    });
    group.bench_function("tokio", |b| {
        let lock = tokio::sync::Mutex::new(0u64);
        b.iter(|| {
            exec::block_on(&rt, async {
                for _ in 0..UNCONTENDED_OPS {
                    *lock.lock().await += 1;
                }
            })
        });
        black_box(lock.into_inner());
    });
    group.bench_function("async-lock", |b| {
        let lock = async_lock::Mutex::new(0u64);
        b.iter(|| {
            exec::block_on(&rt, async {
                for _ in 0..UNCONTENDED_OPS {
                    *lock.lock().await += 1;
                }
            })
        });
        black_box(lock.into_inner());
    });
    group.finish();
}

const CONTENDED_TASKS: usize = 8;
const CONTENDED_OPS: usize = 50_000;

/// 8 tasks × 50k increments of one counter behind the lock.
macro_rules! contended {
    ($rt:expr, $lock:expr) => {{
        exec::block_on($rt, async {
            let lock = Arc::new($lock);
            let tasks = (0..CONTENDED_TASKS)
                .map(|_| {
                    let lock = lock.clone();
                    exec::spawn(async move {
                        for _ in 0..CONTENDED_OPS {
                            *lock.lock().await += 1;
                        }
                    })
                })
                .collect();
            exec::join_all(tasks).await;
            assert_eq!(*lock.lock().await, CONTENDED_TASKS * CONTENDED_OPS);
        })
    }};
}

fn lock_contended(c: &mut Criterion) {
    let rt = exec::runtime();
    let mut group = c.benchmark_group("sync/lock_contended");
    group.throughput(Throughput::Elements(
        (CONTENDED_TASKS * CONTENDED_OPS) as u64,
    ));
    group.sample_size(20);
    group.bench_function("runtime", |b| {
        b.iter(|| contended!(&rt, runtime::sync::Lock::new(0usize)))
    });
    group.bench_function("tokio", |b| {
        b.iter(|| contended!(&rt, tokio::sync::Mutex::new(0usize)))
    });
    group.bench_function("async-lock", |b| {
        b.iter(|| contended!(&rt, async_lock::Mutex::new(0usize)))
    });
    group.finish();
}

// ----------------------------------------------------------- Semaphore ---

const SEM_TASKS: usize = 1_000;
const SEM_PERMITS: usize = 10;
const SEM_ROUNDS: usize = 10;

/// 1000 tasks, 10 permits: each task acquires, yields while holding the
/// permit, releases, 10 times.
macro_rules! semaphore {
    ($rt:expr, $sem:expr) => {{
        exec::block_on($rt, async {
            let sem = Arc::new($sem);
            let tasks = (0..SEM_TASKS)
                .map(|_| {
                    let sem = sem.clone();
                    exec::spawn(async move {
                        for _ in 0..SEM_ROUNDS {
                            let _permit = sem.acquire().await;
                            exec::yield_now().await;
                        }
                    })
                })
                .collect();
            exec::join_all(tasks).await;
        })
    }};
}

fn semaphore(c: &mut Criterion) {
    let rt = exec::runtime();
    let mut group = c.benchmark_group("sync/semaphore");
    group.throughput(Throughput::Elements((SEM_TASKS * SEM_ROUNDS) as u64));
    group.sample_size(20);
    group.bench_function("runtime", |b| {
        b.iter(|| semaphore!(&rt, runtime::sync::Semaphore::new(SEM_PERMITS)))
    });
    group.bench_function("tokio", |b| {
        b.iter(|| semaphore!(&rt, tokio::sync::Semaphore::new(SEM_PERMITS)))
    });
    group.bench_function("async-lock", |b| {
        b.iter(|| semaphore!(&rt, async_lock::Semaphore::new(SEM_PERMITS)))
    });
    group.finish();
}

// --------------------------------------------------------------- Queue ---

const PRODUCERS: usize = 4;
const PER_PRODUCER: usize = 250_000;
const CAPACITY: usize = 1024;
const ITEMS: usize = PRODUCERS * PER_PRODUCER;

/// `PRODUCERS` tasks put `PER_PRODUCER` items each; `$consumers` tasks take
/// `ITEMS / $consumers` each. `$make` returns (sender, receiver slot);
/// `$take` gets a consumer's receiver out of the slot (a clone, or the one
/// receiver of a single-consumer channel); `$put`/`$get` adapt the API.
macro_rules! queue_run {
    (
        $rt:expr, $consumers:expr, $make:expr,
        take: |$slot:ident| $take:expr,
        put: |$tx:ident, $item:ident| $put:expr,
        get: |$rx:ident| $get:expr $(,)?
    ) => {{
        exec::block_on($rt, async {
            #[allow(unused_mut)]
            let (tx, mut $slot) = $make;
            let mut tasks = Vec::new();
            for p in 0..PRODUCERS {
                let $tx = tx.clone();
                tasks.push(exec::spawn(async move {
                    for i in 0..PER_PRODUCER {
                        let $item = p * PER_PRODUCER + i;
                        $put;
                    }
                    0
                }));
            }
            drop(tx);
            for _ in 0..$consumers {
                #[allow(unused_mut)]
                let mut $rx = $take;
                tasks.push(exec::spawn(async move {
                    let mut sum = 0usize;
                    for _ in 0..ITEMS / $consumers {
                        sum = sum.wrapping_add($get);
                    }
                    sum
                }));
            }
            drop($slot);
            let sum = exec::join_all(tasks)
                .await
                .into_iter()
                .fold(0usize, usize::wrapping_add);
            assert_eq!(sum, (0..ITEMS).fold(0usize, usize::wrapping_add));
        })
    }};
}

fn our_queue() -> (
    Arc<runtime::sync::Queue<usize>>,
    Arc<runtime::sync::Queue<usize>>,
) {
    let queue = Arc::new(runtime::sync::Queue::new(CAPACITY));
    (queue.clone(), queue)
}

fn queue_one_consumer(c: &mut Criterion) {
    let rt = exec::runtime();
    let mut group = c.benchmark_group("sync/queue_4p_1c");
    group.throughput(Throughput::Elements(ITEMS as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(15));
    group.bench_function("runtime", |b| {
        b.iter(|| {
            queue_run!(&rt, 1, our_queue(),
                take: |q| q.clone(),
                put: |q, item| q.put(item).await.unwrap(),
                get: |q| q.get().await.unwrap())
        })
    });
    group.bench_function("tokio", |b| {
        b.iter(|| {
            queue_run!(&rt, 1, {
                    let (tx, rx) = tokio::sync::mpsc::channel(CAPACITY);
                    (tx, Some(rx))
                },
                take: |rx| rx.take().expect("one consumer"),
                put: |tx, item| tx.send(item).await.unwrap(),
                get: |rx| rx.recv().await.unwrap())
        })
    });
    group.bench_function("async-channel", |b| {
        b.iter(|| {
            queue_run!(&rt, 1, async_channel::bounded(CAPACITY),
                take: |rx| rx.clone(),
                put: |tx, item| tx.send(item).await.unwrap(),
                get: |rx| rx.recv().await.unwrap())
        })
    });
    group.finish();
}

fn queue_four_consumers(c: &mut Criterion) {
    let rt = exec::runtime();
    let mut group = c.benchmark_group("sync/queue_4p_4c");
    group.throughput(Throughput::Elements(ITEMS as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(15));
    group.bench_function("runtime", |b| {
        b.iter(|| {
            queue_run!(&rt, 4, our_queue(),
                take: |q| q.clone(),
                put: |q, item| q.put(item).await.unwrap(),
                get: |q| q.get().await.unwrap())
        })
    });
    // tokio::sync has no multi-consumer queue: nothing to compare with.
    group.bench_function("async-channel", |b| {
        b.iter(|| {
            queue_run!(&rt, 4, async_channel::bounded(CAPACITY),
                take: |rx| rx.clone(),
                put: |tx, item| tx.send(item).await.unwrap(),
                get: |rx| rx.recv().await.unwrap())
        })
    });
    group.finish();
}

// --------------------------------------------------------------- Event ---

const FAN_OUT: usize = 1_000;

/// tokio has no Event: the idiomatic one is a flag plus `Notify`.
struct TokioEvent {
    flag: AtomicBool,
    notify: tokio::sync::Notify,
}

impl TokioEvent {
    fn new() -> Self {
        Self {
            flag: AtomicBool::new(false),
            notify: tokio::sync::Notify::new(),
        }
    }

    async fn wait(&self) {
        loop {
            let mut notified = pin!(self.notify.notified());
            notified.as_mut().enable();
            if self.flag.load(Ordering::SeqCst) {
                return;
            }
            notified.await;
        }
    }

    fn set(&self) {
        self.flag.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }
}

/// The smol stack's Event: a flag plus `event_listener::Event` (what
/// async-lock builds on).
struct ListenerEvent {
    flag: AtomicBool,
    event: event_listener::Event,
}

impl ListenerEvent {
    fn new() -> Self {
        Self {
            flag: AtomicBool::new(false),
            event: event_listener::Event::new(),
        }
    }

    async fn wait(&self) {
        loop {
            if self.flag.load(Ordering::SeqCst) {
                return;
            }
            let listener = self.event.listen();
            if self.flag.load(Ordering::SeqCst) {
                return;
            }
            listener.await;
        }
    }

    fn set(&self) {
        self.flag.store(true, Ordering::SeqCst);
        self.event.notify(usize::MAX);
    }
}

/// `FAN_OUT` tasks wait for one event; a last task sets it once they all
/// started waiting.
macro_rules! fan_out {
    ($rt:expr, $event:expr) => {{
        exec::block_on($rt, async {
            let event = Arc::new($event);
            let started = Arc::new(AtomicUsize::new(0));
            let mut tasks: Vec<_> = (0..FAN_OUT)
                .map(|_| {
                    let (event, started) = (event.clone(), started.clone());
                    exec::spawn(async move {
                        started.fetch_add(1, Ordering::SeqCst);
                        event.wait().await;
                    })
                })
                .collect();
            let setter = {
                let event = event.clone();
                exec::spawn(async move {
                    while started.load(Ordering::SeqCst) < FAN_OUT {
                        exec::yield_now().await;
                    }
                    event.set();
                })
            };
            tasks.push(setter);
            exec::join_all(tasks).await;
        })
    }};
}

fn event_fan_out(c: &mut Criterion) {
    let rt = exec::runtime();
    let mut group = c.benchmark_group("sync/event_fan_out");
    group.throughput(Throughput::Elements(FAN_OUT as u64));
    group.bench_function(BenchmarkId::new("runtime", FAN_OUT), |b| {
        b.iter(|| fan_out!(&rt, runtime::sync::Event::new()))
    });
    group.bench_function(BenchmarkId::new("tokio", FAN_OUT), |b| {
        b.iter(|| fan_out!(&rt, TokioEvent::new()))
    });
    group.bench_function(BenchmarkId::new("event-listener", FAN_OUT), |b| {
        b.iter(|| fan_out!(&rt, ListenerEvent::new()))
    });
    group.finish();
}

criterion_group!(
    benches,
    lock_uncontended,
    lock_contended,
    semaphore,
    queue_one_consumer,
    queue_four_consumers,
    event_fan_out
);
criterion_main!(benches);
