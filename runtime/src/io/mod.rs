//! Async reading and writing: asyncio's `StreamReader` / `StreamWriter`
//! methods, as traits every stream and file implements.
//!
//! # The model
//!
//! The four core traits are those of the `futures-io` crate, so any
//! library written against them (codecs, TLS, HTTP, compression) works on
//! [`TcpStream`](crate::net::TcpStream), [`UnixStream`](crate::net::UnixStream),
//! [`File`](crate::fs::File) and on every other runtime's types that
//! implement them:
//!
//! * [`AsyncRead`] — `poll_read` fills a buffer, `Ok(0)` is end of stream;
//! * [`AsyncWrite`] — `poll_write`, `poll_flush`, and `poll_close` (which
//!   for sockets shuts the write direction down, asyncio's `write_eof`);
//! * [`AsyncBufRead`] — a reader with an internal buffer (`BufReader`),
//!   needed to read lines;
//! * [`AsyncSeek`] — files.
//!
//! Nobody calls the `poll_*` methods by hand: the extension traits add the
//! `async fn`s you `.await`. They (and `BufReader`, `BufWriter`, `copy`)
//! come from [`futures-lite`](https://docs.rs/futures-lite), re-exported
//! here. It was chosen over `futures-util` because it is small (no proc
//! macros, a few dependencies), well kept by the smol authors, and built on
//! exactly the `futures-io` traits above.
//!
//! With the `tokio-io` feature, the same types also implement tokio's
//! `AsyncRead` / `AsyncWrite` (module `tokio_io`), for the crates written
//! against tokio's traits (tokio-postgres, tokio-util's codecs,
//! tokio-tungstenite).
//!
//! | asyncio | runtime |
//! |---|---|
//! | `await reader.read(n)` | [`AsyncReadExt::read`]`(&mut buf).await` |
//! | `await reader.readexactly(n)` | [`AsyncReadExt::read_exact`] |
//! | `await reader.read()` (to EOF) | [`AsyncReadExt::read_to_end`] / [`read_to_string`](AsyncReadExt::read_to_string) |
//! | `await reader.readline()` | [`AsyncBufReadExt::read_line`] on a [`BufReader`] |
//! | `async for line in reader` | [`AsyncBufReadExt::lines`] (a `Stream`) |
//! | `StreamReader(limit=2**16)`, `LimitOverrunError` | [`AsyncBufReadLimitExt::read_line_limited`], [`read_until_limited`](AsyncBufReadLimitExt::read_until_limited), [`lines_limited`](AsyncBufReadLimitExt::lines_limited); [`LimitOverrun`] |
//! | `writer.write(b)`; `await writer.drain()` | [`AsyncWriteExt::write_all`] |
//! | `writer.close()`; `await writer.wait_closed()` | [`AsyncWriteExt::close`] |
//! | (buffered writer) | [`BufWriter`] + [`AsyncWriteExt::flush`] |
//! | `shutil.copyfileobj` | [`copy`] |
//! | `loop.add_reader(fd, cb)` / `add_writer` / `remove_reader` | [`AsyncFd::readable`] / [`writable`](AsyncFd::writable) / [`into_inner`](AsyncFd::into_inner) |
//!
//! `read_line`, `read_until` and `lines` buffer a line however long it
//! is: on a socket, where the peer decides how long a line is, use the
//! bounded methods of [`AsyncBufReadLimitExt`] (asyncio's `limit`).
//!
//! ```
//! use runtime::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
//! use futures_lite::StreamExt;
//!
//! runtime::run(async {
//!     let (mut a, b) = runtime::net::UnixStream::pair().unwrap();
//!     a.write_all(b"first line\nsecond line\n").await.unwrap();   // writer.write + drain
//!     a.close().await.unwrap();                                  // writer.write_eof()
//!
//!     let mut lines = BufReader::new(b).lines();                 // async for line in reader
//!     assert_eq!(lines.next().await.unwrap().unwrap(), "first line");
//!     assert_eq!(lines.next().await.unwrap().unwrap(), "second line");
//!     assert!(lines.next().await.is_none());
//! });
//! ```

#[cfg(not(any(loom, miri)))]
mod async_fd;
mod interest;
mod limit;

#[cfg(not(any(loom, miri)))]
pub use async_fd::{AsyncFd, AsyncFdReadyGuard, TryIoError};
pub use interest::Interest;

pub use limit::{
    AsyncBufReadLimitExt, DEFAULT_LIMIT, LimitOverrun, LinesLimited, ReadLineLimited,
    ReadUntilLimited, SkipUntil,
};

/// Read bytes asynchronously: the trait behind asyncio's
/// `StreamReader.read`. Use it through [`AsyncReadExt`].
///
/// ```
/// use runtime::io::{AsyncRead, AsyncReadExt};
/// async fn first_byte(mut r: impl AsyncRead + Unpin) -> std::io::Result<u8> {
///     let mut b = [0u8; 1];
///     r.read_exact(&mut b).await?;
///     Ok(b[0])
/// }
/// assert_eq!(runtime::run(first_byte(&b"xyz"[..])).unwrap(), b'x');
/// ```
pub use futures_io::AsyncRead;

