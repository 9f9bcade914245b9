//! The I/O reactor: one `polling::Poller` per runtime.
//!
//! # Registration and keys
//!
//! A source (socket, pipe) is registered once, when it is created, with
//! interest in both reading and writing, and stays registered until it is
//! dropped. Its key is `generation << 32 | slot`: the slot indexes a
//! registry of [`ScheduledIo`] (readiness + wakers), and the generation is
//! bumped each time the slot is freed. An event that was already dequeued
//! when its source was dropped and its slot reused carries the old
//! generation and is ignored, so it can never wake the wrong task.
//!
//! # Why edge-triggered
//!
//! `polling` offers oneshot, level and edge modes. Oneshot disarms a source
//! after each event, so every wait costs an extra `epoll_ctl` to re-arm it;
//! level-triggered reports a readable socket on *every* `epoll_wait` until
//! someone drains it, which wakes the driver again and again while a task is
//! still busy with the data. Edge-triggered reports each transition once and
//! needs no re-arming: one `epoll_ctl` per source for its whole life, and a
//! wait returns only for news. The price is that an edge must never be lost:
//! readiness is remembered in `ScheduledIo` until an operation actually gets
//! `WouldBlock`, and clearing it is conditional on no newer edge having
//! arrived (the tick, see `scheduled_io.rs`).
//!
//! # Who waits
//!
//! The thread that owns the `Driver` blocks in `Poller::wait` (see
//! `driver/mod.rs`); events are turned into readiness bits and wakes after
//! the registry lock is released. A waker that panics is caught there, the
//! others are still woken, and the driver goes on (`scheduled_io.rs`, "A
//! waker that panics"). Deregistration happens in `Drop`, before the file
//! descriptor is closed (see `PollEvented`).

mod poll_evented;
mod registration;
mod scheduled_io;

pub(crate) use poll_evented::PollEvented;
pub(crate) use registration::Registration;
pub(crate) use scheduled_io::Direction;

use crate::loom::{AtomicU64, AtomicUsize, Mutex, Ordering};
use polling::{Event, Events, PollMode, Poller};
use scheduled_io::{ERROR, READ_CLOSED, READABLE, ScheduledIo, WRITABLE, WRITE_CLOSED};
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::sync::Arc;
use std::time::Duration;

/// The blocking half, owned by whoever parks in it.
pub(crate) struct Driver {
    events: Events,
    /// Readiness found in the last wait, handed out after the registry lock
    /// is released. Kept to reuse its allocation.
    dispatch: Vec<(Arc<ScheduledIo>, usize)>,
}

/// The shared half.
pub(crate) struct Handle {
    poller: Poller,
    registry: Mutex<Registry>,
    /// Live registrations: a busy worker skips the non-blocking poll (four
    /// syscalls in `polling`) when there are none.
    registered: AtomicUsize,
    /// Readiness events dispatched, for metrics.
    events: AtomicU64,
}

#[derive(Default)]
struct Registry {
    slots: Vec<Slot>,
    free: Vec<u32>,
    is_shutdown: bool,
}

struct Slot {
    generation: u32,
    io: Option<Arc<ScheduledIo>>,
}

/// The `polling` key of a registration.
fn key(slot: u32, generation: u32) -> usize {
    ((generation as usize) << 32) | slot as usize
}

/// The generation wraps below 2^31 so no key ever equals `polling`'s
/// reserved notification key (`usize::MAX`).
const GENERATION_MASK: u32 = (1 << 31) - 1;

pub(crate) fn shutdown_error() -> io::Error {
    io::Error::other("the runtime that owns this I/O resource has shut down")
}

impl Driver {
    pub(crate) fn new() -> io::Result<(Driver, Handle)> {
        let poller = Poller::new()?;
        let driver = Driver {
            events: Events::new(),
            dispatch: Vec::new(),
        };
        let handle = Handle {
            poller,
            registry: Mutex::new(Registry::default()),
            registered: AtomicUsize::new(0),
            events: AtomicU64::new(0),
        };
        Ok((driver, handle))
    }

    /// Blocks until an event, a wake-up, or the timeout; dispatches what
    /// arrived. Returns the number of readiness events dispatched.
    pub(crate) fn park(&mut self, handle: &Handle, timeout: Option<Duration>) -> usize {
        self.events.clear();
        match handle.poller.wait(&mut self.events, timeout) {
            Ok(_) => {}
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            // epoll_wait only fails on a bad fd or a bad buffer, i.e. a bug
            // in this crate or in polling.
            Err(err) => panic!("the runtime's I/O driver failed to poll: {err}"),
        }
        if self.events.is_empty() {
            return 0;
        }
        {
            let registry = handle.registry.lock();
            for event in self.events.iter() {
                let slot = event.key & 0xffff_ffff;
                let generation = (event.key >> 32) as u32;
                let Some(Slot {
                    generation: current,
                    io: Some(io),
                }) = registry.slots.get(slot)
                else {
                    continue;
                };
                if *current != generation {
                    continue; // the source was dropped and the slot reused
                }
                self.dispatch.push((io.clone(), readiness_bits(&event)));
            }
        }
        let n = self.dispatch.len();
        for (io, bits) in self.dispatch.drain(..) {
            io.set_readiness(bits);
        }
        handle.events.fetch_add(n as u64, Ordering::Relaxed);
        n
    }
}

