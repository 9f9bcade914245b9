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
//! borrow the session and the semaphore, no `Arc` needed.
//!
//! The Python program fetches https://www.example.com ten times. This port
//! never reaches the internet: it starts a stand-in for the site on
//! 127.0.0.1 first (`guide/http.rs`), which answers each request after
//! 100 ms, so three at a time the ten fetches take 400 ms (four rounds).
//! It prints ten lines of `Fetched content of length: N`, N being the
//! length of the stand-in's page.

use runtime::sync::Semaphore;
use std::io;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

#[path = "guide/http.rs"]
mod http;
use http::ClientSession;

async fn fetch(session: &ClientSession, url: &str, semaphore: &Semaphore) -> io::Result<String> {
    let _permit = semaphore.acquire().await;
    let response = session.get(url).await?;
    response.text().await
}

/// `async def main()`.
pub async fn program(out: Console) -> io::Result<()> {
    // The stand-in for www.example.com, on this machine.
    let web = http::stand_in_web().await?;

    let urls = ["https://www.example.com"; 10];
    let semaphore = Semaphore::new(3); // Limit to 3 concurrent requests

    let session = ClientSession::new(web); // async with aiohttp.ClientSession() as session:
    let tasks = urls.iter().map(|url| fetch(&session, url, &semaphore));
    let results = runtime::task::try_gather(tasks).await?;

    for content in results {
        out.print(format!("Fetched content of length: {}", content.len()));
    }
    Ok(())
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() -> io::Result<()> {
    program(Console::stdout()).await // asyncio.run(main())
}
