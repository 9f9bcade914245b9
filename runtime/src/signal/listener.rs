//! One runtime's view of the self-pipe: a duplicate of its read end,
//! registered with that runtime's reactor, shared by all the receivers in
//! that runtime and dropped with the last of them.
//!
//! A byte in the pipe is an edge for every runtime that has a listener
//! (each registered its own descriptor for the one pipe). A receiver woken
//! by the edge drains the pipe and broadcasts; whoever drains first does
//! the work for everybody, the others find the pipe empty.

use super::registry::Globals;
use crate::driver::io::{Direction, PollEvented};
use crate::loom::Mutex;
use crate::scheduler::context;
use std::io::{self, Read};
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Weak};
use std::task::{Context, Poll};

/// One runtime's registration of the self-pipe.
pub(super) struct Listener {
    io: PollEvented<UnixStream>,
}

/// Live listeners, by the address of their runtime's driver. A live
/// listener keeps its driver (and so that address) alive, so an address is
/// never confused with a later runtime's.
static LISTENERS: Mutex<Vec<(usize, Weak<Listener>)>> = Mutex::new(Vec::new());

impl Listener {
    /// The listener of the current runtime, registering one if needed.
    /// `what` names the caller for the error outside a runtime.
    pub(super) fn current(globals: &Globals, what: &str) -> io::Result<Arc<Listener>> {
        let key = context::with_current(|handle| handle.driver() as *const _ as usize)
            .map_err(|missing| io::Error::other(format!("{what} was {missing}")))?;
        let mut listeners = LISTENERS.lock();
        listeners.retain(|(_, weak)| weak.strong_count() > 0);
        if let Some(listener) = listeners
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, weak)| weak.upgrade())
        {
            return Ok(listener);
        }
        let listener = Arc::new(Listener {
            io: crate::net::register(globals.receiver.try_clone()?)?,
        });
        listeners.push((key, Arc::downgrade(&listener)));
        Ok(listener)
    }

    /// Drains the pipe whenever it is readable and broadcasts. `Pending`
    /// with the task registered for the next byte, or the reactor's error
    /// (its runtime shut down).
    pub(super) fn poll_drain(&self, cx: &mut Context<'_>, globals: &Globals) -> Poll<io::Error> {
        let result = self.io.poll_io(cx, Direction::Read, |mut pipe| {
            let mut buf = [0u8; 64];
            loop {
                match pipe.read(&mut buf) {
                    Ok(0) => return Err(io::Error::other("the signal pipe closed")),
                    Ok(_) => continue,
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                        globals.broadcast();
                        return Err(err);
                    }
                    Err(err) => return Err(err),
                }
            }
        });
        match result {
            Poll::Pending | Poll::Ready(Ok(())) => Poll::Pending,
            Poll::Ready(Err(err)) => Poll::Ready(err),
        }
    }
}
