//! [`serve`]: an accept loop that serves every connection of a listener
//! with hyper, HTTP/1 or HTTP/2, until a shutdown signal, then drains.
//!
//! # Design
//!
//! One task accepts; each connection is its own task, driving hyper-util's
//! auto-detecting connection (the HTTP/2 preface, else HTTP/1.1 with
//! keep-alive) with our [`Executor`] and [`Timer`]. Accept errors never end
//! the server, except those that say the listener itself is unusable (see
//! [`serve`]); the listeners pause after "out of file descriptors" errors
//! (`EMFILE`...) on their own, so the loop simply tries again.
//!
//! Graceful shutdown ([`Serve::with_graceful_shutdown`]) has three steps,
//! each watched by the connection tasks through one shared [`Shared`]:
//!
//! 1. the signal completes: the listener is dropped (new connections are
//!    refused) and `shutdown` is set; every connection task then calls
//!    hyper's `graceful_shutdown`: an idle HTTP/1 connection closes at once,
//!    a busy one answers its request in flight with `connection: close`
//!    and closes; HTTP/2 sends `GOAWAY` and finishes its open streams;
//! 2. the serve future waits until the count of live connections is zero,
//!    for at most the drain timeout;
//! 3. past the timeout, `closed` is set: each connection task left drops
//!    its connection (closing the socket, cancelling its handler) at its
//!    next poll, and the serve future returns once they all did.
//!
//! The count and the "draining" flag live under one mutex: a connection
//! that ends after the flag was raised sees it and, as the last one, sets
//! `drained`; one that ended before was already not counted.

use super::service::{ConnService, IntoService};
use super::{Executor, Timer};
use crate::loom::Mutex;
use crate::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use crate::sync::Event;
use ::hyper::rt::{Read, Write};
use hyper_util::server::conn::auto::Builder;
use std::fmt;
use std::future::{Future, IntoFuture, Pending};
use std::io;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

/// How long [`Serve::with_graceful_shutdown`] lets connections finish by
/// default: aiohttp's `web.run_app(shutdown_timeout=60.0)`.
///
/// ```
/// assert_eq!(runtime::hyper::DEFAULT_DRAIN_TIMEOUT.as_secs(), 60);
/// ```
pub const DEFAULT_DRAIN_TIMEOUT: Duration = Duration::from_secs(60);

/// A source of connections for [`serve`]: implemented for
/// [`TcpListener`] (whose connections get `TCP_NODELAY`, as aiohttp sets
/// it) and [`UnixListener`]; implement it to serve another kind (a TLS
/// acceptor wrapping a `TcpListener`, say).
///
/// ```
/// use runtime::hyper::Listener;
/// use runtime::net::{TcpListener, TcpStream};
///
/// runtime::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await?;
///     let addr = listener.local_addr()?;
///     let _client = TcpStream::connect(addr).await?;
///     let conn = Listener::accept(&listener).await?;  // what serve calls
///     assert!(conn.nodelay()?);
///     Ok::<(), std::io::Error>(())
/// })
/// .unwrap();
/// ```
pub trait Listener: Send + 'static {
    /// A connection.
    type Io: Read + Write + Unpin + Send + 'static;

    /// Waits for the next connection.
    fn accept(&self) -> impl Future<Output = io::Result<Self::Io>> + Send;
}

impl Listener for TcpListener {
    type Io = TcpStream;

    async fn accept(&self) -> io::Result<TcpStream> {
        let (stream, _) = TcpListener::accept(self).await?;
        // Responses are written whole; Nagle's algorithm would only delay
        // the last segment of each (aiohttp's tcp_nodelay=True).
        let _ = stream.set_nodelay(true);
        Ok(stream)
    }
}

impl Listener for UnixListener {
    type Io = UnixStream;

    async fn accept(&self) -> io::Result<UnixStream> {
        Ok(UnixListener::accept(self).await?.0)
    }
}

