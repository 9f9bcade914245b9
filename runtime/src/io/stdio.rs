//! The process's standard streams: asyncio's `loop.connect_read_pipe` /
//! `connect_write_pipe` on `sys.stdin` / `sys.stdout`, as
//! [`AsyncRead`] / [`AsyncWrite`] values.
//!
//! The semantics (blocking pool, one operation at a time, no `O_NONBLOCK`
//! on the shared descriptors, nothing lost on cancellation) are on the
//! public types; `stdio/blocking.rs` has the state machine.

mod blocking;

use crate::io::{AsyncRead, AsyncWrite};
use blocking::{Blocking, Stream};
use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The process's standard input, for async reads: asyncio's
/// `loop.connect_read_pipe(lambda: reader_protocol, sys.stdin)`, the
/// usual way to get a `StreamReader` on stdin. Reads run on the blocking
/// pool: see [`Stdin`] for what that means.
///
/// Wrap it in a [`BufReader`](crate::io::BufReader) to read lines:
///
/// ```no_run
/// use runtime::io::{AsyncBufReadExt, BufReader};
/// use runtime::stream::StreamExt;
///
/// #[runtime::main]
/// async fn main() {
///     let mut lines = BufReader::new(runtime::io::stdin()).lines();
///     while let Some(line) = lines.next().await {       // async for line in reader
///         println!("got {}", line.unwrap());
///     }
/// }
/// ```
pub fn stdin() -> Stdin {
    Stdin {
        inner: Blocking::new(Stream::Stdin),
    }
}

/// The process's standard output, for async writes: asyncio's
/// `loop.connect_write_pipe(..., sys.stdout)`, a `StreamWriter` on stdout.
/// Writes run on the blocking pool: see [`Stdout`] for what that means.
///
/// ```
/// use runtime::io::AsyncWriteExt;
///
/// runtime::run(async {
///     let mut out = runtime::io::stdout();
///     out.write_all(b"hello from the blocking pool\n").await.unwrap(); // writer.write(...)
///     out.flush().await.unwrap();                                     // await writer.drain()
/// });
/// ```
pub fn stdout() -> Stdout {
    Stdout {
        inner: Blocking::new(Stream::Stdout),
    }
}

/// The process's standard error, for async writes: asyncio's
/// `loop.connect_write_pipe(..., sys.stderr)`. Writes run on the blocking
/// pool, as [`Stdout`]'s do.
///
/// ```
/// use runtime::io::AsyncWriteExt;
///
/// runtime::run(async {
///     let mut err = runtime::io::stderr();
///     err.write_all(b"warning: printed asynchronously\n").await.unwrap();
///     err.flush().await.unwrap();
/// });
/// ```
pub fn stderr() -> Stderr {
    Stderr {
        inner: Blocking::new(Stream::Stderr),
    }
}

/// The handle [`stdin()`] returns: an [`AsyncRead`] on the process's
/// standard input (asyncio's `StreamReader` from `connect_read_pipe`).
///
/// Reads run on the runtime's blocking pool, one at a time; descriptor 0
/// is **not** made non-blocking (it is usually shared with other
/// processes: the shell, the terminal, a pipeline's other programs, and
/// `O_NONBLOCK` would make *their* reads fail with `EAGAIN`).
///
/// * A read fetches a chunk on a pool thread; what does not fit in the
///   caller's slice is kept for the next read.
/// * A read whose future is dropped (a timeout, a lost race) loses
///   nothing: its bytes are handed out by the next read of the same
///   handle.
/// * A read in flight cannot be stopped: until input arrives it holds a
///   pool thread, and the runtime's shutdown waits for it (use
///   [`Runtime::shutdown_timeout`](crate::Runtime::shutdown_timeout) in a
///   program that may quit while waiting for its stdin).
/// * Each [`stdin()`] call makes an independent handle: keep one. Bytes
///   buffered in a dropped handle are lost, and two handles reading at
///   once split the input between them.
///
/// ```
/// let stdin: runtime::io::Stdin = runtime::io::stdin();
/// # drop(stdin);
/// ```
pub struct Stdin {
    inner: Blocking,
}

/// The handle [`stdout()`] returns: an [`AsyncWrite`] on the process's
/// standard output (asyncio's `StreamWriter` from `connect_write_pipe`).
///
/// Writes run on the runtime's blocking pool, one at a time; descriptor 1
/// is not made non-blocking (see [`Stdin`] for why).
///
/// * Writes are write-behind: the bytes are copied, sent to a pool
///   thread, and reported written at once. The next write or
///   [`flush`](crate::io::AsyncWriteExt::flush) waits for that one and
///   reports its error.
/// * Bytes reported written are written, even if the handle is dropped
///   or the runtime shuts down first.
/// * Each write goes through `std`'s `Stdout` under its lock, so it never
///   lands in the middle of a `println!`. `std` buffers stdout by lines:
///   flush after a prompt that has no newline.
/// * Closing flushes; descriptor 1 itself stays open.
///
/// ```
/// let stdout: runtime::io::Stdout = runtime::io::stdout();
/// # drop(stdout);
/// ```
pub struct Stdout {
    inner: Blocking,
}

/// The handle [`stderr()`] returns: an [`AsyncWrite`] on the process's
/// standard error. It behaves as [`Stdout`] does (`std` does not buffer
/// stderr).
///
/// ```
/// let stderr: runtime::io::Stderr = runtime::io::stderr();
/// # drop(stderr);
/// ```
pub struct Stderr {
    inner: Blocking,
}

impl AsyncRead for Stdin {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().inner.poll_read(cx, buf)
    }
}

macro_rules! impl_write {
    ($($ty:ident),*) => {$(
        impl AsyncWrite for $ty {
            fn poll_write(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                self.get_mut().inner.poll_write(cx, buf)
            }

            fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                self.get_mut().inner.poll_flush(cx)
            }

            /// Flushes: the process's stream itself stays open (asyncio's
            /// `writer.close()` on a pipe to stdout would close fd 1).
            fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                self.get_mut().inner.poll_flush(cx)
            }
        }
    )*};
}

impl_write!(Stdout, Stderr);

macro_rules! impl_debug {
    ($($ty:ident),*) => {$(
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty))
                    .field("busy", &self.inner.is_busy())
                    .finish()
            }
        }
    )*};
}

impl_debug!(Stdin, Stdout, Stderr);
