//! The web the aiohttp programs fetch from, on this machine: a hyper server
//! (served by `runtime::hyper::serve`) standing in for example.com,
//! httpbin.org and python.org, so that no program reaches the internet.
//! The client side is hyper's own client, in each program.
//!
//! Included by the examples with `#[path = "guide/web.rs"] mod web;`.

#![allow(dead_code)] // each program uses a part of it

use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HOST};
use hyper::{Request, Response, StatusCode};
use runtime::net::TcpListener;
use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

/// How long a stand-in site takes to answer, about what a real one does.
pub const LATENCY: Duration = Duration::from_millis(100);

/// Starts the stand-in for the web on 127.0.0.1 (a free port) and returns
/// its address: it answers `GET /` for example.com, httpbin.org and
/// python.org (by the request's `Host`, with or without `www.`) with a
/// short page of the same shape as the real one, after [`LATENCY`], and
/// 404 for anything else. It runs until the runtime shuts down.
pub async fn stand_in_web() -> io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let site = hyper::service::service_fn(answer);
    runtime::spawn(runtime::hyper::serve(listener, site).into_future());
    Ok(addr)
}

/// One request to the stand-in web.
async fn answer(request: Request<Incoming>) -> Result<Response<String>, Infallible> {
    runtime::time::sleep(LATENCY).await;
    let host = request.headers().get(HOST).and_then(|h| h.to_str().ok());
    let site = host.unwrap_or_default().trim_start_matches("www.");
    let (status, kind, body) = match (request.uri().path(), page(site)) {
        ("/", Some(page)) => (StatusCode::OK, "text/html", page),
        _ => (StatusCode::NOT_FOUND, "text/plain", "Not Found"),
    };
    let response = Response::builder()
        .status(status)
        .header(CONTENT_TYPE, kind)
        .body(body.to_string());
    Ok(response.expect("a valid response"))
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