/// Serves every connection of `listener` with `service` (a hyper service,
/// or a tower service such as an axum `Router`): asyncio's
/// `loop.create_server` with an HTTP protocol, what aiohttp's
/// `web.run_app(app)` / `AppRunner` + `TCPSite` do, and axum's
/// `axum::serve` on this runtime.
///
/// Each connection is a task of its own; HTTP/2 (by its preface, as with
/// `curl --http2-prior-knowledge` or a gRPC client) and HTTP/1.1 (with
/// keep-alive and upgrades) are told apart by what the client sends.
/// hyper's timeouts run on this runtime's clock ([`Timer`]).
///
/// Await the result to serve. Without
/// [`with_graceful_shutdown`](Serve::with_graceful_shutdown) it serves
/// until dropped (dropping it stops accepting; connections in flight carry
/// on to their end). An accept error never ends it (a connection reset
/// before it was accepted, or the process out of file descriptors:
/// `EMFILE`, after which the listener pauses before trying again), except
/// one that says the listener cannot work at all (`EBADF`, `EINVAL`,
/// `ENOTSOCK`, `EOPNOTSUPP`, or its runtime shut down), which is returned.
///
/// ```
/// use hyper::body::Incoming;
/// use hyper::{Request, Response};
/// use runtime::net::{TcpListener, TcpStream};
/// use std::convert::Infallible;
///
/// async fn hello(_: Request<Incoming>) -> Result<Response<String>, Infallible> {
///     Ok(Response::new("Hello, world!".to_string()))
/// }
///
/// # fn main() -> std::io::Result<()> {
/// runtime::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await?;
///     let addr = listener.local_addr()?;
///     let service = hyper::service::service_fn(hello);
///     runtime::spawn(runtime::hyper::serve(listener, service).into_future());
///
///     // hyper's client, on our TcpStream.
///     let stream = TcpStream::connect(addr).await?;
///     let (mut sender, conn) = hyper::client::conn::http1::handshake(stream).await.unwrap();
///     runtime::spawn(conn);
///     let request = Request::get("/").body(String::new()).unwrap();
///     let response = sender.send_request(request).await.unwrap();
///     assert_eq!(response.status(), 200);
///     Ok(())
/// })
/// # }
/// ```
pub fn serve<L, M, S>(listener: L, service: S) -> Serve<L, S::Service>
where
    L: Listener,
    S: IntoService<M>,
{
    Serve {
        listener,
        service: service.into_service(),
        signal: std::future::pending(),
        drain_timeout: DEFAULT_DRAIN_TIMEOUT,
    }
}

/// A server made by [`serve`]: await it to serve (`.into_future()` to
/// spawn it). `G` is the shutdown signal, if any.
#[must_use = "a server does nothing until awaited"]
pub struct Serve<L, S, G = Pending<()>> {
    listener: L,
    service: S,
    signal: G,
    drain_timeout: Duration,
}

impl<L, S> Serve<L, S> {
    /// Serves until `signal` completes, then shuts down gracefully: stops
    /// accepting (new connections are refused), lets every request in
    /// flight finish (HTTP/1 connections are closed after their current
    /// response, HTTP/2 ones get a `GOAWAY`), and returns once they have
    /// all ended, or once the [drain timeout](Serve::drain_timeout) has
    /// passed (60 s by default), closing the connections left. aiohttp's
    /// graceful shutdown in `web.run_app` / `AppRunner.cleanup()` (with
    /// `shutdown_timeout`), axum's `with_graceful_shutdown`.
    ///
    /// `signal` is any future; its output is ignored. Typically
    /// `runtime::signal::ctrl_c()`, or an [`Event`](crate::sync::Event)'s
    /// `wait()` set by the program.
    ///
    /// ```
    /// use runtime::net::TcpListener;
    /// use runtime::sync::Event;
    /// use std::sync::Arc;
    /// use std::time::Duration;
    ///
    /// # fn main() -> std::io::Result<()> {
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await?;
    ///     let stop = Arc::new(Event::new());
    ///     let signal = stop.clone();
    ///     let service = hyper::service::service_fn(|_| async {
    ///         Ok::<_, std::convert::Infallible>(hyper::Response::new(String::from("hi")))
    ///     });
    ///     let server = runtime::spawn(
    ///         runtime::hyper::serve(listener, service)
    ///             .with_graceful_shutdown(async move { signal.wait().await })
    ///             .drain_timeout(Duration::from_secs(10))
    ///             .into_future(),
    ///     );
    ///     stop.set();                  // e.g. on Ctrl-C
    ///     server.await.unwrap()        // returns once drained
    /// })
    /// # }
    /// ```
    pub fn with_graceful_shutdown<G>(self, signal: G) -> Serve<L, S, G>
    where
        G: Future + Send + 'static,
    {
        Serve {
            listener: self.listener,
            service: self.service,
            signal,
            drain_timeout: self.drain_timeout,
        }
    }
}

impl<L, S, G> Serve<L, S, G> {
    /// How long a graceful shutdown waits for connections to finish before
    /// closing them: aiohttp's `shutdown_timeout`. 60 s by default
    /// ([`DEFAULT_DRAIN_TIMEOUT`]); without a shutdown signal it is unused.
    ///
    /// ```
    /// # async fn app(listener: runtime::net::TcpListener) -> std::io::Result<()> {
    /// let service = hyper::service::service_fn(|_| async {
    ///     Ok::<_, std::convert::Infallible>(hyper::Response::new(String::new()))
    /// });
    /// runtime::hyper::serve(listener, service)
    ///     .with_graceful_shutdown(runtime::signal::ctrl_c())
    ///     .drain_timeout(std::time::Duration::from_secs(5))
    ///     .await
    /// # }
    /// ```
    pub fn drain_timeout(mut self, timeout: Duration) -> Self {
        self.drain_timeout = timeout;
        self
    }
}

impl<L, S, G> IntoFuture for Serve<L, S, G>
where
    L: Listener,
    S: ConnService,
    G: Future + Send + 'static,
{
    type Output = io::Result<()>;
    type IntoFuture = Pin<Box<dyn Future<Output = io::Result<()>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(run(self))
    }
}

