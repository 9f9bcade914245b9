//! The workloads on tokio, with `tokio::sync` and `tokio::net`.

use super::*;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use tokio::sync::{Mutex, Notify, Semaphore, mpsc, oneshot};

fn build(workers: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .expect("cannot build the tokio runtime")
}

/// Runs `root` as a task on a worker, waits for it from `block_on`, and
/// returns the wall time of the whole thing.
fn timed_root<F>(rt: &tokio::runtime::Runtime, root: F) -> Duration
where
    F: Future<Output = ()> + Send + 'static,
{
    let start = Instant::now();
    rt.block_on(rt.spawn(root)).expect("root task failed");
    start.elapsed()
}

pub fn run(workload: &str, workers: usize, size: Option<usize>) -> Outcome {
    let rt = build(workers);
    rt.block_on(async {}); // workers started before anything is timed
    let t = match workload {
        "spawn_many" => {
            let n = size.unwrap_or(SPAWN_MANY);
            timed_root(&rt, async move {
                let hs: Vec<_> = (0..n).map(|_| tokio::spawn(async {})).collect();
                for h in hs {
                    h.await.unwrap();
                }
            })
        }
        "spawn_remote" => {
            let left = Arc::new(AtomicUsize::new(SPAWN_MANY));
            let done = Arc::new(Notify::new());
            let start = Instant::now();
            let root = rt.spawn({
                let done = done.clone();
                async move { done.notified().await }
            });
            for _ in 0..SPAWN_MANY {
                let (left, done) = (left.clone(), done.clone());
                drop(rt.spawn(async move {
                    if left.fetch_sub(1, Ordering::AcqRel) == 1 {
                        done.notify_one();
                    }
                }));
            }
            rt.block_on(root).unwrap();
            start.elapsed()
        }
        "yield_many" => timed_root(&rt, async {
            let hs: Vec<_> = (0..YIELD_TASKS)
                .map(|_| {
                    tokio::spawn(async {
                        for _ in 0..YIELDS {
                            tokio::task::yield_now().await;
                        }
                    })
                })
                .collect();
            for h in hs {
                h.await.unwrap();
            }
        }),
        "ping_pong" => timed_root(&rt, async {
            let mut hs = Vec::with_capacity(2 * PAIRS);
            for _ in 0..PAIRS {
                let (there_tx, mut there_rx) = mpsc::channel(1);
                let (back_tx, mut back_rx) = mpsc::channel(1);
                hs.push(tokio::spawn(async move {
                    for _ in 0..ROUND_TRIPS {
                        there_tx.send(()).await.unwrap();
                        back_rx.recv().await.unwrap();
                    }
                }));
                hs.push(tokio::spawn(async move {
                    for _ in 0..ROUND_TRIPS {
                        there_rx.recv().await.unwrap();
                        back_tx.send(()).await.unwrap();
                    }
                }));
            }
            for h in hs {
                h.await.unwrap();
            }
        }),
        "chained_spawn" => {
            fn chain(left: usize, done: oneshot::Sender<()>) {
                if left == 0 {
                    let _ = done.send(());
                } else {
                    drop(tokio::spawn(async move { chain(left - 1, done) }));
                }
            }
            timed_root(&rt, async {
                let (done, finished) = oneshot::channel();
                chain(CHAIN_DEPTH, done);
                finished.await.unwrap();
            })
        }
        "timers" => {
            let offsets = timer_offsets();
            timed_root(&rt, async move {
                let start = tokio::time::Instant::now();
                let hs: Vec<_> = offsets
                    .into_iter()
                    .map(|d| tokio::spawn(tokio::time::sleep_until(start + d)))
                    .collect();
                for h in hs {
                    h.await.unwrap();
                }
            })
        }
        "lock" => timed_root(&rt, async {
            let lock = Arc::new(Mutex::new(0usize));
            let hs: Vec<_> = (0..LOCK_TASKS)
                .map(|_| {
                    let lock = lock.clone();
                    tokio::spawn(async move {
                        for _ in 0..LOCK_OPS {
                            *lock.lock().await += 1;
                        }
                    })
                })
                .collect();
            for h in hs {
                h.await.unwrap();
            }
            assert_eq!(*lock.lock().await, LOCK_TASKS * LOCK_OPS);
        }),
        "semaphore" => timed_root(&rt, async {
            let sem = Arc::new(Semaphore::new(SEM_PERMITS));
            let hs: Vec<_> = (0..SEM_TASKS)
                .map(|_| {
                    let sem = sem.clone();
                    tokio::spawn(async move {
                        for _ in 0..SEM_ROUNDS {
                            let _permit = sem.acquire().await.unwrap();
                            tokio::task::yield_now().await;
                        }
                    })
                })
                .collect();
            for h in hs {
                h.await.unwrap();
            }
        }),
        "queue" => timed_root(&rt, async {
            let (tx, mut rx) = mpsc::channel(QUEUE_CAPACITY);
            let hs: Vec<_> = (0..PRODUCERS)
                .map(|p| {
                    let tx = tx.clone();
                    tokio::spawn(async move {
                        for i in 0..PER_PRODUCER {
                            tx.send((p * PER_PRODUCER + i) as u64).await.unwrap();
                        }
                    })
                })
                .collect();
            drop(tx);
            let mut sum = 0u64;
            for _ in 0..PRODUCERS * PER_PRODUCER {
                sum += rx.recv().await.unwrap();
            }
            assert_eq!(sum, queue_sum());
            for h in hs {
                h.await.unwrap();
            }
        }),
        "tcp_echo" => rt.block_on(rt.spawn(tcp_echo())).unwrap(),
        "idle_memory" => return idle_memory(&rt, size.unwrap_or(SPAWN_MANY)),
        other => unknown(other),
    };
    Outcome::Time(t)
}

/// Connects outside the timed part, times the round trips, closes after.
async fn tcp_echo() -> Duration {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        for _ in 0..CONNS {
            let (mut s, _) = listener.accept().await.unwrap();
            s.set_nodelay(true).unwrap();
            drop(tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                loop {
                    match s.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => {
                            if s.write_all(&buf[..n]).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            }));
        }
    });
    let mut streams = Vec::with_capacity(CONNS);
    for _ in 0..CONNS {
        let s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.set_nodelay(true).unwrap();
        streams.push(s);
    }
    server.await.unwrap();
    let start = Instant::now();
    let hs: Vec<_> = streams
        .into_iter()
        .map(|mut s| {
            tokio::spawn(async move {
                let msg = [7u8; MESSAGE];
                let mut back = [0u8; MESSAGE];
                for _ in 0..ECHO_ROUND_TRIPS {
                    s.write_all(&msg).await.unwrap();
                    s.read_exact(&mut back).await.unwrap();
                }
                s
            })
        })
        .collect();
    let mut streams = Vec::with_capacity(CONNS);
    for h in hs {
        streams.push(h.await.unwrap());
    }
    let t = start.elapsed();
    drop(streams);
    t
}

fn idle_memory(rt: &tokio::runtime::Runtime, n: usize) -> Outcome {
    let polled = Arc::new(AtomicUsize::new(0));
    let before = crate::rss_bytes();
    let hs: Vec<_> = (0..n)
        .map(|_| {
            let polled = polled.clone();
            rt.spawn(async move {
                polled.fetch_add(1, Ordering::Release);
                std::future::pending::<()>().await;
            })
        })
        .collect();
    wait_for_count(&polled, n);
    let after = crate::rss_bytes();
    drop(hs);
    Outcome::BytesPerTask(after.saturating_sub(before) as f64 / n as f64)
}
