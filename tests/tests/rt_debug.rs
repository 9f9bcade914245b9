//! Debug mode, the task dump and metrics.

use runtime::debug::{TaskState, WaitingOn};
use runtime::{Builder, SlowPoll};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tests::Gate;

/// Spawns `future` and returns the line the runtime should record as its
/// spawn location: the caller's (`spawn` is `#[track_caller]`, and so is
/// this helper).
#[track_caller]
fn spawn_at<F>(rt: &runtime::Runtime, future: F) -> (runtime::task::JoinHandle<F::Output>, u32)
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    (rt.spawn(future), std::panic::Location::caller().line())
}

/// Long enough for a test that wants to fail loudly rather than hang.
const GUARD: Duration = Duration::from_secs(60);

fn collecting(builder: &mut Builder, threshold: Duration) -> Arc<Mutex<Vec<SlowPoll>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    builder
        .slow_poll_threshold(threshold)
        .on_slow_poll(move |slow| sink.lock().unwrap().push(slow.clone()));
    seen
}

#[test]
fn a_slow_poll_is_reported_once_with_its_task_and_location() {
    for mut builder in [Builder::current_thread(), Builder::multi_thread()] {
        let seen = collecting(&mut builder, Duration::from_millis(30));
        let rt = builder.worker_threads(2).build().unwrap();
        let (task, line) = spawn_at(&rt, async {
            std::thread::sleep(Duration::from_millis(120))
        });
        let id = task.id();
        rt.block_on(task).unwrap();
        let seen = seen.lock().unwrap();
        let ours: Vec<_> = seen.iter().filter(|s| s.task_id() == id).collect();
        assert_eq!(ours.len(), 1, "reported once: {seen:?}");
        assert_eq!(ours[0].location().line(), line);
        assert!(ours[0].location().file().ends_with("rt_debug.rs"));
        assert!(ours[0].duration() >= Duration::from_millis(30));
    }
}

#[test]
fn a_stuck_worker_is_reported_while_still_stuck() {
    let (tx, rx) = mpsc::channel::<SlowPoll>();
    let tx = Mutex::new(tx);
    let rt = Builder::multi_thread()
        .worker_threads(2)
        .slow_poll_threshold(Duration::from_millis(20))
        .on_slow_poll(move |slow| {
            let _ = tx.lock().unwrap().send(slow.clone());
        })
        .build()
        .unwrap();
    let release = Arc::new(AtomicBool::new(false));
    let task = {
        let release = release.clone();
        rt.spawn(async move {
            // Blocks its worker until the test has seen the report, which
            // therefore must come from the watchdog, during the poll.
            while !release.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(1));
            }
        })
    };
    let report = rx
        .recv_timeout(GUARD)
        .expect("no report while the worker was stuck");
    assert!(report.still_running());
    assert_eq!(report.task_id(), task.id());
    assert!(report.to_string().contains("still running"));
    release.store(true, Ordering::SeqCst);
    rt.block_on(task).unwrap();
    // Not reported a second time when the poll finally returned.
    assert!(rx.try_recv().is_err());
}

#[test]
fn the_dump_lists_exactly_the_alive_tasks() {
    let rt = Builder::current_thread().build().unwrap();
    let gate = Gate::new();
    let (idle, idle_line) = spawn_at(&rt, gate.clone().wait());
    let idle_id = idle.id();
    let (waiter, waiter_line) = spawn_at(&rt, async move { idle.await.unwrap() });
    let finished = rt.spawn(async {});
    rt.block_on(async {
        for _ in 0..5 {
            runtime::yield_now().await;
        }
    });
    assert!(finished.is_finished());
    let (scheduled, scheduled_line) = spawn_at(&rt, async {});

    let dump = rt.handle().dump();
    let mut ids: Vec<_> = dump.iter().map(|t| t.id()).collect();
    ids.sort();
    let mut expected = vec![idle_id, waiter.id(), scheduled.id()];
    expected.sort();
    assert_eq!(ids, expected, "{dump:#?}");

    let find = |id| dump.iter().find(|t| t.id() == id).unwrap();
    let idle_info = find(idle_id);
    assert_eq!(idle_info.location().line(), idle_line);
    assert_eq!(idle_info.state(), TaskState::Idle);
    assert_eq!(idle_info.polls(), 1);
    let waiter_info = find(waiter.id());
    assert_eq!(waiter_info.location().line(), waiter_line);
    assert_eq!(waiter_info.state(), TaskState::Idle);
    assert_eq!(waiter_info.waiting_on(), Some(WaitingOn::Task(idle_id)));
    assert!(
        waiter_info
            .to_string()
            .contains(&format!("waiting on task {idle_id}"))
    );
    let scheduled_info = find(scheduled.id());
    assert_eq!(scheduled_info.location().line(), scheduled_line);
    assert_eq!(scheduled_info.state(), TaskState::Scheduled);
    assert_eq!(scheduled_info.polls(), 0);

    gate.open();
    rt.block_on(waiter).unwrap();
    rt.block_on(scheduled).unwrap();
    assert!(rt.handle().dump().is_empty());
}

