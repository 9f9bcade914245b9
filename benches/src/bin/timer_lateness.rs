//! Timer precision and overhead: how late timers fire, for our runtime,
//! tokio and the smol stack (async-io's `Timer`), each measured in a fresh
//! process with the same number of worker threads and the same random
//! deadlines.
//!
//! * `idle`: one task sleeps 1000 times in a row, each for a random
//!   100 µs..5 ms, on an otherwise idle runtime; lateness = when the task
//!   resumed minus the deadline.
//! * `busy`: the same 1000 sleeps while one task per worker keeps every
//!   worker busy (a loop of short polls: `yield_now`); lateness under load.
//! * `100k`: 100,000 tasks each sleep a random 1..20 ms at once; lateness
//!   per timer, and the total time over the ideal (the latest deadline).
//!
//! Run: `cargo run --release -p benches --bin timer_lateness`

use benches::{Smol, ours, tokio};
use std::future::Future;
use std::pin::Pin;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const IDLE_SLEEPS: usize = 1000;
const MANY: usize = 100_000;

type Sleeper = Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

fn xorshift(state: &mut u64) -> u64 {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    x
}

/// The same pseudo-random durations for every runtime.
fn durations(n: usize, min_us: u64, max_us: u64, seed: u64) -> Vec<Duration> {
    let mut rng = seed;
    (0..n)
        .map(|_| Duration::from_micros(min_us + xorshift(&mut rng) % (max_us - min_us)))
        .collect()
}

/// Sequential sleeps in one task: lateness of each, in µs.
async fn idle(sleep: Sleeper) -> Vec<f64> {
    let mut late = Vec::with_capacity(IDLE_SLEEPS);
    for d in durations(IDLE_SLEEPS, 100, 5000, 1) {
        let deadline = Instant::now() + d;
        sleep(d).await;
        let now = Instant::now();
        assert!(now >= deadline, "a timer fired early");
        late.push((now - deadline).as_secs_f64() * 1e6);
    }
    late
}

