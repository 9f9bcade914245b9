//! UDP: datagrams to and from addresses, connected sockets, several tasks
//! waiting on one socket, truncation, std conversions.
#![cfg(not(miri))]

use runtime::net::UdpSocket;
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tests::{current, multi};

#[test]
fn send_to_and_recv_from() {
    for rt in [current(), multi(2)] {
        rt.block_on(async {
            let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let (a_addr, b_addr) = (a.local_addr().unwrap(), b.local_addr().unwrap());
            for i in 0..100u32 {
                a.send_to(&i.to_le_bytes(), b_addr).await.unwrap();
                let mut buf = [0u8; 16];
                let (n, from) = b.recv_from(&mut buf).await.unwrap();
                assert_eq!((n, from), (4, a_addr));
                assert_eq!(buf[..4], i.to_le_bytes());
                b.send_to(&buf[..n], from).await.unwrap();
                let (n, from) = a.recv_from(&mut buf).await.unwrap();
                assert_eq!((n, from), (4, b_addr));
            }
        });
    }
}

#[test]
fn connected_sockets_send_and_recv() {
    let rt = current();
    rt.block_on(async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        a.connect(b.local_addr().unwrap()).await.unwrap();
        b.connect(a.local_addr().unwrap()).await.unwrap();
        assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());
        a.send(b"hello").await.unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(b.recv(&mut buf).await.unwrap(), 5);
        assert_eq!(&buf[..5], b"hello");
        // A third socket's datagrams are filtered out by the connection.
        let c = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        c.send_to(b"intruder", b.local_addr().unwrap())
            .await
            .unwrap();
        a.send(b"second").await.unwrap();
        let n = b.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"second");
    });
}

#[test]
fn send_to_a_host_name() {
    let rt = multi(1);
    rt.block_on(async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let port = a.local_addr().unwrap().port();
        a.send_to(b"by name", ("127.0.0.1", port)).await.unwrap();
        a.send_to(b"by string", format!("127.0.0.1:{port}"))
            .await
            .unwrap();
        let mut buf = [0u8; 16];
        let (n, _) = a.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"by name");
        let (n, _) = a.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"by string");
    });
}

#[test]
fn several_tasks_receive_on_one_socket() {
    const TASKS: usize = 8;
    const ROUNDS: usize = 50;
    let rt = multi(2);
    rt.block_on(async {
        let server = Arc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
        let addr = server.local_addr().unwrap();
        let received = Arc::new(AtomicUsize::new(0));
        let receivers: Vec<_> = (0..TASKS)
            .map(|_| {
                let (server, received) = (server.clone(), received.clone());
                runtime::spawn(async move {
                    let mut got = Vec::new();
                    loop {
                        let mut buf = [0u8; 8];
                        let (n, _) = server.recv_from(&mut buf).await.unwrap();
                        let v = u64::from_le_bytes(buf);
                        if n == 1 {
                            return got; // the stop datagram
                        }
                        got.push(v);
                        received.fetch_add(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        let client = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        // Rounds of one datagram per task, each round sent once the last
        // one is in, so the receive buffer never overflows (UDP would drop).
        for round in 0..ROUNDS {
            for t in 0..TASKS {
                let v = (round * TASKS + t) as u64;
                client.send_to(&v.to_le_bytes(), addr).await.unwrap();
            }
            while received.load(Ordering::SeqCst) < (round + 1) * TASKS {
                runtime::yield_now().await;
            }
        }
        for _ in 0..TASKS {
            client.send_to(b"!", addr).await.unwrap();
        }
        let mut all = HashSet::new();
        for r in receivers {
            for v in r.await.unwrap() {
                assert!(all.insert(v), "datagram {v} received twice");
            }
        }
        assert_eq!(all.len(), TASKS * ROUNDS);
    });
}

#[test]
fn a_short_buffer_truncates_the_datagram() {
    let rt = current();
    rt.block_on(async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        a.send_to(b"0123456789", a.local_addr().unwrap())
            .await
            .unwrap();
        a.send_to(b"next", a.local_addr().unwrap()).await.unwrap();
        let mut small = [0u8; 4];
        let (n, _) = a.recv_from(&mut small).await.unwrap();
        assert_eq!((n, &small), (4, b"0123"));
        // The rest of the first datagram is gone; the next one is whole.
        let mut buf = [0u8; 16];
        let (n, _) = a.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"next");
    });
}

#[test]
fn peek_then_receive() {
    let rt = current();
    rt.block_on(async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        a.send_to(b"peek", a.local_addr().unwrap()).await.unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(a.peek_from(&mut buf).await.unwrap().0, 4);
        assert_eq!(a.recv_from(&mut buf).await.unwrap().0, 4);
    });
}

#[test]
fn std_conversions_and_options() {
    let std_socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let err = UdpSocket::from_std(std_socket.try_clone().unwrap()).unwrap_err();
    assert!(err.to_string().contains("outside of a runtime"), "{err}");
    let rt = current();
    rt.block_on(async move {
        let socket = UdpSocket::from_std(std_socket).unwrap();
        socket.set_broadcast(true).unwrap();
        assert!(socket.broadcast().unwrap());
        assert!(socket.peer_addr().is_err());
        assert!(format!("{socket:?}").contains("UdpSocket"));
        let back = socket.into_std().unwrap();
        assert!(back.local_addr().is_ok());
    });
}
