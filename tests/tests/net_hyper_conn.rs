//! hyper 1.x on our sockets (feature `hyper`): hyper's server and client
//! connections over `TcpStream` and `UnixStream` directly, HTTP/1.1 and
//! HTTP/2, with `runtime::hyper::{Executor, Timer}`; and `serve` telling
//! the two protocols apart.
#![cfg(not(miri))]

use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::server::conn::{http1, http2};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use runtime::hyper::{Executor, Timer, serve};
use runtime::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use runtime::time::{Instant, sleep};
use std::convert::Infallible;
use std::time::Duration;
use tests::{Reply, get_request, http1_client, http2_client, temp_path};

/// Answers `GET /echo?...` with the request's method, path and version,
/// `POST /upper` with its body in upper case, `GET /slow` after 2 s on the
/// runtime's clock, and 404 otherwise.
async fn app(request: Request<Incoming>) -> Result<Response<String>, Infallible> {
    let reply = |status, body: String| {
        let mut response = Response::new(body);
        *response.status_mut() = status;
        Ok(response)
    };
    match (request.method().as_str(), request.uri().path()) {
        ("GET", "/echo") => reply(
            StatusCode::OK,
            format!("{} {:?}", request.uri(), request.version()),
        ),
        ("POST", "/upper") => {
            let body = request.into_body().collect().await.unwrap().to_bytes();
            reply(
                StatusCode::OK,
                String::from_utf8_lossy(&body).to_uppercase(),
            )
        }
        ("GET", "/slow") => {
            sleep(Duration::from_secs(2)).await;
            reply(StatusCode::OK, "slept".into())
        }
        _ => reply(StatusCode::NOT_FOUND, "no such page".into()),
    }
}

#[test]
fn http1_server_and_client_on_tcp_streams() {
    tests::paused().block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = runtime::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            // hyper's own server connection, on our TcpStream.
            http1::Builder::new()
                .timer(Timer)
                .serve_connection(stream, service_fn(app))
                .await
        });

        let (mut sender, client) = http1_client(addr).await;
        // Several requests on one keep-alive connection.
        for i in 0..3 {
            let response = sender
                .send_request(get_request(&format!("/echo?n={i}")))
                .await
                .unwrap();
            let reply = Reply::read(response).await.unwrap();
            assert_eq!(reply.status, StatusCode::OK);
            assert_eq!(reply.body, format!("/echo?n={i} HTTP/1.1"));
        }
        let missing = Reply::read(sender.send_request(get_request("/nope")).await.unwrap());
        assert_eq!(missing.await.unwrap().status, StatusCode::NOT_FOUND);

        // The handler sleeps on the paused clock: exactly 2 s pass.
        let start = Instant::now();
        let slow = Reply::read(sender.send_request(get_request("/slow")).await.unwrap());
        assert_eq!(slow.await.unwrap().body, "slept");
        assert_eq!(start.elapsed(), Duration::from_secs(2));

        drop(sender); // the client closes; the server connection ends cleanly
        client.await.unwrap().unwrap();
        server.await.unwrap().unwrap();
    });
}

#[test]
fn http2_server_and_client_with_our_executor() {
    tests::paused().block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = runtime::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            http2::Builder::new(Executor)
                .timer(Timer)
                .serve_connection(stream, service_fn(app))
                .await
        });

        let (sender, client) = http2_client(addr).await;
        // Ten concurrent streams on one connection, each sleeping 2 s: the
        // streams run as tasks (our Executor), so all finish at 2 s.
        let start = Instant::now();
        let requests = (0..10).map(|_| {
            let mut sender = sender.clone();
            runtime::spawn(async move {
                let response = sender.send_request(get_request("/slow")).await?;
                Reply::read(response).await
            })
        });
        for reply in runtime::task::gather(requests).await {
            let reply = reply.unwrap().unwrap();
            assert_eq!(
                (reply.status, reply.body.as_str()),
                (StatusCode::OK, "slept")
            );
        }
        assert_eq!(start.elapsed(), Duration::from_secs(2));

        let mut sender = sender;
        let echo = Reply::read(sender.send_request(get_request("/echo")).await.unwrap());
        assert_eq!(echo.await.unwrap().body, "/echo HTTP/2.0");

        drop(sender);
        client.await.unwrap().unwrap();
        server.await.unwrap().unwrap();
    });
}

