//! Helpers for the tests of the guide programs: the ports of the asyncio
//! guides in `runtime/examples/`, tested in `tests/tests/guide_*.rs`.
//!
//! A test includes an example file as a module, which brings its program
//! function and its `Console` (`runtime/examples/guide/console.rs`):
//!
//! ```ignore
//! #[path = "../../runtime/examples/fetch_tasks.rs"]
//! #[allow(dead_code)] // its `main`
//! mod fetch_tasks;
//!
//! let run = tests::run_guide!(fetch_tasks::program());
//! assert_eq!(run.took, tests::secs(3.0));
//! ```
//!
//! and [`run_guide!`] runs it on a paused current_thread runtime: each
//! sleep advances the clock as soon as every task waits, so a program that
//! takes 10 s takes microseconds, and `took` is exactly the virtual time it
//! took. Its timestamps (`Console::clock`) follow the same clock, and
//! [`Run::schedule`] lists each printed line with the second it was printed
//! at, so one assertion checks both what a program prints and its timing
//! claims ("Timer Long ended." at 10 s).
//!
//! Network programs talk over loopback TCP on the paused runtime. That is
//! deterministic because on Linux a loopback write is normally queued at
//! the other end before the write returns, so the runtime does not see
//! every task idle (and advance the clock) while a message is in flight.
//! The tests never put a timeout around network I/O for the same reason.

use std::future::Future;
use std::time::Duration;

/// What a guide program did, run by [`run_guide!`].
#[derive(Debug)]
pub struct Run<T> {
    /// The program function's return value.
    pub output: T,
    /// Every line it printed (stdout and stderr), each ending in `\n`.
    pub printed: String,
    /// Each line it printed, with the virtual time it was printed at.
    pub timeline: Vec<(Duration, String)>,
    /// The virtual time it took, on the paused clock.
    pub took: Duration,
}

/// Runs `$example::$function(console, args...)` on a paused runtime (see
/// [`run_paused`]) with a capturing console, and returns a [`Run`].
#[macro_export]
macro_rules! run_guide {
    ($example:ident :: $function:ident ( $($arg:expr),* $(,)? )) => {{
        let ((output, printed, timeline), took) = $crate::run_paused(|| async {
            let console = $example::console::Console::capture();
            let output = $example::$function(console.clone() $(, $arg)*).await;
            (output, console.captured(), console.timeline())
        });
        $crate::Run { output, printed, timeline, took }
    }};
}

impl<T> Run<T> {
    /// The timeline as text: one line per line printed, prefixed with the
    /// seconds at which it was printed (`"2s Timer Short ended.\n"`).
    pub fn schedule(&self) -> String {
        let line = |(at, text): &(Duration, String)| format!("{}s {text}\n", at.as_secs_f64());
        self.timeline.iter().map(line).collect()
    }
}

/// Runs the future `program()` makes on a fresh paused current_thread
/// runtime ([`paused`](crate::paused)) and returns its output and the
/// virtual time it took. The runtime is dropped afterwards, cancelling the
/// tasks left (as `asyncio.run` does).
pub fn run_paused<F: Future>(program: impl FnOnce() -> F) -> (F::Output, Duration) {
    crate::paused().block_on(async {
        let start = runtime::time::Instant::now();
        let output = program().await;
        (output, start.elapsed())
    })
}

/// `n` seconds (fractions allowed).
pub fn secs(n: f64) -> Duration {
    Duration::from_secs_f64(n)
}

/// The lines, each ending in `\n`: what a program printing them captured.
pub fn lines(lines: &[&str]) -> String {
    lines.iter().map(|line| format!("{line}\n")).collect()
}
