//! Unix-domain streams: echo over a path, half-close, pairs, std
//! conversions, errors for missing and used paths.
#![cfg(not(miri))]

use runtime::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use runtime::net::{UnixListener, UnixStream};
use std::net::Shutdown;
use tests::{current, multi, temp_path};

#[test]
fn echo_over_a_path() {
    for rt in [current(), multi(2)] {
        let path = temp_path("echo");
        rt.block_on(async {
            let listener = UnixListener::bind(&path).await.unwrap();
            assert_eq!(
                listener.local_addr().unwrap().as_pathname(),
                Some(path.as_path())
            );
            let server = runtime::spawn(async move {
                for _ in 0..3 {
                    let (stream, _) = listener.accept().await.unwrap();
                    runtime::spawn(async move {
                        let (mut rd, mut wr) = (&stream, &stream);
                        runtime::io::copy(&mut rd, &mut wr).await.unwrap();
                    });
                }
            });
            for i in 0..3 {
                let mut s = UnixStream::connect(&path).await.unwrap();
                for j in 0..50 {
                    let msg = format!("client {i} message {j}\n");
                    s.write_all(msg.as_bytes()).await.unwrap();
                    let mut back = vec![0u8; msg.len()];
                    s.read_exact(&mut back).await.unwrap();
                    assert_eq!(back, msg.as_bytes());
                }
            }
            server.await.unwrap();
        });
        std::fs::remove_file(&path).unwrap();
    }
}

#[test]
fn half_close_and_lines() {
    let rt = current();
    rt.block_on(async {
        let (mut a, b) = UnixStream::pair().unwrap();
        let server = runtime::spawn(async move {
            let mut lines = Vec::new();
            let mut reader = BufReader::new(&b);
            let mut line = String::new();
            while reader.read_line(&mut line).await.unwrap() > 0 {
                lines.push(line.trim_end().to_string());
                line.clear();
            }
            (&b).write_all(format!("{} lines", lines.len()).as_bytes())
                .await
                .unwrap();
            lines
        });
        a.write_all(b"one\ntwo\nthree\n").await.unwrap();
        a.shutdown(Shutdown::Write).unwrap();
        let mut reply = String::new();
        a.read_to_string(&mut reply).await.unwrap();
        assert_eq!(reply, "3 lines");
        assert_eq!(server.await.unwrap(), ["one", "two", "three"]);
    });
}

#[test]
fn large_transfer_between_tasks() {
    let rt = multi(2);
    rt.block_on(async {
        let (a, mut b) = UnixStream::pair().unwrap();
        let data: Vec<u8> = (0..2_000_000u32).map(|i| i as u8).collect();
        let expected = data.clone();
        let writer = runtime::spawn(async move {
            let mut a = a;
            a.write_all(&data).await.unwrap();
        }); // dropped: EOF
        let mut got = Vec::new();
        b.read_to_end(&mut got).await.unwrap();
        writer.await.unwrap();
        assert!(got == expected);
    });
}

#[test]
fn connecting_to_a_missing_path_is_not_found() {
    let rt = current();
    rt.block_on(async {
        let path = temp_path("missing");
        let err = UnixStream::connect(&path).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
        assert!(err.to_string().contains(&*path.to_string_lossy()), "{err}");
    });
}

#[test]
fn connecting_to_a_stale_socket_file_is_refused() {
    let rt = current();
    let path = temp_path("stale");
    rt.block_on(async {
        drop(UnixListener::bind(&path).await.unwrap()); // file stays, nobody listens
        let err = UnixStream::connect(&path).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
    });
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn std_conversions() {
    let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    let err = UnixStream::from_std(a.try_clone().unwrap()).unwrap_err();
    assert!(err.to_string().contains("outside of a runtime"), "{err}");
    let rt = current();
    rt.block_on(async move {
        let mut a = UnixStream::from_std(a).unwrap();
        a.write_all(b"to std").await.unwrap();
        let mut b = b;
        let mut buf = [0u8; 6];
        std::io::Read::read_exact(&mut b, &mut buf).unwrap();
        assert_eq!(&buf, b"to std");
        let a = a.into_std().unwrap();
        assert!(a.peer_addr().unwrap().is_unnamed());
        assert!(format!("{:?}", UnixStream::pair().unwrap().0).contains("UnixStream"));
    });
}