type Yielder = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// A task that does a little work per poll and yields, until `stop`.
fn busy_loop(
    stop: Arc<AtomicBool>,
    yield_now: Yielder,
) -> Pin<Box<dyn Future<Output = ()> + Send>> {
    Box::pin(async move {
        while !stop.load(Ordering::Relaxed) {
            let mut x = 0u64;
            for i in 0..200u64 {
                x = x.wrapping_add(std::hint::black_box(i));
            }
            std::hint::black_box(x);
            yield_now().await;
        }
    })
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn report(which: &str, what: &str, mut late: Vec<f64>, extra: &str) {
    late.sort_by(f64::total_cmp);
    println!(
        "{which:>8} {what:>5}: lateness p50 {:8.1} µs  p99 {:8.1} µs  max {:8.1} µs{extra}",
        percentile(&late, 0.5),
        percentile(&late, 0.99),
        late[late.len() - 1],
    );
}

/// Measures one runtime; `spawn_all` runs the 100k test: it gets the
/// deadlines and returns lateness per timer.
fn measure(which: &str) {
    // Keep the machine from idling into deep sleep states between runs
    // differently for each runtime: a short busy warm-up.
    let warm = Instant::now();
    while warm.elapsed() < Duration::from_millis(50) {
        std::hint::spin_loop();
    }
    match which {
        "runtime" => {
            let rt = ours();
            let sleeper: Sleeper = Arc::new(|d| Box::pin(runtime::time::sleep(d)));
            let s = sleeper.clone();
            let late = rt.block_on(rt.spawn(idle(s.clone()))).unwrap();
            report(which, "idle", late, "");
            let stop = Arc::new(AtomicBool::new(false));
            let y: Yielder = Arc::new(|| Box::pin(runtime::yield_now()));
            let busy: Vec<_> = (0..benches::workers())
                .map(|_| rt.spawn(busy_loop(stop.clone(), y.clone())))
                .collect();
            let late = rt.block_on(rt.spawn(idle(s))).unwrap();
            stop.store(true, Ordering::Relaxed);
            for b in busy {
                rt.block_on(b).unwrap();
            }
            report(which, "busy", late, "");
            let (late, over) = rt
                .block_on(rt.spawn(many(sleeper, |f| {
                    let h = runtime::spawn(f);
                    Box::pin(async move { h.await.unwrap() })
                })))
                .unwrap();
            report(which, "100k", late, &over);
        }
        "tokio" => {
            let rt = tokio();
            let sleeper: Sleeper = Arc::new(|d| Box::pin(tokio::time::sleep(d)));
            let s = sleeper.clone();
            let late = rt.block_on(rt.spawn(idle(s.clone()))).unwrap();
            report(which, "idle", late, "");
            let stop = Arc::new(AtomicBool::new(false));
            let y: Yielder = Arc::new(|| Box::pin(tokio::task::yield_now()));
            let busy: Vec<_> = (0..benches::workers())
                .map(|_| rt.spawn(busy_loop(stop.clone(), y.clone())))
                .collect();
            let late = rt.block_on(rt.spawn(idle(s))).unwrap();
            stop.store(true, Ordering::Relaxed);
            for b in busy {
                rt.block_on(b).unwrap();
            }
            report(which, "busy", late, "");
            let (late, over) = rt
                .block_on(rt.spawn(many(sleeper, |f| {
                    let h = tokio::spawn(f);
                    Box::pin(async move { h.await.unwrap() })
                })))
                .unwrap();
            report(which, "100k", late, &over);
        }
        "smol" => {
            let smol = Arc::new(Smol::new());
            let sleeper: Sleeper = Arc::new(|d| {
                Box::pin(async move {
                    async_io::Timer::after(d).await;
                })
            });
            let s = sleeper.clone();
            let late = smol.block_on(idle(s.clone()));
            report(which, "idle", late, "");
            let stop = Arc::new(AtomicBool::new(false));
            let y: Yielder = Arc::new(|| Box::pin(futures_lite::future::yield_now()));
            let busy: Vec<_> = (0..benches::workers())
                .map(|_| smol.ex.spawn(busy_loop(stop.clone(), y.clone())))
                .collect();
            let late = smol.block_on(idle(s));
            stop.store(true, Ordering::Relaxed);
            for b in busy {
                smol.block_on(b);
            }
            report(which, "busy", late, "");
            let ex = smol.ex.clone();
            let (late, over) = smol.block_on(many(sleeper, move |f| {
                let t = ex.spawn(f);
                Box::pin(t)
            }));
            report(which, "100k", late, &over);
        }
        other => panic!("unknown runtime {other:?}: expected runtime, tokio or smol"),
    }
}

type Spawned = Pin<Box<dyn Future<Output = f64> + Send>>;

/// 100k concurrent sleeps: lateness of each (µs), and the total time over
/// the ideal.
async fn many(
    sleep: Sleeper,
    spawn: impl Fn(Pin<Box<dyn Future<Output = f64> + Send>>) -> Spawned,
) -> (Vec<f64>, String) {
    let ds = durations(MANY, 1000, 20_000, 2);
    let start = Instant::now();
    let latest = start + *ds.iter().max().unwrap();
    let early = Arc::new(AtomicBool::new(false));
    let handles: Vec<Spawned> = ds
        .into_iter()
        .map(|d| {
            let sleep = sleep.clone();
            let early = early.clone();
            spawn(Box::pin(async move {
                let deadline = Instant::now() + d;
                sleep(d).await;
                let now = Instant::now();
                if now < deadline {
                    early.store(true, Ordering::Relaxed);
                }
                (now.saturating_duration_since(deadline)).as_secs_f64() * 1e6
            }))
        })
        .collect();
    let mut late = Vec::with_capacity(MANY);
    for h in handles {
        late.push(h.await);
    }
    let over = Instant::now().saturating_duration_since(latest);
    assert!(!early.load(Ordering::Relaxed), "a timer fired early");
    (
        late,
        format!("  total over ideal {:7.2} ms", over.as_secs_f64() * 1e3),
    )
}

fn main() {
    if let Some(which) = std::env::args().nth(1) {
        measure(&which);
        return;
    }
    let exe = std::env::current_exe().expect("current exe");
    for which in ["runtime", "tokio", "smol"] {
        let status = Command::new(&exe)
            .arg(which)
            .status()
            .expect("run measurement");
        assert!(status.success(), "measurement of {which} failed");
    }
}
