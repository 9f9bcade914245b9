//! Fetching three sites at once: "The Art of Concurrency: When and How to
//! Use AsyncIO in Python", *Basic AsyncIO Examples — Multiple Network
//! Requests* (aiohttp).
//!
//! ```sh
//! cargo run --example fetch_urls
//! ```
//!
//! One task per URL (`runtime::spawn`), gathered: the three requests are in
//! flight together. aiohttp's client is hyper's here (see `http_fetch` for
//! how `session.get` maps onto it). The Python program fetches
//! example.com, httpbin.org and python.org. This port never reaches the
//! internet: it starts a stand-in for the three sites on 127.0.0.1 first
//! (`guide/web.rs`, a hyper server), which answers after 100 ms, so all
//! three pages are there after 100 ms, not 300. It prints the start of
//! each stand-in page as the Python program does (`url[:30]`,
//! `content[:60]`, newlines and all):
//!
//! ```text
//! Content from https://example.com: <!doctype html>
//! <html>
//! <head>
//!     <title>Example Domain</title>...
//! ...
//! ```

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
/// with hyper's client; `web` is where every site is (our stand-in for DNS).
async fn fetch_content(web: SocketAddr, url: &str) -> Result<String, BoxError> {
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

/// Python's `text[:n]`: the first `n` characters.
fn prefix(text: &str, n: usize) -> String {
    text.chars().take(n).collect()
}

/// `async def main()`.
pub async fn program(out: Console) -> Result<(), BoxError> {
    // The stand-in for the three sites, on this machine.
    let web = web::stand_in_web().await?;

    let urls = [
        "https://example.com",
        "https://httpbin.org",
        "https://python.org",
    ];
    let tasks: Vec<_> = urls
        .iter()
        .map(|url| runtime::spawn(fetch_content(web, url)))
        .collect();
    let results = runtime::task::gather(tasks).await;
    let results = results
        .into_iter()
        .map(|result| result.expect("fetch_content panicked"))
        .collect::<Result<Vec<String>, BoxError>>()?; // the first error, as gather raises it

    for (url, content) in urls.iter().zip(results) {
        out.print(format!(
            "Content from {}: {}...",
            prefix(url, 30),
            prefix(&content, 60)
        ));
    }
    Ok(())
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() -> Result<(), BoxError> {
    program(Console::stdout()).await // asyncio.run(main())
}
