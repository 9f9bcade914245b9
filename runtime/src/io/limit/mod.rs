//! Bounded line reads: asyncio's `StreamReader(limit=...)` guard.
//!
//! asyncio's `readline()` and `readuntil()` raise `LimitOverrunError` once
//! a line grows past the reader's `limit` (64 KiB by default), so a peer
//! that sends an endless line cannot make the server buffer it all.
//! [`AsyncBufReadExt::read_line`](crate::io::AsyncBufReadExt::read_line),
//! `read_until` and `lines` have no such bound: they buffer until the
//! delimiter comes, however far away. The methods of
//! [`AsyncBufReadLimitExt`] add it.
//!
//! # The bound
//!
//! A line of up to `limit` bytes, its delimiter included, is read whole.
//! A longer one is an `io::Error` of kind
//! [`InvalidData`](io::ErrorKind::InvalidData) carrying a [`LimitOverrun`]
//! (get it back with [`LimitOverrun::from_io`]). It is detected as soon as
//! the bytes read prove the line too long, without waiting for its end:
//! the caller's buffer never grows by more than `limit` bytes (its capacity
//! neither: growth is capped at the limit), and the reader holds at most one
//! buffer more (a [`BufReader`](crate::io::BufReader)'s capacity, 8 KiB
//! by default).
//!
//! # Where the stream is after an overrun
//!
//! The first [`consumed`](LimitOverrun::consumed) bytes of the long line
//! have been read and dropped; the rest of it, delimiter included, is still
//! unread. The caller's buffer is as it was before the call. Either drop the
//! connection (the usual answer to a peer that breaks the protocol), or
//! call [`skip_until`](AsyncBufReadLimitExt::skip_until) with the delimiter
//! to discard the rest of the line, again without buffering it, and go on
//! with the next line. [`LinesLimited`] does that skip by itself: it yields
//! the error once for the long line, then the lines after it.
//!
//! asyncio differs slightly: its `readline()` drops the long line's bytes
//! that are in its buffer (the whole line if its end has arrived, else the
//! part received), and `readuntil()` leaves them all in the buffer. Here
//! the rule is one, and the remaining bytes are never handed out as if they
//! were a line of their own.

mod future;
mod lines;

pub use future::{ReadLineLimited, ReadUntilLimited, SkipUntil};
pub use lines::LinesLimited;

use crate::io::AsyncBufRead;
use std::error::Error;
use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

/// asyncio's default `StreamReader` limit: 64 KiB (`2 ** 16`).
///
/// ```
/// use runtime::io::{AsyncBufReadLimitExt, DEFAULT_LIMIT};
/// runtime::run(async {
///     let mut line = String::new();
///     (&b"short\n"[..]).read_line_limited(&mut line, DEFAULT_LIMIT).await.unwrap();
///     assert_eq!(line, "short\n");
/// });
/// ```
pub const DEFAULT_LIMIT: usize = 64 * 1024;

/// A line was longer than the limit: asyncio's `LimitOverrunError`.
///
/// Carried inside an `io::Error` of kind
/// [`InvalidData`](io::ErrorKind::InvalidData); see the
/// [module docs](self) for where the stream is left.
///
/// ```
/// use runtime::io::{AsyncBufReadLimitExt, LimitOverrun};
/// runtime::run(async {
///     let mut line = Vec::new();
///     let err = (&b"far too long\n"[..])
///         .read_until_limited(b'\n', &mut line, 4)
///         .await
///         .unwrap_err();
///     assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
///     let overrun = LimitOverrun::from_io(&err).unwrap();   // except LimitOverrunError as e
///     assert_eq!(overrun.limit(), 4);
///     assert!(line.is_empty());                             // the buffer is untouched
/// });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LimitOverrun {
    consumed: usize,
    limit: usize,
}

