//! `Console`: where a guide program prints (Python's `print`), and the
//! clock its timestamps come from.
//!
//! Every ported program prints through a `Console` instead of calling
//! `println!`, so that `tests/tests/guide_*.rs` can run the very same
//! program on a paused clock and read what it printed. `main` passes
//! [`Console::stdout`]; the tests pass [`Console::capture`].
//!
//! Included by the examples with `#[path = "guide/console.rs"] mod console;`
//! (a directory without `main.rs` is not an example of its own).

#![allow(dead_code)] // each program uses a part of it

use runtime::time::Instant;
use std::fmt::Display;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A place to print lines, shared by every task of a program (clones print
/// to the same place).
#[derive(Clone)]
pub struct Console {
    inner: Arc<Inner>,
}

struct Inner {
    /// When the program started: the clock's zero.
    start: Instant,
    /// `Some` for a capturing console: each stdout and stderr line, in
    /// order, with the time it was printed at.
    captured: Option<Mutex<Vec<(Duration, String)>>>,
}

impl Console {
    /// Prints to the process's stdout (and stderr); the clock starts now.
    /// The clock is the runtime's: a program that prints timestamps makes
    /// its console inside the runtime.
    pub fn stdout() -> Console {
        Console::new(None)
    }

    /// Keeps every line printed, for [`captured`](Self::captured) and
    /// [`timeline`](Self::timeline); the clock starts now (on a paused
    /// runtime, at the paused time).
    pub fn capture() -> Console {
        Console::new(Some(Mutex::new(Vec::new())))
    }

    fn new(captured: Option<Mutex<Vec<(Duration, String)>>>) -> Console {
        Console {
            inner: Arc::new(Inner {
                start: Instant::now(),
                captured,
            }),
        }
    }

    /// Python's `print(line)`.
    pub fn print(&self, line: impl Display) {
        match &self.inner.captured {
            Some(lines) => self.keep(lines, line),
            None => println!("{line}"),
        }
    }

    /// Prints to stderr, where Python's `logging` writes (a capturing
    /// console keeps these lines with the others, in order).
    pub fn eprint(&self, line: impl Display) {
        match &self.inner.captured {
            Some(lines) => self.keep(lines, line),
            None => eprintln!("{line}"),
        }
    }

    /// The time since the console was made, as `HH:MM:SS`: the guides'
    /// `datetime.now().strftime("%H:%M:%S")`, counted from 00:00:00 when
    /// the program starts, so a run reads the same every time (and on a
    /// paused clock in tests). It follows the runtime's clock
    /// (`runtime::time::Instant`, asyncio's `loop.time()`).
    pub fn clock(&self) -> String {
        let secs = self.inner.start.elapsed().as_secs();
        format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    }

    fn keep(&self, lines: &Mutex<Vec<(Duration, String)>>, line: impl Display) {
        let at = self.inner.start.elapsed();
        lines.lock().unwrap().push((at, line.to_string()));
    }

    /// Everything printed so far by a [`capture`](Self::capture) console,
    /// one line per `print`, each ending in `\n`.
    ///
    /// # Panics
    /// On a console that prints to stdout.
    pub fn captured(&self) -> String {
        let lines = self.timeline();
        lines.into_iter().map(|(_, line)| line + "\n").collect()
    }

    /// What a [`capture`](Self::capture) console printed, line by line,
    /// with the time since the console was made at which each was printed.
    ///
    /// # Panics
    /// On a console that prints to stdout.
    pub fn timeline(&self) -> Vec<(Duration, String)> {
        let lines = self.inner.captured.as_ref();
        lines
            .expect("Console::captured needs Console::capture()")
            .lock()
            .unwrap()
            .clone()
    }
}
