//! `ScheduledIo`: the readiness of one registered source and the tasks
//! waiting on it.
//!
//! # Readiness word
//!
//! ```text
//!  63 .......... 16 15 ..... 8  7        5          4        3            2           1         0
//! [   (unused)    ][   tick   ][ - ][SHUTDOWN][ ERROR ][WRITE_CLOSED][READ_CLOSED][WRITABLE][READABLE]
//! ```
//!
//! The driver ORs bits in when the OS reports an edge and bumps `tick`. An
//! operation that sees a bit set tries the syscall; if that returns
//! `WouldBlock`, it clears the bit — but only if `tick` is still the one it
//! saw, so an edge that arrived in between (and that the failed syscall may
//! have raced with) is never thrown away. Because sources are registered in
//! edge-triggered mode, the OS reports each new edge exactly once: losing
//! one would hang the task, and the tick rule is what prevents that.
//!
//! # Waiters
//!
//! Each direction has a short list of wakers (usually one: the task reading
//! or the task writing). `&self` sockets such as `UdpSocket` may have
//! several tasks waiting in the same direction; all are woken on an edge and
//! the losers re-register. The driver sets readiness *before* taking the
//! waiter lock, and a poller re-checks readiness *after* registering under
//! that lock, so a wake cannot fall between the two.

use crate::loom::{AtomicUsize, Mutex, Ordering};
use std::task::{Context, Poll, Waker};

pub(crate) const READABLE: usize = 1 << 0;
pub(crate) const WRITABLE: usize = 1 << 1;
pub(crate) const READ_CLOSED: usize = 1 << 2;
pub(crate) const WRITE_CLOSED: usize = 1 << 3;
pub(crate) const ERROR: usize = 1 << 4;
pub(crate) const SHUTDOWN: usize = 1 << 5;
const READINESS_MASK: usize = (1 << 8) - 1;
const TICK_SHIFT: u32 = 8;
const TICK_MASK: usize = 0xff << TICK_SHIFT;

/// A direction of interest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Read,
    Write,
}

impl Direction {
    /// The readiness bits that let an operation in this direction proceed
    /// (to succeed, or to report an error or end of stream).
    fn mask(self) -> usize {
        match self {
            Direction::Read => READABLE | READ_CLOSED | ERROR | SHUTDOWN,
            Direction::Write => WRITABLE | WRITE_CLOSED | ERROR | SHUTDOWN,
        }
    }
}

/// What a readiness poll saw: the bits and the tick to clear them with.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ReadyEvent {
    pub(crate) ready: usize,
    tick: usize,
}

impl ReadyEvent {
    pub(crate) fn is_shutdown(&self) -> bool {
        self.ready & SHUTDOWN != 0
    }
}

/// One registered source.
pub(crate) struct ScheduledIo {
    readiness: AtomicUsize,
    waiters: Mutex<Waiters>,
}

#[derive(Default)]
struct Waiters {
    reader: Vec<Waker>,
    writer: Vec<Waker>,
}

impl ScheduledIo {
    pub(crate) fn new() -> ScheduledIo {
        ScheduledIo {
            readiness: AtomicUsize::new(0),
            waiters: Mutex::new(Waiters::default()),
        }
    }

    /// Driver side: records an edge and wakes the tasks it concerns.
    pub(crate) fn set_readiness(&self, bits: usize) {
        let mut curr = self.readiness.load(Ordering::Acquire);
        loop {
            let tick = ((curr & TICK_MASK) >> TICK_SHIFT).wrapping_add(1) & 0xff;
            let next = (curr & READINESS_MASK) | bits | (tick << TICK_SHIFT);
            match self.readiness.compare_exchange_weak(
                curr,
                next,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => break,
                Err(actual) => curr = actual,
            }
        }
        self.wake(bits);
    }

    /// Wakes the waiters of every direction `bits` lets proceed, in batches
    /// taken under the lock and woken outside it (a waker may run arbitrary
    /// code), without allocating.
    pub(crate) fn wake(&self, bits: usize) {
        const BATCH: usize = 16;
        let read = bits & Direction::Read.mask() != 0;
        let write = bits & Direction::Write.mask() != 0;
        loop {
            let mut batch: [Option<Waker>; BATCH] = Default::default();
            let mut n = 0;
            let more = {
                let mut waiters = self.waiters.lock();
                let Waiters { reader, writer } = &mut *waiters;
                for (wanted, list) in [(read, reader), (write, writer)] {
                    while wanted && n < BATCH {
                        match list.pop() {
                            Some(waker) => {
                                batch[n] = Some(waker);
                                n += 1;
                            }
                            None => break,
                        }
                    }
                }
                (read && !waiters.reader.is_empty()) || (write && !waiters.writer.is_empty())
            };
            for waker in batch.iter_mut().take(n).filter_map(Option::take) {
                waker.wake();
            }
            if !more {
                return;
            }
        }
    }

