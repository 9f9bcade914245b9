//! The parent's ends of a child's stdio pipes: non-blocking descriptors
//! registered with the reactor, read and written like sockets.
//!
//! Only the parent's end is made non-blocking (the two ends of a pipe are
//! separate open files), so the child sees ordinary blocking stdio.
//! Writing to a pipe whose reader has exited fails with `BrokenPipe`; it
//! raises `SIGPIPE` only in a program that undid Rust's default of
//! ignoring it.

use crate::driver::io::PollEvented;
use crate::io::{AsyncRead, AsyncWrite};
use std::fmt;
use std::fs::File;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::pin::Pin;
use std::process::Stdio;
use std::task::{Context, Poll};

/// A pipe end, made non-blocking and registered with the current
/// runtime's reactor. `File`, because `&File` reads and writes with plain
/// `read(2)` / `write(2)`.
fn register(fd: OwnedFd) -> io::Result<PollEvented<File>> {
    set_nonblocking(fd.as_fd(), true)?;
    crate::net::register(File::from(fd))
}

fn set_nonblocking(fd: BorrowedFd<'_>, on: bool) -> io::Result<()> {
    // SAFETY: fcntl on a descriptor we own (borrowed for the call), with
    // commands that take an int or nothing.
    unsafe {
        let flags = libc::fcntl(fd.as_raw_fd(), libc::F_GETFL);
        if flags < 0 {
            return Err(io::Error::last_os_error());
        }
        let flags = if on {
            flags | libc::O_NONBLOCK
        } else {
            flags & !libc::O_NONBLOCK
        };
        if libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, flags) < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Deregisters a pipe end and makes it blocking again, to hand to another
/// child as its stdio.
fn into_stdio(io: PollEvented<File>) -> io::Result<Stdio> {
    let file = io.into_inner()?;
    set_nonblocking(file.as_fd(), false)?;
    Ok(Stdio::from(file))
}

/// The writing end of a child's stdin: asyncio's `proc.stdin`
/// (a `StreamWriter`). Implements [`AsyncWrite`]; closing it (or dropping
/// it) is the child's end of input.
///
/// ```
/// use runtime::io::{AsyncReadExt, AsyncWriteExt};
/// use runtime::process::{Command, Stdio};
///
/// runtime::run(async {
///     let mut cat = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
///     let mut stdin = cat.stdin.take().unwrap();
///     stdin.write_all(b"meow").await.unwrap();   // proc.stdin.write(b"meow"); await drain()
///     stdin.close().await.unwrap();              // proc.stdin.close(): cat sees end of input
///     let mut out = String::new();
///     cat.stdout.take().unwrap().read_to_string(&mut out).await.unwrap();
///     assert_eq!(out, "meow");
///     assert!(cat.wait().await.unwrap().success());
/// });
/// ```
pub struct ChildStdin {
    /// `None` once closed.
    io: Option<PollEvented<File>>,
}

/// The reading end of a child's stdout: asyncio's `proc.stdout` (a
/// `StreamReader`). Implements [`AsyncRead`]; wrap it in a
/// [`BufReader`](crate::io::BufReader) to read lines.
///
/// ```
/// use runtime::io::{AsyncBufReadExt, BufReader};
/// use runtime::process::{Command, Stdio};
/// use runtime::stream::StreamExt;
///
/// runtime::run(async {
///     let mut child = Command::new("printf").arg("a\\nb\\n").stdout(Stdio::piped()).spawn().unwrap();
///     let stdout = child.stdout.take().unwrap();
///     let lines: Vec<String> = BufReader::new(stdout).lines().try_collect().await.unwrap();
///     assert_eq!(lines, ["a", "b"]);                // async for line in proc.stdout
///     child.wait().await.unwrap();
/// });
/// ```
pub struct ChildStdout {
    io: PollEvented<File>,
}

/// The reading end of a child's stderr: asyncio's `proc.stderr`.
/// Implements [`AsyncRead`].
///
/// ```
/// use runtime::io::AsyncReadExt;
/// use runtime::process::{Command, Stdio};
///
/// runtime::run(async {
///     let mut child = Command::new("sh").args(["-c", "echo oops >&2"]).stderr(Stdio::piped()).spawn().unwrap();
///     let mut err = String::new();
///     child.stderr.take().unwrap().read_to_string(&mut err).await.unwrap();
///     assert_eq!(err, "oops\n");
///     child.wait().await.unwrap();
/// });
/// ```
pub struct ChildStderr {
    io: PollEvented<File>,
}

impl ChildStdin {
    pub(super) fn new(pipe: std::process::ChildStdin) -> io::Result<ChildStdin> {
        Ok(ChildStdin {
            io: Some(register(pipe.into())?),
        })
    }

    fn open(&self) -> io::Result<&PollEvented<File>> {
        self.io.as_ref().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::BrokenPipe,
                "ChildStdin was closed (poll_close): the child has seen the end of its input",
            )
        })
    }
}

