//! TCP: echo, half-close, many small writes, splitting, std conversions,
//! 10k concurrent connections, two runtimes, use after shutdown.
#![cfg(not(miri))]

use runtime::io::{AsyncReadExt, AsyncWriteExt};
use runtime::net::{TcpListener, TcpStream};
use std::net::{Shutdown, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tests::{Gate, current, multi, raise_fd_limit};

/// Spawns an echo server on the current runtime; returns its address.
async fn echo_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    runtime::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            runtime::spawn(async move {
                let mut buf = vec![0u8; 4096];
                loop {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => {
                            if stream.write_all(&buf[..n]).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
    addr
}

#[test]
fn echo_on_both_schedulers() {
    for rt in [current(), multi(2)] {
        rt.block_on(async {
            let addr = echo_server().await;
            let mut stream = TcpStream::connect(addr).await.unwrap();
            stream.set_nodelay(true).unwrap();
            for i in 0..200u32 {
                let msg = format!("message number {i}");
                stream.write_all(msg.as_bytes()).await.unwrap();
                let mut back = vec![0u8; msg.len()];
                stream.read_exact(&mut back).await.unwrap();
                assert_eq!(back, msg.as_bytes());
            }
        });
    }
}

#[test]
fn large_transfer_is_echoed_intact() {
    let rt = multi(2);
    rt.block_on(async {
        let addr = echo_server().await;
        let stream = TcpStream::connect(addr).await.unwrap();
        let (mut rd, mut wr) = stream.into_split();
        // Bigger than the socket buffers: the writer must wait for the
        // reader, in another task, to make room.
        let data: Vec<u8> = (0..4 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
        let expected = data.clone();
        let writer = runtime::spawn(async move {
            wr.write_all(&data).await.unwrap();
            wr.close().await.unwrap();
        });
        let mut got = Vec::new();
        rd.read_to_end(&mut got).await.unwrap();
        writer.await.unwrap();
        assert_eq!(got.len(), expected.len());
        assert!(got == expected, "echoed bytes differ");
    });
}

#[test]
fn reads_across_many_small_writes() {
    let rt = multi(2);
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        // The writer sends 5,000 chunks of 1..=13 bytes, each flushed on
        // its own (nodelay), so the reader sees arbitrary boundaries.
        let writer = runtime::spawn(async move {
            let (mut conn, _) = listener.accept().await.unwrap();
            conn.set_nodelay(true).unwrap();
            let mut counter = 0u8;
            for i in 0..5_000usize {
                let len = 1 + i % 13;
                let chunk: Vec<u8> = (0..len)
                    .map(|_| {
                        counter = counter.wrapping_add(1);
                        counter
                    })
                    .collect();
                conn.write_all(&chunk).await.unwrap();
                if i % 64 == 0 {
                    runtime::yield_now().await;
                }
            }
        });
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let mut expected = 0u8;
        let mut total = 0usize;
        // Read in sizes that never line up with the writes.
        let mut sizes = [7usize, 1, 64, 3, 1000].into_iter().cycle();
        loop {
            let mut buf = vec![0u8; sizes.next().unwrap()];
            let n = stream.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            for &b in &buf[..n] {
                expected = expected.wrapping_add(1);
                assert_eq!(b, expected, "byte {total} out of order");
                total += 1;
            }
        }
        writer.await.unwrap();
        assert_eq!(total, (0..5_000usize).map(|i| 1 + i % 13).sum::<usize>());
    });
}

#[test]
fn half_close_lets_the_peer_answer() {
    let rt = current();
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = runtime::spawn(async move {
            let (mut conn, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            conn.read_to_end(&mut request).await.unwrap(); // ends at the client's FIN
            conn.write_all(&request).await.unwrap();
            conn.write_all(b" (answered after EOF)").await.unwrap();
        });
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(b"question").await.unwrap();
        stream.shutdown(Shutdown::Write).unwrap(); // write_eof()
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        assert_eq!(answer, "question (answered after EOF)");
        server.await.unwrap();
        // Writing after our own shutdown is an error, not a panic.
        assert!(stream.write_all(b"more").await.is_err());
    });
}

#[test]
fn close_through_the_async_write_trait_is_a_half_close() {
    let rt = current();
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (mut conn, _) = listener.accept().await.unwrap();
        client.close().await.unwrap();
        let mut buf = [0u8; 4];
        assert_eq!(conn.read(&mut buf).await.unwrap(), 0);
        // The other direction still works.
        conn.write_all(b"late").await.unwrap();
        client.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"late");
    });
}

