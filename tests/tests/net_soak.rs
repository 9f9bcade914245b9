//! 100,000 connect/close cycles leave the process's descriptors and memory
//! flat. Alone in its binary: both are measured process-wide.
#![cfg(not(miri))]

use runtime::io::AsyncReadExt;
use runtime::net::{TcpListener, TcpStream};
use tests::{multi, open_fds, rss_bytes};

/// 100,000 connect/close cycles: descriptors and memory stay flat.
#[test]
fn connect_close_cycles_leave_fds_and_memory_flat() {
    const CYCLES: usize = 100_000;
    const PARALLEL: usize = 50;
    let rt = multi(2);
    let cycle_batch = |n: usize| {
        rt.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            // The server closes first, so TIME_WAIT stays on its side and
            // the client's ephemeral ports are free again at once.
            let server = runtime::spawn(async move {
                for _ in 0..n {
                    drop(listener.accept().await.unwrap());
                }
            });
            let clients: Vec<_> = (0..PARALLEL)
                .map(|i| {
                    let count = n / PARALLEL + usize::from(i < n % PARALLEL);
                    runtime::spawn(async move {
                        for _ in 0..count {
                            let mut s = TcpStream::connect(addr).await.unwrap();
                            let mut buf = [0u8; 1];
                            // EOF (or a reset, if our SYN raced the close).
                            let _ = s.read(&mut buf).await;
                        }
                    })
                })
                .collect();
            for c in clients {
                c.await.unwrap();
            }
            server.await.unwrap();
        });
    };
    // Warm up: thread stacks, the reactor's slot table, allocator pools.
    cycle_batch(5_000);
    let fds_before = open_fds();
    let rss_before = rss_bytes();
    for _ in 0..(CYCLES / 5_000 - 1) {
        cycle_batch(5_000);
    }
    let fds_after = open_fds();
    let rss_after = rss_bytes();
    assert_eq!(fds_after, fds_before, "descriptors leaked");
    // Flat: bounded by what the warm-up reached, plus allocator noise,
    // far below what 95,000 leaked connections would cost.
    assert!(
        rss_after <= rss_before + 16 * 1024 * 1024,
        "RSS grew from {rss_before} to {rss_after} bytes"
    );
}
