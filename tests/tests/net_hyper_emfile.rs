//! `runtime::hyper::serve` out of file descriptors: accept fails with
//! EMFILE, the server keeps going (the listener backs off), and serves the
//! waiting client once descriptors are free again. Alone in its binary:
//! the limit it lowers is process-wide.
#![cfg(not(miri))]

use hyper::service::service_fn;
use hyper::{Request, Response};
use runtime::hyper::serve;
use runtime::net::{TcpListener, TcpStream};
use runtime::time::{Instant, sleep};
use std::convert::Infallible;
use std::time::Duration;
use tests::{LowFdLimit, Reply, exhaust_fds, get_request};

#[test]
fn serve_survives_running_out_of_file_descriptors() {
    tests::paused().block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let service = service_fn(|_: Request<hyper::body::Incoming>| async {
            Ok::<_, Infallible>(Response::new("still here".to_string()))
        });
        let server = runtime::spawn(serve(listener, service).into_future());
        // The client connects (queued in the backlog) before the server
        // first runs; then the process runs out of descriptors.
        let client = TcpStream::connect(addr).await.unwrap();
        let low = LowFdLimit::lower();
        let held = exhaust_fds();
        // For a second, every accept fails with EMFILE; the server pauses
        // between tries (5 ms, 10 ms, ... of paused time).
        let start = Instant::now();
        sleep(Duration::from_secs(1)).await;
        assert!(!server.is_finished(), "{:?}", server.is_finished());
        drop(held);
        drop(low);

        let (mut sender, connection) = hyper::client::conn::http1::handshake(client).await.unwrap();
        runtime::spawn(connection);
        let reply = Reply::read(sender.send_request(get_request("/")).await.unwrap());
        assert_eq!(reply.await.unwrap().body, "still here");
        // Served after the backoff's pause that was under way ended.
        assert!(start.elapsed() > Duration::from_secs(1));
        assert!(!server.is_finished());
    });
}
