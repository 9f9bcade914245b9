//! Wakes by value from threads that are not workers (what every sync
//! primitive notified from a plain `std::thread` does). The waking thread is
//! still inside the scheduler (pushing to the injector or the remote queue,
//! then unparking a worker) when a worker may already run the woken task to
//! completion and free it. The runtime must keep the task's cell alive until
//! the wake has returned: a use of the freed cell is what Miri (run on this
//! test by `.ci/run`) and ThreadSanitizer report.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tests::{DropCounter, Gate, all_runtimes};

/// Detached tasks, each parked on its own gate; a plain thread opens the
/// gates one by one (each open is a `Waker::wake` by value) while the
/// runtime runs the woken tasks to completion.
#[test]
fn detached_tasks_woken_by_value_from_a_plain_thread() {
    let tasks = if cfg!(miri) { 24 } else { 5_000 };
    for (name, rt) in all_runtimes() {
        let done = DropCounter::new();
        let polled = Arc::new(AtomicUsize::new(0));
        let gates: Vec<Gate> = (0..tasks).map(|_| Gate::new()).collect();
        rt.block_on(async {
            for gate in &gates {
                let (gate, token, polled) = (gate.clone(), done.token(), polled.clone());
                // Detached: when it completes, its cell is freed at once
                // unless the waker still holds a reference.
                drop(runtime::spawn(async move {
                    polled.fetch_add(1, Ordering::SeqCst);
                    gate.wait().await;
                    drop(token);
                }));
            }
            while polled.load(Ordering::SeqCst) < tasks {
                runtime::yield_now().await;
            }
            let opener = {
                let gates = gates.clone();
                std::thread::spawn(move || gates.iter().for_each(Gate::open))
            };
            while done.count() < tasks {
                runtime::yield_now().await;
            }
            opener.join().expect("the opening thread panicked");
        });
        assert_eq!(done.count(), tasks, "{name}");
    }
}