impl LimitOverrun {
    /// The bytes of the long line that were read (and dropped) before the
    /// overrun was found; the rest of the line is still unread. asyncio's
    /// `LimitOverrunError.consumed`.
    ///
    /// ```
    /// use runtime::io::{AsyncBufReadLimitExt, LimitOverrun};
    /// runtime::run(async {
    ///     // A reader that hands out 2 bytes at a time.
    ///     let mut reader = runtime::io::BufReader::with_capacity(2, &b"abcdef\n"[..]);
    ///     let err = reader.read_until_limited(b'\n', &mut Vec::new(), 5).await.unwrap_err();
    ///     assert_eq!(LimitOverrun::from_io(&err).unwrap().consumed(), 4);
    /// });
    /// ```
    pub fn consumed(&self) -> usize {
        self.consumed
    }

    /// The limit that was passed.
    ///
    /// ```
    /// use runtime::io::{AsyncBufReadLimitExt, LimitOverrun};
    /// runtime::run(async {
    ///     let err = (&b"0123456789"[..]).read_line_limited(&mut String::new(), 3).await.unwrap_err();
    ///     assert_eq!(LimitOverrun::from_io(&err).unwrap().limit(), 3);
    /// });
    /// ```
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The `LimitOverrun` inside `err`, if that is what `err` is: how to
    /// write asyncio's `except LimitOverrunError`.
    ///
    /// ```
    /// use runtime::io::LimitOverrun;
    /// let other = std::io::Error::other("something else");
    /// assert!(LimitOverrun::from_io(&other).is_none());
    /// ```
    pub fn from_io(err: &io::Error) -> Option<&LimitOverrun> {
        err.get_ref()?.downcast_ref()
    }
}

impl fmt::Display for LimitOverrun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line longer than the limit of {} bytes ({} bytes read and dropped without finding its \
             end); raise the limit, drop the connection, or skip the rest of the line with \
             `skip_until`",
            self.limit, self.consumed
        )
    }
}

impl Error for LimitOverrun {}

impl From<LimitOverrun> for io::Error {
    fn from(overrun: LimitOverrun) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, overrun)
    }
}

