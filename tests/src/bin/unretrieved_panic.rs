//! Helper for `rt_debug.rs`: in debug mode, a task that panics after its
//! JoinHandle was dropped is reported on stderr.

fn main() {
    let rt = runtime::Builder::multi_thread()
        .worker_threads(1)
        .slow_poll_threshold(std::time::Duration::from_secs(60))
        .build()
        .unwrap();
    std::panic::set_hook(Box::new(|_| {})); // keep stderr to the runtime's report
    drop(rt.spawn(async { panic!("nobody is listening") }));
    rt.block_on(async {
        for _ in 0..100 {
            runtime::yield_now().await;
        }
    });
}
