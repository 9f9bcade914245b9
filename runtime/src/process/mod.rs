//! Child processes: asyncio's `asyncio.create_subprocess_exec` /
//! `create_subprocess_shell` and its `Process` object.
//!
//! | asyncio | runtime |
//! |---|---|
//! | `await asyncio.create_subprocess_exec(prog, *args, stdout=PIPE)` | [`Command::new`]`(prog).args(args).stdout(`[`Stdio::piped()`]`).spawn()?` |
//! | `await asyncio.create_subprocess_shell(cmd)` | `Command::new("sh").args(["-c", cmd])` |
//! | `proc.stdin.write(b)`; `await proc.stdin.drain()` | [`write_all`](crate::io::AsyncWriteExt::write_all) on [`Child::stdin`] |
//! | `await proc.stdout.readline()` | a [`BufReader`](crate::io::BufReader) around [`Child::stdout`] |
//! | `await proc.wait()` / `proc.returncode` | [`Child::wait`] / [`Child::try_wait`] |
//! | `await proc.communicate()` | [`Child::wait_with_output`], or [`Command::output`] |
//! | `proc.kill()` / `proc.pid` | [`Child::start_kill`] (or [`Child::kill`], which also waits) / [`Child::id`] |
//!
//! ```
//! use runtime::io::{AsyncReadExt, AsyncWriteExt};
//! use runtime::process::{Command, Stdio};
//!
//! runtime::run(async {
//!     // proc = await asyncio.create_subprocess_exec("tr", "a-z", "A-Z", stdin=PIPE, stdout=PIPE)
//!     let mut tr = Command::new("tr")
//!         .args(["a-z", "A-Z"])
//!         .stdin(Stdio::piped())
//!         .stdout(Stdio::piped())
//!         .spawn()
//!         .unwrap();
//!     let mut stdin = tr.stdin.take().unwrap();
//!     stdin.write_all(b"shout").await.unwrap();
//!     drop(stdin);                                          // end of input
//!     let mut out = String::new();
//!     tr.stdout.take().unwrap().read_to_string(&mut out).await.unwrap();
//!     assert_eq!(out, "SHOUT");
//!     assert!(tr.wait().await.unwrap().success());
//! });
//! ```
//!
//! # Design
//!
//! * **Spawning** is `std`'s (`posix_spawn` or fork/exec). The parent's
//!   ends of the pipes are made non-blocking and registered with the
//!   runtime's reactor (`pipe.rs`), like sockets; the child's ends stay
//!   blocking.
//! * **Waiting** needs no thread per child (`reap/`): on Linux, a pidfd
//!   registered with the reactor turns readable when the child exits;
//!   elsewhere (or without `pidfd_open`), each waiting child listens to a
//!   `SIGCHLD` [`Signal`](crate::signal::Signal) stream and checks
//!   `waitpid(pid, WNOHANG)` on every delivery.
//! * **Dropping** a `Child` that was not reaped never leaves a zombie
//!   (`orphan.rs`): a task of its runtime waits for it and reaps it; if
//!   that runtime is gone, a process-wide list is swept at the next spawn.
//!   [`Command::kill_on_drop`] kills it first.
//!
//! On the `SIGCHLD` path, the first wait installs a `SIGCHLD` handler for
//! the rest of the process (harmless: its default action is to do nothing).
//! Reaping is per pid: other code of the process may spawn and wait for
//! its own children, but must not `waitpid(-1)` (that would steal ours).

mod child;
mod command;
mod orphan;
mod pipe;
mod reap;

pub use child::Child;
pub use command::Command;
pub use pipe::{ChildStderr, ChildStdin, ChildStdout};
pub use std::process::{ExitStatus, Output, Stdio};

pub(crate) use reap::force_sigchld;

// Compile-time check: children and their pipes move between tasks.
const _: fn() = || {
    fn is_send_sync<T: Send + Sync>() {}
    is_send_sync::<Command>();
    is_send_sync::<Child>();
    is_send_sync::<ChildStdin>();
    is_send_sync::<ChildStdout>();
    is_send_sync::<ChildStderr>();
};
