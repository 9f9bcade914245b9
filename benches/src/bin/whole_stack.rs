//! Whole-stack comparison (issue 15): our runtime, tokio and the smol stack,
//! each with its own executor and primitives, each measurement in a fresh
//! process, repetitions interleaved (ours/tokio/smol alternated, the order
//! rotated every repetition), medians and spread printed as Markdown tables.
//!
//! Run everything (the table, then the scaling runs):
//!
//! ```sh
//! cargo run --release -p benches --bin whole_stack
//! ```
//!
//! Options: `--reps N` (default 5), `--workers N` (default 2),
//! `--only queue,timers` (a subset of the workloads), `--no-scaling`,
//! `--scaling-only`, `--threads-load NAME` (the workload of the
//! worker-threads scaling run, default `ping_pong`). One measurement by hand:
//! `whole_stack --child ours queue 2`.
//!
//! `WHOLE_STACK_METRICS=1 whole_stack --child ours WORKLOAD 2` also prints
//! our runtime's counters (polls, parks, unparks, steals, timers fired) to
//! stderr.
//!
//! `--callgrind` counts instructions instead of timing (each measurement
//! under `valgrind --tool=callgrind`, one round, table only): repeatable on
//! a loaded machine, where wall-clock time is not. Under valgrind the
//! threads run one at a time, so contention and cross-core traffic do not
//! show, and `timers` fire late (its count is not comparable to the others').
//!
//! The workloads themselves are in `benches/src/whole_stack/`.

use benches::whole_stack::{self, Outcome, WORKLOADS};
use std::process::Command;

const RUNTIMES: [&str; 3] = ["ours", "tokio", "smol"];
const SIZES: [usize; 4] = [1_000, 10_000, 100_000, 1_000_000];
const THREADS: [usize; 4] = [1, 2, 4, 8];

struct Options {
    reps: usize,
    workers: usize,
    only: Option<Vec<String>>,
    table: bool,
    scaling: bool,
    threads_load: String,
    callgrind: bool,
}

fn parse() -> Options {
    let mut o = Options {
        reps: 5,
        workers: 2,
        only: None,
        table: true,
        scaling: true,
        threads_load: "ping_pong".into(),
        callgrind: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| {
            args.next().unwrap_or_else(|| {
                panic!("{name} needs a value (see the doc at the top of whole_stack.rs)")
            })
        };
        match a.as_str() {
            "--reps" => o.reps = value("--reps").parse().expect("--reps takes a number"),
            "--workers" => {
                o.workers = value("--workers")
                    .parse()
                    .expect("--workers takes a number")
            }
            "--only" => o.only = Some(value("--only").split(',').map(str::to_owned).collect()),
            "--threads-load" => o.threads_load = value("--threads-load"),
            "--no-scaling" => o.scaling = false,
            "--scaling-only" => o.table = false,
            "--callgrind" => o.callgrind = true,
            other => panic!(
                "unknown option {other:?}: expected --reps N, --workers N, --only a,b, \
                 --threads-load NAME, --no-scaling, --scaling-only, or --child RUNTIME WORKLOAD WORKERS [SIZE]"
            ),
        }
    }
    assert!(o.reps > 0, "--reps must be at least 1");
    o
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        return child(&args[2..]);
    }
    let o = parse();
    if o.callgrind {
        return instructions(&o);
    }
    if o.table {
        table(&o);
    }
    if o.scaling {
        scaling(&o);
    }
}

/// One measurement, in this process: prints `time_ns N` or
/// `bytes_per_task X`.
fn child(args: &[String]) {
    let [runtime, workload, workers, rest @ ..] = args else {
        panic!("usage: whole_stack --child RUNTIME WORKLOAD WORKERS [SIZE]");
    };
    let workers = workers.parse().expect("WORKERS is a number");
    let size = rest.first().map(|s| s.parse().expect("SIZE is a number"));
    match whole_stack::run(runtime, workload, workers, size) {
        Outcome::Time(t) => println!("time_ns {}", t.as_nanos()),
        Outcome::BytesPerTask(b) => println!("bytes_per_task {b:.1}"),
    }
}

