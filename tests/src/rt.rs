//! Helpers for tests of the runtime itself: runtimes of every shape, drop
//! counters, a runtime-agnostic gate.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// Counts how many times values carrying it were dropped.
#[derive(Clone, Default)]
pub struct DropCounter(Arc<AtomicUsize>);

impl DropCounter {
    pub fn new() -> DropCounter {
        DropCounter::default()
    }

    /// A token that bumps the counter when dropped.
    pub fn token(&self) -> DropToken {
        DropToken(self.0.clone())
    }

    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Bumps its counter on drop.
pub struct DropToken(Arc<AtomicUsize>);

impl Drop for DropToken {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A one-shot, runtime-agnostic flag a future can wait on.
#[derive(Clone, Default)]
pub struct Gate {
    inner: Arc<GateInner>,
}

#[derive(Default)]
struct GateInner {
    open: AtomicBool,
    wakers: Mutex<Vec<Waker>>,
}

impl Gate {
    pub fn new() -> Gate {
        Gate::default()
    }

    pub fn open(&self) {
        self.inner.open.store(true, Ordering::SeqCst);
        for waker in self.inner.wakers.lock().unwrap().drain(..) {
            waker.wake();
        }
    }

    pub fn is_open(&self) -> bool {
        self.inner.open.load(Ordering::SeqCst)
    }

    /// Resolves once `open` has been called.
    pub fn wait(&self) -> GateWait {
        GateWait { gate: self.clone() }
    }
}

pub struct GateWait {
    gate: Gate,
}

impl Future for GateWait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.gate.is_open() {
            return Poll::Ready(());
        }
        self.gate
            .inner
            .wakers
            .lock()
            .unwrap()
            .push(cx.waker().clone());
        if self.gate.is_open() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// Builds a multi-thread runtime with `n` workers.
pub fn multi(n: usize) -> runtime::Runtime {
    runtime::Builder::multi_thread()
        .worker_threads(n)
        .build()
        .expect("build multi-thread runtime")
}

/// Builds a current_thread runtime.
pub fn current() -> runtime::Runtime {
    runtime::Builder::current_thread()
        .build()
        .expect("build current_thread runtime")
}

/// `n`, or a small fraction of it under Miri (which is ~1000x slower), so
/// the same tests run there too.
pub fn scaled(n: usize) -> usize {
    if cfg!(miri) { (n / 1000).max(4) } else { n }
}

/// Every runtime shape the scheduler tests run on.
pub fn all_runtimes() -> Vec<(String, runtime::Runtime)> {
    let mut out = vec![("current_thread".to_string(), current())];
    let shapes: &[usize] = if cfg!(miri) { &[2] } else { &[1, 2, 3, 4, 8] };
    for &n in shapes {
        out.push((format!("multi_thread({n})"), multi(n)));
    }
    out
}

/// The message of a caught panic.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic>".to_string()
    }
}

/// Polls `future` once with a waker that does nothing.
pub fn poll_noop<F: Future + Unpin>(future: &mut F) -> Poll<F::Output> {
    Pin::new(future).poll(&mut Context::from_waker(Waker::noop()))
}

/// A current_thread runtime whose clock starts paused.
pub fn paused() -> runtime::Runtime {
    runtime::Builder::current_thread()
        .start_paused(true)
        .build()
        .expect("build paused current_thread runtime")
}

/// Which of two futures finished first.
#[derive(Debug, PartialEq, Eq)]
pub enum Either<A, B> {
    Left(A),
    Right(B),
}

/// Polls `a` then `b` until one completes; drops the other.
pub async fn race<A: Future, B: Future>(a: A, b: B) -> Either<A::Output, B::Output> {
    let mut a = std::pin::pin!(a);
    let mut b = std::pin::pin!(b);
    std::future::poll_fn(|cx| {
        if let Poll::Ready(x) = a.as_mut().poll(cx) {
            return Poll::Ready(Either::Left(x));
        }
        b.as_mut().poll(cx).map(Either::Right)
    })
    .await
}
