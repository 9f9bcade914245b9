//! Bounded line reads (asyncio's `StreamReader` limit) over a real TCP
//! socket: a peer sending a 10 MB line gets a `LimitOverrun`, the reader's
//! memory stays bounded, and the line after it is still readable.

use runtime::io::{
    AsyncBufReadExt, AsyncBufReadLimitExt, AsyncWriteExt, BufReader, DEFAULT_LIMIT, LimitOverrun,
};
use runtime::net::{TcpListener, TcpStream};
use runtime::stream::StreamExt;

const HUGE: usize = 10 * 1024 * 1024;
/// futures-lite's `BufReader` default capacity.
const READ_BUF: usize = 8 * 1024;

/// A connected pair; the client side writes `before`, a 10 MB line of `x`
/// (with its `\n`), then `after`, and closes.
async fn peer_sending_a_huge_line(
    before: &'static [u8],
    after: &'static [u8],
) -> (TcpStream, runtime::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let writer = runtime::spawn(async move {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(before).await.unwrap();
        let chunk = vec![b'x'; 64 * 1024];
        for _ in 0..HUGE / chunk.len() {
            stream.write_all(&chunk).await.unwrap();
        }
        stream.write_all(b"\n").await.unwrap();
        stream.write_all(after).await.unwrap();
        stream.close().await.unwrap();
    });
    let (conn, _) = listener.accept().await.unwrap();
    (conn, writer)
}

#[runtime::test]
async fn a_ten_megabyte_line_overruns_with_bounded_memory_and_the_next_line_survives() {
    let (conn, writer) = peer_sending_a_huge_line(b"hello\n", b"next line\n").await;
    let mut reader = BufReader::new(conn);
    let mut line = String::new();

    reader
        .read_line_limited(&mut line, DEFAULT_LIMIT)
        .await
        .unwrap();
    assert_eq!(line, "hello\n");
    let before = line.clone();

    let err = reader
        .read_line_limited(&mut line, DEFAULT_LIMIT)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    let overrun = *LimitOverrun::from_io(&err).expect("a LimitOverrun inside the io::Error");
    assert_eq!(overrun.limit(), DEFAULT_LIMIT);
    assert!(overrun.consumed() <= DEFAULT_LIMIT, "{overrun:?}");
    assert_eq!(line, before, "the caller's string is as it was");
    assert!(
        line.capacity() <= DEFAULT_LIMIT + before.len() + READ_BUF,
        "the line buffer grew to {} bytes for a limit of {DEFAULT_LIMIT}",
        line.capacity()
    );
    assert!(reader.buffer().len() <= READ_BUF);

    // The rest of the long line, dropped without buffering it.
    let skipped = reader.skip_until(b'\n').await.unwrap();
    assert_eq!(overrun.consumed() + skipped, HUGE + 1);

    line.clear();
    reader
        .read_line_limited(&mut line, DEFAULT_LIMIT)
        .await
        .unwrap();
    assert_eq!(line, "next line\n");
    line.clear();
    assert_eq!(
        reader
            .read_line_limited(&mut line, DEFAULT_LIMIT)
            .await
            .unwrap(),
        0
    );
    writer.await.unwrap();
}

#[runtime::test]
async fn read_until_limited_leaves_the_buffer_untouched_on_overrun() {
    let (conn, writer) = peer_sending_a_huge_line(b"", b"tail\n").await;
    let mut reader = BufReader::new(conn);
    let mut buf = b"kept".to_vec();
    let err = reader
        .read_until_limited(b'\n', &mut buf, 1000)
        .await
        .unwrap_err();
    let overrun = LimitOverrun::from_io(&err).unwrap();
    assert!(overrun.consumed() <= 1000);
    assert_eq!(buf, b"kept");
    assert!(buf.capacity() <= 4 + 1000 + READ_BUF, "{}", buf.capacity());
    reader.skip_until(b'\n').await.unwrap();
    buf.clear();
    reader
        .read_until_limited(b'\n', &mut buf, 1000)
        .await
        .unwrap();
    assert_eq!(buf, b"tail\n");
    writer.await.unwrap();
}

#[runtime::test]
async fn lines_limited_reports_the_long_line_once_then_goes_on() {
    let (conn, writer) = peer_sending_a_huge_line(b"first\r\n", b"last").await;
    let mut lines = BufReader::new(conn).lines_limited(DEFAULT_LIMIT);
    assert_eq!(lines.next().await.unwrap().unwrap(), "first");
    let err = lines.next().await.unwrap().unwrap_err();
    assert!(LimitOverrun::from_io(&err).is_some(), "{err}");
    assert_eq!(lines.next().await.unwrap().unwrap(), "last");
    assert!(lines.next().await.is_none());
    writer.await.unwrap();
}

#[runtime::test]
async fn the_limit_counts_the_delimiter_and_is_exact() {
    // 9 bytes + '\n' = 10: fits a limit of 10, not of 9, whatever the
    // chunking of the reader.
    for capacity in [1, 3, 10, 64] {
        let mut reader = BufReader::with_capacity(capacity, &b"123456789\n123456789\n"[..]);
        let mut buf = Vec::new();
        assert_eq!(
            reader
                .read_until_limited(b'\n', &mut buf, 10)
                .await
                .unwrap(),
            10
        );
        buf.clear();
        let err = reader
            .read_until_limited(b'\n', &mut buf, 9)
            .await
            .unwrap_err();
        assert!(LimitOverrun::from_io(&err).is_some());
        assert!(buf.is_empty());
        // Nothing past the limit was consumed: the delimiter is still there.
        let rest = reader.skip_until(b'\n').await.unwrap();
        let consumed = LimitOverrun::from_io(&err).unwrap().consumed();
        assert_eq!(consumed + rest, 10, "capacity {capacity}");
    }
}

#[runtime::test]
async fn an_unfinished_last_line_within_the_limit_is_returned() {
    let mut line = String::new();
    let n = (&b"no newline"[..])
        .read_line_limited(&mut line, 64)
        .await
        .unwrap();
    assert_eq!((n, line.as_str()), (10, "no newline"));
}

#[runtime::test]
async fn invalid_utf8_is_an_error_and_leaves_the_string_as_it_was() {
    let mut line = String::from("before");
    let err = (&b"\xff\xfe\n"[..])
        .read_line_limited(&mut line, 64)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    assert!(LimitOverrun::from_io(&err).is_none());
    assert_eq!(line, "before");
}

#[runtime::test]
async fn a_cancelled_read_line_limited_gives_the_string_back() {
    let (mut peer, ours) = runtime::net::UnixStream::pair().unwrap();
    peer.write_all(b"partial, no newline yet").await.unwrap();
    let mut reader = BufReader::new(ours);
    let mut line = String::from("kept");
    {
        let mut read = reader.read_line_limited(&mut line, 1024);
        // Reads the partial line, then waits for the rest: cancel it there.
        assert!(futures_lite::future::poll_once(&mut read).await.is_none());
    }
    assert_eq!(line, "kept");
}

#[test]
#[should_panic(expected = "a line limit of 0 bytes")]
fn a_zero_limit_is_refused_with_a_message() {
    let _ = (&b""[..]).lines_limited(0);
}

#[runtime::test]
async fn the_unbounded_lines_still_work_for_trusted_input() {
    let mut lines = (&b"a\nb\n"[..]).lines();
    assert_eq!(lines.next().await.unwrap().unwrap(), "a");
}
