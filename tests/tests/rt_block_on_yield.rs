//! A `block_on` future that keeps yielding (asyncio's `while not done:
//! await asyncio.sleep(0)`) must not starve I/O and timers on a
//! current_thread runtime: asyncio checks for I/O on every turn of its
//! loop, and so must the loop that drives the main future.
//!
//! Each test polls for a bounded number of turns (or a bounded time)
//! instead of forever, so a regression fails instead of hanging.

use runtime::io::{AsyncReadExt, AsyncWriteExt};
use runtime::net::UnixStream;
use runtime::time::sleep;
use std::time::{Duration, Instant};
use tests::current;

#[test]
fn io_completes_while_the_main_future_yields() {
    current().block_on(async {
        let (mut a, mut b) = UnixStream::pair().unwrap();
        let reader = runtime::spawn(async move {
            let mut byte = [0u8; 1];
            b.read_exact(&mut byte).await.unwrap();
            byte[0]
        });
        runtime::yield_now().await; // the reader starts and waits for I/O
        a.write_all(b"x").await.unwrap();
        for _ in 0..100_000 {
            if reader.is_finished() {
                break;
            }
            runtime::yield_now().await;
        }
        assert!(reader.is_finished(), "the reader never saw its byte");
        assert_eq!(reader.await.unwrap(), b'x');
    });
}

#[test]
fn timers_fire_while_the_main_future_yields() {
    current().block_on(async {
        let timer = runtime::spawn(sleep(Duration::from_millis(1)));
        let start = Instant::now();
        while !timer.is_finished() && start.elapsed() < Duration::from_secs(5) {
            runtime::yield_now().await;
        }
        assert!(timer.is_finished(), "a 1 ms timer did not fire in 5 s");
    });
}