    /// Task side: ready to try an operation in `direction`, or `Pending`
    /// with the task registered for the next edge.
    pub(crate) fn poll_readiness(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<ReadyEvent> {
        if let Some(event) = self.ready_now(direction) {
            return Poll::Ready(event);
        }
        let mut waiters = self.waiters.lock();
        let list = match direction {
            Direction::Read => &mut waiters.reader,
            Direction::Write => &mut waiters.writer,
        };
        if !list.iter().any(|w| w.will_wake(cx.waker())) {
            list.push(cx.waker().clone());
        }
        // Re-check under the lock: an edge that came after the first look
        // either is visible now or will find our waker.
        match self.ready_now(direction) {
            Some(event) => Poll::Ready(event),
            None => Poll::Pending,
        }
    }

    fn ready_now(&self, direction: Direction) -> Option<ReadyEvent> {
        let curr = self.readiness.load(Ordering::Acquire);
        let ready = curr & direction.mask();
        (ready != 0).then_some(ReadyEvent {
            ready,
            tick: curr & TICK_MASK,
        })
    }

    /// An operation got `WouldBlock`: forget the readiness it was based on,
    /// unless a newer edge arrived since.
    pub(crate) fn clear_readiness(&self, event: ReadyEvent, direction: Direction) {
        // Closed, error and shutdown states are final: never cleared.
        let clear = match direction {
            Direction::Read => READABLE,
            Direction::Write => WRITABLE,
        };
        let _ = self
            .readiness
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |curr| {
                (curr & TICK_MASK == event.tick).then_some(curr & !clear)
            });
    }

    /// The runtime shut down: every operation fails from now on.
    pub(crate) fn shutdown(&self) {
        self.set_readiness(SHUTDOWN);
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize as StdUsize;
    use std::task::Wake;

    struct Count(StdUsize);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn edge_wakes_the_waiting_reader_only() {
        let io = ScheduledIo::new();
        let reader = Arc::new(Count(StdUsize::new(0)));
        let writer = Arc::new(Count(StdUsize::new(0)));
        let (rw, ww) = (Waker::from(reader.clone()), Waker::from(writer.clone()));
        assert!(
            io.poll_readiness(&mut Context::from_waker(&rw), Direction::Read)
                .is_pending()
        );
        assert!(
            io.poll_readiness(&mut Context::from_waker(&ww), Direction::Write)
                .is_pending()
        );
        io.set_readiness(READABLE);
        assert_eq!(reader.0.load(Ordering::SeqCst), 1);
        assert_eq!(writer.0.load(Ordering::SeqCst), 0);
        assert!(
            io.poll_readiness(&mut Context::from_waker(&rw), Direction::Read)
                .is_ready()
        );
    }

    #[test]
    fn a_newer_edge_survives_a_stale_clear() {
        let io = ScheduledIo::new();
        io.set_readiness(READABLE);
        let waker = Waker::noop();
        let Poll::Ready(seen) = io.poll_readiness(&mut Context::from_waker(waker), Direction::Read)
        else {
            panic!("readable")
        };
        io.set_readiness(READABLE); // arrives while the syscall runs
        io.clear_readiness(seen, Direction::Read); // the syscall's WouldBlock
        assert!(
            io.poll_readiness(&mut Context::from_waker(waker), Direction::Read)
                .is_ready()
        );
        let Poll::Ready(seen) = io.poll_readiness(&mut Context::from_waker(waker), Direction::Read)
        else {
            panic!("readable")
        };
        io.clear_readiness(seen, Direction::Read);
        assert!(
            io.poll_readiness(&mut Context::from_waker(waker), Direction::Read)
                .is_pending()
        );
    }

    #[test]
    fn closed_and_shutdown_are_never_cleared() {
        let io = ScheduledIo::new();
        io.set_readiness(READ_CLOSED);
        let waker = Waker::noop();
        let Poll::Ready(seen) = io.poll_readiness(&mut Context::from_waker(waker), Direction::Read)
        else {
            panic!("closed is ready")
        };
        io.clear_readiness(seen, Direction::Read);
        assert!(
            io.poll_readiness(&mut Context::from_waker(waker), Direction::Read)
                .is_ready()
        );
        io.shutdown();
        let Poll::Ready(seen) =
            io.poll_readiness(&mut Context::from_waker(waker), Direction::Write)
        else {
            panic!("shutdown is ready")
        };
        assert!(seen.is_shutdown());
    }

    #[test]
    fn several_waiters_in_one_direction_all_wake() {
        let io = ScheduledIo::new();
        let a = Arc::new(Count(StdUsize::new(0)));
        let b = Arc::new(Count(StdUsize::new(0)));
        let (aw, bw) = (Waker::from(a.clone()), Waker::from(b.clone()));
        assert!(
            io.poll_readiness(&mut Context::from_waker(&aw), Direction::Read)
                .is_pending()
        );
        assert!(
            io.poll_readiness(&mut Context::from_waker(&aw), Direction::Read)
                .is_pending()
        );
        assert!(
            io.poll_readiness(&mut Context::from_waker(&bw), Direction::Read)
                .is_pending()
        );
        io.set_readiness(READABLE);
        assert_eq!(
            a.0.load(Ordering::SeqCst),
            1,
            "registered once despite two polls"
        );
        assert_eq!(b.0.load(Ordering::SeqCst), 1);
    }
}
