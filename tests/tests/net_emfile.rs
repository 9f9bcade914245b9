//! `accept` when the process is out of file descriptors (EMFILE): the
//! error is returned, the listener stays usable, and once descriptors are
//! freed the queued connection is accepted. Alone in its binary: the limit
//! it lowers is process-wide.
#![cfg(not(miri))]

use runtime::io::{AsyncReadExt, AsyncWriteExt};
use runtime::net::{TcpListener, UnixListener};
use std::io::{Read, Write};
use tests::{LowFdLimit, current, exhaust_fds, temp_path};

#[test]
fn accept_out_of_descriptors_fails_then_recovers() {
    let rt = current();
    let unix_path = temp_path("emfile");
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let unix = UnixListener::bind(&unix_path).await.unwrap();
        // The clients connect before the descriptors run out; the kernel
        // completes the handshakes and queues the connections.
        let mut client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let mut unix_client = std::os::unix::net::UnixStream::connect(&unix_path).unwrap();

        let low = LowFdLimit::lower();
        let held = exhaust_fds();
        // Out of descriptors: the error comes back, every time it is tried,
        // instead of a hang or a panic.
        for _ in 0..3 {
            let err = listener.accept().await.unwrap_err();
            assert_eq!(err.raw_os_error(), Some(libc::EMFILE), "{err}");
            let err = unix.accept().await.unwrap_err();
            assert_eq!(err.raw_os_error(), Some(libc::EMFILE), "{err}");
        }
        drop(held);
        drop(low);

        // Descriptors freed: the same listeners accept the queued
        // connections, which work.
        let (mut conn, _) = listener.accept().await.unwrap();
        client.write_all(b"still here").unwrap();
        let mut buf = [0u8; 10];
        conn.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"still here");
        conn.write_all(b"ok").await.unwrap();
        let mut ok = [0u8; 2];
        client.read_exact(&mut ok).unwrap();
        assert_eq!(&ok, b"ok");

        let (mut uconn, _) = unix.accept().await.unwrap();
        unix_client.write_all(b"unix").unwrap();
        let mut ubuf = [0u8; 4];
        uconn.read_exact(&mut ubuf).await.unwrap();
        assert_eq!(&ubuf, b"unix");
    });
    std::fs::remove_file(&unix_path).unwrap();
}