/// Write bytes asynchronously: the trait behind asyncio's
/// `StreamWriter.write` + `drain`. Use it through [`AsyncWriteExt`].
///
/// ```
/// use runtime::io::{AsyncWrite, AsyncWriteExt};
/// async fn greet(mut w: impl AsyncWrite + Unpin) -> std::io::Result<()> {
///     w.write_all(b"hello").await?;
///     w.flush().await
/// }
/// let mut out = Vec::new();
/// runtime::run(greet(&mut out)).unwrap();
/// assert_eq!(out, b"hello");
/// ```
pub use futures_io::AsyncWrite;

/// A reader with an internal buffer, which lines and delimiters need: the
/// buffering inside asyncio's `StreamReader`. Use it through
/// [`AsyncBufReadExt`].
///
/// ```
/// use runtime::io::{AsyncBufRead, AsyncBufReadExt};
/// async fn first_line(mut r: impl AsyncBufRead + Unpin) -> String {
///     let mut line = String::new();
///     r.read_line(&mut line).await.unwrap();
///     line
/// }
/// assert_eq!(runtime::run(first_line(&b"a\nb\n"[..])), "a\n");
/// ```
pub use futures_io::AsyncBufRead;

/// Move the cursor of a seekable stream (files): aiofiles' `await f.seek()`.
/// Use it through [`AsyncSeekExt`].
///
/// ```
/// use runtime::io::{AsyncReadExt, AsyncSeek, AsyncSeekExt};
/// use std::io::SeekFrom;
/// async fn last_byte(mut r: impl AsyncSeek + runtime::io::AsyncRead + Unpin) -> u8 {
///     r.seek(SeekFrom::End(-1)).await.unwrap();
///     let mut b = [0u8; 1];
///     r.read_exact(&mut b).await.unwrap();
///     b[0]
/// }
/// let cursor = runtime::io::Cursor::new(b"abc".to_vec());
/// assert_eq!(runtime::run(last_byte(cursor)), b'c');
/// ```
pub use futures_io::AsyncSeek;

/// `read`, `read_exact` (asyncio's `readexactly`), `read_to_end`,
/// `read_to_string` (asyncio's `read()`), `take`, `bytes`, `chain`... for
/// every [`AsyncRead`].
///
/// ```
/// use runtime::io::AsyncReadExt;
/// runtime::run(async {
///     let mut reader = &b"hello world"[..];
///     let mut word = [0u8; 5];
///     reader.read_exact(&mut word).await.unwrap();       // readexactly(5)
///     let mut rest = String::new();
///     reader.read_to_string(&mut rest).await.unwrap();  // read() until EOF
///     assert_eq!((&word, rest.as_str()), (b"hello", " world"));
/// });
/// ```
pub use futures_lite::io::AsyncReadExt;

/// `write`, `write_all` (asyncio's `write` + `drain`), `flush`, `close`
/// (asyncio's `close` / `write_eof`) for every [`AsyncWrite`].
///
/// ```
/// use runtime::io::AsyncWriteExt;
/// runtime::run(async {
///     let mut out = Vec::new();
///     out.write_all(b"abc").await.unwrap();
///     out.flush().await.unwrap();
///     out.close().await.unwrap();
///     assert_eq!(out, b"abc");
/// });
/// ```
pub use futures_lite::io::AsyncWriteExt;

/// `read_line` (asyncio's `readline`), `read_until` (`readuntil`), `lines`
/// (`async for line in reader`), `split` for every [`AsyncBufRead`].
///
/// **Unbounded**: these buffer a line until its delimiter comes, so a peer
/// that never sends one makes them buffer everything it sends. On data
/// from the network use [`AsyncBufReadLimitExt`]'s `read_line_limited`,
/// `read_until_limited` and `lines_limited` instead (asyncio's `limit`).
///
/// ```
/// use runtime::io::AsyncBufReadExt;
/// use futures_lite::StreamExt;
/// runtime::run(async {
///     let lines: Vec<String> = (&b"one\ntwo\n"[..]).lines().try_collect().await.unwrap();
///     assert_eq!(lines, ["one", "two"]);
///     let mut field = Vec::new();
///     (&b"key=value"[..]).read_until(b'=', &mut field).await.unwrap();  // readuntil(b"=")
///     assert_eq!(field, b"key=");
/// });
/// ```
pub use futures_lite::io::AsyncBufReadExt;

/// `seek` for every [`AsyncSeek`]: aiofiles' `await f.seek(offset, whence)`.
///
/// ```
/// use runtime::io::AsyncSeekExt;
/// use std::io::SeekFrom;
/// runtime::run(async {
///     let mut cursor = runtime::io::Cursor::new(vec![0u8; 10]);
///     assert_eq!(cursor.seek(SeekFrom::End(-3)).await.unwrap(), 7);
/// });
/// ```
pub use futures_lite::io::AsyncSeekExt;