impl<L: fmt::Debug, S, G> fmt::Debug for Serve<L, S, G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Serve")
            .field("listener", &self.listener)
            .field("drain_timeout", &self.drain_timeout)
            .finish_non_exhaustive()
    }
}

/// What the accept loop and the connection tasks share.
struct Shared {
    /// Graceful shutdown began: connections finish their request and close.
    shutdown: Event,
    /// The drain timed out: connections close now.
    closed: Event,
    /// Set by the last connection to end once `draining`.
    drained: Event,
    state: Mutex<Count>,
}

struct Count {
    /// Connection tasks alive.
    live: usize,
    /// The accept loop is waiting for `live` to reach zero.
    draining: bool,
}

/// A live connection, counted in `Shared::state` until dropped.
struct Tracked(Arc<Shared>);

impl Tracked {
    fn new(shared: &Arc<Shared>) -> Tracked {
        shared.state.lock().live += 1;
        Tracked(shared.clone())
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        let mut count = self.0.state.lock();
        count.live -= 1;
        if count.live == 0 && count.draining {
            drop(count);
            self.0.drained.set();
        }
    }
}

/// The accept loop, then the drain.
async fn run<L, S, G>(server: Serve<L, S, G>) -> io::Result<()>
where
    L: Listener,
    S: ConnService,
    G: Future + Send + 'static,
{
    let Serve {
        listener,
        service,
        signal,
        drain_timeout,
    } = server;
    let builder = Arc::new(builder());
    let shared = Arc::new(Shared {
        shutdown: Event::new(),
        closed: Event::new(),
        drained: Event::new(),
        state: Mutex::new(Count {
            live: 0,
            draining: false,
        }),
    });
    let mut signal = pin!(signal);
    loop {
        let mut accept = pin!(listener.accept());
        let next = std::future::poll_fn(|cx| {
            if signal.as_mut().poll(cx).is_ready() {
                return Poll::Ready(None);
            }
            accept.as_mut().poll(cx).map(Some)
        });
        match next.await {
            None => break,
            Some(Ok(io)) => {
                let conn = connection(builder.clone(), io, service.clone(), Tracked::new(&shared));
                drop(crate::spawn(conn));
            }
            Some(Err(err)) if is_fatal(&err) => return Err(err),
            Some(Err(_)) => continue,
        }
    }

    // Graceful shutdown: refuse new connections, tell the others to finish.
    drop(listener);
    shared.shutdown.set();
    if !wait_drained(&shared) {
        return Ok(());
    }
    if crate::time::timeout(drain_timeout, shared.drained.wait())
        .await
        .is_err()
    {
        shared.closed.set();
        shared.drained.wait().await;
    }
    Ok(())
}

/// Raises the draining flag; false if no connection is left to wait for.
fn wait_drained(shared: &Shared) -> bool {
    let mut count = shared.state.lock();
    count.draining = true;
    count.live > 0
}

/// Serves one connection until it ends, or until the drain times out.
async fn connection<I, S>(builder: Arc<Builder<Executor>>, io: I, service: S, tracked: Tracked)
where
    I: Read + Write + Unpin + Send + 'static,
    S: ConnService,
{
    let shared = &tracked.0;
    let mut conn = pin!(builder.serve_connection_with_upgrades(io, service));
    let mut shutdown = pin!(shared.shutdown.wait());
    let mut closed = pin!(shared.closed.wait());
    let mut told = false;
    let mut watching = false;
    std::future::poll_fn(|cx| {
        // The first poll leaves this task's waker with `shutdown` (it wakes
        // the same task for its whole life, whichever worker runs it);
        // later polls only read the flag, so a busy connection does not
        // lock the event's waiter list on every wake-up.
        let shutting_down = if watching {
            shared.shutdown.is_set()
        } else {
            watching = true;
            shutdown.as_mut().poll(cx).is_ready()
        };
        if !told && shutting_down {
            told = true;
            conn.as_mut().graceful_shutdown();
        }
        // Once told, `closed` is polled on every poll, this one included,
        // so that its waker is registered before the drain can time out.
        if told && closed.as_mut().poll(cx).is_ready() {
            return Poll::Ready(());
        }
        // A connection error (a client that went away, a malformed
        // request) ends this connection only; hyper has answered what it
        // could.
        conn.as_mut().poll(cx).map(|_| ())
    })
    .await;
}

/// The connection settings: HTTP/1.1 with keep-alive and HTTP/2, both with
/// our timer (hyper's HTTP/1 header read timeout needs one).
fn builder() -> Builder<Executor> {
    let mut builder = Builder::new(Executor);
    builder.http1().timer(Timer).keep_alive(true);
    builder.http2().timer(Timer);
    builder
}

/// Accept errors that mean the listener cannot work at all; every other
/// one concerns a single connection, or passes (the listener backs off
/// after running out of descriptors).
fn is_fatal(err: &io::Error) -> bool {
    crate::driver::io::is_shutdown_error(err)
        || matches!(
            err.raw_os_error(),
            Some(libc::EBADF | libc::EINVAL | libc::ENOTSOCK | libc::EOPNOTSUPP | libc::EFAULT)
        )
}
