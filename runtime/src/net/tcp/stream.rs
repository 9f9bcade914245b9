//! `TcpStream`: asyncio's `(StreamReader, StreamWriter)` pair in one value.

use super::split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf, split, split_owned};
use crate::driver::io::Direction;
use crate::net::addr::{ToSocketAddrs, each_addr};
use crate::net::stream_io::{StreamIo, impl_async_read, impl_async_write};
use crate::net::sys;
use socket2::{Domain, SockRef};
use std::fmt;
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::time::Duration;

/// A TCP connection: what `asyncio.open_connection` returns as a
/// `(reader, writer)` pair, as one value that implements both
/// [`AsyncRead`](crate::io::AsyncRead) and
/// [`AsyncWrite`](crate::io::AsyncWrite) (so all of [`runtime::io`](crate::io)
/// works on it).
///
/// `&TcpStream` reads and writes too, so a reader task and a writer task
/// can share one stream through an `Arc`, or use
/// [`split`](Self::split) / [`into_split`](Self::into_split).
///
/// Dropping the stream closes the connection.
///
/// ```
/// use runtime::io::{AsyncReadExt, AsyncWriteExt};
/// use runtime::net::{TcpListener, TcpStream};
///
/// runtime::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let addr = listener.local_addr().unwrap();
///     let server = runtime::spawn(async move {
///         let (mut conn, _) = listener.accept().await.unwrap();
///         let mut request = String::new();
///         conn.read_to_string(&mut request).await.unwrap();  // until the client's EOF
///         conn.write_all(request.to_uppercase().as_bytes()).await.unwrap();
///     });
///     let mut stream = TcpStream::connect(addr).await.unwrap();
///     stream.write_all(b"ping").await.unwrap();
///     stream.close().await.unwrap();                          // writer.write_eof()
///     let mut reply = String::new();
///     stream.read_to_string(&mut reply).await.unwrap();
///     assert_eq!(reply, "PING");
///     server.await.unwrap();
/// });
/// ```
pub struct TcpStream {
    /// Shared with the halves (`split.rs`), which read and write through it.
    pub(crate) io: StreamIo<std::net::TcpStream>,
}

impl TcpStream {
    /// Opens a connection to `addr`: asyncio's
    /// `await asyncio.open_connection(host, port)`.
    ///
    /// Host names are resolved on the blocking pool; each resulting
    /// address is tried in turn and the first connection made is returned,
    /// else the last error (such as [`io::ErrorKind::ConnectionRefused`]).
    ///
    /// ```
    /// use runtime::net::{TcpListener, TcpStream};
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let port = listener.local_addr().unwrap().port();
    ///     let stream = TcpStream::connect(("localhost", port)).await.unwrap();
    ///     assert_eq!(stream.peer_addr().unwrap().port(), port);
    /// });
    /// ```
    pub async fn connect(addr: impl ToSocketAddrs) -> io::Result<TcpStream> {
        each_addr(addr, TcpStream::connect_addr).await
    }

    async fn connect_addr(addr: SocketAddr) -> io::Result<TcpStream> {
        let socket = sys::stream_socket(Domain::for_address(addr))?;
        sys::start_connect(&socket, &addr.into())?;
        let stream = TcpStream::from_nonblocking(socket.into())?;
        stream.io.finish_connect().await?;
        Ok(stream)
    }

    /// Registers a stream that is already non-blocking.
    pub(crate) fn from_nonblocking(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        Ok(TcpStream {
            io: StreamIo::new(stream)?,
        })
    }

