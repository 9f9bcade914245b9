//! `runtime::hyper::serve(..).with_graceful_shutdown(signal)`: once the
//! signal comes, new connections are refused, idle ones close, requests in
//! flight finish (HTTP/1 and HTTP/2), and the serve future returns; past
//! the drain timeout the connections left are closed. On a paused clock,
//! so the timeouts are exact and cost nothing.
#![cfg(not(miri))]

use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use runtime::hyper::serve;
use runtime::net::{TcpListener, TcpStream};
use runtime::sync::{Event, Queue};
use runtime::task::JoinHandle;
use runtime::time::Instant;
use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tests::{Reply, get_request, http1_client, http2_client};

/// What the test and the handler of `/slow` share: the handler reports
/// each request it started on `started`, then waits for `release`
/// (forever if never set).
struct Gate {
    started: Queue<()>,
    release: Event,
}

impl Default for Gate {
    fn default() -> Gate {
        Gate {
            started: Queue::new(0),
            release: Event::new(),
        }
    }
}

/// Serves `/slow` (held by the gate) and `/` on a new listener, shutting
/// down gracefully when `stop` is set, with a drain timeout of 5 s.
async fn start(gate: Arc<Gate>, stop: Arc<Event>) -> (SocketAddr, JoinHandle<io::Result<()>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = service_fn(move |request: Request<Incoming>| {
        let gate = gate.clone();
        async move {
            if request.uri().path() == "/slow" {
                gate.started.put_nowait(()).unwrap();
                gate.release.wait().await;
            }
            Ok::<_, Infallible>(Response::new(format!("done {}", request.uri().path())))
        }
    });
    let server = serve(listener, service)
        .with_graceful_shutdown(async move { stop.wait().await })
        .drain_timeout(Duration::from_secs(5));
    (addr, runtime::spawn(server.into_future()))
}

#[test]
fn a_request_in_flight_finishes_new_connections_are_refused_and_serve_returns() {
    tests::paused().block_on(async {
        let (gate, stop) = (Arc::new(Gate::default()), Arc::new(Event::new()));
        let (addr, server) = start(gate.clone(), stop.clone()).await;

        // An idle keep-alive connection, which has been served once.
        let (mut idle, idle_conn) = http1_client(addr).await;
        let reply = Reply::read(idle.send_request(get_request("/")).await.unwrap());
        assert_eq!(reply.await.unwrap().body, "done /");
        // A request in flight on HTTP/1, and one on HTTP/2 (both started:
        // a connection whose first request was not read yet is closed at
        // once, as an idle one).
        let (mut h1, _) = http1_client(addr).await;
        let in_flight_h1 = runtime::spawn(async move {
            Reply::read(h1.send_request(get_request("/slow")).await?).await
        });
        gate.started.get().await.unwrap();
        let (mut h2, h2_conn) = http2_client(addr).await;
        let in_flight_h2 = runtime::spawn(async move {
            Reply::read(h2.send_request(get_request("/slow")).await?).await
        });
        gate.started.get().await.unwrap();

        let start = Instant::now();
        stop.set(); // Ctrl-C
        // The idle connection is closed at once...
        idle_conn.await.unwrap().unwrap();
        // ...the listener is gone...
        let refused = TcpStream::connect(addr).await.unwrap_err();
        assert_eq!(refused.kind(), io::ErrorKind::ConnectionRefused);
        // ...and the server waits for the requests in flight.
        assert!(!server.is_finished());

        gate.release.set();
        let reply = in_flight_h1.await.unwrap().unwrap();
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (StatusCode::OK, "done /slow")
        );
        // HTTP/1 is told the connection ends after this response.
        assert_eq!(reply.header("connection"), "close");
        let reply = in_flight_h2.await.unwrap().unwrap();
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (StatusCode::OK, "done /slow")
        );
        h2_conn.await.unwrap().unwrap(); // GOAWAY, then closed

        server.await.unwrap().unwrap();
        // Nothing waited for the drain timeout.
        assert_eq!(start.elapsed(), Duration::ZERO);
    });
}

#[test]
fn a_request_still_running_at_the_drain_timeout_is_cut_off() {
    tests::paused().block_on(async {
        let (gate, stop) = (Arc::new(Gate::default()), Arc::new(Event::new()));
        let (addr, server) = start(gate.clone(), stop.clone()).await;
        let (mut client, _) = http1_client(addr).await;
        let stuck = runtime::spawn(async move { client.send_request(get_request("/slow")).await });
        gate.started.get().await.unwrap();

        let start = Instant::now();
        stop.set();
        server.await.unwrap().unwrap();
        // The serve future returned at the drain timeout, exactly.
        assert_eq!(start.elapsed(), Duration::from_secs(5));
        // The request never got its answer: its connection was closed.
        let err = stuck.await.unwrap().unwrap_err();
        assert!(err.is_incomplete_message() || err.is_canceled(), "{err}");
    });
}

#[test]
fn a_shutdown_with_no_connections_returns_at_once() {
    tests::paused().block_on(async {
        let (gate, stop) = (Arc::new(Gate::default()), Arc::new(Event::new()));
        let (addr, server) = start(gate, stop.clone()).await;
        let reply = tests::get(addr, "/").await.unwrap();
        assert_eq!(reply.body, "done /");
        stop.set();
        server.await.unwrap().unwrap();
        let refused = TcpStream::connect(addr).await.unwrap_err();
        assert_eq!(refused.kind(), io::ErrorKind::ConnectionRefused);
    });
}
