//! A TCP server that shuts down gracefully on `SIGTERM`, which is how
//! `docker stop`, Kubernetes and systemd ask a server to stop: asyncio's
//! `loop.add_signal_handler(signal.SIGTERM, ...)` around `start_server`.
//!
//! ```sh
//! cargo run --example sigterm_server                 # 127.0.0.1:8080, 10 s to drain
//! cargo run --example sigterm_server 127.0.0.1:0 2   # any port, 2 s to drain
//! nc 127.0.0.1 8080                                  # lines come back upper-cased
//! kill -TERM <pid>                                   # or docker stop
//! ```
//!
//! The protocol is lines: each request is a line, answered upper-cased
//! chunk by chunk as it arrives. On `SIGTERM` the server
//!
//! 1. stops accepting (the listener is closed: new connections are
//!    refused, so a load balancer moves on to another instance);
//! 2. tells every connection to finish: an idle one closes at once, one
//!    with a request in flight (part of a line read) reads and answers the
//!    rest of that line, then closes;
//! 3. waits for the connections to end, at most the drain timeout, then
//!    cuts those still open and exits with status 0.
//!
//! What it prints:
//!
//! ```text
//! listening on 127.0.0.1:8080
//! SIGTERM: stopped accepting, draining 1 connection(s)
//! drained, exiting
//! ```
//!
//! The asyncio version keeps its connection tasks in a set and does
//! `await asyncio.wait_for(asyncio.gather(*tasks), timeout)`; this one
//! keeps them in a `task::JoinSet` (which drops finished tasks as it goes)
//! and drains it under `time::timeout`. The accept loop is a `select!`
//! between the next connection and the next `SIGTERM`.

use runtime::io::{AsyncReadExt, AsyncWriteExt};
use runtime::net::{TcpListener, TcpStream};
use runtime::signal::{Signal, SignalKind, signal};
use runtime::sync::Event;
use runtime::task::JoinSet;
use std::io;
use std::sync::Arc;
use std::time::Duration;

/// How a shutdown went.
#[derive(Debug, PartialEq, Eq)]
pub enum Shutdown {
    /// Every connection finished within the drain timeout.
    Drained,
    /// This many connections were still open at the timeout, and were cut.
    Cut(usize),
}

/// Serves on `listener` until `terminate` reports a delivery, then drains
/// the connections for at most `drain_timeout`.
pub async fn serve(
    listener: TcpListener,
    mut terminate: Signal,
    drain_timeout: Duration,
) -> io::Result<Shutdown> {
    let stopping = Arc::new(Event::new());
    // The connection tasks; finished ones are reaped as we go, so a server
    // that runs for weeks holds only live ones.
    let mut connections = JoinSet::new();
    loop {
        runtime::select! {
            biased; // the signal first: a flood of connections cannot starve it
            _ = terminate.recv() => break, // SIGTERM (or `None`: the runtime is closing)
            accepted = listener.accept() => {
                let (stream, _peer) = accepted?;
                connections.spawn(handle(stream, stopping.clone()));
            }
        }
        while connections.try_join_next().is_some() {}
    }
    drop(listener); // stop accepting: new connections are refused
    while connections.try_join_next().is_some() {}
    println!(
        "SIGTERM: stopped accepting, draining {} connection(s)",
        connections.len()
    );
    stopping.set();
    let drained = async { while connections.join_next().await.is_some() {} };
    match runtime::time::timeout(drain_timeout, drained).await {
        Ok(()) => {
            println!("drained, exiting");
            Ok(Shutdown::Drained)
        }
        Err(_elapsed) => {
            let cut = connections.len();
            connections.shutdown().await; // cancels them, and waits until they stopped
            println!("drain timed out: cut {cut} connection(s), exiting");
            Ok(Shutdown::Cut(cut))
        }
    }
}

/// One connection: answers each chunk of a request as it arrives, until
/// the client closes, or until `stopping` is set between two requests.
async fn handle(mut stream: TcpStream, stopping: Arc<Event>) {
    let mut buf = [0u8; 4096];
    // A request is in flight from its first byte to its newline.
    let mut in_flight = false;
    loop {
        let read = if in_flight {
            stream.read(&mut buf).await
        } else {
            // Idle: a read (cancel-safe: nothing is consumed unless it
            // completes) raced against the shutdown.
            runtime::select! {
                read = stream.read(&mut buf) => read,
                _ = stopping.wait() => return, // no request in flight
            }
        };
        let n = match read {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        in_flight = buf[n - 1] != b'\n';
        let answer = buf[..n].to_ascii_uppercase();
        if stream.write_all(&answer).await.is_err() || (!in_flight && stopping.is_set()) {
            return;
        }
    }
}

/// `sigterm_server [ADDR] [DRAIN_TIMEOUT_SECS]`.
#[runtime::main]
pub async fn main() {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:8080".into());
    let drain = args.next().map_or(10.0, |secs| {
        secs.parse::<f64>()
            .expect("the drain timeout is a number of seconds")
    });
    // Listen for SIGTERM before announcing the address: whoever reads that
    // line may send it at once.
    let terminate = signal(SignalKind::terminate()).expect("listening for SIGTERM");
    let listener = TcpListener::bind(&addr)
        .await
        .unwrap_or_else(|err| panic!("binding {addr}: {err}"));
    println!("listening on {}", listener.local_addr().unwrap());
    serve(listener, terminate, Duration::from_secs_f64(drain))
        .await
        .expect("serving");
}
