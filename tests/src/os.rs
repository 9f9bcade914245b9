//! OS-level helpers for the net and fs tests: file descriptor limits and
//! counts, resident memory, temporary paths.

use std::sync::atomic::{AtomicUsize, Ordering};

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