/// Bounded `read_line`, `read_until` and `lines` for every
/// [`AsyncBufRead`]: asyncio's `StreamReader` `limit` (see the
/// [module docs](self) for the bound and for where the stream is left after
/// an overrun).
///
/// ```
/// use runtime::io::{AsyncBufReadLimitExt, AsyncWriteExt, BufReader, LimitOverrun};
/// use runtime::net::UnixStream;
///
/// runtime::run(async {
///     let (mut peer, ours) = UnixStream::pair().unwrap();
///     peer.write_all(b"HELLO\nAAAAAAAAAAAAAAAAAAAAAAAA\nBYE\n").await.unwrap();
///     let mut reader = BufReader::new(ours);
///     let mut line = String::new();
///     reader.read_line_limited(&mut line, 16).await.unwrap();        // await reader.readline()
///     assert_eq!(line, "HELLO\n");
///     let err = reader.read_line_limited(&mut line, 16).await.unwrap_err();
///     assert!(LimitOverrun::from_io(&err).is_some());                // LimitOverrunError
///     reader.skip_until(b'\n').await.unwrap();                       // drop the rest of it
///     line.clear();
///     reader.read_line_limited(&mut line, 16).await.unwrap();
///     assert_eq!(line, "BYE\n");
/// });
/// ```
pub trait AsyncBufReadLimitExt: AsyncBufRead {
    /// Reads up to and including `byte` into `buf`, or to end of stream,
    /// unless that is more than `limit` bytes: asyncio's
    /// `await reader.readuntil(separator)` with its limit. Returns the
    /// bytes appended (0 at end of stream).
    ///
    /// # Errors
    /// A [`LimitOverrun`] (kind `InvalidData`) if the line is longer than
    /// `limit`; `buf` is then as it was. Errors of the reader.
    ///
    /// # Panics
    /// If `limit` is 0 (no line fits; pass at least 1).
    ///
    /// # Cancellation
    /// Bytes appended before the future was dropped stay in `buf`.
    ///
    /// ```
    /// use runtime::io::AsyncBufReadLimitExt;
    /// runtime::run(async {
    ///     let mut reader = &b"key=value"[..];
    ///     let mut field = Vec::new();
    ///     reader.read_until_limited(b'=', &mut field, 16).await.unwrap();
    ///     assert_eq!(field, b"key=");
    /// });
    /// ```
    fn read_until_limited<'a>(
        &'a mut self,
        byte: u8,
        buf: &'a mut Vec<u8>,
        limit: usize,
    ) -> ReadUntilLimited<'a, Self>
    where
        Self: Unpin,
    {
        assert_limit(limit);
        let start_len = buf.len();
        ReadUntilLimited {
            reader: self,
            byte,
            buf,
            start_len,
            limit,
        }
    }

    /// Reads a line, `\n` included, into `buf`, unless it is longer than
    /// `limit` bytes: asyncio's `await reader.readline()` with its limit.
    /// Returns the bytes appended (0 at end of stream).
    ///
    /// # Errors
    /// A [`LimitOverrun`] (kind `InvalidData`) if the line is longer than
    /// `limit`; `InvalidData` too if the line is not UTF-8. `buf` is then
    /// as it was. Errors of the reader.
    ///
    /// # Panics
    /// If `limit` is 0.
    ///
    /// # Cancellation
    /// The bytes of a partly read line are lost if the future is dropped
    /// (as with `read_line`); `buf` keeps what it had before the call.
    ///
    /// ```
    /// use runtime::io::{AsyncBufReadLimitExt, DEFAULT_LIMIT};
    /// runtime::run(async {
    ///     let mut reader = &b"first\nsecond\n"[..];
    ///     let mut line = String::new();
    ///     reader.read_line_limited(&mut line, DEFAULT_LIMIT).await.unwrap();
    ///     assert_eq!(line, "first\n");
    /// });
    /// ```
    fn read_line_limited<'a>(
        &'a mut self,
        buf: &'a mut String,
        limit: usize,
    ) -> ReadLineLimited<'a, Self>
    where
        Self: Unpin,
    {
        assert_limit(limit);
        let bytes = std::mem::take(buf).into_bytes();
        ReadLineLimited {
            reader: self,
            start_len: bytes.len(),
            bytes,
            buf,
            limit,
            done: false,
        }
    }

    /// Reads and drops everything up to and including `byte` (or to end of
    /// stream), without buffering it: how to go on after a
    /// [`LimitOverrun`]. Returns the bytes dropped. (asyncio has no twin;
    /// its `readline()` drops the long line itself.)
    ///
    /// ```
    /// use runtime::io::{AsyncBufReadExt, AsyncBufReadLimitExt};
    /// runtime::run(async {
    ///     let mut reader = &b"skip this\nkeep\n"[..];
    ///     assert_eq!(reader.skip_until(b'\n').await.unwrap(), 10);
    ///     let mut line = String::new();
    ///     reader.read_line(&mut line).await.unwrap();
    ///     assert_eq!(line, "keep\n");
    /// });
    /// ```
    fn skip_until(&mut self, byte: u8) -> SkipUntil<'_, Self>
    where
        Self: Unpin,
    {
        SkipUntil {
            reader: self,
            byte,
            skipped: 0,
        }
    }

    /// The stream of lines (without `\n` or `\r\n`), each at most `limit`
    /// bytes: asyncio's `async for line in reader` with its limit. A longer
    /// line is one `Err` ([`LimitOverrun`]), after which the stream goes on
    /// with the next line.
    ///
    /// # Panics
    /// If `limit` is 0.
    ///
    /// ```
    /// use runtime::io::{AsyncBufReadLimitExt, LimitOverrun};
    /// use runtime::stream::StreamExt;
    /// runtime::run(async {
    ///     let mut lines = (&b"ok\nthis one is too long\nok again\n"[..]).lines_limited(10);
    ///     assert_eq!(lines.next().await.unwrap().unwrap(), "ok");
    ///     let err = lines.next().await.unwrap().unwrap_err();
    ///     assert!(LimitOverrun::from_io(&err).is_some());
    ///     assert_eq!(lines.next().await.unwrap().unwrap(), "ok again");
    ///     assert!(lines.next().await.is_none());
    /// });
    /// ```
    fn lines_limited(self, limit: usize) -> LinesLimited<Self>
    where
        Self: Sized + Unpin,
    {
        assert_limit(limit);
        LinesLimited::new(self, limit)
    }
}