impl ChildStdout {
    pub(super) fn new(pipe: std::process::ChildStdout) -> io::Result<ChildStdout> {
        Ok(ChildStdout {
            io: register(pipe.into())?,
        })
    }
}

impl ChildStderr {
    pub(super) fn new(pipe: std::process::ChildStderr) -> io::Result<ChildStderr> {
        Ok(ChildStderr {
            io: register(pipe.into())?,
        })
    }
}

impl AsyncWrite for ChildStdin {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.open() {
            Ok(io) => io.poll_write(cx, buf),
            Err(err) => Poll::Ready(Err(err)),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(())) // nothing is buffered here
    }

    /// Closes the pipe: the child reads end of input.
    fn poll_close(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        drop(self.io.take());
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for ChildStdout {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_read(cx, buf)
    }
}

impl AsyncRead for ChildStderr {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_read(cx, buf)
    }
}

/// Hands the pipe to another child, as the shell's `a | b` does. Fails if
/// the pipe was closed.
///
/// ```
/// use runtime::process::{Command, Stdio};
///
/// runtime::run(async {
///     let mut echo = Command::new("echo").arg("piped").stdout(Stdio::piped()).spawn().unwrap();
///     let into_tr: Stdio = echo.stdout.take().unwrap().try_into().unwrap();
///     let out = Command::new("tr").args(["a-z", "A-Z"]).stdin(into_tr).output().await.unwrap();
///     assert_eq!(out.stdout, b"PIPED\n");                   // echo piped | tr a-z A-Z
///     echo.wait().await.unwrap();
/// });
/// ```
impl TryFrom<ChildStdout> for Stdio {
    type Error = io::Error;
    fn try_from(pipe: ChildStdout) -> io::Result<Stdio> {
        into_stdio(pipe.io)
    }
}

/// Hands the pipe to another child (its stderr, as `2|` would).
///
/// ```
/// use runtime::process::{Command, Stdio};
///
/// runtime::run(async {
///     let mut sh = Command::new("sh").args(["-c", "echo e >&2"]).stderr(Stdio::piped()).spawn().unwrap();
///     let pipe: Stdio = sh.stderr.take().unwrap().try_into().unwrap();
///     let out = Command::new("cat").stdin(pipe).output().await.unwrap();
///     assert_eq!(out.stdout, b"e\n");
///     sh.wait().await.unwrap();
/// });
/// ```
impl TryFrom<ChildStderr> for Stdio {
    type Error = io::Error;
    fn try_from(pipe: ChildStderr) -> io::Result<Stdio> {
        into_stdio(pipe.io)
    }
}

/// Hands the pipe to another child, as its stdout.
///
/// ```
/// use runtime::io::AsyncReadExt;
/// use runtime::process::{Command, Stdio};
///
/// runtime::run(async {
///     let mut cat = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
///     let into_cat: Stdio = cat.stdin.take().unwrap().try_into().unwrap();
///     Command::new("echo").arg("via cat").stdout(into_cat).status().await.unwrap();
///     let mut out = String::new();
///     cat.stdout.take().unwrap().read_to_string(&mut out).await.unwrap();
///     assert_eq!(out, "via cat\n");
///     cat.wait().await.unwrap();
/// });
/// ```
impl TryFrom<ChildStdin> for Stdio {
    type Error = io::Error;
    fn try_from(mut pipe: ChildStdin) -> io::Result<Stdio> {
        pipe.open()?;
        into_stdio(pipe.io.take().expect("checked open"))
    }
}

macro_rules! impl_fd {
    ($($ty:ty),*) => {$(
        impl AsRawFd for $ty {
            fn as_raw_fd(&self) -> RawFd {
                self.as_fd().as_raw_fd()
            }
        }
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty)).field("fd", &self.as_raw_fd()).finish()
            }
        }
    )*};
}

impl_fd!(ChildStdout, ChildStderr);

impl AsFd for ChildStdout {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.get_ref().as_fd()
    }
}

impl AsFd for ChildStderr {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.get_ref().as_fd()
    }
}

impl fmt::Debug for ChildStdin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fd = self.io.as_ref().map(|io| io.get_ref().as_raw_fd());
        f.debug_struct("ChildStdin").field("fd", &fd).finish()
    }
}
