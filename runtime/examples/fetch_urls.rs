//! Fetching three sites at once: "The Art of Concurrency: When and How to
//! Use AsyncIO in Python", *Basic AsyncIO Examples — Multiple Network
//! Requests* (aiohttp).
//!
//! ```sh
//! cargo run --example fetch_urls
//! ```
//!
//! One task per URL (`runtime::spawn`), gathered: the three requests are in
//! flight together. The Python program fetches example.com, httpbin.org and
//! python.org. This port never reaches the internet: it starts a stand-in
//! for the three sites on 127.0.0.1 first (`guide/http.rs`), which answers
//! after 100 ms, so all three pages are there after 100 ms, not 300. It
//! prints the start of each stand-in page as the Python program does
//! (`url[:30]`, `content[:60]`, newlines and all):
//!
//! ```text
//! Content from https://example.com: <!doctype html>
//! <html>
//! <head>
//!     <title>Example Domain</title>...
//! ...
//! ```

use std::io;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

#[path = "guide/http.rs"]
mod http;
use http::ClientSession;

async fn fetch_content(session: ClientSession, url: &str) -> io::Result<String> {
    let response = session.get(url).await?;
    response.text().await
}

/// Python's `text[:n]`: the first `n` characters.
fn prefix(text: &str, n: usize) -> String {
    text.chars().take(n).collect()
}

/// `async def main()`.
pub async fn program(out: Console) -> io::Result<()> {
    // The stand-in for the three sites, on this machine.
    let web = http::stand_in_web().await?;

    let urls = [
        "https://example.com",
        "https://httpbin.org",
        "https://python.org",
    ];
    let session = ClientSession::new(web); // async with aiohttp.ClientSession() as session:
    let tasks: Vec<_> = urls
        .iter()
        .map(|url| runtime::spawn(fetch_content(session.clone(), url)))
        .collect();
    let results = runtime::task::gather(tasks).await;
    let results = results
        .into_iter()
        .map(|result| result.expect("fetch_content panicked"))
        .collect::<io::Result<Vec<String>>>()?; // the first error, as gather raises it

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
async fn main() -> io::Result<()> {
    program(Console::stdout()).await // asyncio.run(main())
}
