//! Ten fetches, three at a time: "Asynchronous Programming with Asyncio",
//! *Further Learning — 5. Optimizing Asynchronous Code with
//! asyncio.Semaphore — Example: Limiting Concurrent Connections*.
//!
//! ```sh
//! cargo run --example semaphore_fetch
//! ```
//!
//! `async with semaphore:` is `let _permit = semaphore.acquire().await;`:
//! the permit goes back when it is dropped, at the end of the block.
//! `asyncio.gather(*tasks)` (raising the first error) is
//! `runtime::task::try_gather`; its futures run inside this task, so they
//! borrow the semaphore, no `Arc` needed. aiohttp's client is hyper's here
//! (see `http_fetch` for how `session.get` maps onto it).
//!
//! The Python program fetches https://www.example.com ten times. This port
//! never reaches the internet: it starts a stand-in for the site on
//! 127.0.0.1 first (`guide/web.rs`, a hyper server), which answers each
//! request after 100 ms, so three at a time the ten fetches take 400 ms
//! (four rounds). It prints ten lines of `Fetched content of length: N`, N
//! being the length of the stand-in's page.

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::header::HOST;
use hyper::{Request, Uri};
use runtime::net::TcpStream;
use runtime::sync::Semaphore;
use std::error::Error;
use std::net::SocketAddr;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

#[path = "guide/web.rs"]
mod web;

type BoxError = Box<dyn Error + Send + Sync>;

/// `async with semaphore: async with session.get(url) as response: return
/// await response.text()`, with hyper's client; `web` is where every site
/// is (our stand-in for DNS).
async fn fetch(web: SocketAddr, url: &str, semaphore: &Semaphore) -> Result<String, BoxError> {
    let _permit = semaphore.acquire().await;
    let url: Uri = url.parse()?;
    let stream = TcpStream::connect(web).await?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(stream).await?;
    runtime::spawn(connection);
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

    let urls = ["https://www.example.com"; 10];
    let semaphore = Semaphore::new(3); // Limit to 3 concurrent requests

    let tasks = urls.iter().map(|url| fetch(web, url, &semaphore));
    let results = runtime::task::try_gather(tasks).await?;

    for content in results {
        out.print(format!("Fetched content of length: {}", content.len()));
    }
    Ok(())
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() -> Result<(), BoxError> {
    program(Console::stdout()).await // asyncio.run(main())
}
