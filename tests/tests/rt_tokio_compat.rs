//! The recipe for crates hard-wired to tokio's runtime (the docs of
//! `Builder::on_thread_start`): a tokio runtime beside ours, its handle
//! entered on each of our threads by the hooks. reqwest (no TLS) fetches
//! from a local HTTP server running on *our* runtime, from inside our
//! tasks; `tokio::time::sleep` works in our tasks; without the recipe the
//! same code panics with tokio's "no reactor" message.
#![cfg(not(miri))]

use runtime::io::{AsyncReadExt, AsyncWriteExt};
use runtime::net::TcpListener;
use std::cell::RefCell;
use std::net::SocketAddr;
use std::time::Duration;

thread_local! {
    /// Keeps tokio's handle entered on one of our threads.
    static TOKIO: RefCell<Option<tokio::runtime::EnterGuard<'static>>> =
        const { RefCell::new(None) };
}

/// The recipe: a one-thread tokio runtime, and our runtime (of `workers`
/// workers, or current_thread for `None`) whose threads enter its handle.
/// The caller enters the handle on its own thread (the one that calls
/// `block_on`) with the returned guard's source.
fn recipe(workers: Option<usize>) -> (tokio::runtime::Runtime, runtime::Runtime) {
    let tokio_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let handle: &'static tokio::runtime::Handle = Box::leak(Box::new(tokio_rt.handle().clone()));
    let mut builder = match workers {
        Some(n) => {
            let mut b = runtime::Builder::multi_thread();
            b.worker_threads(n);
            b
        }
        None => runtime::Builder::current_thread(),
    };
    let rt = builder
        .on_thread_start(move || TOKIO.with(|g| *g.borrow_mut() = Some(handle.enter())))
        .on_thread_stop(|| TOKIO.with(|g| drop(g.borrow_mut().take())))
        .build()
        .unwrap();
    (tokio_rt, rt)
}

/// An HTTP/1.1 server written by hand on our runtime: answers every
/// request with its path in the body, then closes the connection.
async fn http_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    runtime::spawn(async move {
        loop {
            let (mut conn, _) = listener.accept().await.unwrap();
            runtime::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    let n = conn.read(&mut buf).await.unwrap();
                    assert!(n > 0, "client closed before the end of its request");
                    request.extend_from_slice(&buf[..n]);
                }
                let request = String::from_utf8(request).unwrap();
                let path = request.split_whitespace().nth(1).unwrap().to_string();
                let body = format!("you asked for {path}");
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n{body}",
                    body.len()
                );
                conn.write_all(response.as_bytes()).await.unwrap();
            });
        }
    });
    addr
}

#[test]
fn reqwest_fetches_from_inside_our_tasks() {
    let (tokio_rt, rt) = recipe(Some(2));
    let _tokio = tokio_rt.enter(); // the block_on thread
    rt.block_on(async {
        let addr = http_server().await;
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let fetches: Vec<_> = (0..10)
            .map(|i| {
                let client = client.clone();
                runtime::spawn(async move {
                    let response = client
                        .get(format!("http://{addr}/page/{i}"))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(response.status(), 200);
                    response.text().await.unwrap()
                })
            })
            .collect();
        let bodies: Vec<String> = runtime::task::gather(fetches)
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        for (i, body) in bodies.iter().enumerate() {
            assert_eq!(*body, format!("you asked for /page/{i}"));
        }
    });
}

#[test]
fn reqwest_with_a_timeout_on_a_current_thread_runtime() {
    let (tokio_rt, rt) = recipe(None);
    let _tokio = tokio_rt.enter(); // a current_thread runtime polls on this thread
    rt.block_on(async {
        let addr = http_server().await;
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(60)) // a tokio::time timer inside reqwest
            .build()
            .unwrap();
        let body = client
            .get(format!("http://{addr}/hello"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(body, "you asked for /hello");
    });
}

#[test]
fn tokio_sleep_inside_our_task() {
    let (tokio_rt, rt) = recipe(Some(2));
    let _tokio = tokio_rt.enter();
    let slept = rt.block_on(async {
        runtime::spawn(async {
            let start = std::time::Instant::now();
            tokio::time::sleep(Duration::from_millis(5)).await;
            start.elapsed()
        })
        .await
        .unwrap()
    });
    // Never early (tokio's timer, driven by tokio's thread).
    assert!(slept >= Duration::from_millis(5), "{slept:?}");
}

#[test]
fn without_the_recipe_tokio_bound_code_panics_with_tokios_message() {
    let rt = tests::multi(1);
    let err = rt
        .block_on(rt.spawn(async {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }))
        .unwrap_err();
    let message = tests::panic_message(&*err.into_panic());
    assert!(
        message.contains("no reactor running"),
        "unexpected panic: {message}"
    );
}