fn readiness_bits(event: &Event) -> usize {
    let mut bits = 0;
    if event.readable {
        bits |= READABLE;
    }
    if event.writable {
        bits |= WRITABLE;
    }
    if event.is_interrupt() {
        // EPOLLHUP: both directions are done.
        bits |= READ_CLOSED | WRITE_CLOSED;
    }
    if event.is_err() == Some(true) {
        bits |= ERROR;
    }
    bits
}

impl Handle {
    /// Registers `fd` for readiness in both directions, edge-triggered.
    ///
    /// The caller must call [`deregister`](Self::deregister) before closing
    /// the descriptor (`PollEvented` does, in `Drop`).
    pub(crate) fn register(&self, fd: BorrowedFd<'_>) -> io::Result<(usize, Arc<ScheduledIo>)> {
        let mut registry = self.registry.lock();
        if registry.is_shutdown {
            return Err(shutdown_error());
        }
        let io = Arc::new(ScheduledIo::new());
        let slot = match registry.free.pop() {
            Some(slot) => slot,
            None => {
                let slot = u32::try_from(registry.slots.len())
                    .map_err(|_| io::Error::other("too many I/O sources registered"))?;
                registry.slots.push(Slot {
                    generation: 0,
                    io: None,
                });
                slot
            }
        };
        let generation = registry.slots[slot as usize].generation;
        let key = key(slot, generation);
        // SAFETY: `PollEvented` (the only caller) deregisters the source in
        // its `Drop`, before the descriptor it owns is closed.
        let added = unsafe {
            self.poller
                .add_with_mode(fd.as_raw_fd(), Event::all(key), PollMode::Edge)
        };
        if let Err(err) = added {
            registry.free.push(slot);
            return Err(err);
        }
        registry.slots[slot as usize].io = Some(io.clone());
        self.registered.fetch_add(1, Ordering::Relaxed);
        Ok((key, io))
    }

    /// Removes a registration; the descriptor must still be open.
    pub(crate) fn deregister(&self, fd: BorrowedFd<'_>, key: usize) -> io::Result<()> {
        let deleted = self.poller.delete(fd);
        let mut registry = self.registry.lock();
        let slot = key & 0xffff_ffff;
        if let Some(entry) = registry.slots.get_mut(slot) {
            if entry.io.is_some() && entry.generation == (key >> 32) as u32 {
                entry.io = None;
                entry.generation = entry.generation.wrapping_add(1) & GENERATION_MASK;
                registry.free.push(slot as u32);
                self.registered.fetch_sub(1, Ordering::Relaxed);
            }
        }
        // After shutdown the poller may be gone already; nothing to undo.
        if registry.is_shutdown {
            Ok(())
        } else {
            deleted
        }
    }

    /// True when some source is registered.
    pub(crate) fn has_sources(&self) -> bool {
        self.registered.load(Ordering::Relaxed) > 0
    }

    /// Wakes the thread blocked in `Driver::park`.
    pub(crate) fn unpark(&self) {
        // `notify` only fails if the eventfd write fails, which cannot
        // happen for a counter this far from overflow.
        let _ = self.poller.notify();
    }

    /// Readiness events dispatched so far.
    #[allow(dead_code)] // for `RuntimeMetrics`, which does not report it yet
    pub(crate) fn events_dispatched(&self) -> u64 {
        self.events.load(Ordering::Relaxed)
    }

    /// The runtime shuts down: every pending and future operation on a
    /// registered source fails with an error saying so.
    pub(crate) fn shutdown(&self) {
        let ios: Vec<Arc<ScheduledIo>> = {
            let mut registry = self.registry.lock();
            registry.is_shutdown = true;
            registry.slots.iter().filter_map(|s| s.io.clone()).collect()
        };
        for io in ios {
            io.shutdown();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Direction, PollEvented};
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};

    async fn accept(listener: &PollEvented<TcpListener>) -> TcpStream {
        let (stream, _) = listener
            .async_io(Direction::Read, |l| l.accept())
            .await
            .unwrap();
        stream.set_nonblocking(true).unwrap();
        stream
    }