#[test]
fn borrowed_halves_work_concurrently_in_one_task() {
    let rt = current();
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (mut conn, _) = listener.accept().await.unwrap();
        let data = vec![7u8; 1024 * 1024];
        let (mut rd, mut wr) = client.split();
        let write = async {
            wr.write_all(&data).await.unwrap();
            wr.close().await.unwrap();
        };
        let echo = async {
            let (mut crd, mut cwr) = conn.split();
            runtime::io::copy(&mut crd, &mut cwr).await.unwrap();
            cwr.close().await.unwrap();
        };
        let read = async {
            let mut got = Vec::new();
            rd.read_to_end(&mut got).await.unwrap();
            got
        };
        let ((), (), got) = futures_lite::future::zip(futures_lite::future::zip(write, echo), read)
            .await
            .into_flat();
        assert_eq!(got.len(), data.len());
    });
}

trait IntoFlat<A, B, C> {
    fn into_flat(self) -> (A, B, C);
}
impl<A, B, C> IntoFlat<A, B, C> for ((A, B), C) {
    fn into_flat(self) -> (A, B, C) {
        (self.0.0, self.0.1, self.1)
    }
}

#[test]
fn owned_halves_move_to_different_tasks_and_reunite() {
    let rt = multi(2);
    rt.block_on(async {
        let addr = echo_server().await;
        let stream = TcpStream::connect(addr).await.unwrap();
        let local = stream.local_addr().unwrap();
        let (mut rd, mut wr) = stream.into_split();
        let writer = runtime::spawn(async move {
            for _ in 0..100 {
                wr.write_all(b"0123456789").await.unwrap();
            }
            wr
        });
        let reader = runtime::spawn(async move {
            let mut buf = vec![0u8; 1000];
            rd.read_exact(&mut buf).await.unwrap();
            assert!(buf.chunks(10).all(|c| c == b"0123456789"));
            rd
        });
        let wr = writer.await.unwrap();
        let rd = reader.await.unwrap();
        let stream = rd.reunite(wr).unwrap();
        assert_eq!(stream.local_addr().unwrap(), local);
    });
}

#[test]
fn reuniting_halves_of_different_streams_fails() {
    let rt = current();
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (r1, w1) = TcpStream::connect(addr).await.unwrap().into_split();
        let (r2, w2) = TcpStream::connect(addr).await.unwrap().into_split();
        let err = r1.reunite(w2).unwrap_err();
        assert!(err.to_string().contains("different"));
        assert!(err.0.reunite(w1).is_ok());
        assert!(r2.reunite(err.1).is_ok());
    });
}

#[test]
fn std_conversions_round_trip() {
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = std_listener.local_addr().unwrap();
    // Outside a runtime there is no reactor to register with.
    let err = TcpListener::from_std(std_listener.try_clone().unwrap()).unwrap_err();
    assert!(err.to_string().contains("outside of a runtime"), "{err}");
    let rt = multi(1);
    let std_stream = rt.block_on(async move {
        let listener = TcpListener::from_std(std_listener).unwrap();
        let client = runtime::spawn(TcpStream::connect(addr));
        let (conn, peer) = listener.accept().await.unwrap();
        let client = client.await.unwrap().unwrap();
        assert_eq!(client.local_addr().unwrap(), peer);
        assert_eq!(client.peer_addr().unwrap(), addr);
        // Back to std: blocking mode, deregistered, still connected.
        let mut std_client = client.into_std().unwrap();
        std::io::Write::write_all(&mut std_client, b"from std").unwrap();
        let mut conn = conn;
        let mut buf = [0u8; 8];
        conn.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"from std");
        listener.into_std().unwrap();
        conn.into_std().unwrap()
    });
    // And into a runtime again.
    rt.block_on(async move {
        let mut stream = TcpStream::from_std(std_stream).unwrap();
        stream.write_all(b"again").await.unwrap();
    });
}

#[test]
fn connect_to_a_closed_port_is_refused() {
    let rt = current();
    rt.block_on(async {
        let addr = {
            let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
            l.local_addr().unwrap()
        }; // closed again
        let err = TcpStream::connect(addr).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
    });
}

#[test]
fn connect_by_host_name_resolves_on_the_pool() {
    let rt = multi(1);
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        // "localhost" may resolve to ::1 first, where nothing listens; the
        // next address is tried.
        let stream = TcpStream::connect(format!("localhost:{port}"))
            .await
            .unwrap();
        assert_eq!(stream.peer_addr().unwrap().port(), port);
        let stream = TcpStream::connect(("localhost", port)).await.unwrap();
        assert_eq!(stream.peer_addr().unwrap().port(), port);
    });
}

