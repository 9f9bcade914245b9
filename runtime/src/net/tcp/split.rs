//! The halves of a `TcpStream`: borrowed (`split`) and owned
//! (`into_split`), asyncio's separate `StreamReader` and `StreamWriter`.
//!
//! A stream's readiness is tracked per direction, so a reader and a writer
//! never wait on each other: the halves are thin wrappers over `&TcpStream`
//! (borrowed) or `Arc<TcpStream>` (owned), with no lock.

use super::TcpStream;
use crate::net::stream_io::{impl_async_read, impl_async_write};
use std::error::Error;
use std::fmt;
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::sync::Arc;

/// The reading half of a borrowed [`TcpStream::split`].
///
/// ```
/// use runtime::io::AsyncReadExt;
/// use runtime::net::{TcpListener, TcpStream};
/// runtime::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let mut stream = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
///     drop(listener.accept().await.unwrap()); // the peer closes at once
///     let (mut rd, _wr) = stream.split();
///     let mut buf = Vec::new();
///     assert_eq!(rd.read_to_end(&mut buf).await.unwrap(), 0);
/// });
/// ```
#[derive(Debug)]
pub struct ReadHalf<'a>(&'a TcpStream);

/// The writing half of a borrowed [`TcpStream::split`]. Closing it
/// (`close().await`) shuts the write direction down.
///
/// ```
/// use runtime::io::AsyncWriteExt;
/// use runtime::net::{TcpListener, TcpStream};
/// runtime::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let mut stream = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
///     let (_rd, mut wr) = stream.split();
///     wr.write_all(b"hello").await.unwrap();
///     wr.close().await.unwrap();
/// });
/// ```
#[derive(Debug)]
pub struct WriteHalf<'a>(&'a TcpStream);

/// The reading half of [`TcpStream::into_split`], movable to its own task:
/// asyncio's `StreamReader`.
///
/// ```
/// use runtime::io::AsyncReadExt;
/// use runtime::net::{TcpListener, TcpStream};
/// runtime::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let stream = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
///     drop(listener.accept().await.unwrap());
///     let (mut reader, _writer) = stream.into_split();
///     let eof = runtime::spawn(async move { reader.read(&mut [0u8; 8]).await.unwrap() });
///     assert_eq!(eof.await.unwrap(), 0);
/// });
/// ```
#[derive(Debug)]
pub struct OwnedReadHalf {
    stream: Arc<TcpStream>,
}

/// The writing half of [`TcpStream::into_split`]: asyncio's
/// `StreamWriter`. Dropping it shuts the write direction down (the peer
/// reads end of stream), as closing a `StreamWriter` does.
///
/// ```
/// use runtime::io::{AsyncReadExt, AsyncWriteExt};
/// use runtime::net::{TcpListener, TcpStream};
/// runtime::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let stream = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
///     let (mut conn, _) = listener.accept().await.unwrap();
///     let (_reader, mut writer) = stream.into_split();
///     writer.write_all(b"last words").await.unwrap();
///     drop(writer);
///     let mut got = String::new();
///     conn.read_to_string(&mut got).await.unwrap();
///     assert_eq!(got, "last words");
/// });
/// ```
#[derive(Debug)]
pub struct OwnedWriteHalf {
    stream: Arc<TcpStream>,
    shutdown_on_drop: bool,
}

/// The halves given to [`OwnedReadHalf::reunite`] came from different
/// streams; they are handed back.
///
/// ```
/// use runtime::net::{TcpListener, TcpStream};
/// runtime::run(async {
///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let addr = listener.local_addr().unwrap();
///     let (r1, _w1) = TcpStream::connect(addr).await.unwrap().into_split();
///     let (_r2, w2) = TcpStream::connect(addr).await.unwrap().into_split();
///     let err = r1.reunite(w2).unwrap_err();
///     println!("{err}");
/// });
/// ```
#[derive(Debug)]
pub struct ReuniteError(pub OwnedReadHalf, pub OwnedWriteHalf);

impl fmt::Display for ReuniteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tried to reunite halves of two different TcpStreams")
    }
}

impl Error for ReuniteError {}

pub(super) fn split(stream: &mut TcpStream) -> (ReadHalf<'_>, WriteHalf<'_>) {
    (ReadHalf(stream), WriteHalf(stream))
}