/// Runs one measurement in a fresh process and returns its number
/// (nanoseconds, or bytes per task).
fn measure(runtime: &str, workload: &str, workers: usize, size: Option<usize>) -> f64 {
    let exe = std::env::current_exe().expect("cannot find this executable");
    let mut cmd = Command::new(exe);
    cmd.args(["--child", runtime, workload, &workers.to_string()]);
    if let Some(size) = size {
        cmd.arg(size.to_string());
    }
    let out = cmd.output().expect("cannot start a measurement process");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{runtime} {workload} (workers {workers}, size {size:?}) failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value = stdout
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("unexpected output from {runtime} {workload}: {stdout:?}"));
    eprint!(".");
    value
}

/// Instructions of one measurement, counted by callgrind.
fn count_instructions(runtime: &str, workload: &str, workers: usize) -> f64 {
    let exe = std::env::current_exe().expect("cannot find this executable");
    let out = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(exe)
        .args(["--child", runtime, workload, &workers.to_string()])
        .output()
        .expect("cannot start valgrind: install it (apt-get install valgrind)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{runtime} {workload} under callgrind failed: {stderr}"
    );
    let collected = stderr
        .lines()
        .find_map(|l| l.split("Collected :").nth(1))
        .unwrap_or_else(|| panic!("no instruction count from callgrind: {stderr}"));
    eprint!(".");
    collected
        .trim()
        .parse()
        .expect("callgrind's count is a number")
}

/// The table in instructions (whole process: runtime start and stop
/// included, the same for every workload of a runtime).
fn instructions(o: &Options) {
    println!(
        "
instructions (callgrind, whole process, {} workers), millions
",
        o.workers
    );
    println!("| workload | ours | tokio | smol | ours ÷ best peer |");
    println!("|---|---|---|---|---|");
    for (w, _) in WORKLOADS {
        if o.only
            .as_ref()
            .is_some_and(|only| !only.iter().any(|x| x == w))
        {
            continue;
        }
        let c: Vec<f64> = RUNTIMES
            .iter()
            .map(|r| count_instructions(r, w, o.workers))
            .collect();
        println!(
            "| {w} | {:.1} | {:.1} | {:.1} | **{:.2}** |",
            c[0] / 1e6,
            c[1] / 1e6,
            c[2] / 1e6,
            c[0] / c[1].min(c[2])
        );
    }
}

