//! Prints the benchmark table for BENCHMARKS.md from criterion's saved
//! results: the median of each measurement and, for each benchmark, the
//! ratio of ours ("runtime") to the fastest of the others.
//!
//! Run after `cargo bench -p benches`:
//! `cargo run -p benches --bin report [group ...]` (default: every group).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn criterion_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("criterion")
}

/// The median point estimate (ns) in a criterion `estimates.json`.
fn median_ns(path: &Path) -> Option<f64> {
    let text = std::fs::read_to_string(path).ok()?;
    let at = text.find("\"median\"")?;
    let rest = &text[at..];
    let key = "\"point_estimate\":";
    let start = rest.find(key)? + key.len();
    let end = rest[start..].find([',', '}'])? + start;
    rest[start..end].trim().parse().ok()
}

/// The median of one benchmark: `<bench>/new/estimates.json`, or, for a
/// benchmark with a parameter (`bench_with_input`), the first parameter's.
fn bench_median_ns(bench: &Path) -> Option<f64> {
    median_ns(&bench.join("new/estimates.json")).or_else(|| {
        let param = subdirs(bench)
            .into_iter()
            .find(|n| n != "new" && n != "base")?;
        median_ns(&bench.join(param).join("new/estimates.json"))
    })
}

fn human(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

/// Sub-directories of `dir`, sorted.
fn subdirs(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.path().is_dir())
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| n != "report")
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn main() {
    let root = criterion_dir();
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    let groups = if wanted.is_empty() {
        subdirs(&root)
    } else {
        wanted
    };
    let mut out = String::new();
    writeln!(
        out,
        "| benchmark | runtime (ours) | others (median) | ours / fastest other |"
    )
    .unwrap();
    writeln!(out, "|---|---|---|---|").unwrap();
    for group in groups {
        let dir = root.join(&group);
        let mut ours = None;
        let mut others = Vec::new();
        for name in subdirs(&dir) {
            let Some(ns) = bench_median_ns(&dir.join(&name)) else {
                continue;
            };
            if name == "runtime" {
                ours = Some(ns);
            } else {
                others.push((name, ns));
            }
        }
        let Some(ours) = ours else {
            // A group of settings of our own runtime (debug mode off/on):
            // each against the first.
            if let Some((base_name, base)) = others.first() {
                let rest: Vec<String> = others
                    .iter()
                    .skip(1)
                    .map(|(name, ns)| {
                        format!("{name} {} ({:.2}x {base_name})", human(*ns), ns / base)
                    })
                    .collect();
                writeln!(
                    out,
                    "| {group} | {base_name} {} | {} | |",
                    human(*base),
                    rest.join(", ")
                )
                .unwrap();
            }
            continue;
        };
        let fastest = others
            .iter()
            .map(|(_, ns)| *ns)
            .fold(f64::INFINITY, f64::min);
        let others_text: Vec<String> = others
            .iter()
            .map(|(name, ns)| format!("{name} {}", human(*ns)))
            .collect();
        let ratio = if fastest.is_finite() {
            format!("{:.2}", ours / fastest)
        } else {
            "-".to_string()
        };
        writeln!(
            out,
            "| {group} | {} | {} | **{ratio}** |",
            human(ours),
            others_text.join(", ")
        )
        .unwrap();
    }
    print!("{out}");
}
