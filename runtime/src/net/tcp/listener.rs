//! `TcpListener`: asyncio's `start_server`, one accept at a time.

use super::TcpStream;
use crate::driver::io::{Direction, PollEvented};
use crate::net::addr::{ToSocketAddrs, each_addr};
use crate::net::backoff::AcceptBackoff;
use crate::net::sys;
use socket2::Domain;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::task::{Context, Poll};

/// The listen backlog of [`TcpListener::bind`]: how many connections the
/// kernel completes and queues before `accept` takes them (capped by
/// `net.core.somaxconn`). tokio uses the same.
const BACKLOG: i32 = 1024;

/// A TCP server socket: what `asyncio.start_server` creates, without the
/// callback. Accept connections in a loop and spawn a task for each.
///
/// ```
/// use runtime::io::AsyncWriteExt;
/// use runtime::net::{TcpListener, TcpStream};
///
/// runtime::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let addr = listener.local_addr().unwrap();
///     let client = runtime::spawn(TcpStream::connect(addr));
///     let (mut conn, peer) = listener.accept().await.unwrap();
///     conn.write_all(b"welcome").await.unwrap();
///     let client = client.await.unwrap().unwrap();
///     assert_eq!(client.local_addr().unwrap(), peer);
/// });
/// ```
pub struct TcpListener {
    io: PollEvented<std::net::TcpListener>,
    backoff: AcceptBackoff,
}

