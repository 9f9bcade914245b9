//! `signal::signal(kind)`: a stream of deliveries. Every stream sees every
//! delivery after its creation, in any runtime; deliveries coalesce; a
//! dropped stream harms nobody; after its runtime is gone a stream ends;
//! signals that cannot be listened for are refused. The tests share the
//! process's signals, so they take turns.
#![cfg(not(miri))]

use runtime::signal::{Signal, SignalKind, signal};
use runtime::stream::StreamExt;
use std::io::ErrorKind;
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};
use tests::{current, multi};

static TURN: Mutex<()> = Mutex::new(());

fn turn() -> std::sync::MutexGuard<'static, ()> {
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

fn raise(signum: i32) {
    // SAFETY: sends `signum` to this thread; each test listens for it
    // (which installs the handler) before raising.
    assert_eq!(unsafe { libc::raise(signum) }, 0);
}

/// Polls `signal.recv()` once, with a no-op waker.
fn poll_once(signal: &mut Signal) -> Poll<Option<()>> {
    signal.poll_recv(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn a_delivery_reaches_every_stream_in_every_runtime() {
    let _turn = turn();
    let (a, b) = (multi(2), current());
    let mut in_a: Vec<Signal> = (0..2)
        .map(|_| a.block_on(async { signal(SignalKind::user_defined1()).unwrap() }))
        .collect();
    let mut in_b = b.block_on(async { signal(SignalKind::user_defined1()).unwrap() });
    // Tasks waiting in `recv` before the delivery, in both runtimes.
    let waiting_a: Vec<_> = in_a
        .drain(..)
        .map(|mut s| a.spawn(async move { s.recv().await }))
        .collect();
    raise(libc::SIGUSR1);
    for task in waiting_a {
        assert_eq!(a.block_on(task).unwrap(), Some(()));
    }
    assert_eq!(b.block_on(in_b.recv()), Some(()));
}

#[test]
fn a_task_is_woken_by_a_signal_sent_from_another_thread() {
    let _turn = turn();
    let rt = multi(2);
    let mut usr2 = rt.block_on(async { signal(SignalKind::user_defined2()).unwrap() });
    let waiting = rt.spawn(async move { usr2.recv().await });
    std::thread::spawn(|| {
        // A process-directed signal: the kernel picks any thread.
        // SAFETY: kill(2) of our own process with a signal we listen for.
        assert_eq!(unsafe { libc::kill(libc::getpid(), libc::SIGUSR2) }, 0);
    })
    .join()
    .unwrap();
    assert_eq!(rt.block_on(waiting).unwrap(), Some(()));
}

#[test]
fn deliveries_before_creation_are_not_reported_and_later_ones_coalesce() {
    let _turn = turn();
    let rt = current();
    rt.block_on(async {
        let mut earlier = signal(SignalKind::hangup()).unwrap();
        raise(libc::SIGHUP);
        earlier.recv().await.unwrap();
        // That delivery was before this stream: not its own.
        let mut stream = signal(SignalKind::hangup()).unwrap();
        for _ in 0..10 {
            assert_eq!(poll_once(&mut stream), Poll::Pending);
            runtime::yield_now().await;
        }
        // Three deliveries before anyone looks: reported at least once, at
        // most three times, then nothing is left.
        for _ in 0..3 {
            raise(libc::SIGHUP);
        }
        assert_eq!(stream.recv().await, Some(()));
        let mut more = 0;
        while poll_once(&mut stream).is_ready() {
            more += 1;
        }
        assert!(more <= 2, "{more} extra deliveries reported for 3 raises");
        // A delivery nobody waits for is kept for the next look.
        raise(libc::SIGHUP);
        runtime::yield_now().await;
        assert_eq!(stream.next().await, Some(())); // the Stream impl
    });
}

#[test]
fn a_dropped_stream_takes_nothing_from_the_others() {
    let _turn = turn();
    let rt = multi(2);
    rt.block_on(async {
        let mut kept = signal(SignalKind::window_change()).unwrap();
        let dropped = signal(SignalKind::window_change()).unwrap();
        drop(dropped);
        // A stream dropped while its task waits in `recv` (aborted).
        let mut aborted = signal(SignalKind::window_change()).unwrap();
        let task = runtime::spawn(async move { aborted.recv().await });
        runtime::yield_now().await;
        task.abort();
        assert!(task.await.unwrap_err().is_cancelled());
        raise(libc::SIGWINCH);
        assert_eq!(kept.recv().await, Some(()));
        // Creating and dropping streams in a loop, as a select would.
        for _ in 0..100 {
            let mut s = signal(SignalKind::window_change()).unwrap();
            assert_eq!(poll_once(&mut s), Poll::Pending);
        }
        raise(libc::SIGWINCH);
        assert_eq!(kept.recv().await, Some(()));
    });
}

#[test]
fn recv_after_the_runtime_is_dropped_returns_none() {
    let _turn = turn();
    let rt = current();
    let mut stream = rt.block_on(async { signal(SignalKind::alarm()).unwrap() });
    drop(rt);
    assert_eq!(futures_lite::future::block_on(stream.recv()), None);
    // Ended for good, even with a delivery.
    raise(libc::SIGALRM);
    assert_eq!(futures_lite::future::block_on(stream.recv()), None);
    // A new runtime's streams work as before.
    let rt = current();
    rt.block_on(async {
        let mut again = signal(SignalKind::alarm()).unwrap();
        raise(libc::SIGALRM);
        assert_eq!(again.recv().await, Some(()));
    });
}

#[test]
fn signals_that_cannot_be_listened_for_are_refused() {
    let rt = current();
    rt.block_on(async {
        for signum in [
            libc::SIGKILL,
            libc::SIGSTOP,
            libc::SIGSEGV,
            libc::SIGBUS,
            libc::SIGILL,
            libc::SIGFPE,
            libc::SIGTRAP,
            0,
            -1,
            1000,
        ] {
            let err = signal(SignalKind::from_raw(signum)).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{signum}: {err}");
            assert!(err.to_string().starts_with("signal::signal("), "{err}");
        }
    });
    let err = signal(SignalKind::from_raw(libc::SIGKILL)).unwrap_err();
    assert!(err.to_string().contains("cannot be caught"), "{err}");
}

#[test]
fn outside_a_runtime_is_an_error() {
    let err = signal(SignalKind::quit()).unwrap_err();
    assert!(err.to_string().contains("outside of a runtime"), "{err}");
}