    /// Wraps a connected `std` stream (which it sets non-blocking),
    /// registering it with the current runtime.
    ///
    /// # Errors
    /// Outside a runtime.
    ///
    /// ```
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// let std_stream = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    /// runtime::run(async move {
    ///     let stream = runtime::net::TcpStream::from_std(std_stream).unwrap();
    ///     assert!(stream.peer_addr().is_ok());
    /// });
    /// ```
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        stream.set_nonblocking(true)?;
        TcpStream::from_nonblocking(stream)
    }

    /// Deregisters the stream and gives it back as a blocking `std` one.
    ///
    /// ```
    /// use runtime::net::{TcpListener, TcpStream};
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let stream = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let std_stream = stream.into_std().unwrap();
    ///     assert_eq!(std_stream.peer_addr().unwrap(), listener.local_addr().unwrap());
    /// });
    /// ```
    pub fn into_std(self) -> io::Result<std::net::TcpStream> {
        let stream = self.io.into_inner()?;
        stream.set_nonblocking(false)?;
        Ok(stream)
    }

    /// This end's address: asyncio's `writer.get_extra_info("sockname")`.
    ///
    /// ```
    /// use runtime::net::{TcpListener, TcpStream};
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let stream = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     assert!(stream.local_addr().unwrap().ip().is_loopback());
    /// });
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// The other end's address: asyncio's `writer.get_extra_info("peername")`.
    ///
    /// ```
    /// use runtime::net::{TcpListener, TcpStream};
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let stream = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     assert_eq!(stream.peer_addr().unwrap(), listener.local_addr().unwrap());
    /// });
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }

    /// Shuts down one or both directions: `Shutdown::Write` is asyncio's
    /// `writer.write_eof()` (the peer reads end of stream, and can still
    /// answer); `Shutdown::Both` also stops reading.
    ///
    /// ```
    /// use runtime::io::AsyncReadExt;
    /// use runtime::net::{TcpListener, TcpStream};
    /// use std::net::Shutdown;
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let stream = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let (mut conn, _) = listener.accept().await.unwrap();
    ///     stream.shutdown(Shutdown::Write).unwrap();
    ///     let mut rest = Vec::new();
    ///     assert_eq!(conn.read_to_end(&mut rest).await.unwrap(), 0); // EOF
    /// });
    /// ```
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.io.get_ref().shutdown(how)
    }

    /// Enables or disables `TCP_NODELAY` (Nagle's algorithm off when
    /// `true`): small writes go out at once instead of waiting to be
    /// batched. asyncio sets it on every stream by default.
    ///
    /// ```
    /// use runtime::net::{TcpListener, TcpStream};
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let stream = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     stream.set_nodelay(true).unwrap();
    ///     assert!(stream.nodelay().unwrap());
    /// });
    /// ```
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.io.get_ref().set_nodelay(nodelay)
    }

    /// Whether `TCP_NODELAY` is set; see [`set_nodelay`](Self::set_nodelay).
    ///
    /// ```
    /// use runtime::net::{TcpListener, TcpStream};
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let stream = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     assert!(!stream.nodelay().unwrap());
    /// });
    /// ```
    pub fn nodelay(&self) -> io::Result<bool> {
        self.io.get_ref().nodelay()
    }

    /// Sets `SO_LINGER`. `Some(Duration::ZERO)` makes dropping the stream
    /// abort the connection with a reset (`RST`) instead of an orderly
    /// close: asyncio's `transport.abort()`.
    ///
    /// ```
    /// use runtime::net::{TcpListener, TcpStream};
    /// use std::time::Duration;
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let stream = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     stream.set_linger(Some(Duration::ZERO)).unwrap();
    ///     assert_eq!(stream.linger().unwrap(), Some(Duration::ZERO));
    /// });
    /// ```
    pub fn set_linger(&self, linger: Option<Duration>) -> io::Result<()> {
        SockRef::from(self.io.get_ref()).set_linger(linger)
    }

    /// The `SO_LINGER` setting; see [`set_linger`](Self::set_linger).
    ///
    /// ```
    /// use runtime::net::{TcpListener, TcpStream};
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let stream = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     assert_eq!(stream.linger().unwrap(), None);
    /// });
    /// ```
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        SockRef::from(self.io.get_ref()).linger()
    }

    /// Receives data without removing it from the queue: the next read
    /// returns it again.
    ///
    /// ```
    /// use runtime::io::{AsyncReadExt, AsyncWriteExt};
    /// use runtime::net::{TcpListener, TcpStream};
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let mut stream = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let (mut conn, _) = listener.accept().await.unwrap();
    ///     stream.write_all(b"hi").await.unwrap();
    ///     let mut buf = [0u8; 2];
    ///     let n = conn.peek(&mut buf).await.unwrap();
    ///     assert!(n > 0);
    ///     conn.read_exact(&mut buf).await.unwrap();
    ///     assert_eq!(&buf, b"hi");
    /// });
    /// ```
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.async_io(Direction::Read, |s| s.peek(buf)).await
    }

    /// Splits the stream into a reading and a writing half that borrow it,
    /// to read and write concurrently within one task (`gather!`).
    ///
    /// ```
    /// use runtime::io::{AsyncReadExt, AsyncWriteExt};
    /// use runtime::net::{TcpListener, TcpStream};
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let mut stream = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let (mut conn, _) = listener.accept().await.unwrap();
    ///     let (mut rd, mut wr) = conn.split();
    ///     stream.write_all(b"echo me").await.unwrap();
    ///     stream.close().await.unwrap();
    ///     runtime::io::copy(&mut rd, &mut wr).await.unwrap(); // echo until EOF
    ///     wr.close().await.unwrap();                           // then EOF back
    ///     let mut back = Vec::new();
    ///     stream.read_to_end(&mut back).await.unwrap();
    ///     assert_eq!(back, b"echo me");
    /// });
    /// ```
    pub fn split(&mut self) -> (ReadHalf<'_>, WriteHalf<'_>) {
        split(self)
    }

    /// Splits the stream into owned halves that can move to different
    /// tasks, like asyncio's separate `StreamReader` and `StreamWriter`.
    /// Dropping the write half shuts the write direction down; put the
    /// halves back together with [`OwnedReadHalf::reunite`].
    ///
    /// ```
    /// use runtime::io::{AsyncReadExt, AsyncWriteExt};
    /// use runtime::net::{TcpListener, TcpStream};
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let stream = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let (mut conn, _) = listener.accept().await.unwrap();
    ///     let (mut reader, mut writer) = stream.into_split();
    ///     let writing = runtime::spawn(async move {
    ///         writer.write_all(b"from another task").await.unwrap();
    ///     });                                      // writer dropped: EOF for the peer
    ///     let mut got = Vec::new();
    ///     conn.read_to_end(&mut got).await.unwrap();
    ///     assert_eq!(got, b"from another task");
    ///     writing.await.unwrap();
    ///     conn.write_all(b"bye").await.unwrap();
    ///     let mut bye = [0u8; 3];
    ///     reader.read_exact(&mut bye).await.unwrap();
    /// });
    /// ```
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        split_owned(self)
    }
}

// Reads and writes: the one path of `net/stream_io.rs`.
impl_async_read!(TcpStream, &TcpStream => |stream| stream.io);
impl_async_write!(TcpStream, &TcpStream => |stream| stream.io);

impl AsFd for TcpStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.get_ref().as_fd()
    }
}

impl AsRawFd for TcpStream {
    fn as_raw_fd(&self) -> RawFd {
        self.io.get_ref().as_raw_fd()
    }
}

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpStream")
            .field("local_addr", &self.local_addr().ok())
            .field("peer_addr", &self.peer_addr().ok())
            .field("fd", &self.as_raw_fd())
            .finish()
    }
}