#[test]
fn the_dump_shows_a_running_task() {
    let rt = Builder::multi_thread().worker_threads(2).build().unwrap();
    let started = Gate::new();
    let release = Arc::new(AtomicBool::new(false));
    let task = {
        let (started, release) = (started.clone(), release.clone());
        rt.spawn(async move {
            started.open();
            while !release.load(Ordering::SeqCst) {
                std::hint::spin_loop();
            }
        })
    };
    rt.block_on(started.wait());
    let dump = rt.handle().dump();
    let info = dump.iter().find(|t| t.id() == task.id()).unwrap();
    assert_eq!(info.state(), TaskState::Running);
    release.store(true, Ordering::SeqCst);
    rt.block_on(task).unwrap();
}

#[test]
fn metrics_add_up() {
    let rt = Builder::multi_thread().worker_threads(2).build().unwrap();
    let completed = Arc::new(AtomicUsize::new(0));
    let gate = Gate::new();
    let mut handles = Vec::new();
    for i in 0..200 {
        let (completed, gate) = (completed.clone(), gate.clone());
        handles.push(rt.spawn(async move {
            if i % 2 == 0 {
                gate.wait().await;
            }
            completed.fetch_add(1, Ordering::SeqCst);
        }));
    }
    let (done, pending): (Vec<_>, Vec<_>) = handles
        .into_iter()
        .enumerate()
        .partition(|(i, _)| i % 2 == 1);
    rt.block_on(async {
        for (_, h) in done {
            h.await.unwrap();
        }
    });
    let m = rt.handle().metrics();
    assert_eq!(m.spawned_tasks_count(), 200);
    assert_eq!(m.num_alive_tasks(), 100);
    assert_eq!(
        m.spawned_tasks_count() as usize,
        completed.load(Ordering::SeqCst) + m.num_alive_tasks()
    );
    gate.open();
    rt.block_on(async {
        for (_, h) in pending {
            h.await.unwrap();
        }
    });
    let m = rt.handle().metrics();
    assert_eq!(m.num_alive_tasks(), 0);
    assert_eq!(completed.load(Ordering::SeqCst), 200);
}

#[test]
fn debug_mode_leaves_results_unchanged() {
    async fn work() -> u64 {
        let tasks: Vec<_> = (0..500u64)
            .map(|i| {
                runtime::spawn(async move {
                    runtime::yield_now().await;
                    i * i
                })
            })
            .collect();
        runtime::task::gather(tasks)
            .await
            .into_iter()
            .map(Result::unwrap)
            .sum()
    }
    let plain = Builder::multi_thread()
        .worker_threads(2)
        .build()
        .unwrap()
        .block_on(work());
    let debug = Builder::multi_thread()
        .worker_threads(2)
        .slow_poll_threshold(Duration::from_millis(1))
        .on_slow_poll(|_| {})
        .build()
        .unwrap()
        .block_on(work());
    assert_eq!(plain, debug);
    assert_eq!(plain, (0..500u64).map(|i| i * i).sum());
}

#[test]
fn a_panicking_callback_does_not_take_the_runtime_down() {
    let rt = Builder::current_thread()
        .slow_poll_threshold(Duration::from_millis(1))
        .on_slow_poll(|_| panic!("callback bug"))
        .build()
        .unwrap();
    let out = rt.block_on(rt.spawn(async {
        std::thread::sleep(Duration::from_millis(5));
        7
    }));
    assert_eq!(out.unwrap(), 7);
}

#[test]
fn an_unretrieved_panic_is_reported_in_debug_mode() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_unretrieved_panic"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("panicked and its result was never retrieved"),
        "{stderr}"
    );
    assert!(
        stderr.contains("unretrieved_panic.rs"),
        "names the spawn location: {stderr}"
    );
}

#[test]
fn the_dump_shows_a_sleeping_task_waits_on_a_timer() {
    let rt = tests::paused();
    let sleeper = rt.spawn(async { runtime::time::sleep(Duration::from_secs(60)).await });
    rt.block_on(runtime::yield_now());
    let dump = rt.handle().dump();
    let info = dump.iter().find(|t| t.id() == sleeper.id()).unwrap();
    assert_eq!(info.waiting_on(), Some(WaitingOn::Timer));
    let m = rt.handle().metrics();
    assert_eq!(m.timers_registered(), 1);
    assert_eq!(m.timers_fired(), 0);
    rt.block_on(sleeper).unwrap();
    assert_eq!(rt.handle().metrics().timers_fired(), 1);
}
