//! Misuse gets a clear panic message that says what to do.

use tests::{current, multi, panic_message};

fn panic_text(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
    let payload = std::panic::catch_unwind(f).expect_err("expected a panic");
    panic_message(&*payload)
}

#[test]
fn spawn_outside_a_runtime() {
    let msg = panic_text(|| drop(runtime::spawn(async {})));
    assert!(
        msg.contains("runtime::spawn called outside of a runtime"),
        "{msg}"
    );
    assert!(
        msg.contains("Handle"),
        "the message says what to use instead: {msg}"
    );
}

#[test]
fn spawn_blocking_outside_a_runtime() {
    let msg = panic_text(|| drop(runtime::spawn_blocking(|| ())));
    assert!(
        msg.contains("runtime::spawn_blocking called outside of a runtime"),
        "{msg}"
    );
}

#[test]
fn handle_current_outside_a_runtime() {
    let msg = panic_text(|| drop(runtime::Handle::current()));
    assert!(
        msg.contains("Handle::current() called outside of a runtime"),
        "{msg}"
    );
    assert!(runtime::Handle::try_current().is_none());
}

#[test]
fn block_on_inside_a_task_is_refused_not_deadlocked() {
    for rt in [multi(1), current()] {
        let err = rt
            .block_on(async {
                runtime::spawn(async {
                    let handle = runtime::Handle::current();
                    handle.block_on(async {})
                })
                .await
            })
            .unwrap_err();
        let msg = panic_message(&*err.into_panic());
        assert!(msg.contains("already driving a runtime"), "{msg}");
        assert!(msg.contains("spawn_blocking"), "{msg}");
        // The worker survived.
        assert_eq!(rt.block_on(rt.spawn(async { 1 })).unwrap(), 1);
    }
}

#[test]
fn nested_block_on_is_refused() {
    let rt = multi(1);
    let inner = multi(1);
    let msg = panic_text(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async { inner.block_on(async {}) });
    }));
    assert!(msg.contains("already driving a runtime"), "{msg}");
}

#[test]
fn builder_rejects_zero_workers() {
    let msg = panic_text(|| {
        runtime::Builder::multi_thread().worker_threads(0);
    });
    assert!(msg.contains("worker_threads must be at least 1"), "{msg}");
    let msg = panic_text(|| {
        runtime::Builder::multi_thread().max_blocking_threads(0);
    });
    assert!(
        msg.contains("max_blocking_threads must be at least 1"),
        "{msg}"
    );
}

#[test]
fn join_handle_polled_after_completion_says_so() {
    use std::future::Future;
    use std::task::{Context, Poll, Waker};
    let rt = current();
    let mut task = rt.spawn(async { 1 });
    rt.block_on(async {
        while !task.is_finished() {
            runtime::yield_now().await;
        }
    });
    let mut cx = Context::from_waker(Waker::noop());
    assert!(matches!(
        std::pin::Pin::new(&mut task).poll(&mut cx),
        Poll::Ready(Ok(1))
    ));
    let msg = panic_text(std::panic::AssertUnwindSafe(|| {
        let _ = std::pin::Pin::new(&mut task).poll(&mut cx);
    }));
    assert!(
        msg.contains("JoinHandle polled after it returned Ready"),
        "{msg}"
    );
}
