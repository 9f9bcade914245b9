//! A FastAPI route that awaits: "The Art of Concurrency: When and How to
//! Use AsyncIO in Python", *Using AsyncIO in Frameworks like FastAPI and
//! aiohttp*.
//!
//! ```sh
//! cargo run --example fastapi_route     # then: curl http://127.0.0.1:8000/
//! ```
//!
//! The guide defines the app only (uvicorn would serve it); this port
//! serves it too, on 127.0.0.1:8000 (or the port given), with just enough
//! HTTP (`guide/http.rs`). `GET /` sleeps 1 s and answers
//! `{"message":"Hello from FastAPI"}` (FastAPI's compact JSON); other paths
//! get FastAPI's 404. Every connection is its own task, so while one
//! request sleeps the others are served: ten requests at once all get their
//! answer after 1 s. It prints where it serves:
//!
//! ```text
//! Serving the app at http://127.0.0.1:8000
//! ```

use runtime::net::{TcpListener, TcpStream};
use runtime::time::sleep;
use std::io;
use std::time::Duration;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

#[path = "guide/http.rs"]
mod http;

/// `@app.get("/") async def root()`.
async fn root() -> &'static str {
    sleep(Duration::from_secs(1)).await;
    r#"{"message":"Hello from FastAPI"}"#
}

async fn handle(stream: TcpStream) -> io::Result<()> {
    let Some(request) = http::read_request(&stream).await? else {
        return Ok(());
    };
    let json = "application/json";
    match (request.method.as_str(), request.path.as_str()) {
        ("GET", "/") => http::respond(&stream, "200 OK", json, root().await).await,
        _ => http::respond(&stream, "404 Not Found", json, r#"{"detail":"Not Found"}"#).await,
    }
}

/// Serves the app on `listener` until cancelled (what uvicorn does).
pub async fn program(out: Console, listener: TcpListener) -> io::Result<()> {
    out.print(format!(
        "Serving the app at http://{}",
        listener.local_addr()?
    ));
    loop {
        let (stream, _) = listener.accept().await?;
        runtime::spawn(handle(stream));
    }
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() -> io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or_else(|| "8000".into());
    let listener = TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    program(Console::stdout(), listener).await
}
