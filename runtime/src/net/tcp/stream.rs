//! `TcpStream`: asyncio's `(StreamReader, StreamWriter)` pair in one value.

use super::split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf, split, split_owned};
use crate::driver::io::Direction;
use crate::net::addr::{ToSocketAddrs, each_addr};
use crate::net::stream_io::{StreamIo, impl_async_read, impl_async_write};
use crate::net::sys;
use socket2::{Domain, SockRef};
use std::fmt;
use std::io::{self, IoSlice, IoSliceMut};
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
        TcpStream::connect_socket(socket, addr).await
    }

    /// Connects `socket` (new, non-blocking, maybe bound) to `addr`.
    pub(super) async fn connect_socket(
        socket: socket2::Socket,
        addr: SocketAddr,
    ) -> io::Result<TcpStream> {
        // Best effort: without it reads just learn less (see
        // `crate::sys::set_read_hint`).
        let _ = crate::sys::set_read_hint(&socket, true);
        sys::start_connect(&socket, &addr.into())?;
        let stream = TcpStream::from_nonblocking(socket.into())?;
        stream.io.finish_connect().await?;
        Ok(stream)
    }

    /// Registers a stream that is already non-blocking (and has `TCP_INQ`
    /// set, or goes without: see `crate::sys::set_read_hint`).
    pub(crate) fn from_nonblocking(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        Ok(TcpStream {
            io: StreamIo::new_tcp(stream)?,
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
        crate::sys::adopt_socket(&stream)?;
        let _ = crate::sys::set_read_hint(&stream, true);
        TcpStream::from_nonblocking(stream)
    }

    /// Deregisters the stream and gives it back as a blocking `std` one.
    /// The option the runtime set for its own reads (`TCP_INQ` on Linux)
    /// is cleared again.
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
        // Our reads' `TCP_INQ` is not the user's: their own `recvmsg` would
        // get a control message they never asked for. Best effort, as
        // setting it was.
        let _ = crate::sys::set_read_hint(&stream, false);
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
        self.io.shutdown(how)
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

    /// Waits until the stream is readable (data, end of stream, or an
    /// error to report), without reading: asyncio's `loop.add_reader` on
    /// the socket, or `await loop.sock_recv(...)`'s wait. Then read with
    /// [`try_read`](Self::try_read), which may still answer `WouldBlock`
    /// (another task took the data, or the wake-up was spurious): loop.
    ///
    /// Cancel safe: dropping the future takes its waker back at once.
    ///
    /// ```
    /// use runtime::io::AsyncWriteExt;
    /// use runtime::net::{TcpListener, TcpStream};
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let (conn, _) = listener.accept().await.unwrap();
    ///     client.write_all(b"ping").await.unwrap();
    ///     let mut buf = [0u8; 16];
    ///     let n = loop {
    ///         conn.readable().await.unwrap();
    ///         match conn.try_read(&mut buf) {
    ///             Ok(n) => break n,
    ///             Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
    ///             Err(e) => panic!("{e}"),
    ///         }
    ///     };
    ///     assert_eq!(&buf[..n], b"ping");
    /// });
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.io.ready(Direction::Read).await
    }

    /// Waits until the stream is writable (room in the send buffer, or an
    /// error to report), without writing: asyncio's `loop.add_writer`.
    /// Then write with [`try_write`](Self::try_write). Cancel safe.
    ///
    /// ```
    /// use runtime::net::{TcpListener, TcpStream};
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     client.writable().await.unwrap();
    ///     assert_eq!(client.try_write(b"hello").unwrap(), 5);
    /// });
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.io.ready(Direction::Write).await
    }

    /// Reads what is there now, without waiting: asyncio's
    /// `sock.recv(n)` on a non-blocking socket. `Ok(0)` is end of stream;
    /// [`io::ErrorKind::WouldBlock`] means nothing to read yet (no syscall
    /// is made when the reactor already knows that), and clears the
    /// readiness so the next [`readable`](Self::readable) waits for new data.
    ///
    /// ```
    /// use runtime::net::{TcpListener, TcpStream};
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let _client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let (conn, _) = listener.accept().await.unwrap();
    ///     let err = conn.try_read(&mut [0u8; 8]).unwrap_err();
    ///     assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// });
    /// ```
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.try_read(buf)
    }

    /// [`try_read`](Self::try_read) into several buffers (`readv`).
    ///
    /// ```
    /// use runtime::io::AsyncWriteExt;
    /// use runtime::net::{TcpListener, TcpStream};
    /// use std::io::IoSliceMut;
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let (conn, _) = listener.accept().await.unwrap();
    ///     client.write_all(b"headbody").await.unwrap();
    ///     let (mut head, mut body) = ([0u8; 4], [0u8; 4]);
    ///     let mut got = 0;
    ///     while got < 8 {
    ///         conn.readable().await.unwrap();
    ///         let mut bufs = [IoSliceMut::new(&mut head), IoSliceMut::new(&mut body)];
    ///         if let Ok(n) = conn.try_read_vectored(&mut bufs) {
    ///             got += n;
    ///             break;
    ///         }
    ///     }
    ///     assert!(got > 0);
    /// });
    /// ```
    pub fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        self.io.try_read_vectored(bufs)
    }

    /// Writes what fits now, without waiting: asyncio's `sock.send(data)`
    /// on a non-blocking socket (never a `SIGPIPE`). `WouldBlock` means the
    /// send buffer is full, and clears the readiness so the next
    /// [`writable`](Self::writable) waits for room.
    ///
    /// Like every `try_*` method it acts on the readiness the reactor has
    /// seen: a new socket answers `WouldBlock` until then, so await
    /// [`writable`](Self::writable) first.
    ///
    /// ```
    /// use runtime::io::AsyncReadExt;
    /// use runtime::net::{TcpListener, TcpStream};
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let (mut conn, _) = listener.accept().await.unwrap();
    ///     client.writable().await.unwrap();
    ///     let n = client.try_write(b"now").unwrap();
    ///     let mut buf = [0u8; 3];
    ///     conn.read_exact(&mut buf[..n]).await.unwrap();
    ///     assert_eq!(&buf[..n], &b"now"[..n]);
    /// });
    /// ```
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.io.try_write(buf)
    }

    /// [`try_write`](Self::try_write) from several buffers (`sendmsg`).
    ///
    /// ```
    /// use runtime::net::{TcpListener, TcpStream};
    /// use std::io::IoSlice;
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     client.writable().await.unwrap();
    ///     let n = client.try_write_vectored(&[IoSlice::new(b"a"), IoSlice::new(b"b")]).unwrap();
    ///     assert_eq!(n, 2);
    /// });
    /// ```
    pub fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.io.try_write_vectored(bufs)
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