#[test]
fn large_bodies_cross_in_both_directions_over_a_unix_stream() {
    // A body far larger than the socket buffers: hyper's reads into its
    // (uninitialised) buffer and vectored writes, both ways.
    let path = temp_path("hyper.sock");
    let _ = std::fs::remove_file(&path);
    tests::paused().block_on(async {
        let listener = UnixListener::bind(&path).await.unwrap();
        let server = runtime::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            http1::Builder::new()
                .serve_connection(stream, service_fn(app))
                .await
        });
        let stream = UnixStream::connect(&path).await.unwrap();
        let (mut sender, client) = hyper::client::conn::http1::handshake(stream).await.unwrap();
        let client = runtime::spawn(client);

        let body: String = (0..200_000)
            .map(|i| (b'a' + (i % 26) as u8) as char)
            .collect();
        let request = Request::post("/upper").body(body.clone()).unwrap();
        let reply = Reply::read(sender.send_request(request).await.unwrap());
        let reply = reply.await.unwrap();
        assert_eq!(reply.body.len(), body.len());
        assert_eq!(reply.body, body.to_uppercase());

        drop(sender);
        client.await.unwrap().unwrap();
        server.await.unwrap().unwrap();
    });
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn serve_detects_http1_and_http2_on_one_listener() {
    tests::paused().block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = runtime::spawn(serve(listener, service_fn(app)).into_future());

        let (mut h1, _) = http1_client(addr).await;
        let reply = Reply::read(h1.send_request(get_request("/echo")).await.unwrap());
        assert_eq!(reply.await.unwrap().body, "/echo HTTP/1.1");

        let (mut h2, _) = http2_client(addr).await;
        let reply = Reply::read(h2.send_request(get_request("/echo")).await.unwrap());
        assert_eq!(reply.await.unwrap().body, "/echo HTTP/2.0");

        // An HTTP/1.0 client gets an answer too, and the connection closed.
        let mut raw = TcpStream::connect(addr).await.unwrap();
        use runtime::io::{AsyncReadExt, AsyncWriteExt};
        raw.write_all(b"GET /echo HTTP/1.0\r\n\r\n").await.unwrap();
        let mut response = String::new();
        raw.read_to_string(&mut response).await.unwrap();
        assert!(response.starts_with("HTTP/1.0 200 OK\r\n"), "{response}");
        assert!(response.ends_with("/echo HTTP/1.0"), "{response}");

        assert!(!server.is_finished());
        server.abort();
    });
}

#[test]
fn hyper_header_read_timeout_runs_on_the_paused_clock() {
    // hyper's own timeout, through our Timer: a client that sends half a
    // request head is cut off after exactly 5 s of paused time.
    tests::paused().block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = runtime::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            http1::Builder::new()
                .timer(Timer)
                .header_read_timeout(Duration::from_secs(5))
                .serve_connection(stream, service_fn(app))
                .await
        });
        use runtime::io::{AsyncReadExt, AsyncWriteExt};
        let mut slowloris = TcpStream::connect(addr).await.unwrap();
        let start = Instant::now();
        slowloris
            .write_all(b"GET / HTTP/1.1\r\nhost: x\r\n")
            .await
            .unwrap();
        let mut rest = Vec::new();
        slowloris.read_to_end(&mut rest).await.unwrap(); // until hyper closes
        assert_eq!(start.elapsed(), Duration::from_secs(5));
        let err = server.await.unwrap().unwrap_err();
        assert!(err.is_timeout(), "{err}");
    });
}