impl<R: AsyncBufRead + ?Sized> AsyncBufReadLimitExt for R {}

fn assert_limit(limit: usize) {
    assert!(
        limit > 0,
        "a line limit of 0 bytes lets no line through; pass at least 1 (asyncio's default is \
         runtime::io::DEFAULT_LIMIT, 64 KiB)"
    );
}

/// Appends to `buf` up to and including `delim` (or to end of stream),
/// unless the line (the bytes from `start_len` on) would pass `limit`:
/// then truncates `buf` back to `start_len` and fails with a
/// [`LimitOverrun`], leaving the rest of the line unread.
pub(super) fn poll_read_until_limited<R: AsyncBufRead + ?Sized>(
    mut reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    delim: u8,
    buf: &mut Vec<u8>,
    start_len: usize,
    limit: usize,
) -> Poll<io::Result<usize>> {
    loop {
        let line_len = buf.len() - start_len;
        let available = ready!(reader.as_mut().poll_fill_buf(cx))?;
        if available.is_empty() {
            return Poll::Ready(Ok(line_len)); // end of stream
        }
        let (found, take) = match available.iter().position(|&b| b == delim) {
            Some(i) => (true, i + 1),
            None => (false, available.len()),
        };
        if take > limit - line_len {
            // The line is longer than `limit`: these bytes prove it.
            buf.truncate(start_len);
            return Poll::Ready(Err(LimitOverrun {
                consumed: line_len,
                limit,
            }
            .into()));
        }
        reserve_bounded(buf, take, start_len + limit);
        buf.extend_from_slice(&available[..take]);
        reader.as_mut().consume(take);
        if found {
            return Poll::Ready(Ok(line_len + take));
        }
    }
}

/// Makes room for `additional` bytes, doubling as `Vec` does but never
/// past `max_len` (which `buf.len() + additional` does not exceed).
fn reserve_bounded(buf: &mut Vec<u8>, additional: usize, max_len: usize) {
    if buf.capacity() - buf.len() >= additional {
        return;
    }
    let target = buf
        .capacity()
        .saturating_mul(2)
        .max(buf.len() + additional)
        .max(64)
        .min(max_len);
    buf.reserve_exact(target - buf.len());
}

/// Consumes up to and including `delim` (or to end of stream); returns
/// (and resets) the running count in `skipped`.
pub(super) fn poll_skip_until<R: AsyncBufRead + ?Sized>(
    mut reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    delim: u8,
    skipped: &mut usize,
) -> Poll<io::Result<usize>> {
    loop {
        let available = ready!(reader.as_mut().poll_fill_buf(cx))?;
        if available.is_empty() {
            return Poll::Ready(Ok(std::mem::take(skipped)));
        }
        match available.iter().position(|&b| b == delim) {
            Some(i) => {
                reader.as_mut().consume(i + 1);
                *skipped += i + 1;
                return Poll::Ready(Ok(std::mem::take(skipped)));
            }
            None => {
                let n = available.len();
                reader.as_mut().consume(n);
                *skipped += n;
            }
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn reserve_never_passes_the_bound() {
        let mut buf = Vec::new();
        for _ in 0..100 {
            reserve_bounded(&mut buf, 1000, 65_536);
            buf.extend_from_slice(&[0; 1000]);
            if buf.len() + 1000 > 65_536 {
                break;
            }
        }
        assert!(buf.capacity() <= 65_536, "{}", buf.capacity());
    }
}