impl TcpListener {
    /// Binds a listener to `addr` (`SO_REUSEADDR` set, backlog 1024):
    /// asyncio's `await asyncio.start_server(cb, host, port)`. Port 0 picks
    /// a free port; [`local_addr`](Self::local_addr) tells which.
    ///
    /// If `addr` resolves to several addresses, each is tried in turn and
    /// the first that binds wins. Binding a port that is in use fails with
    /// [`io::ErrorKind::AddrInUse`].
    ///
    /// ```
    /// use runtime::net::TcpListener;
    /// runtime::run(async {
    ///     let a = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let taken = a.local_addr().unwrap();
    ///     let err = TcpListener::bind(taken).await.unwrap_err();
    ///     assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
    /// });
    /// ```
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
        each_addr(addr, |addr| async move { TcpListener::bind_addr(addr) }).await
    }

    fn bind_addr(addr: SocketAddr) -> io::Result<TcpListener> {
        let socket = sys::stream_socket(Domain::for_address(addr))?;
        socket.set_reuse_address(true)?;
        socket.bind(&addr.into()).map_err(|err| {
            io::Error::new(err.kind(), format!("could not bind to {addr}: {err}"))
        })?;
        socket.listen(BACKLOG)?;
        TcpListener::new(socket.into())
    }

    /// Registers a listener that is already listening and non-blocking.
    /// Sets `TCP_INQ` on it, which its connections inherit (best effort:
    /// see `crate::sys::set_read_hint`).
    pub(super) fn new(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        let _ = crate::sys::set_read_hint(&listener, true);
        Ok(TcpListener {
            io: crate::net::register(listener)?,
            backoff: AcceptBackoff::default(),
        })
    }

    /// Waits for the next connection: what asyncio does before each call
    /// of `start_server`'s callback. Returns the connected stream and the
    /// peer's address.
    ///
    /// Errors are returned as they come and leave the listener usable: in
    /// particular when the process is out of file descriptors (`EMFILE`,
    /// `ENFILE`) the pending connection stays queued in the kernel and the
    /// next `accept` tries again — after a pause (5 ms, doubling with each
    /// failure in a row up to 1 s), so a loop that logs the error and
    /// accepts again does not spin the CPU while descriptors are short.
    ///
    /// Cancel safe: dropping the future loses no connection.
    ///
    /// ```
    /// use runtime::net::{TcpListener, TcpStream};
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let addr = listener.local_addr().unwrap();
    ///     let _client = TcpStream::connect(addr).await.unwrap();
    ///     let (_stream, peer) = listener.accept().await.unwrap();
    ///     assert!(peer.ip().is_loopback());
    /// });
    /// ```
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        // Not `poll_fn(poll_accept)`: the readiness future of `async_io`
        // takes its waker back from the reactor when an accept is
        // cancelled, where a `poll_*` waiter stays until the next edge.
        std::future::poll_fn(|cx| self.backoff.poll_ready(cx)).await;
        let accepted = self.io.async_io(Direction::Read, sys::accept).await;
        self.backoff.observe(&accepted);
        Self::accepted(accepted)
    }

    /// Polls for the next connection, for use in a hand-written `Future` or
    /// `Stream`; see [`accept`](Self::accept).
    ///
    /// ```
    /// use runtime::net::{TcpListener, TcpStream};
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let _client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let (_stream, _peer) = std::future::poll_fn(|cx| listener.poll_accept(cx)).await.unwrap();
    /// });
    /// ```
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        std::task::ready!(self.backoff.poll_ready(cx));
        let accepted = std::task::ready!(self.io.poll_io(cx, Direction::Read, sys::accept));
        self.backoff.observe(&accepted);
        Poll::Ready(Self::accepted(accepted))
    }

    /// Wraps what `accept(2)` returned.
    fn accepted(
        accepted: io::Result<(std::os::fd::OwnedFd, socket2::SockAddr)>,
    ) -> io::Result<(TcpStream, SocketAddr)> {
        let (fd, addr) = accepted?;
        let addr = addr
            .as_socket()
            .ok_or_else(|| io::Error::other("accepted a connection of an unexpected family"))?;
        let stream = std::net::TcpStream::from(fd);
        TcpStream::from_nonblocking(stream).map(|s| (s, addr))
    }

    /// Wraps a listener from `std` (which it sets non-blocking), registering
    /// it with the current runtime.
    ///
    /// # Errors
    /// Outside a runtime.
    ///
    /// ```
    /// let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// runtime::run(async move {
    ///     let listener = runtime::net::TcpListener::from_std(std_listener).unwrap();
    ///     assert!(listener.local_addr().is_ok());
    /// });
    /// let outside = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// assert!(runtime::net::TcpListener::from_std(outside).is_err());
    /// ```
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        crate::sys::adopt_socket(&listener)?;
        TcpListener::new(listener)
    }

    /// Deregisters the listener and gives it back as a blocking `std` one.
    /// The option the runtime set for its own reads (`TCP_INQ` on Linux)
    /// is cleared again.
    ///
    /// ```
    /// runtime::run(async {
    ///     let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let addr = listener.local_addr().unwrap();
    ///     let std_listener = listener.into_std().unwrap();
    ///     assert_eq!(std_listener.local_addr().unwrap(), addr);
    /// });
    /// ```
    pub fn into_std(self) -> io::Result<std::net::TcpListener> {
        let listener = self.io.into_inner()?;
        // Connections it accepts from now on are the user's, without our
        // `TCP_INQ` (see `TcpStream::into_std`).
        let _ = crate::sys::set_read_hint(&listener, false);
        listener.set_nonblocking(false)?;
        Ok(listener)
    }

    /// The address the listener is bound to: asyncio's
    /// `server.sockets[0].getsockname()`.
    ///
    /// ```
    /// runtime::run(async {
    ///     let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     assert_ne!(listener.local_addr().unwrap().port(), 0);
    /// });
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// Sets the IP time-to-live of accepted connections' packets.
    ///
    /// ```
    /// runtime::run(async {
    ///     let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     listener.set_ttl(42).unwrap();
    ///     assert_eq!(listener.ttl().unwrap(), 42);
    /// });
    /// ```
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.get_ref().set_ttl(ttl)
    }

    /// The IP time-to-live; see [`set_ttl`](Self::set_ttl).
    ///
    /// ```
    /// runtime::run(async {
    ///     let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     assert!(listener.ttl().unwrap() > 0);
    /// });
    /// ```
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.get_ref().ttl()
    }
}

impl AsFd for TcpListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.get_ref().as_fd()
    }
}

impl AsRawFd for TcpListener {
    fn as_raw_fd(&self) -> RawFd {
        self.io.get_ref().as_raw_fd()
    }
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpListener")
            .field("local_addr", &self.local_addr().ok())
            .field("fd", &self.as_raw_fd())
            .finish()
    }
}
