//! An HTTP client for the tests of servers: hyper's own client on our
//! `TcpStream` (the `hyper` feature's `rt::Read`/`rt::Write`), HTTP/1.1 or
//! HTTP/2, whose connection drivers run as tasks.

use http_body_util::BodyExt;
use hyper::client::conn::{http1, http2};
use hyper::header::HeaderMap;
use hyper::{Request, Response, StatusCode};
use runtime::hyper::Executor;
use runtime::net::TcpStream;
use std::net::SocketAddr;

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    /// Reads `response`'s body to its end.
    pub async fn read(response: Response<hyper::body::Incoming>) -> hyper::Result<Reply> {
        let (parts, body) = response.into_parts();
        let body = body.collect().await?.to_bytes();
        Ok(Reply {
            status: parts.status,
            headers: parts.headers,
            body: String::from_utf8(body.to_vec()).expect("a UTF-8 body"),
        })
    }

    /// The value of header `name`, or "" if absent.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map_or("", |value| value.to_str().expect("an ASCII header"))
    }
}

/// An HTTP/1.1 connection to `addr`; its driver runs as a task, which ends
/// when the connection does.
pub async fn http1_client(
    addr: SocketAddr,
) -> (
    http1::SendRequest<String>,
    runtime::task::JoinHandle<hyper::Result<()>>,
) {
    let stream = TcpStream::connect(addr).await.expect("connect");
    let (sender, connection) = http1::handshake(stream).await.expect("HTTP/1 handshake");
    (sender, runtime::spawn(connection))
}

/// An HTTP/2 connection to `addr` (prior knowledge, no upgrade), driven by
/// a task; hyper spawns its streams' tasks with our `Executor`.
pub async fn http2_client(
    addr: SocketAddr,
) -> (
    http2::SendRequest<String>,
    runtime::task::JoinHandle<hyper::Result<()>>,
) {
    let stream = TcpStream::connect(addr).await.expect("connect");
    let (sender, connection) = http2::handshake(Executor, stream)
        .await
        .expect("HTTP/2 handshake");
    (sender, runtime::spawn(connection))
}

/// A `GET path` request with an empty body.
pub fn get_request(path: &str) -> Request<String> {
    Request::get(path)
        .header("host", "localhost")
        .body(String::new())
        .expect("a valid request")
}

/// `GET path` on a new HTTP/1.1 connection to `addr`, read whole.
pub async fn get(addr: SocketAddr, path: &str) -> hyper::Result<Reply> {
    let (mut sender, _connection) = http1_client(addr).await;
    Reply::read(sender.send_request(get_request(path)).await?).await
}