/// `reps` interleaved rounds: in round r the runtimes run in an order
/// rotated by r, so none always goes first. Returns samples[case][runtime].
fn rounds(reps: usize, cases: &[(String, usize, Option<usize>)]) -> Vec<[Vec<f64>; 3]> {
    let mut samples: Vec<[Vec<f64>; 3]> = cases.iter().map(|_| Default::default()).collect();
    for r in 0..reps {
        for (c, (workload, workers, size)) in cases.iter().enumerate() {
            for k in 0..3 {
                let i = (k + r) % 3;
                samples[c][i].push(measure(RUNTIMES[i], workload, *workers, *size));
            }
        }
        eprintln!(" round {}/{reps}", r + 1);
    }
    samples
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

fn min_max(v: &[f64]) -> (f64, f64) {
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (min, max)
}

/// Medians' ratio ours ÷ the faster peer, and the range of the same ratio
/// taken round by round (the runs of one round ran back to back).
fn ratios(s: &[Vec<f64>; 3]) -> (f64, f64, f64) {
    let median_ratio = median(&s[0]) / median(&s[1]).min(median(&s[2]));
    let per_round: Vec<f64> = (0..s[0].len())
        .map(|r| s[0][r] / s[1][r].min(s[2][r]))
        .collect();
    let (lo, hi) = min_max(&per_round);
    (median_ratio, lo, hi)
}

fn ms_cell(v: &[f64]) -> String {
    let (lo, hi) = min_max(v);
    format!(
        "{:.1} ms ({:.1}–{:.1})",
        median(v) / 1e6,
        lo / 1e6,
        hi / 1e6
    )
}

fn table(o: &Options) {
    let cases: Vec<(String, usize, Option<usize>)> = WORKLOADS
        .iter()
        .map(|(w, _)| w.to_string())
        .filter(|w| o.only.as_ref().is_none_or(|only| only.contains(w)))
        .map(|w| (w, o.workers, None))
        .collect();
    let samples = rounds(o.reps, &cases);
    println!(
        "\n{} workers, {} interleaved rounds, fresh process per measurement; median (min–max)\n",
        o.workers, o.reps
    );
    println!("| workload | ours | tokio | smol | ours ÷ best peer | per round |");
    println!("|---|---|---|---|---|---|");
    for ((w, ..), s) in cases.iter().zip(&samples) {
        let (r, lo, hi) = ratios(s);
        println!(
            "| {w} | {} | {} | {} | **{r:.2}** | {lo:.2}–{hi:.2} |",
            ms_cell(&s[0]),
            ms_cell(&s[1]),
            ms_cell(&s[2])
        );
    }
}

fn scaling(o: &Options) {
    // spawn_many: nanoseconds per task at each size.
    let cases: Vec<_> = SIZES
        .iter()
        .map(|&n| ("spawn_many".to_string(), o.workers, Some(n)))
        .collect();
    let samples = rounds(o.reps, &cases);
    println!("\nspawn_many, ns per task (spawn + await), median (min–max)\n");
    println!("| tasks | ours | tokio | smol | ours ÷ best peer |");
    println!("|---|---|---|---|---|");
    for (&n, s) in SIZES.iter().zip(&samples) {
        let cell = |v: &[f64]| {
            let (lo, hi) = min_max(v);
            let per = |x: f64| x / n as f64;
            format!("{:.0} ({:.0}–{:.0})", per(median(v)), per(lo), per(hi))
        };
        let (r, ..) = ratios(s);
        println!(
            "| {n} | {} | {} | {} | **{r:.2}** |",
            cell(&s[0]),
            cell(&s[1]),
            cell(&s[2])
        );
    }

    // Idle memory: bytes per pending task at each size.
    let cases: Vec<_> = SIZES
        .iter()
        .map(|&n| ("idle_memory".to_string(), o.workers, Some(n)))
        .collect();
    let samples = rounds(o.reps, &cases);
    println!("\nidle memory, resident-set growth per pending task in bytes, median (min–max)\n");
    println!("| tasks | ours | tokio | smol | ours ÷ best peer |");
    println!("|---|---|---|---|---|");
    for (&n, s) in SIZES.iter().zip(&samples) {
        let cell = |v: &[f64]| {
            let (lo, hi) = min_max(v);
            format!("{:.0} ({:.0}–{:.0})", median(v), lo, hi)
        };
        let (r, ..) = ratios(s);
        println!(
            "| {n} | {} | {} | {} | **{r:.2}** |",
            cell(&s[0]),
            cell(&s[1]),
            cell(&s[2])
        );
    }

    // Worker threads.
    let cases: Vec<_> = THREADS
        .iter()
        .map(|&t| (o.threads_load.clone(), t, None))
        .collect();
    let samples = rounds(o.reps, &cases);
    println!("\n{} by worker threads, median (min–max)\n", o.threads_load);
    println!("| workers | ours | tokio | smol | ours ÷ best peer |");
    println!("|---|---|---|---|---|");
    for (&t, s) in THREADS.iter().zip(&samples) {
        let (r, ..) = ratios(s);
        println!(
            "| {t} | {} | {} | {} | **{r:.2}** |",
            ms_cell(&s[0]),
            ms_cell(&s[1]),
            ms_cell(&s[2])
        );
    }
}
