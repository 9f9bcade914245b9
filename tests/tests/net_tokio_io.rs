//! The `tokio-io` feature: tokio's `AsyncRead` / `AsyncWrite` on our
//! streams, used by crates written against tokio's traits: tokio-util's
//! `Framed` + `LinesCodec` over our `TcpStream`, tokio's io-util
//! combinators over every stream type and half, reads into uninitialized
//! buffers, `poll_shutdown` as a half-close.
#![cfg(not(miri))]

use futures_util::{SinkExt, StreamExt};
use runtime::net::{TcpListener, TcpStream, UnixStream};
use std::mem::MaybeUninit;
use tests::{current, multi, temp_path};
use tokio::io::{AsyncReadExt, AsyncWriteExt, ReadBuf};
use tokio_util::codec::{Framed, LinesCodec};

/// A line server on tokio-util's `Framed`: answers each line uppercased,
/// and "bye" with "BYE" and a close.
async fn shouting_server() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    runtime::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            runtime::spawn(async move {
                let mut lines = Framed::new(stream, LinesCodec::new());
                while let Some(line) = lines.next().await {
                    let line = line.unwrap();
                    lines.send(line.to_uppercase()).await.unwrap();
                    if line == "bye" {
                        return;
                    }
                }
            });
        }
    });
    addr
}

#[test]
fn framed_lines_codec_over_our_tcp_stream() {
    for rt in [current(), multi(2)] {
        rt.block_on(async {
            let addr = shouting_server().await;
            let stream = TcpStream::connect(addr).await.unwrap();
            let mut client = Framed::new(stream, LinesCodec::new());
            for word in ["hello", "framed", "world"] {
                client.send(word).await.unwrap();
                assert_eq!(client.next().await.unwrap().unwrap(), word.to_uppercase());
            }
            client.send("bye").await.unwrap();
            assert_eq!(client.next().await.unwrap().unwrap(), "BYE");
            // The server dropped its end: the codec sees end of stream.
            assert!(client.next().await.is_none());
        });
    }
}

#[test]
fn framed_lines_from_many_clients_at_once() {
    multi(2).block_on(async {
        let addr = shouting_server().await;
        let clients: Vec<_> = (0..20)
            .map(|i| {
                runtime::spawn(async move {
                    let stream = TcpStream::connect(addr).await.unwrap();
                    let mut client = Framed::new(stream, LinesCodec::new());
                    for j in 0..50 {
                        let line = format!("client {i} line {j}");
                        client.send(line.as_str()).await.unwrap();
                        assert_eq!(client.next().await.unwrap().unwrap(), line.to_uppercase());
                    }
                })
            })
            .collect();
        for result in runtime::task::gather(clients).await {
            result.unwrap();
        }
    });
}

#[test]
fn reads_fill_an_uninitialized_read_buf() {
    current().block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut a = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (mut b, _) = listener.accept().await.unwrap();
        a.write_all(b"not zeroed first").await.unwrap();
        let mut storage = [MaybeUninit::<u8>::uninit(); 64];
        let mut buf = ReadBuf::uninit(&mut storage);
        while buf.filled().len() < 16 {
            std::future::poll_fn(|cx| {
                tokio::io::AsyncRead::poll_read(std::pin::Pin::new(&mut b), cx, &mut buf)
            })
            .await
            .unwrap();
        }
        assert_eq!(buf.filled(), b"not zeroed first");
        // Only what was read counts as initialized: nothing zeroed the rest.
        assert_eq!(buf.initialized().len(), 16);
    });
}

#[test]
fn a_large_transfer_through_owned_halves_and_tokio_copy() {
    multi(2).block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        // Echo with tokio::io::copy from the read half to the write half.
        runtime::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            let (mut rd, mut wr) = stream.into_split();
            tokio::io::copy(&mut rd, &mut wr).await.unwrap();
            wr.shutdown().await.unwrap();
        });
        let stream = TcpStream::connect(addr).await.unwrap();
        let (mut rd, mut wr) = stream.into_split();
        let data: Vec<u8> = (0..4_000_000u32).map(|i| (i % 251) as u8).collect();
        let sent = data.clone();
        let writer = runtime::spawn(async move {
            wr.write_all(&sent).await.unwrap();
            wr.shutdown().await.unwrap(); // the echo's copy sees end of stream
        });
        let mut back = Vec::with_capacity(data.len());
        rd.read_to_end(&mut back).await.unwrap();
        writer.await.unwrap();
        assert!(back == data, "echoed bytes differ");
    });
}

#[test]
fn borrowed_halves_and_shared_references() {
    current().block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut a = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (b, _) = listener.accept().await.unwrap();
        let (mut rd, mut wr) = a.split();
        wr.write_all(b"ping").await.unwrap();
        (&b).write_all(b"pong").await.unwrap();
        let mut got = [0u8; 4];
        rd.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"pong");
        (&b).read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"ping");
        // poll_shutdown is a half-close: the peer reads end of stream.
        wr.shutdown().await.unwrap();
        let mut rest = Vec::new();
        assert_eq!((&b).read_to_end(&mut rest).await.unwrap(), 0);
    });
}

#[test]
fn unix_streams_speak_tokio_io() {
    current().block_on(async {
        let (mut a, mut b) = UnixStream::pair().unwrap();
        a.write_all(b"over a unix socket").await.unwrap();
        // The inherent `UnixStream::shutdown(how)` shadows tokio's method.
        AsyncWriteExt::shutdown(&mut a).await.unwrap();
        let mut got = String::new();
        b.read_to_string(&mut got).await.unwrap();
        assert_eq!(got, "over a unix socket");
        (&b).write_all(b"back").await.unwrap();
        let mut back = [0u8; 4];
        (&a).read_exact(&mut back).await.unwrap();
        assert_eq!(&back, b"back");
    });
}

#[test]
fn files_speak_tokio_io() {
    let path = temp_path("tokio-io-file");
    current().block_on(async {
        let mut file = runtime::fs::File::create(&path).await.unwrap();
        file.write_all(b"written with tokio's AsyncWriteExt\n")
            .await
            .unwrap();
        file.shutdown().await.unwrap(); // flushes the write-behind buffer
        drop(file);
        let mut file = runtime::fs::File::open(&path).await.unwrap();
        let mut text = String::new();
        file.read_to_string(&mut text).await.unwrap();
        assert_eq!(text, "written with tokio's AsyncWriteExt\n");
    });
    std::fs::remove_file(&path).unwrap();
}
