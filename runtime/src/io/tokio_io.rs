//! tokio's [`AsyncRead`] / [`AsyncWrite`] on our streams (feature
//! `tokio-io`), so crates written against tokio's I/O traits take our
//! sockets as they are: `tokio_postgres::Config::connect_raw(stream, NoTls)`,
//! tokio-util's codecs (`Framed`), tokio-tungstenite, tokio-rustls... This
//! is asyncio's "any object with the `StreamReader`/`StreamWriter` methods
//! works" for the part of the Rust ecosystem that speaks tokio's traits.
//!
//! Turn it on with `runtime = { ..., features = ["tokio-io"] }`. It adds
//! tokio as a dependency with no features: the trait definitions only, not
//! tokio's runtime, reactor or timer. Reads and writes go through our
//! reactor exactly as the `futures-io` impls do; the two sets of traits are
//! implemented side by side, with no wrapper type.
//!
//! | type | `tokio::io::AsyncRead` | `tokio::io::AsyncWrite` |
//! |---|---|---|
//! | [`TcpStream`], `&TcpStream` | yes | yes |
//! | [`ReadHalf`], [`OwnedReadHalf`] | yes | |
//! | [`WriteHalf`], [`OwnedWriteHalf`] | | yes |
//! | [`UnixStream`], `&UnixStream` | yes | yes |
//! | [`File`] | yes | yes (seek with [`AsyncSeekExt`](crate::io::AsyncSeekExt)) |
//!
//! `poll_shutdown` shuts the write direction down (asyncio's
//! `write_eof`), as `poll_close` does (on `TcpStream` and `UnixStream` the
//! inherent `shutdown(how)` shadows tokio's `shutdown()`: call it as
//! `AsyncWriteExt::shutdown(&mut stream)`); `poll_flush` does nothing on a
//! socket (nothing is buffered) and writes a file's buffer out.
//! [`BufReader`](crate::io::BufReader) and [`BufWriter`](crate::io::BufWriter)
//! are futures-lite's and keep to the `futures-io` traits: with tokio's
//! traits, wrap a stream in `tokio::io::BufReader` instead.
//!
//! Socket reads write straight into the `ReadBuf`'s uninitialized memory
//! (`recv(2)` into `&mut [MaybeUninit<u8>]`): no zeroing of the buffer first.
//!
//! ```
//! use runtime::net::{TcpListener, TcpStream};
//! use tokio::io::{AsyncReadExt, AsyncWriteExt}; // tokio's traits, on our sockets
//!
//! runtime::run(async {
//!     let listener = TcpListener::bind("127.0.0.1:0").await?;
//!     let addr = listener.local_addr()?;
//!     let server = runtime::spawn(async move {
//!         let (mut conn, _) = listener.accept().await?;
//!         let mut name = String::new();
//!         conn.read_to_string(&mut name).await?; // until the client's shutdown
//!         conn.write_all(format!("hello, {name}").as_bytes()).await?;
//!         Ok::<_, std::io::Error>(())
//!     });
//!     let mut stream = TcpStream::connect(addr).await?;
//!     stream.write_all(b"tokio").await?;
//!     AsyncWriteExt::shutdown(&mut stream).await?; // writer.write_eof()
//!     let mut reply = String::new();
//!     stream.read_to_string(&mut reply).await?;
//!     assert_eq!(reply, "hello, tokio");
//!     server.await.unwrap()
//! })
//! .unwrap();
//! ```
//!
//! [`AsyncRead`]: tokio::io::AsyncRead
//! [`AsyncWrite`]: tokio::io::AsyncWrite
//! [`TcpStream`]: crate::net::TcpStream
//! [`ReadHalf`]: crate::net::ReadHalf
//! [`OwnedReadHalf`]: crate::net::OwnedReadHalf
//! [`WriteHalf`]: crate::net::WriteHalf
//! [`OwnedWriteHalf`]: crate::net::OwnedWriteHalf
//! [`UnixStream`]: crate::net::UnixStream
//! [`File`]: crate::fs::File

use crate::fs::File;
use crate::net::stream_io::StreamIo;
use crate::net::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, TcpStream, UnixStream, WriteHalf};
use std::io;
use std::os::fd::AsFd;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use tokio::io::ReadBuf;

