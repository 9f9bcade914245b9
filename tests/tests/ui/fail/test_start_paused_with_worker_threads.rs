#[runtime::test(worker_threads = 2, start_paused = true)]
async fn paused_on_workers() {}

#[runtime::test(flavor = "multi_thread", start_paused = false)]
async fn paused_multi_thread() {}

fn main() {}
