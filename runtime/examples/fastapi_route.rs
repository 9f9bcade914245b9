//! A FastAPI route that awaits: "The Art of Concurrency: When and How to
//! Use AsyncIO in Python", *Using AsyncIO in Frameworks like FastAPI and
//! aiohttp*.
//!
//! ```sh
//! cargo run --example fastapi_route     # then: curl http://127.0.0.1:8000/
//! ```
//!
//! FastAPI's app is an axum `Router` here: `@app.get("/") async def
//! root()` is `.route("/", get(root))`, and returning a dict (FastAPI's
//! JSON) is returning `Json(json!({...}))`. The guide defines the app only
//! (uvicorn would serve it); this port serves it too, with
//! `runtime::hyper::serve` in uvicorn's place, on 127.0.0.1:8000 (or the
//! port given), until Ctrl-C, then shuts down gracefully as uvicorn does
//! (requests in flight finish). `GET /` sleeps 1 s and answers
//! `{"message":"Hello from FastAPI"}` (FastAPI's compact JSON); other
//! paths get FastAPI's 404, `{"detail":"Not Found"}`. Every connection is
//! its own task, so while one request sleeps the others are served: ten
//! requests at once all get their answer after 1 s. It prints where it
//! serves:
//!
//! ```text
//! Serving the app at http://127.0.0.1:8000
//! ```

use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use runtime::net::TcpListener;
use runtime::time::sleep;
use serde_json::{Value, json};
use std::future::Future;
use std::io;
use std::time::Duration;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

/// `@app.get("/") async def root()`.
async fn root() -> Json<Value> {
    sleep(Duration::from_secs(1)).await; // await asyncio.sleep(1)
    Json(json!({"message": "Hello from FastAPI"}))
}

/// FastAPI's answer for a path with no route.
async fn not_found() -> (StatusCode, Json<Value>) {
    (StatusCode::NOT_FOUND, Json(json!({"detail": "Not Found"})))
}

/// `app = FastAPI()` with its route.
fn app() -> Router {
    Router::new().route("/", get(root)).fallback(not_found)
}

/// Serves the app on `listener` (what uvicorn does) until `shutdown`
/// completes, then lets the requests in flight finish.
pub async fn program(
    out: Console,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    out.print(format!(
        "Serving the app at http://{}",
        listener.local_addr()?
    ));
    runtime::hyper::serve(listener, app())
        .with_graceful_shutdown(shutdown)
        .await
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() -> io::Result<()> {
    let port = std::env::args().nth(1).unwrap_or_else(|| "8000".into());
    let listener = TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    let ctrl_c = async {
        let _ = runtime::signal::ctrl_c().await;
    };
    program(Console::stdout(), listener, ctrl_c).await
}
