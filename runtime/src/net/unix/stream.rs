//! `UnixStream`: asyncio's `open_unix_connection` pair in one value.

use crate::net::stream_io::{StreamIo, impl_async_read, impl_async_write};
use crate::net::sys;
use socket2::{Domain, SockAddr};
use std::fmt;
use std::io;
use std::net::Shutdown;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::os::unix::net::SocketAddr;
use std::path::Path;

/// A Unix-domain stream connection: what `asyncio.open_unix_connection`
/// returns as `(reader, writer)`, as one [`AsyncRead`](crate::io::AsyncRead) +
/// [`AsyncWrite`](crate::io::AsyncWrite)
/// value. `&UnixStream` reads and writes too, so two tasks can share one
/// (one reading, one writing) through an `Arc`.
///
/// ```
/// use runtime::io::{AsyncReadExt, AsyncWriteExt};
/// runtime::run(async {
///     let (mut a, mut b) = runtime::net::UnixStream::pair().unwrap();
///     a.write_all(b"ping").await.unwrap();
///     let mut buf = [0u8; 4];
///     b.read_exact(&mut buf).await.unwrap();
///     assert_eq!(&buf, b"ping");
/// });
/// ```
pub struct UnixStream {
    pub(crate) io: StreamIo<std::os::unix::net::UnixStream>,
}

impl UnixStream {
    /// Connects to the listener at `path`: asyncio's
    /// `await asyncio.open_unix_connection(path)`.
    ///
    /// ```
    /// let path = std::env::temp_dir().join(format!("runtime-doc-conn-{}.sock", std::process::id()));
    /// let _ = std::fs::remove_file(&path);
    /// runtime::run(async {
    ///     let missing = runtime::net::UnixStream::connect(&path).await.unwrap_err();
    ///     assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
    ///     let _listener = runtime::net::UnixListener::bind(&path).await.unwrap();
    ///     let stream = runtime::net::UnixStream::connect(&path).await.unwrap();
    ///     assert_eq!(stream.peer_addr().unwrap().as_pathname(), Some(path.as_path()));
    /// });
    /// std::fs::remove_file(&path).unwrap();
    /// ```
    pub async fn connect(path: impl AsRef<Path>) -> io::Result<UnixStream> {
        let path = path.as_ref();
        let socket = sys::stream_socket(Domain::UNIX)?;
        sys::start_connect(&socket, &SockAddr::unix(path)?).map_err(|err| {
            io::Error::new(
                err.kind(),
                format!("could not connect to {}: {err}", path.display()),
            )
        })?;
        let stream = UnixStream::from_nonblocking(socket.into())?;
        stream.io.finish_connect().await?;
        Ok(stream)
    }

    /// A connected pair of anonymous sockets: asyncio's `socket.socketpair()`
    /// wrapped in streams.
    ///
    /// ```
    /// use runtime::io::{AsyncReadExt, AsyncWriteExt};
    /// runtime::run(async {
    ///     let (mut a, mut b) = runtime::net::UnixStream::pair().unwrap();
    ///     b.write_all(b"back").await.unwrap();
    ///     let mut buf = [0u8; 4];
    ///     a.read_exact(&mut buf).await.unwrap();
    ///     assert_eq!(&buf, b"back");
    /// });
    /// ```
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = std::os::unix::net::UnixStream::pair()?;
        Ok((UnixStream::from_std(a)?, UnixStream::from_std(b)?))
    }

    fn from_nonblocking(stream: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        Ok(UnixStream {
            io: StreamIo::new(stream)?,
        })
    }

    /// Wraps a connected `std` stream (which it sets non-blocking),
    /// registering it with the current runtime. An error outside a runtime.
    ///
    /// ```
    /// let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
    /// runtime::run(async move {
    ///     assert!(runtime::net::UnixStream::from_std(a).is_ok());
    /// });
    /// ```
    pub fn from_std(stream: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        stream.set_nonblocking(true)?;
        UnixStream::from_nonblocking(stream)
    }

    /// Deregisters the stream and gives it back as a blocking `std` one.
    ///
    /// ```
    /// runtime::run(async {
    ///     let (a, _b) = runtime::net::UnixStream::pair().unwrap();
    ///     assert!(a.into_std().is_ok());
    /// });
    /// ```
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixStream> {
        let stream = self.io.into_inner()?;
        stream.set_nonblocking(false)?;
        Ok(stream)
    }

    /// This end's address (unnamed unless it was bound to a path).
    ///
    /// ```
    /// runtime::run(async {
    ///     let (a, _b) = runtime::net::UnixStream::pair().unwrap();
    ///     assert!(a.local_addr().unwrap().is_unnamed());
    /// });
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// The other end's address: for a client, the listener's path.
    ///
    /// ```
    /// runtime::run(async {
    ///     let (a, _b) = runtime::net::UnixStream::pair().unwrap();
    ///     assert!(a.peer_addr().unwrap().is_unnamed());
    /// });
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }

    /// Shuts down one or both directions; `Shutdown::Write` is asyncio's
    /// `writer.write_eof()`.
    ///
    /// ```
    /// use runtime::io::AsyncReadExt;
    /// runtime::run(async {
    ///     let (a, mut b) = runtime::net::UnixStream::pair().unwrap();
    ///     a.shutdown(std::net::Shutdown::Write).unwrap();
    ///     assert_eq!(b.read(&mut [0u8; 4]).await.unwrap(), 0);
    /// });
    /// ```
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.io.get_ref().shutdown(how)
    }
}

// Reads and writes: the one path of `net/stream_io.rs`.
impl_async_read!(UnixStream, &UnixStream => |stream| stream.io);
impl_async_write!(UnixStream, &UnixStream => |stream| stream.io);

impl AsFd for UnixStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.get_ref().as_fd()
    }
}

impl AsRawFd for UnixStream {
    fn as_raw_fd(&self) -> RawFd {
        self.io.get_ref().as_raw_fd()
    }
}

impl fmt::Debug for UnixStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixStream")
            .field("local_addr", &self.local_addr().ok())
            .field("peer_addr", &self.peer_addr().ok())
            .field("fd", &self.as_raw_fd())
            .finish()
    }
}
