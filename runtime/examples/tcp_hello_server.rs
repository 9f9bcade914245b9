//! A web server saying hello: "The Art of Concurrency: When and How to Use
//! AsyncIO in Python", *Concurrent I/O with AsyncIO — Network I/O Example*
//! (an aiohttp web server).
//!
//! ```sh
//! cargo run --example tcp_hello_server            # then: curl http://localhost:8080/
//! cargo run --example tcp_hello_server -- 8081    # another port
//! ```
//!
//! aiohttp's application, runner and site are hyper and
//! `runtime::hyper::serve` here: `handle` is a hyper service function (the
//! route `app.router.add_get('/', handle)`: `GET /` gets
//! `Hello from aiohttp`, any other path aiohttp's `404: Not Found`), and
//! `serve(listener, service)` is `AppRunner` + `TCPSite.start()`: every
//! connection a task, HTTP/1.1 with keep-alive or HTTP/2. The Python
//! program then sleeps forever in a loop to keep the server up; here
//! awaiting `serve` is what runs until Ctrl-C. It prints:
//!
//! ```text
//! Server started at http://localhost:8080
//! ```

use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use runtime::net::TcpListener;
use std::convert::Infallible;
use std::io;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

/// The route: `app.router.add_get('/', handle)`, and aiohttp's 404 for
/// anything else.
async fn handle(request: Request<Incoming>) -> Result<Response<String>, Infallible> {
    let (status, text) = match (request.method(), request.uri().path()) {
        (&Method::GET, "/") => (StatusCode::OK, "Hello from aiohttp"), // web.Response(text=...)
        _ => (StatusCode::NOT_FOUND, "404: Not Found"),
    };
    let response = Response::builder()
        .status(status)
        .header("content-type", "text/plain; charset=utf-8")
        .body(text.to_string());
    Ok(response.expect("a valid response"))
}

/// `async def main()`, serving on `listener` until cancelled.
pub async fn program(out: Console, listener: TcpListener) -> io::Result<()> {
    let port = listener.local_addr()?.port();
    out.print(format!("Server started at http://localhost:{port}"));
    let app = hyper::service::service_fn(handle);
    runtime::hyper::serve(listener, app).await // runner.setup(); site.start()
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() -> io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or_else(|| "8080".into());
    let listener = TcpListener::bind(format!("localhost:{port}")).await?;
    program(Console::stdout(), listener).await // asyncio.run(main())
}
