//! `TcpSocket` options (checked with getsockopt on the resulting sockets),
//! and the readiness API of the stream types: `readable`/`writable`,
//! `try_read`/`try_write`, `try_recv`/`try_send`.
#![cfg(not(miri))]

use futures_lite::future::poll_once;
use runtime::io::{AsyncReadExt, AsyncWriteExt};
use runtime::net::{TcpListener, TcpSocket, TcpStream, UdpSocket, UnixStream};
use std::future::Future;
use std::io::ErrorKind;
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::task::{Context, Wake, Waker};

fn getsockopt_int(fd: &impl AsRawFd, level: libc::c_int, name: libc::c_int) -> libc::c_int {
    let mut value: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: a valid descriptor, and a c_int-sized out-buffer with its length.
    let res = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (&mut value as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    assert_eq!(res, 0, "{}", std::io::Error::last_os_error());
    value
}

async fn connected_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

#[runtime::test]
async fn reuseaddr_lets_a_restarted_server_rebind_a_port_its_closed_connections_hold() {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_reuseaddr(true).unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(16).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut client = TcpStream::connect(addr).await.unwrap();
    let (conn, _) = listener.accept().await.unwrap();
    drop(conn); // the server closes first: its end lingers (FIN_WAIT / TIME_WAIT)
    let mut rest = Vec::new();
    client.read_to_end(&mut rest).await.unwrap();
    drop(client);
    drop(listener);

    let plain = TcpSocket::new_v4().unwrap();
    plain.set_reuseaddr(false).unwrap();
    let err = plain.bind(addr).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");

    let again = TcpSocket::new_v4().unwrap();
    again.set_reuseaddr(true).unwrap();
    again.bind(addr).unwrap();
    let listener = again.listen(16).unwrap();
    let _client = TcpStream::connect(addr).await.unwrap();
    listener.accept().await.unwrap();
}

#[runtime::test]
async fn reuseport_lets_two_listeners_share_a_port() {
    let a = TcpSocket::new_v4().unwrap();
    a.set_reuseport(true).unwrap();
    assert!(a.reuseport().unwrap());
    a.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = a.local_addr().unwrap();
    let b = TcpSocket::new_v4().unwrap();
    b.set_reuseport(true).unwrap();
    b.bind(addr).unwrap();
    let (la, lb) = (a.listen(8).unwrap(), b.listen(8).unwrap());
    assert_eq!(la.local_addr().unwrap(), lb.local_addr().unwrap());

    let c = TcpSocket::new_v4().unwrap();
    let err = c.bind(addr).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AddrInUse);
}

#[runtime::test]
async fn buffer_sizes_and_options_are_what_getsockopt_reports_and_carry_over() {
    let small = TcpSocket::new_v4().unwrap();
    small.set_send_buffer_size(16 * 1024).unwrap();
    small.set_recv_buffer_size(16 * 1024).unwrap();
    let large = TcpSocket::new_v4().unwrap();
    large.set_send_buffer_size(96 * 1024).unwrap();
    large.set_recv_buffer_size(96 * 1024).unwrap();
    for socket in [&small, &large] {
        assert_eq!(
            socket.send_buffer_size().unwrap() as i32,
            getsockopt_int(socket, libc::SOL_SOCKET, libc::SO_SNDBUF)
        );
        assert_eq!(
            socket.recv_buffer_size().unwrap() as i32,
            getsockopt_int(socket, libc::SOL_SOCKET, libc::SO_RCVBUF)
        );
    }
    assert!(small.send_buffer_size().unwrap() >= 16 * 1024);
    assert!(large.send_buffer_size().unwrap() > small.send_buffer_size().unwrap());
    assert!(large.recv_buffer_size().unwrap() > small.recv_buffer_size().unwrap());

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    large.set_keepalive(true).unwrap();
    large.set_nodelay(true).unwrap();
    let sndbuf = large.send_buffer_size().unwrap() as i32;
    let stream = large.connect(listener.local_addr().unwrap()).await.unwrap();
    assert_eq!(
        getsockopt_int(&stream, libc::SOL_SOCKET, libc::SO_KEEPALIVE),
        1
    );
    assert_eq!(
        getsockopt_int(&stream, libc::IPPROTO_TCP, libc::TCP_NODELAY),
        1
    );
    assert_eq!(
        getsockopt_int(&stream, libc::SOL_SOCKET, libc::SO_SNDBUF),
        sndbuf
    );
    assert!(stream.nodelay().unwrap());
}

#[runtime::test]
async fn connect_from_a_bound_socket_uses_its_local_address() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let local = socket.local_addr().unwrap();
    let stream = socket
        .connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    assert_eq!(stream.local_addr().unwrap(), local);
    let (_, peer) = listener.accept().await.unwrap();
    assert_eq!(peer, local);
}

#[runtime::test]
async fn connect_refused_is_an_error() {
    // A port bound but not listening refuses connections.
    let holder = TcpSocket::new_v4().unwrap();
    holder.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = holder.local_addr().unwrap();
    let err = TcpSocket::new_v4()
        .unwrap()
        .connect(addr)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
}

#[test]
fn listen_outside_a_runtime_says_so() {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let err = socket.listen(8).unwrap_err();
    assert!(err.to_string().contains("runtime"), "{err}");
}

/// The backlog reaches the kernel: on Linux, `TCP_INFO` of a listening
/// socket reports its maximum accept queue in `tcpi_sacked`.
#[cfg(target_os = "linux")]
mod backlog {
    use super::*;

