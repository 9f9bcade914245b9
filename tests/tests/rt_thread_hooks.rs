//! `Builder::on_thread_start` / `on_thread_stop`: run on every worker and
//! blocking-pool thread, on that thread, at its start and at its exit
//! (shutdown, or a blocking thread's keep-alive running out); a panicking
//! hook is reported clearly and costs no thread.

use std::collections::HashSet;
use std::sync::mpsc;
use std::sync::{Arc, Barrier, Mutex};
use std::thread::ThreadId;
use std::time::Duration;

/// The threads each hook ran on, in order.
#[derive(Clone, Default)]
struct Record {
    started: Arc<Mutex<Vec<ThreadId>>>,
    stopped: Arc<Mutex<Vec<ThreadId>>>,
}

impl Record {
    fn hooked(&self, builder: &mut runtime::Builder) {
        let started = self.started.clone();
        let stopped = self.stopped.clone();
        builder
            .on_thread_start(move || started.lock().unwrap().push(std::thread::current().id()))
            .on_thread_stop(move || stopped.lock().unwrap().push(std::thread::current().id()));
    }

    fn started(&self) -> Vec<ThreadId> {
        self.started.lock().unwrap().clone()
    }

    fn stopped(&self) -> Vec<ThreadId> {
        self.stopped.lock().unwrap().clone()
    }
}

fn as_set(ids: &[ThreadId]) -> HashSet<ThreadId> {
    ids.iter().copied().collect()
}

#[test]
fn every_worker_and_blocking_thread_runs_both_hooks_once() {
    const WORKERS: usize = 3;
    const BLOCKING: usize = 4;
    let record = Record::default();
    let mut builder = runtime::Builder::multi_thread();
    builder.worker_threads(WORKERS);
    record.hooked(&mut builder);
    let rt = builder.build().unwrap();

    let ran_on = rt.block_on(async {
        // Tasks on every worker: record where they ran.
        let tasks: Vec<_> = (0..64)
            .map(|_| {
                runtime::spawn(async {
                    runtime::yield_now().await;
                    std::thread::current().id()
                })
            })
            .collect();
        let mut ran_on: Vec<ThreadId> = runtime::task::gather(tasks)
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        // BLOCKING closures that wait for each other: BLOCKING threads.
        let barrier = Arc::new(Barrier::new(BLOCKING));
        let blocking: Vec<_> = (0..BLOCKING)
            .map(|_| {
                let barrier = barrier.clone();
                runtime::spawn_blocking(move || {
                    barrier.wait();
                    std::thread::current().id()
                })
            })
            .collect();
        ran_on.extend(
            runtime::task::gather(blocking)
                .await
                .into_iter()
                .map(Result::unwrap),
        );
        ran_on
    });
    assert!(record.stopped().is_empty(), "no thread has exited yet");

    drop(rt); // shutdown waits for every thread, and for its stop hook
    // (Counted after the shutdown: a worker may not have been scheduled by
    // the OS yet while the tasks ran on the others.)
    let started = record.started();
    assert_eq!(started.len(), WORKERS + BLOCKING, "one start per thread");
    assert_eq!(
        as_set(&started).len(),
        WORKERS + BLOCKING,
        "each on its own thread"
    );
    let main = std::thread::current().id();
    assert!(
        !started.contains(&main),
        "block_on's thread is the caller's"
    );
    for id in &ran_on {
        assert!(
            *id == main || started.contains(id),
            "a task or closure ran on a thread whose start hook did not run"
        );
    }
    let stopped = record.stopped();
    assert_eq!(stopped.len(), WORKERS + BLOCKING, "one stop per thread");
    assert_eq!(as_set(&stopped), as_set(&started), "stopped where started");
}

#[test]
fn a_current_thread_runtime_hooks_its_blocking_threads_only() {
    let record = Record::default();
    let mut builder = runtime::Builder::current_thread();
    record.hooked(&mut builder);
    let rt = builder.build().unwrap();
    let blocking_thread = rt.block_on(async {
        runtime::spawn_blocking(|| std::thread::current().id())
            .await
            .unwrap()
    });
    assert_eq!(record.started(), [blocking_thread]);
    drop(rt);
    assert_eq!(record.stopped(), [blocking_thread]);
}

#[test]
fn hooks_run_inside_the_runtime() {
    let (tx, rx) = mpsc::channel();
    let rt = runtime::Builder::multi_thread()
        .worker_threads(1)
        .on_thread_start(move || {
            let handle = runtime::Handle::try_current();
            tx.send(handle.map(|h| h.metrics().num_workers())).unwrap();
        })
        .build()
        .unwrap();
    assert_eq!(rx.recv().unwrap(), Some(1));
    drop(rt);
}

#[test]
fn a_blocking_thread_that_idles_out_runs_its_stop_hook() {
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let rt = runtime::Builder::current_thread()
        .thread_keep_alive(Duration::from_millis(1))
        .on_thread_stop(move || {
            tx.lock()
                .unwrap()
                .send(std::thread::current().id())
                .unwrap();
        })
        .build()
        .unwrap();
    let id = rt.block_on(async {
        runtime::spawn_blocking(|| std::thread::current().id())
            .await
            .unwrap()
    });
    // The runtime stays up; the idle thread exits on its own and says so.
    assert_eq!(rx.recv().unwrap(), id);
    drop(rt);
}

#[test]
fn a_panicking_hook_is_reported_and_the_runtime_carries_on() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_thread_hook_panic"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    // The work still got done, on the threads whose hooks panicked.
    assert_eq!(stdout, "task: 42\nblocking: 7\n");
    // One worker and one blocking thread (both named by thread_name_fn):
    // each reports its start hook's panic and its stop hook's.
    let start = "runtime: the on_thread_start hook (Builder::on_thread_start) panicked on \
                 thread 'hooked-0': no database for this thread.";
    let stop = "runtime: the on_thread_stop hook (Builder::on_thread_stop) panicked on \
                thread 'hooked-0': cleanup failed.";
    assert_eq!(stderr.matches(start).count(), 2, "{stderr}");
    assert_eq!(stderr.matches(stop).count(), 2, "{stderr}");
    assert!(stderr.contains("a hook must not panic"), "{stderr}");
}