#[test]
fn socket_options() {
    let rt = current();
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let stream = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        assert!(!stream.nodelay().unwrap());
        stream.set_nodelay(true).unwrap();
        assert!(stream.nodelay().unwrap());
        stream
            .set_linger(Some(std::time::Duration::from_secs(1)))
            .unwrap();
        assert_eq!(
            stream.linger().unwrap(),
            Some(std::time::Duration::from_secs(1))
        );
        let (conn, _) = listener.accept().await.unwrap();
        assert_eq!(conn.peer_addr().unwrap(), stream.local_addr().unwrap());
        assert!(format!("{stream:?}").contains("TcpStream"));
        assert!(format!("{listener:?}").contains("TcpListener"));
    });
}

/// Ten thousand connections open at the same time, each echoing a message
/// once all are up.
#[test]
fn ten_thousand_concurrent_connections() {
    const WANT: usize = 10_000;
    // Two descriptors per connection (both ends live in this process).
    let limit = raise_fd_limit(2 * WANT as u64 + 1_000);
    let n = WANT.min((limit as usize).saturating_sub(1_000) / 2);
    if n < WANT {
        eprintln!("RLIMIT_NOFILE is {limit} and cannot be raised: testing {n} connections");
    }
    let rt = multi(2);
    rt.block_on(async move {
        let addr = echo_server().await;
        let connected = Arc::new(AtomicUsize::new(0));
        let all_up = Gate::new();
        let mut clients = Vec::with_capacity(n);
        // Connect in waves so the listen backlog (1024) never overflows
        // (an overflow costs a 1 s SYN retransmit, not a failure).
        for wave in (0..n).collect::<Vec<_>>().chunks(500) {
            let mut streams = Vec::new();
            for &i in wave {
                streams.push((i, runtime::spawn(TcpStream::connect(addr))));
            }
            for (i, s) in streams {
                let mut stream = s.await.unwrap().unwrap();
                let connected = connected.clone();
                let all_up = all_up.clone();
                clients.push(runtime::spawn(async move {
                    if connected.fetch_add(1, Ordering::SeqCst) + 1 == n {
                        all_up.open();
                    }
                    all_up.wait().await;
                    let msg = (i as u64).to_le_bytes();
                    stream.write_all(&msg).await.unwrap();
                    let mut back = [0u8; 8];
                    stream.read_exact(&mut back).await.unwrap();
                    assert_eq!(back, msg);
                }));
            }
        }
        for c in clients {
            c.await.unwrap();
        }
        assert_eq!(connected.load(Ordering::SeqCst), n);
    });
}

/// Each runtime's sockets are driven by its own reactor; tasks on one
/// runtime can talk to sockets served by the other.
#[test]
fn two_runtimes_in_one_process() {
    let a = multi(1);
    let b = multi(2);
    let addr_a = a.block_on(echo_server());
    let addr_b = b.block_on(echo_server());
    let from_b = b.spawn(async move {
        let mut s = TcpStream::connect(addr_a).await.unwrap();
        s.write_all(b"b->a").await.unwrap();
        let mut buf = [0u8; 4];
        s.read_exact(&mut buf).await.unwrap();
        buf
    });
    let from_a = a.spawn(async move {
        let mut s = TcpStream::connect(addr_b).await.unwrap();
        s.write_all(b"a->b").await.unwrap();
        let mut buf = [0u8; 4];
        s.read_exact(&mut buf).await.unwrap();
        buf
    });
    assert_eq!(&b.block_on(from_b).unwrap(), b"b->a");
    assert_eq!(&a.block_on(from_a).unwrap(), b"a->b");
    // A stream made in `a` and moved into a task of `b` still works while
    // `a` runs: its reactor wakes the task on `b`.
    let stream = a.block_on(TcpStream::connect(addr_b)).unwrap();
    let moved = b.spawn(async move {
        let mut stream = stream;
        stream.write_all(b"moved").await.unwrap();
        let mut buf = [0u8; 5];
        stream.read_exact(&mut buf).await.unwrap();
        buf
    });
    assert_eq!(&b.block_on(moved).unwrap(), b"moved");
}

#[test]
fn sockets_fail_once_their_runtime_has_shut_down() {
    let rt = multi(1);
    let (mut client, listener) = rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        (client, listener)
    });
    drop(rt);
    let other = current();
    other.block_on(async {
        let err = client.read(&mut [0u8; 8]).await.unwrap_err();
        assert!(err.to_string().contains("shut down"), "{err}");
        let err = client.write_all(b"x").await.unwrap_err();
        assert!(err.to_string().contains("shut down"), "{err}");
        let err = listener.accept().await.unwrap_err();
        assert!(err.to_string().contains("shut down"), "{err}");
    });
}
