//! A TCP server saying hello: "The Art of Concurrency: When and How to Use
//! AsyncIO in Python", *Concurrent I/O with AsyncIO — Network I/O Example*
//! (an aiohttp web server).
//!
//! ```sh
//! cargo run --example tcp_hello_server            # then: curl http://localhost:8080/
//! cargo run --example tcp_hello_server -- 8081    # another port
//! ```
//!
//! There is no aiohttp here: the application, its runner and its site are
//! one accept loop on a `runtime::net::TcpListener` (asyncio's
//! `start_server`), with one task per connection that reads the request
//! and answers with just enough HTTP (`guide/http.rs`): `GET /` gets
//! `Hello from aiohttp`, any other path a 404, as aiohttp's router does.
//! The Python program then sleeps forever in a loop to keep the server up;
//! here the accept loop is what runs until Ctrl-C. It prints:
//!
//! ```text
//! Server started at http://localhost:8080
//! ```

use runtime::net::{TcpListener, TcpStream};
use std::io;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

#[path = "guide/http.rs"]
mod http;

/// The route: `app.router.add_get('/', handle)`.
async fn handle(stream: TcpStream) -> io::Result<()> {
    let Some(request) = http::read_request(&stream).await? else {
        return Ok(());
    };
    match (request.method.as_str(), request.path.as_str()) {
        ("GET", "/") => http::respond(&stream, "200 OK", "text/plain", "Hello from aiohttp").await,
        _ => http::respond(&stream, "404 Not Found", "text/plain", "404: Not Found").await,
    }
}

/// `async def main()`, serving on `listener` until cancelled.
pub async fn program(out: Console, listener: TcpListener) -> io::Result<()> {
    let port = listener.local_addr()?.port();
    out.print(format!("Server started at http://localhost:{port}"));
    loop {
        let (stream, _) = listener.accept().await?;
        runtime::spawn(handle(stream));
    }
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() -> io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or_else(|| "8080".into());
    let listener = TcpListener::bind(format!("localhost:{port}")).await?;
    program(Console::stdout(), listener).await // asyncio.run(main())
}