/// Adds a buffer to a reader so small reads do not each reach the OS, and
/// so lines can be read: the buffer inside asyncio's `StreamReader`.
///
/// ```
/// use runtime::io::{AsyncBufReadExt, BufReader};
/// runtime::run(async {
///     let (mut a, b) = runtime::net::UnixStream::pair().unwrap();
///     runtime::io::AsyncWriteExt::write_all(&mut a, b"line\n").await.unwrap();
///     let mut reader = BufReader::new(b);
///     let mut line = String::new();
///     reader.read_line(&mut line).await.unwrap();
///     assert_eq!(line, "line\n");
/// });
/// ```
pub use futures_lite::io::BufReader;

/// Collects small writes into one buffer, written out when full or on
/// `flush`: what asyncio's `StreamWriter` does until `drain()`. Flush (or
/// close) before dropping it, or the buffered bytes are lost.
///
/// ```
/// use runtime::io::{AsyncReadExt, AsyncWriteExt, BufWriter};
/// runtime::run(async {
///     let (a, mut b) = runtime::net::UnixStream::pair().unwrap();
///     let mut writer = BufWriter::new(a);
///     for i in 0..100u8 {
///         writer.write_all(&[i]).await.unwrap();   // no syscall yet
///     }
///     writer.flush().await.unwrap();               // one send of 100 bytes
///     let mut got = [0u8; 100];
///     b.read_exact(&mut got).await.unwrap();
///     assert_eq!(got[99], 99);
/// });
/// ```
pub use futures_lite::io::BufWriter;

/// The stream of lines [`AsyncBufReadExt::lines`] returns (without their
/// `\n` or `\r\n`): asyncio's `async for line in reader`. Named here so a
/// struct can hold one, as a connection handler holds its client's lines.
///
/// **Unbounded**: a line is buffered whole however long it is. For a
/// socket, prefer [`LinesLimited`] ([`AsyncBufReadLimitExt::lines_limited`]),
/// which refuses lines past a limit as asyncio's `StreamReader` does.
///
/// ```
/// use runtime::io::{AsyncBufReadExt, BufReader, Lines};
/// use runtime::net::UnixStream;
/// use runtime::stream::StreamExt;
///
/// struct Client {
///     lines: Lines<BufReader<UnixStream>>,
/// }
///
/// runtime::run(async {
///     let (mut a, b) = UnixStream::pair().unwrap();
///     runtime::io::AsyncWriteExt::write_all(&mut a, b"hello\r\n").await.unwrap();
///     let mut client = Client { lines: BufReader::new(b).lines() };
///     assert_eq!(client.lines.next().await.unwrap().unwrap(), "hello");
/// });
/// ```
pub use futures_lite::io::Lines;

/// Copies everything from `reader` to `writer` until end of stream, and
/// returns the bytes copied: `shutil.copyfileobj`, or asyncio's
/// `while data := await reader.read(n): writer.write(data)`.
///
/// ```
/// use runtime::io::AsyncReadExt;
/// runtime::run(async {
///     let (mut a, b) = runtime::net::UnixStream::pair().unwrap();
///     let copied = runtime::io::copy(&b"forward this"[..], &b).await.unwrap();
///     assert_eq!(copied, 12);
///     drop(b);
///     let mut got = String::new();
///     a.read_to_string(&mut got).await.unwrap();
///     assert_eq!(got, "forward this");
/// });
/// ```
pub use futures_lite::io::copy;

/// An in-memory reader/writer/seeker over a byte buffer: Python's
/// `io.BytesIO`, for tests and for parsing.
///
/// ```
/// use runtime::io::{AsyncReadExt, Cursor};
/// runtime::run(async {
///     let mut c = Cursor::new(b"bytes".to_vec());
///     let mut s = String::new();
///     c.read_to_string(&mut s).await.unwrap();
///     assert_eq!(s, "bytes");
/// });
/// ```
pub use futures_lite::io::Cursor;

/// A reader that is always at end of stream, and a writer that discards
/// everything (`open(os.devnull, "wb")`).
///
/// ```
/// use runtime::io::{AsyncReadExt, AsyncWriteExt};
/// runtime::run(async {
///     let mut buf = Vec::new();
///     assert_eq!(runtime::io::empty().read_to_end(&mut buf).await.unwrap(), 0);
///     runtime::io::sink().write_all(b"gone").await.unwrap();
/// });
/// ```
pub use futures_lite::io::{Empty, Sink, empty, sink};

mod stdio;
pub use stdio::{Stderr, Stdin, Stdout, stderr, stdin, stdout};
// No sockets under loom or Miri (`runtime::net` is compiled out there).
#[cfg(all(feature = "tokio-io", not(any(loom, miri))))]
pub mod tokio_io;
