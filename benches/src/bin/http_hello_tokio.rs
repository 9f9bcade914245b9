//! The tokio twin of `runtime/examples/http_hello.rs`, for the wrk
//! comparison in BENCHMARKS.md: the same parsing, buffers and writes, on
//! tokio's multi-thread runtime with one worker per core.
//!
//! `cargo run --release -p benches --bin http_hello_tokio -- 127.0.0.1:8081`

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const RESPONSE: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world!";

async fn serve(mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buf = vec![0u8; 8192];
    let mut filled = 0;
    let mut out = Vec::with_capacity(RESPONSE.len() * 4);
    loop {
        if filled == buf.len() {
            return Ok(());
        }
        let n = stream.read(&mut buf[filled..]).await?;
        if n == 0 {
            return Ok(());
        }
        filled += n;
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

fn find_head_end(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
}

fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8081".to_string());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(benches::workers())
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = TcpListener::bind(&addr).await?;
        println!("listening on http://{}", listener.local_addr()?);
        let server = tokio::spawn(async move {
            loop {
                match listener.accept().await {
                    Ok((stream, _)) => {
                        tokio::spawn(async move {
                            let _ = serve(stream).await;
                        });
                    }
                    Err(err) => eprintln!("accept failed: {err}"),
                }
            }
        });
        tokio::signal::ctrl_c().await?;
        println!("Ctrl-C: shutting down");
        server.abort();
        Ok(())
    })
}
