//! `signal::ctrl_c()`: SIGINT raised in-process reaches every waiter, in
//! several runtimes; only signals after the call count. The tests share
//! the process's SIGINT, so they take turns.
#![cfg(not(miri))]

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};
use tests::{current, multi};

static SIGINT_TURN: Mutex<()> = Mutex::new(());

fn raise_sigint() {
    // SAFETY: sends SIGINT to this thread; each test calls ctrl_c() (which
    // installs the handler) before raising.
    assert_eq!(unsafe { libc::raise(libc::SIGINT) }, 0);
}

#[test]
fn every_waiter_in_every_runtime_sees_ctrl_c() {
    let _turn = SIGINT_TURN.lock().unwrap_or_else(|e| e.into_inner());
    let runtimes = [multi(2), current(), multi(1)];
    let ready = Arc::new(AtomicUsize::new(0));
    const PER_RUNTIME: usize = 20;
    let mut waiting = Vec::new();
    for rt in &runtimes {
        for _ in 0..PER_RUNTIME {
            let ready = ready.clone();
            // The future is created when the task first runs; it counts
            // itself ready only after that.
            waiting.push(rt.spawn(async move {
                let ctrl_c = runtime::signal::ctrl_c();
                ready.fetch_add(1, Ordering::SeqCst);
                ctrl_c.await
            }));
        }
    }
    // Drive the current_thread runtime (and wait for everyone) until all
    // waiters exist.
    runtimes[1].block_on(async {
        while ready.load(Ordering::SeqCst) < 3 * PER_RUNTIME {
            runtime::yield_now().await;
        }
    });
    raise_sigint();
    // Each runtime completes its own waiters (the current_thread one when
    // driven by block_on).
    for (i, handle) in waiting.into_iter().enumerate() {
        let rt = &runtimes[i / PER_RUNTIME];
        rt.block_on(handle).unwrap().unwrap();
    }
}

#[test]
fn only_signals_after_the_call_count() {
    let _turn = SIGINT_TURN.lock().unwrap_or_else(|e| e.into_inner());
    let rt = current();
    rt.block_on(async {
        let first = runtime::signal::ctrl_c();
        raise_sigint();
        first.await.unwrap();
        // That signal was before this call: not ours.
        let mut second = pin!(runtime::signal::ctrl_c());
        for _ in 0..10 {
            let mut cx = Context::from_waker(Waker::noop());
            assert!(second.as_mut().poll(&mut cx).is_pending());
            runtime::yield_now().await;
        }
        raise_sigint();
        second.await.unwrap();
        // A signal while nobody waits does not end the process (the handler
        // stays installed) and does not reach later waiters.
        raise_sigint();
        let mut third = pin!(runtime::signal::ctrl_c());
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(
            third.as_mut().poll(&mut cx).map(|r| r.is_ok()),
            Poll::Pending
        );
    });
}

#[test]
fn a_waiter_can_be_dropped_and_awaited_again_in_a_loop() {
    let _turn = SIGINT_TURN.lock().unwrap_or_else(|e| e.into_inner());
    let rt = multi(2);
    rt.block_on(async {
        // Selecting against other work creates and drops a waiter per turn.
        for _ in 0..100 {
            let ctrl_c = runtime::signal::ctrl_c();
            let other = runtime::yield_now();
            futures_lite::future::or(async { ctrl_c.await.unwrap() }, other).await;
        }
        let ctrl_c = runtime::signal::ctrl_c();
        raise_sigint();
        ctrl_c.await.unwrap();
    });
}

#[test]
fn outside_a_runtime_is_an_error() {
    let err = futures_lite::future::block_on(runtime::signal::ctrl_c()).unwrap_err();
    assert!(err.to_string().contains("outside of a runtime"), "{err}");
}
