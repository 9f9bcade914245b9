//! Faults and bad input: resets, writes to a closed peer (with SIGPIPE
//! left deadly), ports in use, bad addresses. (The EMFILE case and the
//! connect/close soak need a process of their own: `net_emfile.rs`,
//! `net_soak.rs`.)
#![cfg(not(miri))]

use runtime::io::{AsyncReadExt, AsyncWriteExt};
use runtime::net::{TcpListener, TcpStream, UdpSocket, UnixListener, UnixStream};
use std::io::ErrorKind;
use std::time::Duration;
use tests::{current, multi, temp_path};

/// Makes SIGPIPE kill the process again (Rust binaries ignore it), so a
/// write that raised it would fail the test run instead of passing quietly.
fn sigpipe_is_deadly() {
    // SAFETY: installing the default disposition for SIGPIPE.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
}

#[test]
fn peer_reset_mid_read_is_an_error() {
    let rt = multi(2);
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (conn, _) = listener.accept().await.unwrap();
        let reading = runtime::spawn(async move {
            let mut buf = [0u8; 16];
            let mut results = Vec::new();
            loop {
                let r = client.read(&mut buf).await;
                let stop = !matches!(r, Ok(n) if n > 0);
                results.push(r.map_err(|e| e.kind()));
                if stop {
                    return results;
                }
            }
        });
        for _ in 0..10 {
            runtime::yield_now().await; // let the read park
        }
        conn.set_linger(Some(Duration::ZERO)).unwrap();
        drop(conn); // RST, not FIN
        let results = reading.await.unwrap();
        assert_eq!(
            results.last(),
            Some(&Err(ErrorKind::ConnectionReset)),
            "{results:?}"
        );
    });
}

#[test]
fn writing_to_a_closed_tcp_peer_is_an_error_not_a_signal() {
    sigpipe_is_deadly();
    let rt = multi(2);
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        drop(listener.accept().await.unwrap());
        // The first writes may still be accepted by the kernel; the peer
        // answers them with a reset and a later write fails.
        let mut error = None;
        for _ in 0..10_000 {
            match client.write_all(&[0u8; 1024]).await {
                Ok(()) => runtime::yield_now().await,
                Err(err) => {
                    error = Some(err.kind());
                    break;
                }
            }
        }
        let kind = error.expect("writes to a closed peer kept succeeding");
        assert!(
            matches!(kind, ErrorKind::BrokenPipe | ErrorKind::ConnectionReset),
            "{kind:?}"
        );
        // Vectored writes take another syscall (sendmsg): same outcome.
        let bufs = [std::io::IoSlice::new(b"a"), std::io::IoSlice::new(b"b")];
        assert!(client.write_vectored(&bufs).await.is_err());
    });
}

#[test]
fn writing_to_a_closed_unix_peer_is_an_error_not_a_signal() {
    sigpipe_is_deadly();
    let rt = current();
    rt.block_on(async {
        let (mut a, b) = UnixStream::pair().unwrap();
        drop(b);
        let err = a.write_all(b"anyone there?").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BrokenPipe);
        let bufs = [std::io::IoSlice::new(b"a")];
        let err = a.write_vectored(&bufs).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BrokenPipe);
    });
}

#[test]
fn binding_a_used_port_is_addr_in_use() {
    let rt = current();
    rt.block_on(async {
        let first = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = first.local_addr().unwrap();
        let err = TcpListener::bind(addr).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AddrInUse);
        assert!(err.to_string().contains(&addr.to_string()), "{err}");

        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let err = UdpSocket::bind(udp.local_addr().unwrap())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AddrInUse);

        let path = temp_path("used");
        let _unix = UnixListener::bind(&path).await.unwrap();
        let err = UnixListener::bind(&path).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AddrInUse);
        assert!(err.to_string().contains("could not bind"), "{err}");
        std::fs::remove_file(&path).unwrap();
    });
}

#[test]
fn bad_addresses_give_clear_errors() {
    let rt = multi(1);
    rt.block_on(async {
        for bad in ["not an address", "127.0.0.1", "127.0.0.1:99999"] {
            let err = TcpListener::bind(bad).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad}: {err}");
            assert!(err.to_string().contains(bad), "{bad}: {err}");
            let err = TcpStream::connect(bad).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad}: {err}");
        }
        // No host: the resolver's own message, naming the input.
        let err = TcpStream::connect(":80").await.unwrap_err();
        assert!(err.to_string().contains("\":80\""), "{err}");
        let empty: &[std::net::SocketAddr] = &[];
        let err = TcpStream::connect(empty).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.to_string().contains("did not resolve"), "{err}");
        // Not a local address: the bind fails with the OS's reason.
        let err = TcpListener::bind("192.0.2.1:0").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AddrNotAvailable, "{err}");
    });
}

#[test]
fn a_runtime_is_needed_and_the_error_says_so() {
    let err = futures_lite::future::block_on(TcpListener::bind("127.0.0.1:0")).unwrap_err();
    assert!(err.to_string().contains("outside of a runtime"), "{err}");
    let err = futures_lite::future::block_on(TcpStream::connect("localhost:1")).unwrap_err();
    assert!(err.to_string().contains("outside of a runtime"), "{err}");
}
