//! UDP: an asynchronous socket error (an ICMP "port unreachable" on a
//! connected socket) is reported once, by the next receive; after that the
//! socket is healthy and waits for datagrams again, instead of looking
//! ready for ever.
#![cfg(not(miri))]

use runtime::net::UdpSocket;
use std::io;
use std::pin::pin;
use std::task::Waker;
use tests::{CountingWaker, current, poll_once};

/// A connected UDP socket whose peer port is closed, after the receive
/// that reported the ICMP error (`ECONNREFUSED`).
async fn socket_after_refusal() -> UdpSocket {
    let closed = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let dead = closed.local_addr().unwrap();
    drop(closed);
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    socket.connect(dead).await.unwrap();
    socket.send(b"anyone?").await.unwrap();
    let mut buf = [0u8; 16];
    // Waits for the error's edge (EPOLLERR), then reports the error.
    let err = socket.recv(&mut buf).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
    socket
}

/// The README's loop, `readable().await` then `try_recv` until
/// `WouldBlock`: once `WouldBlock` was seen, `readable()` waits for a new
/// edge. The error's edge used to leave a readiness bit that no
/// `WouldBlock` cleared: `readable()` stayed ready and the loop spun.
#[test]
fn would_block_after_a_reported_error_makes_readable_wait() {
    current().block_on(async {
        let socket = socket_after_refusal().await;
        let mut buf = [0u8; 16];
        let err = socket.try_recv(&mut buf).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        let mut readable = pin!(socket.readable());
        let polled = poll_once(readable.as_mut(), Waker::noop());
        assert!(
            polled.is_pending(),
            "readable() is ready with nothing to read and no error pending: {polled:?}"
        );
    });
}

/// After the error, a receive waits for a datagram: its poll returns
/// `Pending` with the task left to the reactor. It used to retry `recv`
/// in a loop, each try answering `WouldBlock`, until the task's budget ran
/// out and it woke itself to try again: a busy loop for as long as no
/// datagram came.
#[test]
fn recv_after_a_reported_error_waits_for_the_next_datagram() {
    current().block_on(async {
        let socket = socket_after_refusal().await;
        let mut buf = [0u8; 16];
        {
            let (count, waker) = CountingWaker::new();
            let mut recv = pin!(socket.recv(&mut buf));
            let polled = poll_once(recv.as_mut(), &waker);
            assert!(polled.is_pending(), "{polled:?}");
            assert_eq!(
                count.count(),
                0,
                "recv woke its own task with nothing to receive (a busy loop)"
            );
        }
        // The socket still works: a datagram from its peer arrives.
        let peer = UdpSocket::bind(socket.peer_addr().unwrap()).await.unwrap();
        peer.send_to(b"here", socket.local_addr().unwrap())
            .await
            .unwrap();
        let n = socket.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"here");
    });
}
