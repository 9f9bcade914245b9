//! OS-level helpers for the net and fs tests: file descriptor limits and
//! counts, resident memory, temporary paths.

use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Raises this process's soft `RLIMIT_NOFILE` to at least `want` (raising
/// the hard limit too when permitted, as root), and returns the soft limit
/// now in force, which may be lower than `want` if the hard limit could not
/// be raised.
pub fn raise_fd_limit(want: u64) -> u64 {
    // `rlim_t` is u64 on Linux and macOS, i64 on FreeBSD.
    let want = want as libc::rlim_t;
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid, writable rlimit.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    if lim.rlim_cur >= want {
        return from_rlim(lim.rlim_cur);
    }
    let raised = libc::rlimit {
        rlim_cur: want,
        rlim_max: lim.rlim_max.max(want),
    };
    // SAFETY: a valid rlimit; failure (not permitted) is handled below.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
        return want as u64;
    }
    let soft_to_hard = libc::rlimit {
        rlim_cur: lim.rlim_max,
        rlim_max: lim.rlim_max,
    };
    // SAFETY: as above; raising the soft limit up to the hard one is
    // always permitted.
    unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &soft_to_hard) };
    from_rlim(lim.rlim_max)
}

/// `rlim_t` (u64 on Linux and macOS, i64 on FreeBSD) as u64.
#[allow(clippy::unnecessary_cast)] // a no-op on Linux and macOS only
fn from_rlim(v: libc::rlim_t) -> u64 {
    v as u64
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

/// The process's RLIMIT_NOFILE.
pub fn nofile() -> libc::rlimit {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid, writable rlimit.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    lim
}

/// Sets the process's RLIMIT_NOFILE.
pub fn set_nofile(lim: &libc::rlimit) {
    // SAFETY: a valid rlimit; lowering the soft limit is always permitted,
    // and restoring it to its old value too.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, lim) }, 0);
}

/// Uses up every descriptor the process may open; returns them (drop them
/// to give them back).
pub fn exhaust_fds() -> Vec<OwnedFd> {
    let mut held = Vec::new();
    loop {
        match std::fs::File::open("/dev/null") {
            Ok(f) => held.push(OwnedFd::from(f)),
            Err(err) => {
                assert_eq!(err.raw_os_error(), Some(libc::EMFILE), "{err}");
                return held;
            }
        }
    }
}

/// Lowers RLIMIT_NOFILE to a few above the highest descriptor open now;
/// restores the old limit when dropped (even on a panic).
pub struct LowFdLimit(libc::rlimit);

impl LowFdLimit {
    pub fn lower() -> LowFdLimit {
        let old = nofile();
        let highest_open = std::fs::read_dir("/proc/self/fd")
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u64>().ok())
            .max()
            .unwrap_or(3);
        set_nofile(&libc::rlimit {
            rlim_cur: (highest_open + 16) as libc::rlim_t,
            rlim_max: old.rlim_max,
        });
        LowFdLimit(old)
    }
}

impl Drop for LowFdLimit {
    fn drop(&mut self) {
        set_nofile(&self.0);
    }
}