/// `tokio::io::AsyncRead::poll_read` on a stream socket: `recv(2)` into
/// the unfilled, possibly uninitialized part of `buf`.
fn poll_read_socket<S: AsFd>(
    io: &StreamIo<S>,
    cx: &mut Context<'_>,
    buf: &mut ReadBuf<'_>,
) -> Poll<io::Result<()>> {
    // SAFETY: `unfilled_mut` may hand out uninitialized memory, and its
    // contract is that we never de-initialize any of it (write
    // `MaybeUninit::uninit()` into a byte that was initialized).
    // `poll_read_uninit` only lets `recv(2)` write into the slice, and the
    // kernel writes bytes, never "uninitialized" ones.
    let unfilled = unsafe { buf.unfilled_mut() };
    let n = ready!(io.poll_read_uninit(cx, unfilled))?;
    // SAFETY: `recv(2)` returned `n`: it wrote the first `n` bytes of
    // `unfilled`, which starts at the buffer's filled mark, so they are
    // initialized. (`n <= unfilled.len()`, as `recv` never writes more
    // than the length it is given.)
    unsafe { buf.assume_init(n) };
    buf.advance(n);
    Poll::Ready(Ok(()))
}

/// Implements `tokio::io::AsyncRead` for each type listed, reading from
/// the [`StreamIo`] that `$io` reaches from `$this` (a `&Self`).
macro_rules! impl_tokio_read {
    ($($ty:ty),+ => |$this:ident| $io:expr) => {$(
        impl tokio::io::AsyncRead for $ty {
            fn poll_read(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &mut ReadBuf<'_>,
            ) -> Poll<io::Result<()>> {
                let $this = &*self;
                poll_read_socket(&$io, cx, buf)
            }
        }
    )+};
}

/// Implements `tokio::io::AsyncWrite` for each type listed, writing
/// through the [`StreamIo`] that `$io` reaches from `$this` (a `&Self`):
/// the one write path of `net/stream_io.rs` (`send(MSG_NOSIGNAL)`).
macro_rules! impl_tokio_write {
    ($($ty:ty),+ => |$this:ident| $io:expr) => {$(
        impl tokio::io::AsyncWrite for $ty {
            fn poll_write(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                let $this = &*self;
                $io.poll_write(cx, buf)
            }

            fn poll_write_vectored(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &[io::IoSlice<'_>],
            ) -> Poll<io::Result<usize>> {
                let $this = &*self;
                $io.poll_write_vectored(cx, bufs)
            }

            fn is_write_vectored(&self) -> bool {
                true
            }

            fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(Ok(()))
            }

            fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
                let $this = &*self;
                $io.poll_close()
            }
        }
    )+};
}

impl_tokio_read!(TcpStream, &TcpStream => |stream| stream.io);
impl_tokio_write!(TcpStream, &TcpStream => |stream| stream.io);
impl_tokio_read!(ReadHalf<'_>, OwnedReadHalf => |half| AsRef::<TcpStream>::as_ref(half).io);
impl_tokio_write!(WriteHalf<'_>, OwnedWriteHalf => |half| AsRef::<TcpStream>::as_ref(half).io);
impl_tokio_read!(UnixStream, &UnixStream => |stream| stream.io);
impl_tokio_write!(UnixStream, &UnixStream => |stream| stream.io);

/// A file reads out of its own buffer (filled on the blocking pool), so it
/// copies into initialized memory: `initialize_unfilled` zeroes the unfilled
/// part once per `ReadBuf` (it remembers what it initialized).
impl tokio::io::AsyncRead for File {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let dst = buf.initialize_unfilled();
        let n = ready!(futures_io::AsyncRead::poll_read(self, cx, dst))?;
        buf.advance(n);
        Poll::Ready(Ok(()))
    }
}

/// As the `futures-io` impl: writes are buffered (write-behind on the
/// blocking pool); `poll_flush` and `poll_shutdown` write the buffer out.
impl tokio::io::AsyncWrite for File {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        futures_io::AsyncWrite::poll_write(self, cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        futures_io::AsyncWrite::poll_flush(self, cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        futures_io::AsyncWrite::poll_close(self, cx)
    }
}
