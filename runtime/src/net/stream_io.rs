//! The read and write path of every stream socket (`TcpStream`, its
//! halves, `UnixStream`), in one place: [`StreamIo`] owns the registered
//! socket, and [`impl_async_read!`] / [`impl_async_write!`] implement the
//! `futures-io` traits on a stream type, its shared reference and its
//! halves, all forwarding here.
//!
//! # What a read does
//!
//! Once the socket is readable (as far as the reactor knows), try the
//! read (`Read for &S`). On `WouldBlock`, clear the read readiness with
//! the tick it was observed at (so an edge that arrived during the syscall
//! is not lost) and register the task's waker: the read is retried on the
//! next edge.
//!
//! A short read alone does not clear the readiness (`polling` does not
//! report `EPOLLRDHUP`, so a FIN that came with the last bytes would go
//! unseen; see `Registration::poll_write_io`). TCP streams read with
//! `recvmsg` and `TCP_INQ` instead (`crate::sys::recv_hinted`, Linux): the
//! kernel says with each read whether the socket is now drained, FIN
//! included, and a drained socket loses its readiness at once
//! (`Registration::poll_read_io`), so a request–response exchange costs
//! one `recv` per message instead of two (the second one failing with
//! `EAGAIN`). Unix streams, and TCP where the OS gives no such answer,
//! keep the readiness until a read returns `WouldBlock`.
//!
//! # What a write does
//!
//! Every write, plain or vectored, on every stream type, goes through
//! `PollEvented::poll_write_io` (the readiness loop of the I/O driver) with
//! a `MSG_NOSIGNAL` send from [`sys`] (`NoSigPipe`, below):
//!
//! 1. Once the socket is writable (as far as the reactor knows), try the
//!    syscall: `send(MSG_NOSIGNAL)`, or `sendmsg(MSG_NOSIGNAL)` for
//!    `poll_write_vectored`. A peer that has gone away is an `io::Error`
//!    (`BrokenPipe` or `ConnectionReset`), never a `SIGPIPE`.
//! 2. On `WouldBlock`, clear the write readiness with the tick it was
//!    observed at and register the task's waker: the write is retried on
//!    the next edge (room freed in the send buffer, or an error).
//! 3. A short write (fewer bytes than asked, but some) returns what was
//!    written and clears the readiness at once: the send buffer is full, so
//!    the next write waits for the next edge instead of spending a syscall
//!    to learn `WouldBlock`. Any other result is returned as is.
//!
//! Flushing does nothing (nothing is buffered here). Closing
//! (`poll_close`) shuts the write direction down (`shutdown(SHUT_WR)`:
//! the peer reads end of stream); a peer that already went away
//! (`NotConnected`) counts as closed.
//!
//! Each readiness check spends one unit of the task's cooperative budget.
//! Once the socket's runtime has shut down, every read and write fails
//! with an error saying so.

use crate::driver::io::{Direction, PollEvented};
use crate::net::sys;
use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::mem::MaybeUninit;
use std::net::Shutdown;
use std::os::fd::{AsFd, BorrowedFd};
use std::task::{Context, Poll};

/// A non-blocking stream socket `S` (a `std` TCP or Unix stream) registered
/// with the reactor, and its read and write path.
pub(crate) struct StreamIo<S: AsFd> {
    io: PollEvented<NoSigPipe<S>>,
    /// Reads go through `sys::recv_hinted` (TCP sockets), which says when
    /// the socket is drained.
    hinted: bool,
}

/// A stream socket whose `Write` is `send(MSG_NOSIGNAL)` /
/// `sendmsg(MSG_NOSIGNAL)` whatever `S` is (`Write for &UnixStream` is a
/// plain `write`, which raises `SIGPIPE` on a closed peer), so every
/// stream type writes through the same `PollEvented::poll_write`.
struct NoSigPipe<S>(S);

impl<S: AsFd> StreamIo<S> {
    /// Registers `socket`, which must already be non-blocking.
    pub(crate) fn new(socket: S) -> io::Result<StreamIo<S>> {
        Ok(StreamIo {
            io: crate::net::register(NoSigPipe(socket))?,
            hinted: false,
        })
    }

