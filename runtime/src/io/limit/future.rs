//! The futures of the bounded reads: each holds its borrows and the
//! progress of one call, and forwards to the poll functions of `mod.rs`.

use super::{poll_read_until_limited, poll_skip_until};
use crate::io::AsyncBufRead;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

/// Future of [`AsyncBufReadLimitExt::read_until_limited`](crate::io::AsyncBufReadLimitExt::read_until_limited).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadUntilLimited<'a, R: ?Sized> {
    pub(super) reader: &'a mut R,
    pub(super) byte: u8,
    pub(super) buf: &'a mut Vec<u8>,
    pub(super) start_len: usize,
    pub(super) limit: usize,
}

impl<R: AsyncBufRead + Unpin + ?Sized> Future for ReadUntilLimited<'_, R> {
    type Output = io::Result<usize>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let (byte, start_len, limit) = (this.byte, this.start_len, this.limit);
        poll_read_until_limited(Pin::new(this.reader), cx, byte, this.buf, start_len, limit)
    }
}

/// Future of [`AsyncBufReadLimitExt::read_line_limited`](crate::io::AsyncBufReadLimitExt::read_line_limited).
///
/// Holds the caller's bytes while it runs (a `String` may not hold half a
/// character) and gives them back when it finishes or is dropped.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadLineLimited<'a, R: ?Sized> {
    pub(super) reader: &'a mut R,
    pub(super) buf: &'a mut String,
    /// The caller's string as bytes, with the line appended as it arrives.
    pub(super) bytes: Vec<u8>,
    pub(super) start_len: usize,
    pub(super) limit: usize,
    /// The string was handed back.
    pub(super) done: bool,
}

impl<R: AsyncBufRead + Unpin + ?Sized> Future for ReadLineLimited<'_, R> {
    type Output = io::Result<usize>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        assert!(!this.done, "ReadLineLimited polled after it completed");
        let (start_len, limit) = (this.start_len, this.limit);
        let read = ready!(poll_read_until_limited(
            Pin::new(&mut *this.reader),
            cx,
            b'\n',
            &mut this.bytes,
            start_len,
            limit
        ));
        this.done = true;
        let bytes = std::mem::take(&mut this.bytes);
        Poll::Ready(match read {
            Ok(n) => match String::from_utf8(bytes) {
                Ok(line) => {
                    *this.buf = line;
                    Ok(n)
                }
                Err(err) => {
                    *this.buf = prefix(err.into_bytes(), start_len);
                    Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "stream did not contain valid UTF-8",
                    ))
                }
            },
            Err(err) => {
                *this.buf = prefix(bytes, start_len);
                Err(err)
            }
        })
    }
}

/// The caller's string back from its bytes with a line appended.
fn prefix(mut bytes: Vec<u8>, start_len: usize) -> String {
    bytes.truncate(start_len);
    String::from_utf8(bytes).expect("the first start_len bytes came from a String")
}

impl<R: ?Sized> Drop for ReadLineLimited<'_, R> {
    fn drop(&mut self) {
        if !self.done {
            // Cancelled: the caller's string as it was.
            *self.buf = prefix(std::mem::take(&mut self.bytes), self.start_len);
        }
    }
}

/// Future of [`AsyncBufReadLimitExt::skip_until`](crate::io::AsyncBufReadLimitExt::skip_until).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct SkipUntil<'a, R: ?Sized> {
    pub(super) reader: &'a mut R,
    pub(super) byte: u8,
    pub(super) skipped: usize,
}

impl<R: AsyncBufRead + Unpin + ?Sized> Future for SkipUntil<'_, R> {
    type Output = io::Result<usize>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        poll_skip_until(Pin::new(this.reader), cx, this.byte, &mut this.skipped)
    }
}
