//! The server programs of the asyncio guides, ported in
//! `runtime/examples/`: each test binds 127.0.0.1:0, runs the server as a
//! task on a paused runtime, talks to it, checks what it printed and
//! answered, then stops it by cancelling the task.

// Each example brings its own copy of `runtime/examples/guide/console.rs`.
#![allow(clippy::duplicate_mod)]

use runtime::net::TcpListener;
use runtime::time::Instant;
use tests::{http_get, lines, run_paused, secs};

#[path = "../../runtime/examples/tcp_hello_server.rs"]
#[allow(dead_code)] // its `main`
mod tcp_hello_server;

#[path = "../../runtime/examples/fastapi_route.rs"]
#[allow(dead_code)]
mod fastapi_route;

/// The body of an HTTP response, after its status line: (status line, body).
fn status_and_body(response: &str) -> (&str, &str) {
    let status = response.lines().next().unwrap_or_default();
    let body = response.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    (status, body)
}

#[test]
fn tcp_hello_server_says_hello_on_slash_only() {
    let ((printed, port), _) = run_paused(|| async {
        let console = tcp_hello_server::console::Console::capture();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = runtime::spawn(tcp_hello_server::program(console.clone(), listener));

        let hello = http_get(addr, "/").await.unwrap();
        assert_eq!(
            status_and_body(&hello),
            ("HTTP/1.0 200 OK", "Hello from aiohttp")
        );
        let missing = http_get(addr, "/missing").await.unwrap();
        assert_eq!(
            status_and_body(&missing),
            ("HTTP/1.0 404 Not Found", "404: Not Found")
        );

        server.abort();
        assert!(server.await.unwrap_err().is_cancelled());
        (console.captured(), addr.port())
    });
    assert_eq!(
        printed,
        lines(&[&format!("Server started at http://localhost:{port}")])
    );
}

#[test]
fn fastapi_route_serves_concurrent_requests_in_one_second() {
    let ((printed, addr), took) = run_paused(|| async {
        let console = fastapi_route::console::Console::capture();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = runtime::spawn(fastapi_route::program(console.clone(), listener));

        // Five clients at once: each request sleeps 1 s, concurrently.
        let start = Instant::now();
        let clients = (0..5).map(|_| runtime::spawn(http_get(addr, "/")));
        for response in runtime::task::gather(clients).await {
            let response = response.unwrap().unwrap();
            assert_eq!(
                status_and_body(&response),
                ("HTTP/1.0 200 OK", r#"{"message":"Hello from FastAPI"}"#)
            );
            assert!(response.contains("Content-Type: application/json\r\n"));
        }
        assert_eq!(start.elapsed(), secs(1.0));

        let missing = http_get(addr, "/nope").await.unwrap();
        assert_eq!(
            status_and_body(&missing),
            ("HTTP/1.0 404 Not Found", r#"{"detail":"Not Found"}"#)
        );
        server.abort();
        (console.captured(), addr)
    });
    assert_eq!(took, secs(1.0));
    assert_eq!(
        printed,
        lines(&[&format!("Serving the app at http://{addr}")])
    );
}
