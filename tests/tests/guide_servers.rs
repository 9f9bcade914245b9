//! The server programs of the asyncio guides, ported in
//! `runtime/examples/`: each test binds 127.0.0.1:0, runs the server as a
//! task on a paused runtime, talks to it, checks what it printed and
//! answered, then stops it by cancelling the task.

// Each example brings its own copy of `runtime/examples/guide/console.rs`.
#![allow(clippy::duplicate_mod)]

use hyper::StatusCode;
use runtime::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use runtime::net::{OwnedReadHalf, OwnedWriteHalf, TcpListener};
use runtime::stream::StreamExt;
use runtime::sync::Event;
use runtime::time::Instant;
use std::net::SocketAddr;
use std::sync::Arc;
use tests::{get, lines, run_paused, secs};

#[path = "../../runtime/examples/tcp_hello_server.rs"]
#[allow(dead_code)] // its `main`
mod tcp_hello_server;

#[path = "../../runtime/examples/fastapi_route.rs"]
#[allow(dead_code)]
mod fastapi_route;

#[path = "../../runtime/examples/chat_room.rs"]
#[allow(dead_code)]
mod chat_room;

#[test]
fn tcp_hello_server_says_hello_on_slash_only() {
    let ((printed, port), _) = run_paused(|| async {
        let console = tcp_hello_server::console::Console::capture();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = runtime::spawn(tcp_hello_server::program(console.clone(), listener));

        let hello = get(addr, "/").await.unwrap();
        assert_eq!(
            (hello.status, hello.body.as_str()),
            (StatusCode::OK, "Hello from aiohttp")
        );
        assert_eq!(hello.header("content-type"), "text/plain; charset=utf-8");
        let missing = get(addr, "/missing").await.unwrap();
        assert_eq!(
            (missing.status, missing.body.as_str()),
            (StatusCode::NOT_FOUND, "404: Not Found")
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
fn fastapi_route_serves_concurrent_requests_in_one_second_and_drains_on_shutdown() {
    let ((printed, addr), took) = run_paused(|| async {
        let console = fastapi_route::console::Console::capture();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(Event::new());
        let signal = stop.clone();
        let shutdown = async move { signal.wait().await };
        let server = runtime::spawn(fastapi_route::program(console.clone(), listener, shutdown));

        // Five clients at once: each request sleeps 1 s, concurrently.
        let start = Instant::now();
        let clients = (0..5).map(|_| runtime::spawn(get(addr, "/")));
        for reply in runtime::task::gather(clients).await {
            let reply = reply.unwrap().unwrap();
            assert_eq!(
                (reply.status, reply.body.as_str()),
                (StatusCode::OK, r#"{"message":"Hello from FastAPI"}"#)
            );
            assert_eq!(reply.header("content-type"), "application/json");
        }
        assert_eq!(start.elapsed(), secs(1.0));

        let missing = get(addr, "/nope").await.unwrap();
        assert_eq!(
            (missing.status, missing.body.as_str()),
            (StatusCode::NOT_FOUND, r#"{"detail":"Not Found"}"#)
        );

        // Ctrl-C with a request in flight: it is answered, then the server
        // returns (uvicorn's graceful shutdown).
        let last = runtime::spawn(get(addr, "/"));
        // Half a second of paused time: the clock moves only once every
        // task waits, so the request has reached the handler, which
        // sleeps until 2 s.
        runtime::time::sleep(secs(0.5)).await;
        stop.set();
        let reply = last.await.unwrap().unwrap();
        assert_eq!(reply.status, StatusCode::OK);
        server.await.unwrap().unwrap();
        (console.captured(), addr)
    });
    assert_eq!(took, secs(2.0));
    assert_eq!(
        printed,
        lines(&[&format!("Serving the app at http://{addr}")])
    );
}

/// A chat room member: a connection, read line by line.
struct Member {
    lines: Lines<BufReader<OwnedReadHalf>>,
    writer: OwnedWriteHalf,
}

impl Member {
    /// Connects, gives `name`, and waits until the room announces it.
    async fn join(addr: SocketAddr, name: &str) -> Member {
        let (reader, writer) = runtime::net::TcpStream::connect(addr)
            .await
            .unwrap()
            .into_split();
        let mut member = Member {
            lines: BufReader::new(reader).lines(),
            writer,
        };
        assert_eq!(
            member.hear().await.as_deref(),
            Some("Welcome! What is your name?")
        );
        member.say(name).await;
        assert_eq!(member.hear().await, Some(format!("* {name} joined")));
        member
    }

    async fn say(&mut self, line: &str) {
        self.writer
            .write_all(format!("{line}\n").as_bytes())
            .await
            .unwrap();
    }

    /// The next line from the server; `None` once it closed the connection.
    async fn hear(&mut self) -> Option<String> {
        self.lines.next().await.map(Result::unwrap)
    }
}

#[test]
fn chat_room_relays_messages_and_disconnects_everyone_when_stopped() {
    let ((printed, addr), _) = run_paused(|| async {
        let console = chat_room::console::Console::capture();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = runtime::spawn(chat_room::program(console.clone(), listener));

        let mut alice = Member::join(addr, "alice").await;
        let mut bob = Member::join(addr, "bob").await;
        assert_eq!(alice.hear().await.as_deref(), Some("* bob joined"));

        alice.say("hi bob").await;
        assert_eq!(bob.hear().await.as_deref(), Some("alice: hi bob"));
        bob.say("hello alice").await;
        bob.say("bye").await;
        assert_eq!(alice.hear().await.as_deref(), Some("bob: hello alice"));
        assert_eq!(alice.hear().await.as_deref(), Some("bob: bye"));

        let mut carol = Member::join(addr, "carol").await;
        assert_eq!(alice.hear().await.as_deref(), Some("* carol joined"));
        assert_eq!(bob.hear().await.as_deref(), Some("* carol joined"));

        drop(bob); // hangs up
        assert_eq!(alice.hear().await.as_deref(), Some("* bob left"));
        assert_eq!(carol.hear().await.as_deref(), Some("* bob left"));

        // Stopping the server cancels the client tasks: their sockets close.
        server.abort();
        assert!(server.await.unwrap_err().is_cancelled());
        assert_eq!(alice.hear().await, None);
        assert_eq!(carol.hear().await, None);
        assert!(runtime::net::TcpStream::connect(addr).await.is_err());
        (console.captured(), addr)
    });
    assert_eq!(
        printed,
        lines(&[
            &format!("Chat room open on {addr}"),
            "alice joined",
            "bob joined",
            "alice: hi bob",
            "bob: hello alice",
            "bob: bye",
            "carol joined",
            "bob left",
        ])
    );
}

#[test]
fn chat_room_member_leaving_before_giving_a_name_is_never_announced() {
    let (printed, _) = run_paused(|| async {
        let console = chat_room::console::Console::capture();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = runtime::spawn(chat_room::program(console.clone(), listener));

        let shy = runtime::net::TcpStream::connect(addr).await.unwrap();
        drop(shy);
        let mut alice = Member::join(addr, "alice").await;
        alice.say("anyone?").await;
        drop(alice);
        // Wait until the server has seen alice leave.
        while !console.captured().ends_with("alice left\n") {
            runtime::yield_now().await;
        }
        server.abort();
        console.captured()
    });
    let printed: Vec<&str> = printed.lines().skip(1).collect();
    assert_eq!(printed, ["alice joined", "alice: anyone?", "alice left"]);
}
