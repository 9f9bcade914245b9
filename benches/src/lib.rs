//! Shared helpers for the benchmarks in `benches/benches/`: the three
//! runtimes under comparison, built with the same number of workers.

use std::future::Future;
use std::sync::Arc;
use std::thread::JoinHandle;

pub mod whole_stack;

/// Worker threads for every runtime in a comparison (the machine's cores).
pub fn workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Our runtime, multi-thread, `workers()` workers.
pub fn ours() -> runtime::Runtime {
    runtime::Builder::multi_thread()
        .worker_threads(workers())
        .build()
        .unwrap()
}

/// tokio, multi-thread, `workers()` workers.
pub fn tokio() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers())
        .enable_all()
        .build()
        .unwrap()
}

/// The smol stack: an `async_executor::Executor` run on `workers()` threads
/// (as `smol` itself does), with async-io as the reactor.
pub struct Smol {
    pub ex: Arc<async_executor::Executor<'static>>,
    stop: Option<async_channel::Sender<()>>,
    threads: Vec<JoinHandle<()>>,
}

impl Smol {
    pub fn new() -> Smol {
        Smol::with_threads(workers())
    }

    /// The executor run on `threads` threads.
    pub fn with_threads(threads: usize) -> Smol {
        let ex = Arc::new(async_executor::Executor::new());
        let (stop, stopped) = async_channel::bounded::<()>(1);
        let threads = (0..threads)
            .map(|_| {
                let ex = ex.clone();
                let stopped = stopped.clone();
                std::thread::spawn(move || {
                    let _ = async_io::block_on(ex.run(stopped.recv()));
                })
            })
            .collect();
        Smol {
            ex,
            stop: Some(stop),
            threads,
        }
    }

    /// Runs `future` as a task on the executor and waits for it here.
    pub fn block_on<T: Send + 'static>(
        &self,
        future: impl Future<Output = T> + Send + 'static,
    ) -> T {
        async_io::block_on(self.ex.spawn(future))
    }
}

impl Default for Smol {
    fn default() -> Smol {
        Smol::new()
    }
}

impl Drop for Smol {
    fn drop(&mut self) {
        drop(self.stop.take());
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// Resident set size of this process, in bytes (Linux).
pub fn rss_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: usize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}
