#[runtime::main(worker_threads = 0, flavor = "threaded", start_paused = 1)]
async fn main() {}
