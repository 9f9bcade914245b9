//! Helpers shared by the integration tests in `tests/tests/`.

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

/// Raises this process's soft `RLIMIT_NOFILE` to at least `want` (raising
/// the hard limit too when permitted, as root), and returns the soft limit
/// now in force, which may be lower than `want` if the hard limit could not
/// be raised.
pub fn raise_fd_limit(want: u64) -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid, writable rlimit.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    if lim.rlim_cur >= want {
        return lim.rlim_cur;
    }
    let raised = libc::rlimit {
        rlim_cur: want,
        rlim_max: lim.rlim_max.max(want),
    };
    // SAFETY: a valid rlimit; failure (not permitted) is handled below.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
        return want;
    }
    let soft_to_hard = libc::rlimit {
        rlim_cur: lim.rlim_max,
        rlim_max: lim.rlim_max,
    };
    // SAFETY: as above; raising the soft limit up to the hard one is
    // always permitted.
    unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &soft_to_hard) };
    lim.rlim_max
}

/// File descriptors this process has open (Linux: entries of
/// `/proc/self/fd`).
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|rd| rd.count())
        .unwrap_or(0)
}

/// Resident set size of this process in bytes (Linux).
pub fn rss_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: usize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// A unique path in the temp directory for this test (`name` + pid).
pub fn temp_path(name: &str) -> std::path::PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("runtime-test-{name}-{}-{n}", std::process::id()))
}
