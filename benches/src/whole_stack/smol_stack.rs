//! The workloads on the smol stack: async-executor on N threads, async-io,
//! async-lock, async-channel and async-net.

use super::*;
use crate::Smol;
use async_executor::Executor;
use futures_lite::future::yield_now;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Runs `root` as a task on the executor, waits for it from `block_on`,
/// and returns the wall time of the whole thing.
fn timed_root<F>(smol: &Smol, root: F) -> Duration
where
    F: Future<Output = ()> + Send + 'static,
{
    let start = Instant::now();
    smol.block_on(root);
    start.elapsed()
}

pub fn run(workload: &str, workers: usize, size: Option<usize>) -> Outcome {
    let smol = Smol::with_threads(workers);
    smol.block_on(async {}); // threads started before anything is timed
    let ex: Arc<Executor<'static>> = smol.ex.clone();
    let t = match workload {
        "spawn_many" => {
            let n = size.unwrap_or(SPAWN_MANY);
            timed_root(&smol, async move {
                let hs: Vec<_> = (0..n).map(|_| ex.spawn(async {})).collect();
                for h in hs {
                    h.await;
                }
            })
        }
        "spawn_remote" => {
            let left = Arc::new(AtomicUsize::new(SPAWN_MANY));
            let (done, finished) = async_channel::bounded::<()>(1);
            let start = Instant::now();
            let root = ex.spawn(async move { finished.recv().await.unwrap() });
            for _ in 0..SPAWN_MANY {
                let (left, done) = (left.clone(), done.clone());
                ex.spawn(async move {
                    if left.fetch_sub(1, Ordering::AcqRel) == 1 {
                        done.try_send(()).unwrap();
                    }
                })
                .detach();
            }
            async_io::block_on(root);
            start.elapsed()
        }
        "yield_many" => timed_root(&smol, async move {
            let hs: Vec<_> = (0..YIELD_TASKS)
                .map(|_| {
                    ex.spawn(async {
                        for _ in 0..YIELDS {
                            yield_now().await;
                        }
                    })
                })
                .collect();
            for h in hs {
                h.await;
            }
        }),
        "ping_pong" => timed_root(&smol, async move {
            let mut hs = Vec::with_capacity(2 * PAIRS);
            for _ in 0..PAIRS {
                let (there_tx, there_rx) = async_channel::bounded(1);
                let (back_tx, back_rx) = async_channel::bounded(1);
                hs.push(ex.spawn(async move {
                    for _ in 0..ROUND_TRIPS {
                        there_tx.send(()).await.unwrap();
                        back_rx.recv().await.unwrap();
                    }
                }));
                hs.push(ex.spawn(async move {
                    for _ in 0..ROUND_TRIPS {
                        there_rx.recv().await.unwrap();
                        back_tx.send(()).await.unwrap();
                    }
                }));
            }
            for h in hs {
                h.await;
            }
        }),
        "chained_spawn" => {
            fn chain(ex: Arc<Executor<'static>>, left: usize, done: async_channel::Sender<()>) {
                if left == 0 {
                    done.try_send(()).unwrap();
                } else {
                    let next = ex.clone();
                    ex.spawn(async move { chain(next, left - 1, done) })
                        .detach();
                }
            }
            timed_root(&smol, async move {
                let (done, finished) = async_channel::bounded(1);
                chain(ex, CHAIN_DEPTH, done);
                finished.recv().await.unwrap();
            })
        }
        "timers" => {
            let offsets = timer_offsets();
            timed_root(&smol, async move {
                let start = Instant::now();
                let hs: Vec<_> = offsets
                    .into_iter()
                    .map(|d| {
                        ex.spawn(async move {
                            async_io::Timer::at(start + d).await;
                        })
                    })
                    .collect();
                for h in hs {
                    h.await;
                }
            })
        }
        "lock" => timed_root(&smol, async move {
            let lock = Arc::new(async_lock::Mutex::new(0usize));
            let hs: Vec<_> = (0..LOCK_TASKS)
                .map(|_| {
                    let lock = lock.clone();
                    ex.spawn(async move {
                        for _ in 0..LOCK_OPS {
                            *lock.lock().await += 1;
                        }
                    })
                })
                .collect();
            for h in hs {
                h.await;
            }
            assert_eq!(*lock.lock().await, LOCK_TASKS * LOCK_OPS);
        }),
        "semaphore" => timed_root(&smol, async move {
            let sem = Arc::new(async_lock::Semaphore::new(SEM_PERMITS));
            let hs: Vec<_> = (0..SEM_TASKS)
                .map(|_| {
                    let sem = sem.clone();
                    ex.spawn(async move {
                        for _ in 0..SEM_ROUNDS {
                            let _permit = sem.acquire().await;
                            yield_now().await;
                        }
                    })
                })
                .collect();
            for h in hs {
                h.await;
            }
        }),
        "queue" => timed_root(&smol, async move {
            let (tx, rx) = async_channel::bounded(QUEUE_CAPACITY);
            let hs: Vec<_> = (0..PRODUCERS)
                .map(|p| {
                    let tx = tx.clone();
                    ex.spawn(async move {
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
                h.await;
            }
        }),
        "tcp_echo" => smol.block_on(tcp_echo(ex)),
        "idle_memory" => return idle_memory(&ex, size.unwrap_or(SPAWN_MANY)),
        other => unknown(other),
    };
    Outcome::Time(t)
}

/// Connects outside the timed part, times the round trips, closes after.
async fn tcp_echo(ex: Arc<Executor<'static>>) -> Duration {
    use futures_lite::{AsyncReadExt, AsyncWriteExt};
    let listener = async_net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let server_ex = ex.clone();
    let server = ex.spawn(async move {
        for _ in 0..CONNS {
            let (mut s, _) = listener.accept().await.unwrap();
            s.set_nodelay(true).unwrap();
            server_ex
                .spawn(async move {
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
                })
                .detach();
        }
    });
    let mut streams = Vec::with_capacity(CONNS);
    for _ in 0..CONNS {
        let s = async_net::TcpStream::connect(addr).await.unwrap();
        s.set_nodelay(true).unwrap();
        streams.push(s);
    }
    server.await;
    let start = Instant::now();
    let hs: Vec<_> = streams
        .into_iter()
        .map(|mut s| {
            ex.spawn(async move {
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
        streams.push(h.await);
    }
    let t = start.elapsed();
    drop(streams);
    t
}

fn idle_memory(ex: &Arc<Executor<'static>>, n: usize) -> Outcome {
    let polled = Arc::new(AtomicUsize::new(0));
    let before = crate::rss_bytes();
    let hs: Vec<_> = (0..n)
        .map(|_| {
            let polled = polled.clone();
            ex.spawn(async move {
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