    /// Registers a TCP `socket`, which must already be non-blocking: its
    /// reads use `sys::recv_hinted` (see the module docs). The socket
    /// should have `TCP_INQ` set (`sys::set_read_hint`, directly or
    /// inherited from its listener); without it reads simply learn nothing.
    pub(crate) fn new_tcp(socket: S) -> io::Result<StreamIo<S>> {
        Ok(StreamIo {
            io: crate::net::register(NoSigPipe(socket))?,
            hinted: true,
        })
    }

    /// The socket, for the calls that need no readiness (addresses,
    /// options, `shutdown`).
    pub(crate) fn get_ref(&self) -> &S {
        &self.io.get_ref().0
    }

    /// Deregisters the socket and gives it back, still non-blocking.
    pub(crate) fn into_inner(self) -> io::Result<S> {
        self.io.into_inner().map(|socket| socket.0)
    }

    /// Waits until a connect started on the socket finishes (see
    /// [`sys::finish_connect`]).
    pub(crate) async fn finish_connect(&self) -> io::Result<()> {
        sys::finish_connect(&self.io).await
    }

    /// Runs `op` (a non-blocking syscall of its own, such as `peek`) once
    /// the socket is ready in `direction`, retrying on `WouldBlock`.
    pub(crate) async fn async_io<R>(
        &self,
        direction: Direction,
        mut op: impl FnMut(&S) -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.async_io(direction, |socket| op(&socket.0)).await
    }

    /// Waits until the socket is ready in `direction` (or closed, or in
    /// error), without an operation: `readable()` / `writable()`.
    pub(crate) async fn ready(&self, direction: Direction) -> io::Result<()> {
        self.io.registration().readiness(direction).await.map(drop)
    }

    /// A `send` at once if the socket is writable as far as the reactor
    /// knows, else `WouldBlock`: `try_write`.
    pub(crate) fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.io
            .try_io(Direction::Write, |socket| sys::send(&socket.0, buf))
    }

    /// `try_write` with `sendmsg`.
    pub(crate) fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.io.try_io(Direction::Write, |socket| {
            sys::send_vectored(&socket.0, bufs)
        })
    }

    /// A read into memory that may be uninitialized (hyper's and tokio's
    /// read buffers): `recv(2)` writes the bytes it returns and nothing
    /// else, so no zeroing is needed. Returns how many bytes it wrote at
    /// the start of `buf`; on `Ok(n)` those `n` bytes are initialized. The
    /// readiness rules are those of `poll_read`.
    #[cfg_attr(not(any(feature = "hyper", feature = "tokio-io")), allow(dead_code))]
    pub(crate) fn poll_read_uninit(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [MaybeUninit<u8>],
    ) -> Poll<io::Result<usize>> {
        if self.hinted {
            return self
                .io
                .poll_read_hinted(cx, |socket| crate::sys::recv_hinted(&socket.0, buf));
        }
        self.io.poll_io(cx, Direction::Read, |socket| {
            socket2::SockRef::from(&socket.0).recv(buf)
        })
    }

    /// Whether the reactor still counts the socket as readable.
    #[cfg(all(test, any(target_os = "linux", target_os = "android")))]
    pub(crate) fn is_read_ready(&self) -> bool {
        self.io.registration().is_ready(Direction::Read)
    }

    /// `AsyncWrite::poll_write_vectored`: see the module docs.
    pub(crate) fn poll_write_vectored(
        &self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let len = sys::total_len(bufs);
        self.io
            .poll_write_io(cx, len, |mut socket| socket.write_vectored(bufs))
    }

    /// `shutdown(2)`. Shutting the read direction down (`Read`, `Both`)
    /// also tells the reactor, so that reads never wait again (see
    /// `Registration::read_shut_down`).
    pub(crate) fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        socket2::SockRef::from(self.get_ref()).shutdown(how)?;
        if how != Shutdown::Write {
            self.io.registration().read_shut_down();
        }
        Ok(())
    }

    /// `AsyncWrite::poll_close`: shuts the write direction down. A peer
    /// that already went away (`NotConnected`) counts as closed.
    pub(crate) fn poll_close(&self) -> Poll<io::Result<()>> {
        match socket2::SockRef::from(self.get_ref()).shutdown(Shutdown::Write) {
            Err(err) if err.kind() == io::ErrorKind::NotConnected => Poll::Ready(Ok(())),
            result => Poll::Ready(result),
        }
    }
}

