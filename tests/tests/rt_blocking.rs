//! The blocking pool behind spawn_blocking.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;
use tests::{all_runtimes, multi, panic_message};

#[test]
fn spawn_blocking_returns_the_value() {
    for (name, rt) in all_runtimes() {
        let out = rt.block_on(async { runtime::spawn_blocking(|| 6 * 7).await.unwrap() });
        assert_eq!(out, 42, "{name}");
    }
}

#[test]
fn blocking_work_does_not_occupy_workers() {
    // One worker; a blocking task waits for a signal only an async task on
    // that worker can give. If spawn_blocking ran on the worker, this would
    // deadlock.
    let rt = multi(1);
    rt.block_on(async {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let blocking = runtime::spawn_blocking(move || rx.recv().unwrap());
        let signaller = runtime::spawn(async move { tx.send(()).unwrap() });
        signaller.await.unwrap();
        blocking.await.unwrap();
    });
}

#[test]
fn pool_grows_to_run_blocking_tasks_in_parallel() {
    // Eight tasks that each wait for all eight to arrive: only possible if
    // eight threads run them at once.
    let rt = runtime::Builder::multi_thread()
        .worker_threads(1)
        .max_blocking_threads(8)
        .build()
        .unwrap();
    let barrier = Arc::new(Barrier::new(8));
    rt.block_on(async {
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let barrier = barrier.clone();
                runtime::spawn_blocking(move || {
                    barrier.wait();
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    });
    assert_eq!(rt.handle().metrics().num_blocking_threads(), 8);
}

#[test]
fn pool_never_exceeds_its_cap() {
    let rt = runtime::Builder::multi_thread()
        .worker_threads(1)
        .max_blocking_threads(2)
        .build()
        .unwrap();
    let running = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    rt.block_on(async {
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let (running, peak) = (running.clone(), peak.clone());
                runtime::spawn_blocking(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(1));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    });
    assert!(peak.load(Ordering::SeqCst) <= 2);
    assert!(rt.handle().metrics().num_blocking_threads() <= 2);
}

#[test]
fn idle_threads_exit_after_keep_alive() {
    let rt = runtime::Builder::multi_thread()
        .worker_threads(1)
        .thread_keep_alive(Duration::from_millis(20))
        .build()
        .unwrap();
    rt.block_on(async {
        let tasks: Vec<_> = (0..4).map(|_| runtime::spawn_blocking(|| ())).collect();
        for t in tasks {
            t.await.unwrap();
        }
    });
    assert!(rt.handle().metrics().num_blocking_threads() >= 1);
    // Wait (polling, no fixed sleep threshold) for the pool to shrink to 0.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while rt.handle().metrics().num_blocking_threads() > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "idle blocking threads never exited"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    // And the pool starts threads again on demand.
    assert_eq!(rt.block_on(rt.spawn_blocking(|| 5)).unwrap(), 5);
}

#[test]
fn panic_in_blocking_closure_is_a_join_error() {
    let rt = multi(1);
    let err = rt
        .block_on(rt.spawn_blocking(|| -> () { panic!("blocking boom") }))
        .unwrap_err();
    assert!(err.is_panic());
    assert_eq!(panic_message(&*err.into_panic()), "blocking boom");
    assert_eq!(rt.block_on(rt.spawn_blocking(|| 1)).unwrap(), 1);
}

#[test]
fn spawn_and_block_on_inside_spawn_blocking() {
    let rt = multi(1);
    let out = rt.block_on(async {
        runtime::spawn_blocking(|| {
            let handle = runtime::Handle::current();
            let task = runtime::spawn(async { 10 });
            handle.block_on(task).unwrap() + 1
        })
        .await
        .unwrap()
    });
    assert_eq!(out, 11);
}

#[test]
fn queued_blocking_tasks_are_cancelled_at_shutdown() {
    let rt = runtime::Builder::multi_thread()
        .worker_threads(1)
        .max_blocking_threads(1)
        .build()
        .unwrap();
    let (started_tx, started_rx) = std::sync::mpsc::channel::<()>();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let running = rt.spawn_blocking(move || {
        started_tx.send(()).unwrap();
        let _ = release_rx.recv_timeout(Duration::from_secs(30));
        "finished"
    });
    // The only blocking thread is busy: this one waits in the queue.
    started_rx.recv().unwrap();
    let queued = rt.spawn_blocking(|| "ran");
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        drop(release_tx);
    });
    // Shutdown cancels the queued task at once and waits for the running one.
    drop(rt);
    let rt2 = tests::current();
    assert_eq!(rt2.block_on(running).unwrap(), "finished");
    assert!(rt2.block_on(queued).unwrap_err().is_cancelled());
}

#[test]
fn mandatory_file_flushes_survive_shutdown() {
    // Files dropped with buffered writes while the only blocking thread is
    // busy: their flushes are still queued when the runtime shuts down.
    // They are mandatory blocking jobs, which shutdown runs instead of
    // cancelling, so every byte reaches the disk.
    use runtime::io::AsyncWriteExt;
    let dir = tests::temp_path("mandatory");
    std::fs::create_dir_all(&dir).unwrap();
    {
        let rt = runtime::Builder::multi_thread()
            .worker_threads(1)
            .max_blocking_threads(1)
            .build()
            .unwrap();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        rt.block_on(async {
            let mut files = Vec::new();
            for i in 0..20 {
                files.push(
                    runtime::fs::File::create(dir.join(i.to_string()))
                        .await
                        .unwrap(),
                );
            }
            let (started_tx, started_rx) = std::sync::mpsc::channel::<()>();
            drop(runtime::spawn_blocking(move || {
                started_tx.send(()).unwrap();
                let _ = release_rx.recv();
            }));
            started_rx.recv().unwrap();
            for (i, mut f) in files.into_iter().enumerate() {
                f.write_all(format!("file {i}").as_bytes()).await.unwrap();
                drop(f); // its flush queues behind the busy blocking thread
            }
        });
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            drop(release_tx);
        });
        drop(rt);
    }
    for i in 0..20 {
        assert_eq!(
            std::fs::read_to_string(dir.join(i.to_string())).unwrap(),
            format!("file {i}")
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
