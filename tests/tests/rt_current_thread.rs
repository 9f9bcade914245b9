//! The current_thread flavor: asyncio's single-threaded event loop.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tests::{Gate, current};

#[test]
fn everything_runs_on_the_calling_thread() {
    let rt = current();
    let me = std::thread::current().id();
    rt.block_on(async move {
        let tasks: Vec<_> = (0..10)
            .map(|_| runtime::spawn(async { std::thread::current().id() }))
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap(), me);
        }
    });
}

#[test]
fn nothing_runs_until_the_loop_is_driven() {
    let rt = current();
    let ran = Arc::new(AtomicBool::new(false));
    let task = {
        let ran = ran.clone();
        rt.spawn(async move { ran.store(true, Ordering::SeqCst) })
    };
    std::thread::sleep(std::time::Duration::from_millis(10));
    assert!(
        !ran.load(Ordering::SeqCst),
        "like asyncio: a loop that is not running runs nothing"
    );
    rt.block_on(task).unwrap();
    assert!(ran.load(Ordering::SeqCst));
}

#[test]
fn spawn_local_runs_non_send_futures() {
    let rt = current();
    let shared = Rc::new(RefCell::new(Vec::new()));
    rt.block_on({
        let shared = shared.clone();
        async move {
            let mut tasks = Vec::new();
            for i in 0..5 {
                let shared = shared.clone();
                tasks.push(runtime::task::spawn_local(async move {
                    // A RefCell borrow held across an await: fine on one thread.
                    shared.borrow_mut().push(i);
                    runtime::yield_now().await;
                    Rc::strong_count(&shared)
                }));
            }
            for t in tasks {
                assert!(t.await.unwrap() >= 2);
            }
        }
    });
    assert_eq!(*shared.borrow(), [0, 1, 2, 3, 4]);
}

#[test]
fn spawn_local_tasks_are_dropped_on_shutdown() {
    let rt = current();
    let rc = Rc::new(());
    rt.block_on({
        let rc = rc.clone();
        async move {
            runtime::task::spawn_local(async move {
                let _rc = rc;
                std::future::pending::<()>().await;
            });
            runtime::yield_now().await;
        }
    });
    assert_eq!(Rc::strong_count(&rc), 2);
    drop(rt);
    assert_eq!(Rc::strong_count(&rc), 1);
}

#[test]
#[should_panic(expected = "spawn_local called outside of a current_thread runtime")]
fn spawn_local_on_multi_thread_panics_clearly() {
    let rt = tests::multi(1);
    rt.block_on(async {
        runtime::task::spawn_local(async {});
    });
}

#[test]
fn block_on_from_two_threads_takes_turns_driving() {
    let rt = Arc::new(current());
    let gate = Gate::new();
    let other = {
        let (rt, gate) = (rt.clone(), gate.clone());
        std::thread::spawn(move || {
            rt.block_on(async move {
                let t = runtime::spawn(async { 5 });
                gate.open();
                t.await.unwrap()
            })
        })
    };
    let mine = rt.block_on(async {
        gate.wait().await;
        runtime::spawn(async { 6 }).await.unwrap()
    });
    assert_eq!(mine + other.join().unwrap(), 11);
}

#[test]
fn wakes_from_other_threads_reach_the_loop() {
    let rt = current();
    let gate = Gate::new();
    let opener = {
        let gate = gate.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(5));
            gate.open();
        })
    };
    rt.block_on(async {
        let waiter = runtime::spawn({
            let gate = gate.clone();
            async move { gate.wait().await }
        });
        waiter.await.unwrap();
    });
    opener.join().unwrap();
}

#[test]
fn main_future_panic_propagates_and_the_runtime_stays_usable() {
    let rt = current();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async { panic!("main future failed") })
    }));
    assert!(result.is_err());
    assert_eq!(
        rt.block_on(async { runtime::spawn(async { 1 }).await.unwrap() }),
        1
    );
}
