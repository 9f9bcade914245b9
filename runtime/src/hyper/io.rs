//! hyper's `rt::Read` and `rt::Write`, implemented directly on
//! [`TcpStream`] and [`UnixStream`]: hyper reads and writes our sockets
//! through the same readiness path as [`runtime::io`](crate::io) does
//! (`net/stream_io.rs`), with no adapter type in between.
//!
//! Reads go straight into hyper's buffer, which may be uninitialised:
//! `recv(2)` writes only the bytes it returns, so nothing is zeroed first.
//! Writes are `send` / `sendmsg` with `MSG_NOSIGNAL`, and
//! `is_write_vectored` is true, so hyper hands a response's head and body
//! to one `sendmsg` instead of copying them into one buffer. Flushing does
//! nothing (nothing is buffered here); shutting down ends the write
//! direction (`shutdown(SHUT_WR)`).

use crate::net::{TcpStream, UnixStream};
use ::hyper::rt::{Read, ReadBufCursor, Write};
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

/// Implements hyper's `Read` and `Write` for each stream type listed, whose
/// `io` field is its `StreamIo`.
macro_rules! impl_hyper_io {
    ($($ty:ty),+) => {$(
        impl Read for $ty {
            fn poll_read(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                mut buf: ReadBufCursor<'_>,
            ) -> Poll<io::Result<()>> {
                // SAFETY: `recv` (`poll_read_uninit`) only writes bytes into
                // this slice, never de-initialises any, and the slice is
                // not used after `advance` below.
                let unfilled = unsafe { buf.as_mut() };
                let n = ready!(self.io.poll_read_uninit(cx, unfilled))?;
                // SAFETY: `recv` returned `n`: it initialised the first `n`
                // bytes of the unfilled part (and `n <= unfilled.len()`).
                unsafe { buf.advance(n) };
                Poll::Ready(Ok(()))
            }
        }

        impl Write for $ty {
            fn poll_write(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                self.io.poll_write(cx, buf)
            }

            fn poll_write_vectored(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &[IoSlice<'_>],
            ) -> Poll<io::Result<usize>> {
                self.io.poll_write_vectored(cx, bufs)
            }

            fn is_write_vectored(&self) -> bool {
                true
            }

            fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(Ok(()))
            }

            fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
                self.io.poll_close()
            }
        }
    )+};
}

impl_hyper_io!(TcpStream, UnixStream);
