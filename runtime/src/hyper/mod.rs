//! hyper 1.x on this runtime (feature `hyper`): the runtime traits hyper
//! asks for, implemented on our types, and [`serve`] to run a hyper or
//! tower (axum) service: what aiohttp's web server and client are to
//! asyncio.
//!
//! | hyper asks for | here |
//! |---|---|
//! | `rt::Read` + `rt::Write` (a connection) | [`TcpStream`](crate::net::TcpStream) and [`UnixStream`](crate::net::UnixStream) themselves, no wrapper |
//! | `rt::Executor` (HTTP/2 tasks) | [`Executor`]: [`crate::spawn`] |
//! | `rt::Timer` (timeouts, keep-alive pings) | [`Timer`]: the runtime's timer wheel and clock, paused or not |
//! | an accept loop (`axum::serve`) | [`serve`], with [graceful shutdown](Serve::with_graceful_shutdown) |
//!
//! A server, and hyper's own client talking to it:
//!
//! ```
//! use hyper::body::Incoming;
//! use hyper::{Request, Response};
//! use runtime::hyper::serve;
//! use runtime::net::{TcpListener, TcpStream};
//! use std::convert::Infallible;
//!
//! async fn hello(request: Request<Incoming>) -> Result<Response<String>, Infallible> {
//!     Ok(Response::new(format!("Hello, {}!", request.uri().path())))
//! }
//!
//! # fn main() -> std::io::Result<()> {
//! runtime::run(async {
//!     // web.run_app(app): serve until dropped.
//!     let listener = TcpListener::bind("127.0.0.1:0").await?;
//!     let addr = listener.local_addr()?;
//!     runtime::spawn(serve(listener, hyper::service::service_fn(hello)).into_future());
//!
//!     // aiohttp.ClientSession().get(url), with hyper's client.
//!     let stream = TcpStream::connect(addr).await?;
//!     let (mut sender, connection) = hyper::client::conn::http1::handshake(stream)
//!         .await
//!         .map_err(std::io::Error::other)?;
//!     runtime::spawn(connection); // drives the connection
//!     let request = Request::get("/world").body(String::new()).unwrap();
//!     let mut response = sender.send_request(request).await.map_err(std::io::Error::other)?;
//!     assert_eq!(response.status(), 200);
//!     let mut body = Vec::new();
//!     while let Some(frame) = std::future::poll_fn(|cx| {
//!         hyper::body::Body::poll_frame(std::pin::Pin::new(response.body_mut()), cx)
//!     })
//!     .await
//!     {
//!         body.extend_from_slice(&frame.map_err(std::io::Error::other)?.into_data().unwrap());
//!     }
//!     assert_eq!(body, b"Hello, /world!");
//!     Ok(())
//! })
//! # }
//! ```
//!
//! An axum `Router` is a tower service: `serve(listener, router)` runs it,
//! in place of `axum::serve` (which needs tokio):
//!
//! ```
//! use axum::{Json, Router, extract::Path, routing::get};
//! use runtime::net::TcpListener;
//!
//! async fn user(Path(id): Path<u32>) -> Json<serde_json::Value> {
//!     Json(serde_json::json!({ "id": id }))
//! }
//!
//! # fn main() -> std::io::Result<()> {
//! runtime::run(async {
//!     let app = Router::new().route("/users/{id}", get(user));
//!     let listener = TcpListener::bind("127.0.0.1:0").await?;
//!     // Serve until Ctrl-C, then let the requests in flight finish.
//!     # let ctrl_c = async {}; // (shuts down at once here)
//!     runtime::hyper::serve(listener, app)
//!         .with_graceful_shutdown(ctrl_c) // runtime::signal::ctrl_c()
//!         .await
//! })
//! # }
//! ```
//!
//! The stack has no tokio
//! runtime in it: hyper's own dependency on the `tokio` crate is its
//! `sync` channels and `h2`'s codec traits, no reactor and no executor.

mod executor;
mod io;
mod serve;
mod service;
mod timer;

pub use executor::Executor;
pub use serve::{DEFAULT_DRAIN_TIMEOUT, Listener, Serve, serve};
pub use service::{BoxError, ConnService, Hyper, IntoService, Tower, TowerFuture, TowerService};
pub use timer::Timer;
