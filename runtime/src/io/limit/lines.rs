//! `LinesLimited`: the bounded stream of lines.

use super::{LimitOverrun, poll_read_until_limited, poll_skip_until};
use crate::io::AsyncBufRead;
use crate::stream::Stream;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

/// The stream of [`AsyncBufReadLimitExt::lines_limited`](crate::io::AsyncBufReadLimitExt::lines_limited): asyncio's
/// `async for line in reader`, bounded. Named so a struct can hold one.
///
/// ```
/// use runtime::io::{AsyncBufReadLimitExt, BufReader, DEFAULT_LIMIT, LinesLimited};
/// use runtime::net::UnixStream;
/// use runtime::stream::StreamExt;
///
/// struct Client {
///     lines: LinesLimited<BufReader<UnixStream>>,
/// }
///
/// runtime::run(async {
///     let (mut a, b) = UnixStream::pair().unwrap();
///     runtime::io::AsyncWriteExt::write_all(&mut a, b"hello\r\n").await.unwrap();
///     let mut client = Client { lines: BufReader::new(b).lines_limited(DEFAULT_LIMIT) };
///     assert_eq!(client.lines.next().await.unwrap().unwrap(), "hello");
/// });
/// ```
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct LinesLimited<R> {
    reader: R,
    line: Vec<u8>,
    limit: usize,
    /// After an overrun: the rest of the long line is still to drop.
    skipping: bool,
    skipped: usize,
}

impl<R> LinesLimited<R> {
    pub(super) fn new(reader: R, limit: usize) -> LinesLimited<R> {
        LinesLimited {
            reader,
            line: Vec::new(),
            limit,
            skipping: false,
            skipped: 0,
        }
    }

    /// The reader, to use it again after the lines.
    ///
    /// ```
    /// use runtime::io::AsyncBufReadLimitExt;
    /// let lines = (&b"rest"[..]).lines_limited(8);
    /// assert_eq!(lines.into_inner(), b"rest");
    /// ```
    pub fn into_inner(self) -> R {
        self.reader
    }
}

impl<R: AsyncBufRead + Unpin> Stream for LinesLimited<R> {
    type Item = io::Result<String>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.skipping {
            ready!(poll_skip_until(
                Pin::new(&mut this.reader),
                cx,
                b'\n',
                &mut this.skipped
            ))?;
            this.skipping = false;
        }
        let read = ready!(poll_read_until_limited(
            Pin::new(&mut this.reader),
            cx,
            b'\n',
            &mut this.line,
            0,
            this.limit
        ));
        match read {
            Ok(0) => Poll::Ready(None),
            Ok(_) => {
                let mut line = std::mem::take(&mut this.line);
                if line.last() == Some(&b'\n') {
                    line.pop();
                    if line.last() == Some(&b'\r') {
                        line.pop();
                    }
                }
                Poll::Ready(Some(String::from_utf8(line).map_err(|_| {
                    io::Error::new(
                        io::ErrorKind::InvalidData,
                        "stream did not contain valid UTF-8",
                    )
                })))
            }
            Err(err) => {
                this.skipping = LimitOverrun::from_io(&err).is_some();
                Poll::Ready(Some(Err(err)))
            }
        }
    }
}
