//! Helper for `rt_thread_hooks.rs`: hooks that panic are reported on
//! stderr, and the threads they panicked on still run their work.

fn main() {
    std::panic::set_hook(Box::new(|_| {})); // keep stderr to the runtime's report
    let rt = runtime::Builder::multi_thread()
        .worker_threads(1)
        .thread_name_fn(|i| format!("hooked-{i}"))
        .on_thread_start(|| panic!("no database for this thread"))
        .on_thread_stop(|| panic!("cleanup failed"))
        .build()
        .unwrap();
    let (task, blocking) = rt.block_on(async {
        let task = runtime::spawn(async { 42 }).await.unwrap();
        let blocking = runtime::spawn_blocking(|| 7).await.unwrap();
        (task, blocking)
    });
    println!("task: {task}");
    println!("blocking: {blocking}");
}