impl<S: AsFd> StreamIo<S>
where
    for<'a> &'a S: Read,
{
    /// `AsyncRead::poll_read`: see the module docs.
    pub(crate) fn poll_read(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        if self.hinted {
            return self
                .io
                .poll_read_hinted(cx, |socket| crate::sys::recv_hinted(&socket.0, uninit(buf)));
        }
        self.io.poll_read(cx, buf)
    }

    /// A read at once if the socket is readable as far as the reactor
    /// knows, else `WouldBlock`: `try_read`.
    pub(crate) fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        if self.hinted {
            return self
                .io
                .try_read_hinted(|socket| crate::sys::recv_hinted(&socket.0, uninit(buf)));
        }
        self.io
            .try_io(Direction::Read, |socket| (&socket.0).read(buf))
    }

    /// `try_read` with `readv`.
    pub(crate) fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        self.io
            .try_io(Direction::Read, |socket| (&socket.0).read_vectored(bufs))
    }

    /// `AsyncWrite::poll_write`: see the module docs.
    pub(crate) fn poll_write(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io.poll_write(cx, buf)
    }
}

/// `buf` as memory a syscall may write bytes into.
fn uninit(buf: &mut [u8]) -> &mut [MaybeUninit<u8>] {
    // SAFETY: `MaybeUninit<u8>` has the layout of `u8`, and the only user,
    // `sys::recv_hinted`, writes initialized bytes (what `recvmsg` read)
    // and never de-initializes any, so `buf` stays initialized.
    unsafe { &mut *(buf as *mut [u8] as *mut [MaybeUninit<u8>]) }
}

impl<S: AsFd> AsFd for NoSigPipe<S> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.as_fd()
    }
}

impl<S> Read for &NoSigPipe<S>
where
    for<'a> &'a S: Read,
{
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (&self.0).read(buf)
    }
}

impl<S: AsFd> Write for &NoSigPipe<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        sys::send(&self.0, buf)
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        sys::send_vectored(&self.0, bufs)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Implements [`AsyncRead`](crate::io::AsyncRead) for each type listed,
/// reading through the [`StreamIo`] that `$io` reaches from `$this` (a
/// `&Self`).
macro_rules! impl_async_read {
    ($($ty:ty),+ => |$this:ident| $io:expr) => {$(
        impl $crate::io::AsyncRead for $ty {
            fn poll_read(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                buf: &mut [u8],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                let $this = &*self;
                $io.poll_read(cx, buf)
            }
        }
    )+};
}

/// Implements [`AsyncWrite`](crate::io::AsyncWrite) for each type listed,
/// writing through the [`StreamIo`] that `$io` reaches from `$this` (a
/// `&Self`): the one write path of the module docs.
macro_rules! impl_async_write {
    ($($ty:ty),+ => |$this:ident| $io:expr) => {$(
        impl $crate::io::AsyncWrite for $ty {
            fn poll_write(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                buf: &[u8],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                let $this = &*self;
                $io.poll_write(cx, buf)
            }

            fn poll_write_vectored(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                bufs: &[::std::io::IoSlice<'_>],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                let $this = &*self;
                $io.poll_write_vectored(cx, bufs)
            }

            fn poll_flush(
                self: ::std::pin::Pin<&mut Self>,
                _: &mut ::std::task::Context<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                ::std::task::Poll::Ready(Ok(()))
            }

            fn poll_close(
                self: ::std::pin::Pin<&mut Self>,
                _: &mut ::std::task::Context<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                let $this = &*self;
                $io.poll_close()
            }
        }
    )+};
}

pub(crate) use {impl_async_read, impl_async_write};

#[cfg(all(test, any(target_os = "linux", target_os = "android")))]
#[path = "stream_io_tests.rs"]
mod tests;
