//! `Child`: a running child process, its pipes, and its exit.

use super::{ChildStderr, ChildStdin, ChildStdout, orphan, reap::Reaper};
use crate::io::{AsyncRead, AsyncReadExt};
use std::fmt;
use std::io;
use std::process::{ExitStatus, Output};

/// A child process started by [`Command::spawn`](super::Command::spawn):
/// asyncio's `asyncio.subprocess.Process`.
///
/// Await [`wait`](Self::wait) for its exit status. A `Child` dropped before
/// it was reaped keeps running (or is killed, with
/// [`kill_on_drop`](super::Command::kill_on_drop)) and is reaped in the
/// background once it exits: dropping one never leaves a zombie behind.
///
/// ```
/// use runtime::io::{AsyncBufReadExt, BufReader};
/// use runtime::process::{Command, Stdio};
///
/// runtime::run(async {
///     let mut child = Command::new("seq").arg("3").stdout(Stdio::piped()).spawn().unwrap();
///     let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
///     use runtime::stream::StreamExt;
///     let mut sum = 0;
///     while let Some(line) = lines.next().await {        // async for line in proc.stdout
///         sum += line.unwrap().parse::<u32>().unwrap();
///     }
///     assert_eq!(sum, 6);
///     assert!(child.wait().await.unwrap().success());    // await proc.wait()
/// });
/// ```
pub struct Child {
    /// The writing end of the child's stdin, if it was
    /// [`piped`](std::process::Stdio::piped): asyncio's `proc.stdin`.
    pub stdin: Option<ChildStdin>,
    /// The reading end of the child's stdout, if piped: `proc.stdout`.
    pub stdout: Option<ChildStdout>,
    /// The reading end of the child's stderr, if piped: `proc.stderr`.
    pub stderr: Option<ChildStderr>,
    /// `None` only while being dropped.
    reaper: Option<Reaper>,
    kill_on_drop: bool,
}

impl Child {
    pub(super) fn new(reaper: Reaper, kill_on_drop: bool) -> Child {
        Child {
            stdin: None,
            stdout: None,
            stderr: None,
            reaper: Some(reaper),
            kill_on_drop,
        }
    }

    fn reaper(&mut self) -> &mut Reaper {
        self.reaper.as_mut().expect("a live Child has its reaper")
    }

    /// The child's process id: asyncio's `proc.pid`. `None` once it was
    /// reaped (its pid may then belong to another process).
    ///
    /// ```
    /// runtime::run(async {
    ///     let mut child = runtime::process::Command::new("true").spawn().unwrap();
    ///     assert!(child.id().is_some());
    ///     child.wait().await.unwrap();
    ///     assert_eq!(child.id(), None);
    /// });
    /// ```
    pub fn id(&self) -> Option<u32> {
        self.reaper.as_ref().and_then(Reaper::id)
    }

    /// Waits for the child to exit and returns its status: asyncio's
    /// `await proc.wait()`.
    ///
    /// Closes the child's stdin first (if piped and still here), so a
    /// child reading its input to the end does not wait forever. Reads
    /// nothing from stdout or stderr: a child that fills a pipe nobody
    /// reads blocks, and so does this wait (use
    /// [`wait_with_output`](Self::wait_with_output), or read them
    /// concurrently). Cancel-safe; once it returned, later calls return
    /// the same status at once.
    ///
    /// ```
    /// runtime::run(async {
    ///     let mut child = runtime::process::Command::new("sh").args(["-c", "exit 7"]).spawn().unwrap();
    ///     assert_eq!(child.wait().await.unwrap().code(), Some(7));
    /// });
    /// ```
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        let reaper = self.reaper();
        std::future::poll_fn(|cx| reaper.poll_wait(cx)).await
    }

    /// The exit status if the child has exited (reaping it), `None` if it
    /// still runs; never waits. asyncio's `proc.returncode`.
    ///
    /// ```
    /// runtime::run(async {
    ///     let mut child = runtime::process::Command::new("sleep").arg("1000").spawn().unwrap();
    ///     assert_eq!(child.try_wait().unwrap(), None);
    ///     child.kill().await.unwrap();
    ///     assert!(child.try_wait().unwrap().is_some());
    /// });
    /// ```
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        self.reaper().try_wait()
    }

    /// Sends `SIGKILL` and returns without waiting: asyncio's
    /// `proc.kill()`. Does nothing once the child was reaped. Await
    /// [`wait`](Self::wait) afterwards to reap it (or drop the `Child`:
    /// it is reaped in the background).
    ///
    /// ```
    /// use std::os::unix::process::ExitStatusExt;
    /// runtime::run(async {
    ///     let mut child = runtime::process::Command::new("sleep").arg("1000").spawn().unwrap();
    ///     child.start_kill().unwrap();
    ///     assert_eq!(child.wait().await.unwrap().signal(), Some(libc::SIGKILL));
    /// });
    /// ```
    pub fn start_kill(&mut self) -> io::Result<()> {
        self.reaper().kill()
    }

    /// Kills the child (`SIGKILL`) and waits for it to be reaped:
    /// asyncio's `proc.kill(); await proc.wait()`.
    ///
    /// ```
    /// runtime::run(async {
    ///     let mut child = runtime::process::Command::new("sleep").arg("1000").spawn().unwrap();
    ///     child.kill().await.unwrap();
    ///     assert_eq!(child.id(), None);                 // reaped
    /// });
    /// ```
    pub async fn kill(&mut self) -> io::Result<()> {
        self.start_kill()?;
        self.wait().await.map(drop)
    }

    /// Closes stdin, reads stdout and stderr to their end while waiting
    /// for the exit: asyncio's `await proc.communicate()`. Streams taken
    /// out of the `Child` before are not read (their fields are empty in
    /// the result).
    ///
    /// ```
    /// use runtime::process::{Command, Stdio};
    /// runtime::run(async {
    ///     let child = Command::new("sh").args(["-c", "echo out"]).stdout(Stdio::piped()).spawn().unwrap();
    ///     let out = child.wait_with_output().await.unwrap();
    ///     assert_eq!(out.stdout, b"out\n");
    ///     assert!(out.stderr.is_empty());               // not piped
    /// });
    /// ```
    pub async fn wait_with_output(mut self) -> io::Result<Output> {
        drop(self.stdin.take());
        let (stdout, stderr) = (self.stdout.take(), self.stderr.take());
        let (status, stdout, stderr) =
            crate::try_gather!(self.wait(), read_all(stdout), read_all(stderr)).await?;
        Ok(Output {
            status,
            stdout,
            stderr,
        })
    }
}

/// Everything `pipe` has, or nothing if there is no pipe.
async fn read_all(pipe: Option<impl AsyncRead + Unpin>) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if let Some(mut pipe) = pipe {
        pipe.read_to_end(&mut bytes).await?;
    }
    Ok(bytes)
}

impl Drop for Child {
    fn drop(&mut self) {
        let Some(mut reaper) = self.reaper.take() else {
            return;
        };
        if let Ok(None) = reaper.try_wait() {
            if self.kill_on_drop {
                let _ = reaper.kill();
            }
            orphan::adopt(reaper);
        }
    }
}

impl fmt::Debug for Child {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Child")
            .field("id", &self.id())
            .field("stdin", &self.stdin)
            .field("stdout", &self.stdout)
            .field("stderr", &self.stderr)
            .field("kill_on_drop", &self.kill_on_drop)
            .finish()
    }
}
