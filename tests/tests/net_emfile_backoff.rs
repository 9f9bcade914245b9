//! An accept loop out of file descriptors backs off instead of spinning.
//! Alone in its binary: the limit it lowers is process-wide.
#![cfg(not(miri))]

use runtime::net::TcpListener;
use tests::{LowFdLimit, exhaust_fds};

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
        let low = LowFdLimit::lower();
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
