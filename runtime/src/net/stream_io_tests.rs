//! When a TCP read forgets the read readiness (`TCP_INQ`, Linux): only
//! when the kernel says the socket is drained, never while bytes or an end
//! of stream are left.

use crate::io::AsyncReadExt;
use crate::net::{TcpListener, TcpStream};
use std::io::Write;
use std::net::Shutdown;
use std::os::fd::AsRawFd;

/// A connected pair: a blocking `std` client and the accepted stream.
async fn pair() -> (std::net::TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

/// Blocks until `stream` has `len` bytes queued (without reading them).
async fn queued(stream: &TcpStream, len: usize) {
    while stream.peek(&mut vec![0u8; len]).await.unwrap() < len {
        stream.readable().await.unwrap();
    }
}

/// Blocks until the peer's FIN has reached `stream` (`POLLRDHUP`).
fn fin_received(stream: &TcpStream) {
    let mut fds = libc::pollfd {
        fd: stream.as_raw_fd(),
        events: libc::POLLRDHUP,
        revents: 0,
    };
    // SAFETY: one valid pollfd, for the duration of the call.
    let n = unsafe { libc::poll(&mut fds, 1, -1) };
    assert_eq!(n, 1, "poll failed: {}", std::io::Error::last_os_error());
}

fn run(f: impl std::future::Future<Output = ()>) {
    crate::Builder::current_thread()
        .build()
        .unwrap()
        .block_on(f);
}

#[test]
fn a_read_that_drains_the_socket_forgets_the_readiness() {
    run(async {
        let (mut client, mut server) = pair().await;
        client.write_all(b"hello").unwrap();
        queued(&server, 5).await;
        let mut buf = [0u8; 64];
        assert_eq!(server.read(&mut buf).await.unwrap(), 5);
        assert!(!server.io.is_read_ready(), "drained, yet still readable");
        // The next bytes are a new edge, which the reader does not miss.
        client.write_all(b"again").unwrap();
        assert_eq!(server.read(&mut buf).await.unwrap(), 5);
        assert_eq!(&buf[..5], b"again");
    });
}

#[test]
fn a_read_that_leaves_bytes_keeps_the_readiness() {
    run(async {
        let (mut client, mut server) = pair().await;
        client.write_all(b"0123456789").unwrap();
        queued(&server, 10).await;
        let mut buf = [0u8; 4];
        assert_eq!(server.read(&mut buf).await.unwrap(), 4);
        assert!(server.io.is_read_ready(), "bytes left, yet not readable");
        assert_eq!(server.try_read(&mut [0u8; 64]).unwrap(), 6);
        assert!(!server.io.is_read_ready());
    });
}

/// The case `polling` alone cannot tell apart (no `EPOLLRDHUP`): the last
/// bytes and the FIN, both there before the first read. The read that
/// returns the bytes must leave the end of stream visible.
#[test]
fn data_then_fin_keeps_the_end_of_stream_visible() {
    run(async {
        let (mut client, mut server) = pair().await;
        client.write_all(b"last words").unwrap();
        client.shutdown(Shutdown::Write).unwrap();
        fin_received(&server);
        let mut buf = [0u8; 64];
        assert_eq!(server.read(&mut buf).await.unwrap(), 10);
        assert!(server.io.is_read_ready(), "FIN pending, yet not readable");
        // Not `WouldBlock`: the end of stream, at once.
        assert_eq!(server.try_read(&mut buf).unwrap(), 0);
        assert_eq!(server.read(&mut buf).await.unwrap(), 0);
    });
}

/// A FIN after the reader drained the socket is a new edge of its own.
#[test]
fn fin_after_a_drained_read_wakes_the_reader() {
    run(async {
        let (mut client, mut server) = pair().await;
        client.write_all(b"x").unwrap();
        let mut buf = [0u8; 64];
        assert_eq!(server.read(&mut buf).await.unwrap(), 1);
        let closer = std::thread::spawn(move || client.shutdown(Shutdown::Write).unwrap());
        assert_eq!(server.read(&mut buf).await.unwrap(), 0);
        closer.join().unwrap();
    });
}

/// Connected (not accepted) streams and adopted `std` ones read with the
/// hint as well.
#[test]
fn connected_and_adopted_streams_are_hinted_too() {
    run(async {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (mut peer, _) = listener.accept().unwrap();
        peer.write_all(b"hi").unwrap();
        queued(&client, 2).await;
        assert_eq!(client.read(&mut [0u8; 8]).await.unwrap(), 2);
        assert!(!client.io.is_read_ready());

        let mut adopted = TcpStream::from_std(peer).unwrap();
        crate::io::AsyncWriteExt::write_all(&mut client, b"yo")
            .await
            .unwrap();
        queued(&adopted, 2).await;
        assert_eq!(adopted.read(&mut [0u8; 8]).await.unwrap(), 2);
        assert!(!adopted.io.is_read_ready());
    });
}

/// A read shutdown of our own is no FIN: the kernel's hint does not know
/// about it, so the stream tells the reactor itself, and a read after the
/// bytes left returns end of stream instead of waiting.
#[test]
fn reads_after_our_own_read_shutdown_never_wait() {
    run(async {
        let (mut client, mut server) = pair().await;
        client.write_all(b"abc").unwrap();
        queued(&server, 3).await;
        server.shutdown(Shutdown::Read).unwrap();
        // Let the driver dispatch the shutdown's edge before the read.
        crate::task::yield_now().await;
        server.readable().await.unwrap();
        let mut buf = [0u8; 64];
        assert_eq!(server.read(&mut buf).await.unwrap(), 3);
        assert_eq!(server.try_read(&mut buf).unwrap(), 0);
        assert_eq!(server.read(&mut buf).await.unwrap(), 0);
        drop(client);
    });
}

/// Whether `TCP_INQ` is set on `socket`.
fn read_hint_set(socket: &impl AsRawFd) -> bool {
    let mut on: libc::c_int = -1;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: a valid descriptor, and a pointer to a c_int with its length,
    // both live for the call.
    let res = unsafe {
        libc::getsockopt(
            socket.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_INQ,
            (&mut on as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    assert_eq!(res, 0, "getsockopt: {}", std::io::Error::last_os_error());
    on != 0
}

/// Our `TCP_INQ` stays ours: a stream or listener given back with
/// `into_std` no longer has it, so the user's own `recvmsg` gets no control
/// message it did not ask for.
#[test]
fn into_std_gives_the_socket_back_without_the_hint() {
    run(async {
        let (_client, server) = pair().await;
        assert!(read_hint_set(&server));
        let server = server.into_std().unwrap();
        assert!(!read_hint_set(&server));

        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        assert!(read_hint_set(&listener));
        let listener = listener.into_std().unwrap();
        assert!(!read_hint_set(&listener));
        let _client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (accepted, _) = listener.accept().unwrap();
        assert!(!read_hint_set(&accepted), "inherited from the listener");
    });
}
