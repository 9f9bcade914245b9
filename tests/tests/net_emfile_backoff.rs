//! An accept loop out of file descriptors backs off instead of spinning.
//! Alone in its binary: the limit it lowers is process-wide.
#![cfg(not(miri))]

use runtime::net::TcpListener;
use std::os::fd::OwnedFd;

fn nofile() -> libc::rlimit {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid, writable rlimit.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    lim
}

fn set_nofile(lim: &libc::rlimit) {
    // SAFETY: a valid rlimit; lowering the soft limit is always permitted,
    // and restoring it to its old value too.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, lim) }, 0);
}

/// Uses up every descriptor the process may open; returns them.
fn exhaust_fds() -> Vec<OwnedFd> {
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
struct LowFdLimit(libc::rlimit);

impl LowFdLimit {
    fn new() -> LowFdLimit {
        let old = nofile();
        let highest_open = std::fs::read_dir("/proc/self/fd")
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u64>().ok())
            .max()
            .unwrap_or(3);
        set_nofile(&libc::rlimit {
            rlim_cur: highest_open + 16,
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

#[test]
fn an_accept_loop_out_of_descriptors_backs_off_instead_of_spinning() {
    // A server loop that logs EMFILE and accepts again at once. With the
    // clock paused, the backoff's pauses show as virtual time: 12 failures
    // in a row wait 5 + 10 + 20 + ... ms, capped at 1 s each (4.275 s in
    // all). A loop that retried at once would take no time at all: it would
    // be spinning.
    let rt = tests::paused();
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let _client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let low = LowFdLimit::new();
        let held = exhaust_fds();
        let start = runtime::time::Instant::now();
        for _ in 0..12 {
            let err = listener.accept().await.unwrap_err();
            assert_eq!(err.raw_os_error(), Some(libc::EMFILE), "{err}");
        }
        let waited = start.elapsed();
        drop(held);
        drop(low);
        assert!(
            waited >= std::time::Duration::from_millis(4275),
            "retries were not paused: {waited:?}"
        );
        // A success resets the backoff: the next accept does not wait.
        let (_conn, _) = listener.accept().await.unwrap();
        let again = runtime::time::Instant::now();
        let _client2 = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (_conn2, _) = listener.accept().await.unwrap();
        assert_eq!(again.elapsed(), std::time::Duration::ZERO);
    });
}
