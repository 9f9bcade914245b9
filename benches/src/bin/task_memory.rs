//! Memory per idle task: resident-set growth per task for 100k pending
//! tasks, for our runtime, tokio and the smol stack, each measured in a
//! fresh process (so no runtime reuses memory another one freed).
//!
//! Run: `cargo run --release -p benches --bin task_memory`

use benches::{Smol, ours, rss_bytes, tokio};
use std::process::Command;
use std::time::Duration;

const TASKS: usize = 100_000;

/// An idle task: waits forever on a future that never wakes it.
async fn idle() {
    std::future::pending::<()>().await;
}

/// Lets every spawned task get its first poll.
fn settle() {
    std::thread::sleep(Duration::from_millis(300));
}

/// Spawns the tasks on one runtime and prints bytes per task.
fn measure(which: &str) {
    let (before, after) = match which {
        "runtime" => {
            let rt = ours();
            rt.block_on(async {});
            let before = rss_bytes();
            let handles: Vec<_> = (0..TASKS).map(|_| rt.spawn(idle())).collect();
            settle();
            let after = rss_bytes();
            drop(handles);
            (before, after)
        }
        "tokio" => {
            let rt = tokio();
            rt.block_on(async {});
            let before = rss_bytes();
            let handles: Vec<_> = (0..TASKS).map(|_| rt.spawn(idle())).collect();
            settle();
            let after = rss_bytes();
            drop(handles);
            (before, after)
        }
        "smol" => {
            let smol = Smol::new();
            smol.block_on(async {});
            let before = rss_bytes();
            let handles: Vec<_> = (0..TASKS).map(|_| smol.ex.spawn(idle())).collect();
            settle();
            let after = rss_bytes();
            drop(handles);
            (before, after)
        }
        other => panic!("unknown runtime {other:?}: expected runtime, tokio or smol"),
    };
    let per_task = after.saturating_sub(before) as f64 / TASKS as f64;
    println!("{which:>8}: {per_task:6.1} bytes per idle task ({TASKS} tasks)");
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
