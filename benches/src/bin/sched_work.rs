//! A fixed amount of scheduler work on a current_thread runtime, for
//! instruction counts under `valgrind --tool=callgrind` (repeatable where
//! wall-clock timings on a shared machine are not). Used to measure what
//! the always-on task bookkeeping and debug mode cost.
//!
//! `valgrind --tool=callgrind target/release/sched_work [debug]`

fn main() {
    let debug = std::env::args().nth(1).as_deref() == Some("debug");
    let mut builder = runtime::Builder::current_thread();
    if debug {
        builder.slow_poll_threshold(std::time::Duration::from_secs(3600));
    }
    let rt = builder.build().unwrap();
    rt.block_on(async {
        // spawn_many: 20k tasks spawned from a task and awaited.
        let handles: Vec<_> = (0..20_000).map(|_| runtime::spawn(async {})).collect();
        for h in handles {
            h.await.unwrap();
        }
        // yield_many: 200 tasks x 100 yields.
        let handles: Vec<_> = (0..200)
            .map(|_| {
                runtime::spawn(async {
                    for _ in 0..100 {
                        runtime::yield_now().await;
                    }
                })
            })
            .collect();
        for h in handles {
            h.await.unwrap();
        }
    });
}