    fn max_accept_queue(listener: &TcpListener) -> u32 {
        // SAFETY: tcp_info is plain integers; zeroed is a valid value.
        let mut info: libc::tcp_info = unsafe { std::mem::zeroed() };
        let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
        // SAFETY: a valid descriptor and an out-buffer of `len` bytes.
        let res = unsafe {
            libc::getsockopt(
                listener.as_raw_fd(),
                libc::IPPROTO_TCP,
                libc::TCP_INFO,
                (&mut info as *mut libc::tcp_info).cast(),
                &mut len,
            )
        };
        assert_eq!(res, 0, "{}", std::io::Error::last_os_error());
        info.tcpi_sacked
    }

    #[runtime::test]
    async fn listen_passes_the_backlog_to_the_kernel() {
        for backlog in [1, 7, 100] {
            let socket = TcpSocket::new_v4().unwrap();
            socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
            let listener = socket.listen(backlog).unwrap();
            assert_eq!(max_accept_queue(&listener), backlog);
        }
        // Past i32::MAX it is clamped, and the kernel caps it at somaxconn.
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = socket.listen(u32::MAX).unwrap();
        assert!(max_accept_queue(&listener) >= 100);
    }
}

#[runtime::test]
async fn try_read_would_block_until_data_and_clears_readiness() {
    let (mut client, server) = connected_pair().await;
    let mut buf = [0u8; 16];
    assert_eq!(
        server.try_read(&mut buf).unwrap_err().kind(),
        ErrorKind::WouldBlock
    );
    assert!(
        poll_once(server.readable()).await.is_none(),
        "nothing to read yet"
    );

    client.write_all(b"abc").await.unwrap();
    server.readable().await.unwrap();
    assert_eq!(server.try_read(&mut buf).unwrap(), 3);
    assert_eq!(&buf[..3], b"abc");
    // Drained: the next try learns WouldBlock and clears the readiness...
    assert_eq!(
        server.try_read(&mut buf).unwrap_err().kind(),
        ErrorKind::WouldBlock
    );
    // ...so readable() waits for the next edge.
    assert!(poll_once(server.readable()).await.is_none());

    client.close().await.unwrap();
    server.readable().await.unwrap();
    assert_eq!(server.try_read(&mut buf).unwrap(), 0, "end of stream");
}

#[runtime::test]
async fn try_write_fills_the_send_buffer_then_writable_waits_for_room() {
    let (client, mut server) = connected_pair().await;
    client.writable().await.unwrap();
    let chunk = vec![7u8; 64 * 1024];
    let mut sent = 0usize;
    loop {
        match client.try_write(&chunk) {
            Ok(n) => sent += n,
            Err(err) if err.kind() == ErrorKind::WouldBlock => break,
            Err(err) => panic!("{err}"),
        }
    }
    assert!(sent > 0);
    assert!(poll_once(client.writable()).await.is_none(), "buffers full");
    let reader = runtime::spawn(async move {
        let mut got = vec![0u8; sent];
        server.read_exact(&mut got).await.unwrap();
        server
    });
    client.writable().await.unwrap();
    let _server = reader.await.unwrap();
    assert!(client.try_write(b"more").unwrap() > 0);
}

#[runtime::test]
async fn unix_streams_have_the_same_readiness_api() {
    let (a, b) = UnixStream::pair().unwrap();
    assert_eq!(
        a.try_read(&mut [0u8; 4]).unwrap_err().kind(),
        ErrorKind::WouldBlock
    );
    b.writable().await.unwrap();
    assert_eq!(b.try_write(b"hey").unwrap(), 3);
    a.readable().await.unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(a.try_read(&mut buf).unwrap(), 3);
    assert_eq!(&buf[..3], b"hey");
}

#[runtime::test]
async fn udp_try_recv_and_try_send() {
    let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(
        b.try_recv_from(&mut buf).unwrap_err().kind(),
        ErrorKind::WouldBlock
    );
    a.writable().await.unwrap();
    a.try_send_to(b"one", b.local_addr().unwrap()).unwrap();
    let (n, from) = loop {
        b.readable().await.unwrap();
        match b.try_recv_from(&mut buf) {
            Ok(got) => break got,
            Err(err) if err.kind() == ErrorKind::WouldBlock => continue,
            Err(err) => panic!("{err}"),
        }
    };
    assert_eq!((&buf[..n], from), (&b"one"[..], a.local_addr().unwrap()));

    a.connect(b.local_addr().unwrap()).await.unwrap();
    b.connect(a.local_addr().unwrap()).await.unwrap();
    a.try_send(b"two").unwrap();
    let n = loop {
        b.readable().await.unwrap();
        if let Ok(n) = b.try_recv(&mut buf) {
            break n;
        }
    };
    assert_eq!(&buf[..n], b"two");
}

struct Noop;
impl Wake for Noop {
    fn wake(self: Arc<Self>) {}
}

/// Polls `fut` once with a counted waker, expecting `Pending`, drops it,
/// and says whether the reactor let go of the waker.
fn cancelled_releases_its_waker<F: Future>(fut: F) -> bool {
    let task = Arc::new(Noop);
    let waker = Waker::from(task.clone());
    {
        let mut fut = std::pin::pin!(fut);
        let polled = fut.as_mut().poll(&mut Context::from_waker(&waker));
        assert!(polled.is_pending(), "expected the operation to wait");
        drop(waker);
        assert_eq!(Arc::strong_count(&task), 2, "registered while pending");
    }
    Arc::strong_count(&task) == 1
}

#[runtime::test]
async fn a_cancelled_readable_releases_its_waker() {
    let (_client, server) = connected_pair().await;
    assert!(cancelled_releases_its_waker(server.readable()));
    let (a, _b) = UnixStream::pair().unwrap();
    assert!(cancelled_releases_its_waker(a.readable()));
    let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    assert!(cancelled_releases_its_waker(udp.readable()));
}