    #[test]
    fn echo_through_the_reactor() {
        for rt in [
            crate::Builder::current_thread().build().unwrap(),
            crate::Builder::multi_thread()
                .worker_threads(2)
                .build()
                .unwrap(),
        ] {
            rt.block_on(async {
                let std_listener = TcpListener::bind("127.0.0.1:0").unwrap();
                std_listener.set_nonblocking(true).unwrap();
                let addr = std_listener.local_addr().unwrap();
                let listener = crate::net::register(std_listener).unwrap();
                let server = crate::spawn(async move {
                    let stream = crate::net::register(accept(&listener).await).unwrap();
                    let mut buf = [0u8; 1024];
                    loop {
                        let n = std::future::poll_fn(|cx| stream.poll_read(cx, &mut buf))
                            .await
                            .unwrap();
                        if n == 0 {
                            return;
                        }
                        let mut written = 0;
                        while written < n {
                            written +=
                                std::future::poll_fn(|cx| stream.poll_write(cx, &buf[written..n]))
                                    .await
                                    .unwrap();
                        }
                    }
                });
                let client = crate::spawn_blocking(move || {
                    let mut c = std::net::TcpStream::connect(addr).unwrap();
                    for i in 0..100u32 {
                        let msg = i.to_le_bytes();
                        c.write_all(&msg).unwrap();
                        let mut back = [0u8; 4];
                        c.read_exact(&mut back).unwrap();
                        assert_eq!(back, msg);
                    }
                });
                client.await.unwrap();
                server.await.unwrap();
            });
        }
    }

    /// Data and the peer's FIN can arrive in one edge; a read that returns
    /// the data (short of the buffer) must still leave the end of stream
    /// visible to the next read.
    #[test]
    fn data_and_fin_in_one_edge_both_reach_the_reader() {
        let rt = crate::Builder::current_thread().build().unwrap();
        rt.block_on(async {
            let std_listener = TcpListener::bind("127.0.0.1:0").unwrap();
            std_listener.set_nonblocking(true).unwrap();
            let addr = std_listener.local_addr().unwrap();
            let listener = crate::net::register(std_listener).unwrap();
            let mut client = TcpStream::connect(addr).unwrap();
            let stream = crate::net::register(accept(&listener).await).unwrap();
            client.write_all(b"last words").unwrap();
            client.shutdown(std::net::Shutdown::Write).unwrap();
            // Let both reach the socket before the reader first looks.
            while stream.get_ref().peek(&mut [0u8; 16]).map_or(0, |n| n) < 10 {
                std::thread::yield_now();
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
            let mut buf = [0u8; 64];
            let n = std::future::poll_fn(|cx| stream.poll_read(cx, &mut buf))
                .await
                .unwrap();
            assert_eq!(&buf[..n], b"last words");
            let n = std::future::poll_fn(|cx| stream.poll_read(cx, &mut buf))
                .await
                .unwrap();
            assert_eq!(n, 0);
        });
    }

    #[test]
    fn pending_io_fails_when_the_runtime_shuts_down() {
        let rt = crate::Builder::multi_thread()
            .worker_threads(1)
            .build()
            .unwrap();
        let std_listener = TcpListener::bind("127.0.0.1:0").unwrap();
        std_listener.set_nonblocking(true).unwrap();
        let listener = {
            let _enter = rt.enter();
            crate::net::register(std_listener).unwrap()
        };
        let waiting = rt.spawn(async move {
            listener
                .async_io(Direction::Read, |l| l.accept())
                .await
                .map(|_| ())
        });
        rt.block_on(async {
            for _ in 0..10 {
                crate::yield_now().await;
            }
        });
        drop(rt);
        // The task was cancelled at shutdown, and its listener deregistered.
        let other = crate::Builder::current_thread().build().unwrap();
        assert!(other.block_on(waiting).unwrap_err().is_cancelled());
    }

    /// Regression: a cancelled operation's waker stayed in the source's
    /// waiter list until the next edge (which may never come), keeping its
    /// task alive. Dropping the future must release it at once.
    #[test]
    fn a_dropped_io_future_releases_its_waker() {
        use std::future::Future;
        use std::sync::Arc;
        use std::task::{Context, Wake, Waker};

        struct Noop;
        impl Wake for Noop {
            fn wake(self: Arc<Self>) {}
        }

        let rt = crate::Builder::current_thread().build().unwrap();
        let _enter = rt.enter();
        let std_listener = TcpListener::bind("127.0.0.1:0").unwrap();
        std_listener.set_nonblocking(true).unwrap();
        let listener = crate::net::register(std_listener).unwrap();
        let task = Arc::new(Noop);
        let waker = Waker::from(task.clone());
        let mut accept = Box::pin(listener.async_io(Direction::Read, |l| l.accept()));
        assert!(
            accept
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_pending()
        );
        drop(waker);
        assert_eq!(Arc::strong_count(&task), 2, "registered while pending");
        drop(accept);
        assert_eq!(
            Arc::strong_count(&task),
            1,
            "the cancelled accept left its waker in the reactor"
        );
    }

    #[test]
    fn registering_outside_a_runtime_is_an_error() {
        let std_listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let err = crate::net::register(std_listener).unwrap_err();
        assert!(err.to_string().contains("outside of a runtime"), "{err}");
    }
}
