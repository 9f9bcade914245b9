//! `UnixListener`: asyncio's `start_unix_server`, one accept at a time.

use super::UnixStream;
use crate::driver::io::{Direction, PollEvented};
use crate::net::backoff::AcceptBackoff;
use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::os::unix::net::SocketAddr;
use std::path::Path;
use std::task::{Context, Poll};

/// A Unix-domain server socket bound to a path: what
/// `asyncio.start_unix_server` creates, without the callback.
///
/// The socket file stays on disk after the listener is dropped (as in
/// asyncio); remove it when done.
///
/// ```
/// use runtime::io::{AsyncReadExt, AsyncWriteExt};
/// use runtime::net::{UnixListener, UnixStream};
///
/// let path = std::env::temp_dir().join(format!("runtime-doc-{}.sock", std::process::id()));
/// let _ = std::fs::remove_file(&path);
/// runtime::run(async {
///     let listener = UnixListener::bind(&path).await.unwrap();
///     let mut client = UnixStream::connect(&path).await.unwrap();
///     let (mut conn, _) = listener.accept().await.unwrap();
///     client.write_all(b"over a path").await.unwrap();
///     let mut buf = [0u8; 11];
///     conn.read_exact(&mut buf).await.unwrap();
///     assert_eq!(&buf, b"over a path");
/// });
/// std::fs::remove_file(&path).unwrap();
/// ```
pub struct UnixListener {
    io: PollEvented<std::os::unix::net::UnixListener>,
    backoff: AcceptBackoff,
}

impl UnixListener {
    /// Binds a listener to `path`, which must not exist yet (else
    /// [`io::ErrorKind::AddrInUse`]): asyncio's
    /// `await asyncio.start_unix_server(cb, path)`.
    ///
    /// ```
    /// use runtime::net::UnixListener;
    /// let path = std::env::temp_dir().join(format!("runtime-doc-bind-{}.sock", std::process::id()));
    /// let _ = std::fs::remove_file(&path);
    /// runtime::run(async {
    ///     let _listener = UnixListener::bind(&path).await.unwrap();
    ///     let err = UnixListener::bind(&path).await.unwrap_err();
    ///     assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
    /// });
    /// std::fs::remove_file(&path).unwrap();
    /// ```
    pub async fn bind(path: impl AsRef<Path>) -> io::Result<UnixListener> {
        let path = path.as_ref();
        let listener = std::os::unix::net::UnixListener::bind(path).map_err(|err| {
            io::Error::new(
                err.kind(),
                format!("could not bind to {}: {err}", path.display()),
            )
        })?;
        UnixListener::from_std(listener)
    }

    /// Waits for the next connection; errors (such as `EMFILE`) leave the
    /// listener usable, as for [`TcpListener::accept`](crate::net::TcpListener::accept).
    ///
    /// ```
    /// use runtime::net::{UnixListener, UnixStream};
    /// let path = std::env::temp_dir().join(format!("runtime-doc-accept-{}.sock", std::process::id()));
    /// let _ = std::fs::remove_file(&path);
    /// runtime::run(async {
    ///     let listener = UnixListener::bind(&path).await.unwrap();
    ///     let _client = UnixStream::connect(&path).await.unwrap();
    ///     let (_conn, addr) = listener.accept().await.unwrap();
    ///     assert!(addr.is_unnamed()); // the client did not bind a path
    /// });
    /// std::fs::remove_file(&path).unwrap();
    /// ```
    pub async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        // As `TcpListener::accept`: `async_io` releases the waker of a
        // cancelled accept at once.
        std::future::poll_fn(|cx| self.backoff.poll_ready(cx)).await;
        let accepted = self.io.async_io(Direction::Read, |l| l.accept()).await;
        self.backoff.observe(&accepted);
        let (stream, addr) = accepted?;
        UnixStream::from_std(stream).map(|s| (s, addr))
    }

    /// Polls for the next connection; see [`accept`](Self::accept).
    ///
    /// ```
    /// use runtime::net::{UnixListener, UnixStream};
    /// let path = std::env::temp_dir().join(format!("runtime-doc-poll-{}.sock", std::process::id()));
    /// let _ = std::fs::remove_file(&path);
    /// runtime::run(async {
    ///     let listener = UnixListener::bind(&path).await.unwrap();
    ///     let _client = UnixStream::connect(&path).await.unwrap();
    ///     assert!(std::future::poll_fn(|cx| listener.poll_accept(cx)).await.is_ok());
    /// });
    /// std::fs::remove_file(&path).unwrap();
    /// ```
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(UnixStream, SocketAddr)>> {
        std::task::ready!(self.backoff.poll_ready(cx));
        let accepted = std::task::ready!(self.io.poll_io(cx, Direction::Read, |l| l.accept()));
        self.backoff.observe(&accepted);
        let (stream, addr) = accepted?;
        Poll::Ready(UnixStream::from_std(stream).map(|s| (s, addr)))
    }

    /// Wraps a `std` listener (which it sets non-blocking), registering it
    /// with the current runtime. An error outside a runtime.
    ///
    /// ```
    /// let path = std::env::temp_dir().join(format!("runtime-doc-fstd-{}.sock", std::process::id()));
    /// let _ = std::fs::remove_file(&path);
    /// let std_listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    /// runtime::run(async move {
    ///     let listener = runtime::net::UnixListener::from_std(std_listener).unwrap();
    ///     assert!(listener.local_addr().unwrap().as_pathname().is_some());
    /// });
    /// std::fs::remove_file(&path).unwrap();
    /// ```
    pub fn from_std(listener: std::os::unix::net::UnixListener) -> io::Result<UnixListener> {
        crate::sys::adopt_socket(&listener)?;
        Ok(UnixListener {
            io: crate::net::register(listener)?,
            backoff: AcceptBackoff::default(),
        })
    }

    /// Deregisters the listener and gives it back as a blocking `std` one.
    ///
    /// ```
    /// let path = std::env::temp_dir().join(format!("runtime-doc-istd-{}.sock", std::process::id()));
    /// let _ = std::fs::remove_file(&path);
    /// runtime::run(async {
    ///     let listener = runtime::net::UnixListener::bind(&path).await.unwrap();
    ///     assert!(listener.into_std().is_ok());
    /// });
    /// std::fs::remove_file(&path).unwrap();
    /// ```
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixListener> {
        let listener = self.io.into_inner()?;
        listener.set_nonblocking(false)?;
        Ok(listener)
    }

    /// The address (path) the listener is bound to.
    ///
    /// ```
    /// let path = std::env::temp_dir().join(format!("runtime-doc-la-{}.sock", std::process::id()));
    /// let _ = std::fs::remove_file(&path);
    /// runtime::run(async {
    ///     let listener = runtime::net::UnixListener::bind(&path).await.unwrap();
    ///     assert_eq!(listener.local_addr().unwrap().as_pathname(), Some(path.as_path()));
    /// });
    /// std::fs::remove_file(&path).unwrap();
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }
}

impl AsFd for UnixListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.get_ref().as_fd()
    }
}

impl AsRawFd for UnixListener {
    fn as_raw_fd(&self) -> RawFd {
        self.io.get_ref().as_raw_fd()
    }
}

impl fmt::Debug for UnixListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixListener")
            .field("local_addr", &self.local_addr().ok())
            .field("fd", &self.as_raw_fd())
            .finish()
    }
}
