//! Helper for `io_stdio.rs`: `runtime::io::{stdin, stdout, stderr}` in a
//! process whose stdio the test pipes.
//!
//! * `stdio_echo lines`: echoes each stdin line to stdout as `echo: LINE`,
//!   counts them on stderr, and at end of input writes `N lines` to stderr
//!   and whether descriptors 0, 1 and 2 are still blocking.
//! * `stdio_echo cancel`: starts reads and drops them (racing a yield),
//!   many times, then copies all of stdin to stdout: nothing may be lost.

use runtime::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use runtime::stream::StreamExt;

fn blocking(fd: i32) -> bool {
    // SAFETY: F_GETFL on a standard descriptor only reads its flags.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    flags >= 0 && flags & libc::O_NONBLOCK == 0
}

async fn lines() {
    let mut out = runtime::io::stdout();
    let mut err = runtime::io::stderr();
    let mut lines = BufReader::new(runtime::io::stdin()).lines();
    let mut n = 0;
    while let Some(line) = lines.next().await {
        n += 1;
        out.write_all(format!("echo: {}\n", line.unwrap()).as_bytes())
            .await
            .unwrap();
    }
    out.flush().await.unwrap();
    let fds = if (0..3).all(blocking) {
        "blocking"
    } else {
        "NON-BLOCKING"
    };
    err.write_all(format!("{n} lines\nfds {fds}\n").as_bytes())
        .await
        .unwrap();
    err.flush().await.unwrap();
}

async fn cancel() {
    let mut stdin = runtime::io::stdin();
    let mut out = runtime::io::stdout();
    // Tell the test we are about to read, so it sends while reads are
    // being started and cancelled.
    out.write_all(b"ready\n").await.unwrap();
    out.flush().await.unwrap();
    for _ in 0..1000 {
        let mut buf = [0u8; 3];
        let read = runtime::select! {
            biased;
            n = stdin.read(&mut buf) => Some(n.unwrap()),
            _ = runtime::yield_now() => None,
        };
        if let Some(n) = read {
            // Completed reads count too: forward what they got.
            out.write_all(&buf[..n]).await.unwrap();
        }
    }
    let mut rest = Vec::new();
    stdin.read_to_end(&mut rest).await.unwrap();
    out.write_all(&rest).await.unwrap();
    out.close().await.unwrap();
}

#[runtime::main]
async fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("lines") => lines().await,
        Some("cancel") => cancel().await,
        other => panic!("usage: stdio_echo lines|cancel (got {other:?})"),
    }
}
