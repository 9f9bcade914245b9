//! `Blocking`: one of the process's standard streams, read or written on
//! the blocking pool, one operation at a time.
//!
//! # State machine
//!
//! ```text
//!            start a job (read a chunk, write a chunk, flush)
//!   Idle(buf) ──────────────────────────────────────────────▶ Busy(job)
//!       ▲                                                        │
//!       └──────────── job done: (Op result, buf) back ───────────┘
//! ```
//!
//! The buffer travels with the job, so no lock is needed: while `Busy`,
//! the blocking thread owns it.
//!
//! * A **read** job fills the buffer from the stream; the caller gets what
//!   fits in its slice and the rest stays for the next read. A caller that
//!   gives up while the job runs loses nothing: the bytes land in the
//!   buffer and the next read hands them out.
//! * A **write** copies the caller's bytes into the buffer, starts the job
//!   and reports them written at once (write-behind); the next write or
//!   flush waits for the job and reports its error, if any. A write job
//!   is *mandatory*: it runs even if the runtime shuts down first, so
//!   bytes reported written are never dropped.
//! * A **flush** waits for the write in flight, then flushes `std`'s
//!   buffer (stdout is line-buffered by `std`).

use crate::scheduler::context;
use crate::task::{JoinHandle, TaskMeta};
use std::future::Future;
use std::io::{self, Read, Write};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

/// Bytes moved per pool hop at most.
const MAX_CHUNK: usize = 1 << 20;
/// Bytes asked of the OS per read at least, whatever the caller's slice.
const MIN_READ: usize = 8 * 1024;

/// Which standard stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stream {
    Stdin,
    Stdout,
    Stderr,
}

pub(super) struct Blocking {
    stream: Stream,
    state: State,
}

enum State {
    Idle(Buf),
    Busy(JoinHandle<(Op, Buf)>),
}

#[derive(Default)]
struct Buf {
    bytes: Vec<u8>,
    /// For reads: the first byte not yet handed out.
    pos: usize,
}

/// What a finished job did.
enum Op {
    /// Filled the buffer; `Ok(0)` is end of input.
    Read(io::Result<usize>),
    Write(io::Result<()>),
    Flush(io::Result<()>),
}

impl Blocking {
    pub(super) fn new(stream: Stream) -> Blocking {
        Blocking {
            stream,
            state: State::Idle(Buf::default()),
        }
    }

    pub(super) fn is_busy(&self) -> bool {
        matches!(self.state, State::Busy(_))
    }

    /// Sends `job` (with the buffer) to the pool; `Busy` until it is done.
    fn start(
        &mut self,
        buf: Buf,
        mandatory: bool,
        job: impl FnOnce(&mut Buf) -> Op + Send + 'static,
    ) -> io::Result<()> {
        let mut job = Some(move || {
            let mut buf = buf;
            let op = job(&mut buf);
            (op, buf)
        });
        let spawned = context::with_current(|handle| {
            let job = job.take().expect("taken once");
            if mandatory {
                handle.spawn_mandatory(job, TaskMeta::here())
            } else {
                handle.spawn_blocking(job, TaskMeta::here())
            }
        });
        match spawned {
            Ok(handle) => {
                self.state = State::Busy(handle);
                Ok(())
            }
            Err(missing) => Err(io::Error::other(format!(
                "runtime::io::{:?} was {missing} (its reads and writes run on the \
                 runtime's blocking pool)",
                self.stream
            ))),
        }
    }

    /// Waits for the job in flight, if any; `Idle` afterwards.
    fn poll_job(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<Op>>> {
        let State::Busy(handle) = &mut self.state else {
            return Poll::Ready(Ok(None));
        };
        let result = ready!(Pin::new(handle).poll(cx));
        match result {
            Ok((op, buf)) => {
                self.state = State::Idle(buf);
                Poll::Ready(Ok(Some(op)))
            }
            Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
            Err(_) => {
                self.state = State::Idle(Buf::default());
                Poll::Ready(Err(io::Error::other(format!(
                    "runtime::io::{:?}: the operation was cancelled, its runtime shut down",
                    self.stream
                ))))
            }
        }
    }

    fn take_idle(&mut self) -> Buf {
        match &mut self.state {
            State::Idle(buf) => std::mem::take(buf),
            State::Busy(_) => unreachable!("take_idle while busy"),
        }
    }

    pub(super) fn poll_read(
        &mut self,
        cx: &mut Context<'_>,
        dst: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        if dst.is_empty() {
            return Poll::Ready(Ok(0));
        }
        loop {
            match ready!(self.poll_job(cx))? {
                Some(Op::Read(Err(err))) => return Poll::Ready(Err(err)),
                Some(Op::Read(Ok(0))) => return Poll::Ready(Ok(0)),
                _ => {}
            }
            let mut buf = self.take_idle();
            let unread = buf.bytes.len() - buf.pos;
            if unread > 0 {
                let n = dst.len().min(unread);
                dst[..n].copy_from_slice(&buf.bytes[buf.pos..buf.pos + n]);
                buf.pos += n;
                self.state = State::Idle(buf);
                return Poll::Ready(Ok(n));
            }
            let want = dst.len().clamp(MIN_READ, MAX_CHUNK);
            self.start(buf, false, move |buf| {
                buf.bytes.resize(want, 0);
                buf.pos = 0;
                let result = loop {
                    match io::stdin().read(&mut buf.bytes) {
                        Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                        other => break other,
                    }
                };
                buf.bytes.truncate(*result.as_ref().unwrap_or(&0));
                Op::Read(result)
            })?;
        }
    }

    pub(super) fn poll_write(
        &mut self,
        cx: &mut Context<'_>,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        if src.is_empty() {
            return Poll::Ready(Ok(0));
        }
        if let Some(Op::Write(Err(err)) | Op::Flush(Err(err))) = ready!(self.poll_job(cx))? {
            return Poll::Ready(Err(err));
        }
        let mut buf = self.take_idle();
        let n = src.len().min(MAX_CHUNK);
        buf.bytes.clear();
        buf.pos = 0;
        buf.bytes.extend_from_slice(&src[..n]);
        let stream = self.stream;
        self.start(buf, true, move |buf| {
            let result = match stream {
                Stream::Stderr => io::stderr().write_all(&buf.bytes),
                _ => io::stdout().write_all(&buf.bytes),
            };
            buf.bytes.clear();
            Op::Write(result)
        })?;
        Poll::Ready(Ok(n))
    }

    pub(super) fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            match ready!(self.poll_job(cx))? {
                Some(Op::Write(Err(err)) | Op::Flush(Err(err))) => return Poll::Ready(Err(err)),
                Some(Op::Flush(Ok(()))) => return Poll::Ready(Ok(())),
                _ => {}
            }
            let buf = self.take_idle();
            let stream = self.stream;
            self.start(buf, true, move |_| {
                Op::Flush(match stream {
                    Stream::Stderr => io::stderr().flush(),
                    _ => io::stdout().flush(),
                })
            })?;
        }
    }
}
