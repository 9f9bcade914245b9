//! TCP, UDP and Unix-domain sockets: asyncio's streams and transports.
//!
//! | asyncio | runtime |
//! |---|---|
//! | `asyncio.start_server(cb, host, port)` | [`TcpListener::bind`] + a loop of [`accept`](TcpListener::accept) spawning a task per connection |
//! | `asyncio.open_connection(host, port)` | [`TcpStream::connect`] |
//! | `StreamReader.read(n)` / `readexactly(n)` / `readline()` | [`AsyncReadExt::read`] / [`read_exact`](crate::io::AsyncReadExt::read_exact) / [`BufReader`](crate::io::BufReader) + [`lines`](crate::io::AsyncBufReadExt::lines) |
//! | `StreamWriter.write(b)` + `await drain()` | [`write_all`](crate::io::AsyncWriteExt::write_all)`(b).await` |
//! | `StreamWriter.write_eof()` | [`TcpStream::shutdown`]`(Shutdown::Write)` or [`close`](crate::io::AsyncWriteExt::close) |
//! | `loop.create_datagram_endpoint` | [`UdpSocket`] |
//! | `asyncio.start_unix_server` / `open_unix_connection` | [`UnixListener`] / [`UnixStream`] |
//! | `loop.getaddrinfo` | [`lookup_host`] |
//! | `socket.socket()` + `setsockopt` + `bind`, then `start_server(sock=...)` / `open_connection(sock=...)` | [`TcpSocket`] → [`listen`](TcpSocket::listen) / [`connect`](TcpSocket::connect) |
//! | `loop.add_reader(sock, cb)` + `sock.recv(n)` | [`TcpStream::readable`] + [`try_read`](TcpStream::try_read) (also on `UnixStream`, `UdpSocket`) |
//!
//! ```
//! use runtime::io::{AsyncReadExt, AsyncWriteExt};
//! use runtime::net::{TcpListener, TcpStream};
//!
//! runtime::run(async {
//!     // asyncio.start_server(handle_echo, "127.0.0.1", 0)
//!     let listener = TcpListener::bind("127.0.0.1:0").await?;
//!     let addr = listener.local_addr()?;
//!     runtime::spawn(async move {
//!         loop {
//!             let (mut stream, _peer) = listener.accept().await.unwrap();
//!             runtime::spawn(async move {
//!                 let mut buf = [0u8; 1024];
//!                 loop {
//!                     match stream.read(&mut buf).await {
//!                         Ok(0) | Err(_) => return,
//!                         Ok(n) => stream.write_all(&buf[..n]).await.unwrap(),
//!                     }
//!                 }
//!             });
//!         }
//!     });
//!     // reader, writer = await asyncio.open_connection(...)
//!     let mut stream = TcpStream::connect(addr).await?;
//!     stream.write_all(b"hello").await?;
//!     let mut back = [0u8; 5];
//!     stream.read_exact(&mut back).await?;
//!     assert_eq!(&back, b"hello");
//!     Ok::<(), std::io::Error>(())
//! })
//! .unwrap();
//! ```
//!
//! # The model
//!
//! Every socket is a non-blocking OS socket registered with the reactor of
//! the runtime it was created in (so it must be created inside one: in a
//! task, in `block_on`, or under [`Runtime::enter`](crate::Runtime::enter)).
//! An operation first just tries the syscall; only when the kernel answers
//! "would block" does the task park, and the reactor wakes it on the next
//! readiness edge. A socket stays bound to its runtime: once that runtime
//! shuts down, every operation on it fails with an error saying so.
//!
//! The stream types implement the [`futures-io`](crate::io) traits
//! [`AsyncRead`] and [`AsyncWrite`], both on the value and on a shared
//! reference (`&TcpStream`), so one task can read while another writes,
//! and every combinator of [`runtime::io`](crate::io) (and of the wider
//! futures ecosystem) plugs in. Readiness is tracked per direction and
//! several tasks may wait on one socket at the same time.
//!
//! Writes use `send(MSG_NOSIGNAL)` (on macOS and the BSDs, sockets carry
//! `SO_NOSIGPIPE` instead): writing to a peer that has gone away is an
//! `io::Error` (`BrokenPipe` or `ConnectionReset`), never a `SIGPIPE`.
//!
//! With the `tokio-io` feature, every stream type and half also
//! implements tokio's `AsyncRead` / `AsyncWrite` (see
//! `runtime::io::tokio_io`).
//!
//! [`AsyncReadExt::read`]: crate::io::AsyncReadExt::read
//! [`AsyncRead`]: crate::io::AsyncRead
//! [`AsyncWrite`]: crate::io::AsyncWrite

mod addr;
mod backoff;
pub(crate) mod stream_io;
mod sys;
mod tcp;
mod udp;
mod unix;

pub use addr::{ToSocketAddrs, lookup_host};
pub use tcp::{
    OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, TcpListener, TcpSocket, TcpStream,
    WriteHalf,
};
pub use udp::UdpSocket;
pub use unix::{UnixListener, UnixStream};

use crate::driver::{OwnerRef, io::PollEvented};
use crate::scheduler::{self, context};
use std::os::fd::AsFd;

/// Registers `io` (already non-blocking) with the reactor of the runtime
/// this thread is in: the one place sockets (and the signal pipe) look the
/// runtime up; the driver itself is handed its owner.
pub(crate) fn register<E: AsFd>(io: E) -> std::io::Result<PollEvented<E>> {
    PollEvented::new(io, current_driver()?)
}

/// The driver of the runtime this thread is in, or an error saying that
/// an I/O resource must be created inside one.
pub(crate) fn current_driver() -> std::io::Result<OwnerRef> {
    context::with_current(scheduler::Handle::driver_owner).map_err(|missing| {
        std::io::Error::other(format!(
            "an I/O resource was {missing} (it must be created inside a runtime, whose reactor \
             will drive it)"
        ))
    })
}

// Compile-time check: every socket type can move between and be shared
// by tasks on different workers.
const _: fn() = || {
    fn is_send_sync<T: Send + Sync>() {}
    is_send_sync::<TcpListener>();
    is_send_sync::<TcpStream>();
    is_send_sync::<ReadHalf<'_>>();
    is_send_sync::<WriteHalf<'_>>();
    is_send_sync::<OwnedReadHalf>();
    is_send_sync::<OwnedWriteHalf>();
    is_send_sync::<UdpSocket>();
    is_send_sync::<TcpSocket>();
    is_send_sync::<UnixListener>();
    is_send_sync::<UnixStream>();
};
