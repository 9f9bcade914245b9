//! An HTTP GET with aiohttp: "Asynchronous Programming with Asyncio",
//! *Further Learning — 1. Asynchronous Networking with aiohttp*.
//!
//! ```sh
//! cargo run --example http_fetch
//! ```
//!
//! The Python program fetches https://www.example.com with aiohttp and
//! prints the page. Here aiohttp's client is hyper's: `session.get(url)`
//! is a connection (`TcpStream::connect` + `http1::handshake`, whose
//! driver runs as a task) and `send_request`; `await response.text()` is
//! collecting the body. This port never reaches the internet: it first
//! starts a stand-in for the site on 127.0.0.1 (`guide/web.rs`, a hyper
//! server on `runtime::hyper::serve`), connects there instead of resolving
//! the name, and sends `Host: www.example.com`. It prints the stand-in's
//! copy of the page (shorter than the real one: no style sheet).

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::header::HOST;
use hyper::{Request, Uri};
use runtime::net::TcpStream;
use std::error::Error;
use std::net::SocketAddr;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

#[path = "guide/web.rs"]
mod web;

type BoxError = Box<dyn Error + Send + Sync>;

/// `async with session.get(url) as response: return await response.text()`,
/// with hyper's client. `web` is where every site is (our stand-in for DNS).
async fn fetch(web: SocketAddr, url: &str) -> Result<String, BoxError> {
    let url: Uri = url.parse()?;
    let stream = TcpStream::connect(web).await?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(stream).await?;
    runtime::spawn(connection); // reads and writes the socket until it closes
    let request = Request::get(url.path())
        .header(HOST, url.host().unwrap_or_default())
        .body(Empty::<Bytes>::new())?;
    let response = sender.send_request(request).await?;
    let body = response.into_body().collect().await?.to_bytes();
    Ok(String::from_utf8(body.to_vec())?)
}

/// `async def main()`.
pub async fn program(out: Console) -> Result<(), BoxError> {
    // The stand-in for www.example.com, on this machine.
    let web = web::stand_in_web().await?;

    let html = fetch(web, "https://www.example.com").await?;
    out.print(html);
    Ok(())
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() -> Result<(), BoxError> {
    program(Console::stdout()).await // asyncio.run(main())
}
