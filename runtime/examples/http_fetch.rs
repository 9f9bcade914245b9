//! An HTTP GET with aiohttp: "Asynchronous Programming with Asyncio",
//! *Further Learning — 1. Asynchronous Networking with aiohttp*.
//!
//! ```sh
//! cargo run --example http_fetch
//! ```
//!
//! The Python program fetches https://www.example.com and prints the page.
//! This port never reaches the internet: it first starts a stand-in for
//! the site on 127.0.0.1 (`guide/http.rs`, built on `runtime::net`), and
//! its `ClientSession` sends the request there, with `Host:
//! www.example.com`. `async with session.get(url) as response: return
//! await response.text()` reads the same:
//! `session.get(url).await?.text().await`. It prints the stand-in's copy
//! of the page (shorter than the real one: no style sheet).

use std::io;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

#[path = "guide/http.rs"]
mod http;
use http::ClientSession;

async fn fetch(session: &ClientSession, url: &str) -> io::Result<String> {
    let response = session.get(url).await?;
    response.text().await
}

/// `async def main()`.
pub async fn program(out: Console) -> io::Result<()> {
    // The stand-in for www.example.com, on this machine.
    let web = http::stand_in_web().await?;

    let session = ClientSession::new(web); // async with aiohttp.ClientSession() as session:
    let html = fetch(&session, "https://www.example.com").await?;
    out.print(html);
    Ok(())
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() -> io::Result<()> {
    program(Console::stdout()).await // asyncio.run(main())
}
