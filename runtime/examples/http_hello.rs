//! A minimal HTTP/1.1 keep-alive "Hello, world!" server: asyncio's
//! `asyncio.start_server` with a handler that loops over requests.
//!
//! ```sh
//! cargo run --release --example http_hello -- 127.0.0.1:8080
//! curl http://127.0.0.1:8080/
//! wrk -t2 -c100 -d10s --latency http://127.0.0.1:8080/
//! ```
//!
//! Every request gets the same 13-byte body. Requests are parsed only as
//! far as their end (`\r\n\r\n`): enough for `GET`s from wrk, curl or a
//! browser, pipelined or not. Ctrl-C stops the server (`signal::ctrl_c`);
//! returning from `main` cancels the connection tasks, as `asyncio.run`
//! does. Its twin on tokio, for comparison, is
//! `benches/src/bin/http_hello_tokio.rs`.

use runtime::io::{AsyncReadExt, AsyncWriteExt};
use runtime::net::{TcpListener, TcpStream};

const RESPONSE: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world!";

/// Serves one connection until the client closes it.
async fn serve(mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buf = vec![0u8; 8192];
    let mut filled = 0;
    let mut out = Vec::with_capacity(RESPONSE.len() * 4);
    loop {
        if filled == buf.len() {
            return Ok(()); // a request head over 8 KiB: not for this server
        }
        let n = stream.read(&mut buf[filled..]).await?;
        if n == 0 {
            return Ok(());
        }
        filled += n;
        // Answer every complete request in the buffer, in one write.
        let mut start = 0;
        while let Some(end) = find_head_end(&buf[start..filled]) {
            out.extend_from_slice(RESPONSE);
            start += end;
        }
        if !out.is_empty() {
            stream.write_all(&out).await?;
            out.clear();
        }
        buf.copy_within(start..filled, 0);
        filled -= start;
    }
}

/// The length of the first request head (through `\r\n\r\n`), if complete.
fn find_head_end(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
}

fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".to_string());
    runtime::run(async move {
        let listener = TcpListener::bind(&addr).await?;
        println!("listening on http://{}", listener.local_addr()?);
        let ctrl_c = runtime::signal::ctrl_c();
        let server = runtime::spawn(async move {
            loop {
                match listener.accept().await {
                    Ok((stream, _)) => {
                        runtime::spawn(async move {
                            let _ = serve(stream).await;
                        });
                    }
                    Err(err) => eprintln!("accept failed: {err}"),
                }
            }
        });
        ctrl_c.await?;
        println!("Ctrl-C: shutting down");
        server.abort();
        Ok(())
    })
}