pub(super) fn split_owned(stream: TcpStream) -> (OwnedReadHalf, OwnedWriteHalf) {
    let stream = Arc::new(stream);
    (
        OwnedReadHalf {
            stream: stream.clone(),
        },
        OwnedWriteHalf {
            stream,
            shutdown_on_drop: true,
        },
    )
}

impl OwnedReadHalf {
    /// Puts the two halves of one stream back together.
    ///
    /// ```
    /// use runtime::net::{TcpListener, TcpStream};
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let stream = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let (reader, writer) = stream.into_split();
    ///     let stream = reader.reunite(writer).unwrap();
    ///     assert!(stream.peer_addr().is_ok());
    /// });
    /// ```
    pub fn reunite(self, other: OwnedWriteHalf) -> Result<TcpStream, ReuniteError> {
        reunite(self, other)
    }

    /// The other end's address.
    ///
    /// ```
    /// use runtime::net::{TcpListener, TcpStream};
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let (reader, _) = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap().into_split();
    ///     assert_eq!(reader.peer_addr().unwrap(), listener.local_addr().unwrap());
    /// });
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.stream.peer_addr()
    }

    /// This end's address.
    ///
    /// ```
    /// use runtime::net::{TcpListener, TcpStream};
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let (reader, _) = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap().into_split();
    ///     assert!(reader.local_addr().unwrap().ip().is_loopback());
    /// });
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.stream.local_addr()
    }
}

impl OwnedWriteHalf {
    /// Puts the two halves of one stream back together.
    ///
    /// ```
    /// use runtime::net::{TcpListener, TcpStream};
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let stream = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let (reader, writer) = stream.into_split();
    ///     assert!(writer.reunite(reader).is_ok());
    /// });
    /// ```
    pub fn reunite(self, other: OwnedReadHalf) -> Result<TcpStream, ReuniteError> {
        reunite(other, self)
    }

    /// The other end's address.
    ///
    /// ```
    /// use runtime::net::{TcpListener, TcpStream};
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let (_, writer) = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap().into_split();
    ///     assert_eq!(writer.peer_addr().unwrap(), listener.local_addr().unwrap());
    /// });
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.stream.peer_addr()
    }

    /// This end's address.
    ///
    /// ```
    /// use runtime::net::{TcpListener, TcpStream};
    /// runtime::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let (_, writer) = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap().into_split();
    ///     assert!(writer.local_addr().unwrap().ip().is_loopback());
    /// });
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.stream.local_addr()
    }
}

fn reunite(read: OwnedReadHalf, mut write: OwnedWriteHalf) -> Result<TcpStream, ReuniteError> {
    if !Arc::ptr_eq(&read.stream, &write.stream) {
        return Err(ReuniteError(read, write));
    }
    write.shutdown_on_drop = false;
    drop(write);
    let stream = Arc::try_unwrap(read.stream)
        .expect("TcpStream: the two owned halves are the only references");
    Ok(stream)
}

impl Drop for OwnedWriteHalf {
    fn drop(&mut self) {
        if self.shutdown_on_drop {
            let _ = self.stream.shutdown(Shutdown::Write);
        }
    }
}

// Reads and writes: the one path of `net/stream_io.rs`, through the
// stream the half holds.
impl_async_read!(ReadHalf<'_> => |half| half.0.io);
impl_async_write!(WriteHalf<'_> => |half| half.0.io);
impl_async_read!(OwnedReadHalf => |half| half.stream.io);
impl_async_write!(OwnedWriteHalf => |half| half.stream.io);

impl AsRef<TcpStream> for ReadHalf<'_> {
    fn as_ref(&self) -> &TcpStream {
        self.0
    }
}

impl AsRef<TcpStream> for WriteHalf<'_> {
    fn as_ref(&self) -> &TcpStream {
        self.0
    }
}

impl AsRef<TcpStream> for OwnedReadHalf {
    fn as_ref(&self) -> &TcpStream {
        &self.stream
    }
}

impl AsRef<TcpStream> for OwnedWriteHalf {
    fn as_ref(&self) -> &TcpStream {
        &self.stream
    }
}
