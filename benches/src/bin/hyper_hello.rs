//! hyper's hello-world served by `runtime::hyper::serve` (`ours`) or by the
//! same hyper service on tokio (`tokio`): hyper-util's auto (HTTP/1 +
//! HTTP/2) connection per accepted socket, `TCP_NODELAY` on, one task per
//! connection, the runtime's default worker count (one per core). For the
//! wrk comparison in BENCHMARKS.md.
//!
//! ```sh
//! cargo run --release -p benches --bin hyper_hello -- ours 127.0.0.1:8080
//! cargo run --release -p benches --bin hyper_hello -- tokio 127.0.0.1:8081
//! wrk -t2 -c64 -d10s http://127.0.0.1:8080/
//! ```

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use std::convert::Infallible;

/// The service both servers run.
async fn hello(_: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    Ok(Response::new(Full::new(Bytes::from_static(
        b"Hello, world!",
    ))))
}

fn ours(addr: String) -> std::io::Result<()> {
    runtime::run(async move {
        let listener = runtime::net::TcpListener::bind(&addr).await?;
        println!("ours: listening on http://{}", listener.local_addr()?);
        runtime::hyper::serve(listener, hyper::service::service_fn(hello)).await
    })
}

fn tokio(addr: String) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use std::sync::Arc;

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&addr).await?;
        println!("tokio: listening on http://{}", listener.local_addr()?);
        let mut builder = Builder::new(TokioExecutor::new());
        builder.http1().timer(TokioTimer::new()).keep_alive(true);
        builder.http2().timer(TokioTimer::new());
        let builder = Arc::new(builder);
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let builder = builder.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(hello);
                let _ = builder
                    .serve_connection_with_upgrades(TokioIo::new(stream), service)
                    .await;
            });
        }
    })
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_default();
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:8080".into());
    match which.as_str() {
        "ours" => ours(addr),
        "tokio" => tokio(addr),
        _ => {
            eprintln!("usage: hyper_hello ours|tokio [ADDR]");
            std::process::exit(2);
        }
    }
}
