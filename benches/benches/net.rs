//! Network benchmarks: our runtime beside tokio and the smol stack
//! (async-net on async-executor) in one run, same worker count.
//!
//! Run: `cargo bench -p benches --bench net`, then
//! `cargo run -p benches --bin report tcp_echo` for the table.
//!
//! `tcp_echo`: 100 connections × 1000 round trips of 64 bytes over
//! loopback. Each runtime serves its own echo server (one task per
//! connection: read, write back) and runs the 100 clients (write 64 bytes,
//! read 64 back, 1000 times) as tasks. `TCP_NODELAY` is set on both ends
//! for all three. One iteration includes the 100 connects and closes.

use benches::{Smol, ours, tokio};
use criterion::{Criterion, criterion_group, criterion_main};
use std::net::SocketAddr;
use std::time::Duration;

const CONNECTIONS: usize = 100;
const ROUND_TRIPS: usize = 1000;
const MESSAGE: usize = 64;

fn tcp_echo(c: &mut Criterion) {
    let mut group = c.benchmark_group("tcp_echo");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(2));
    group.measurement_time(Duration::from_secs(10));
    group.throughput(criterion::Throughput::Elements(
        (CONNECTIONS * ROUND_TRIPS) as u64,
    ));

    // ---- ours ----
    let rt = ours();
    let addr = rt.block_on(async {
        use runtime::io::{AsyncReadExt, AsyncWriteExt};
        let listener = runtime::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        runtime::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                stream.set_nodelay(true).unwrap();
                runtime::spawn(async move {
                    let mut buf = [0u8; 4096];
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
    });
    group.bench_function("runtime", |b| {
        b.iter(|| {
            rt.block_on(rt.spawn(async move {
                let clients: Vec<_> = (0..CONNECTIONS)
                    .map(|_| runtime::spawn(ours_client(addr)))
                    .collect();
                for c in clients {
                    c.await.unwrap();
                }
            }))
            .unwrap()
        })
    });
    drop(rt);

    // ---- tokio ----
    let rt = tokio();
    let addr = rt.block_on(async {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                stream.set_nodelay(true).unwrap();
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
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
    });
    group.bench_function("tokio", |b| {
        b.iter(|| {
            rt.block_on(rt.spawn(async move {
                let clients: Vec<_> = (0..CONNECTIONS)
                    .map(|_| tokio::spawn(tokio_client(addr)))
                    .collect();
                for c in clients {
                    c.await.unwrap();
                }
            }))
            .unwrap()
        })
    });
    drop(rt);

    // ---- smol (async-net) ----
    let smol = Smol::new();
    let ex = smol.ex.clone();
    let addr = smol.block_on(async move {
        use futures_lite::{AsyncReadExt, AsyncWriteExt};
        let listener = async_net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server_ex = ex.clone();
        ex.spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                stream.set_nodelay(true).unwrap();
                server_ex
                    .spawn(async move {
                        let mut buf = [0u8; 4096];
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
                    })
                    .detach();
            }
        })
        .detach();
        addr
    });
    group.bench_function("smol", |b| {
        b.iter(|| {
            let ex = smol.ex.clone();
            smol.block_on(async move {
                let clients: Vec<_> = (0..CONNECTIONS)
                    .map(|_| ex.spawn(smol_client(addr)))
                    .collect();
                for c in clients {
                    c.await;
                }
            })
        })
    });
    drop(smol);
    group.finish();
}

async fn ours_client(addr: SocketAddr) {
    use runtime::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = runtime::net::TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let msg = [7u8; MESSAGE];
    let mut back = [0u8; MESSAGE];
    for _ in 0..ROUND_TRIPS {
        stream.write_all(&msg).await.unwrap();
        stream.read_exact(&mut back).await.unwrap();
    }
}

async fn tokio_client(addr: SocketAddr) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let msg = [7u8; MESSAGE];
    let mut back = [0u8; MESSAGE];
    for _ in 0..ROUND_TRIPS {
        stream.write_all(&msg).await.unwrap();
        stream.read_exact(&mut back).await.unwrap();
    }
}

async fn smol_client(addr: SocketAddr) {
    use futures_lite::{AsyncReadExt, AsyncWriteExt};
    let mut stream = async_net::TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let msg = [7u8; MESSAGE];
    let mut back = [0u8; MESSAGE];
    for _ in 0..ROUND_TRIPS {
        stream.write_all(&msg).await.unwrap();
        stream.read_exact(&mut back).await.unwrap();
    }
}

criterion_group!(benches, tcp_echo);
criterion_main!(benches);
