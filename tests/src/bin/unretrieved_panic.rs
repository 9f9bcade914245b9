//! Helper for `rt_debug.rs`: in debug mode, a task that panics after its
//! JoinHandle was dropped is reported on stderr.

fn main() {
    // current_thread: the loop runs the task between the two polls of the
    // main future, so the panic surely happens before the runtime closes.
    let rt = runtime::Builder::current_thread()
        .slow_poll_threshold(std::time::Duration::from_secs(60))
        .build()
        .unwrap();
    std::panic::set_hook(Box::new(|_| {})); // keep stderr to the runtime's report
    drop(rt.spawn(async { panic!("nobody is listening") }));
    rt.block_on(runtime::yield_now());
}
