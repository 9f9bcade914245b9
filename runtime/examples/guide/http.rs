//! Just enough HTTP/1.0 for the guide programs that use aiohttp or FastAPI:
//! reading a request and writing a response (for servers), a client
//! session, and a stand-in for the web sites the guides fetch, so that no
//! program reaches the internet.
//!
//! Included by the examples with `#[path = "guide/http.rs"] mod http;`.

#![allow(dead_code)] // each program uses a part of it

use runtime::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use runtime::net::{TcpListener, TcpStream};
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

/// The first line and the `Host` header of a request.
pub struct Request {
    pub method: String,
    pub path: String,
    pub host: String,
}

/// Reads a request head, up to its empty line; `None` if the client
/// closed the connection before sending one.
pub async fn read_request(stream: &TcpStream) -> io::Result<Option<Request>> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).await? == 0 {
        return Ok(None);
    }
    let mut words = line.split_whitespace();
    let method = words.next().unwrap_or_default().to_string();
    let path = words.next().unwrap_or_default().to_string();
    let mut host = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 || line.trim().is_empty() {
            break;
        }
        let header = line.split_once(':');
        if let Some((_, value)) = header.filter(|(name, _)| name.eq_ignore_ascii_case("host")) {
            host = value.trim().to_string();
        }
    }
    Ok(Some(Request { method, path, host }))
}

/// Writes a whole response (`status` is like `"200 OK"`) and ends the
/// connection's write side, as an HTTP/1.0 server does.
pub async fn respond(
    mut stream: &TcpStream,
    status: &str,
    content_type: &str,
    body: &str,
) -> io::Result<()> {
    let head = format!(
        "HTTP/1.0 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.close().await
}

/// aiohttp's `ClientSession`, for `GET` only. Every request goes to the
/// stand-in server at `server`; the URL's host travels in the `Host`
/// header, so the stand-in answers as that site would.
#[derive(Clone, Debug)]
pub struct ClientSession {
    server: SocketAddr,
}

/// A response whose head was read: aiohttp's `ClientResponse`.
pub struct Response {
    pub status: u16,
    body: BufReader<TcpStream>,
}

impl ClientSession {
    pub fn new(server: SocketAddr) -> ClientSession {
        ClientSession { server }
    }

    /// `session.get(url)`: sends the request and reads the response head.
    pub async fn get(&self, url: &str) -> io::Result<Response> {
        let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
        let (host, path) = match rest.find('/') {
            Some(slash) => (&rest[..slash], &rest[slash..]),
            None => (rest, "/"),
        };
        let mut stream = TcpStream::connect(self.server).await?;
        let request = format!("GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n");
        stream.write_all(request.as_bytes()).await?;

        let mut body = BufReader::new(stream);
        let mut line = String::new();
        body.read_line(&mut line).await?;
        let status = line.split_whitespace().nth(1).and_then(|s| s.parse().ok());
        let status = status.ok_or_else(|| io::Error::other("not an HTTP response"))?;
        while line.trim() != "" {
            line.clear();
            if body.read_line(&mut line).await? == 0 {
                break;
            }
        }
        Ok(Response { status, body })
    }
}

impl Response {
    /// `await response.text()`: the body, read to its end.
    pub async fn text(mut self) -> io::Result<String> {
        let mut text = String::new();
        self.body.read_to_string(&mut text).await?;
        Ok(text)
    }
}

/// How long a stand-in site takes to answer, about what a real one does.
pub const LATENCY: Duration = Duration::from_millis(100);

/// Starts the stand-in for the web on 127.0.0.1 (a free port) and returns
/// its address: it answers `GET /` for example.com, httpbin.org and
/// python.org (with or without `www.`) with a short page of the same shape
/// as the real one, after [`LATENCY`], and 404 for anything else. It runs
/// until the runtime shuts down.
pub async fn stand_in_web() -> io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    runtime::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            runtime::spawn(async move {
                let Ok(Some(request)) = read_request(&stream).await else {
                    return;
                };
                runtime::time::sleep(LATENCY).await;
                let site = request.host.trim_start_matches("www.");
                let _ = match (request.path.as_str(), page(site)) {
                    ("/", Some(page)) => respond(&stream, "200 OK", "text/html", page).await,
                    _ => respond(&stream, "404 Not Found", "text/plain", "Not Found").await,
                };
            });
        }
    });
    Ok(addr)
}

fn page(site: &str) -> Option<&'static str> {
    match site {
        "example.com" => Some(EXAMPLE_COM),
        "httpbin.org" => Some(HTTPBIN_ORG),
        "python.org" => Some(PYTHON_ORG),
        _ => None,
    }
}

const EXAMPLE_COM: &str = r#"<!doctype html>
<html>
<head>
    <title>Example Domain</title>
    <meta charset="utf-8" />
</head>

<body>
<div>
    <h1>Example Domain</h1>
    <p>This domain is for use in illustrative examples in documents. You may use this
    domain in literature without prior coordination or asking for permission.</p>
    <p><a href="https://www.iana.org/domains/example">More information...</a></p>
</div>
</body>
</html>
"#;

const HTTPBIN_ORG: &str = r#"<!DOCTYPE html>
<html lang="en">

<head>
    <meta charset="UTF-8">
    <title>httpbin.org</title>
</head>

<body>
    <h2>httpbin.org</h2>
    <p>A simple HTTP Request &amp; Response Service.</p>
</body>
</html>
"#;

const PYTHON_ORG: &str = r#"<!doctype html>
<html class="no-js" lang="en" dir="ltr">
<head>
    <meta charset="utf-8">
    <title>Welcome to Python.org</title>
</head>
<body>
    <h1>Python is a programming language that lets you work quickly
    and integrate systems more effectively.</h1>
</body>
</html>
"#;
