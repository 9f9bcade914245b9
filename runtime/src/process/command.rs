//! `Command`: std's process builder, spawning children whose pipes and
//! exit are watched by the runtime's reactor.

use super::{Child, ChildStderr, ChildStdin, ChildStdout, orphan, reap::Reaper};
use crate::scheduler::context;
use std::ffi::OsStr;
use std::fmt;
use std::io;
use std::path::Path;
use std::process::{ExitStatus, Output, Stdio};

/// A process to start: asyncio's `asyncio.create_subprocess_exec(program,
/// *args, stdin=..., stdout=..., env=..., cwd=...)`, as a builder with the
/// methods of [`std::process::Command`].
///
/// `sh -c` is how to get `asyncio.create_subprocess_shell(cmd)`.
///
/// By default the child inherits this process's stdin, stdout and stderr
/// ([`output`](Self::output) captures stdout and stderr instead); ask for
/// pipes with [`Stdio::piped()`]. Spawning must happen inside a runtime,
/// whose reactor then drives the child's pipes and notices its exit.
///
/// ```
/// use runtime::process::Command;
///
/// runtime::run(async {
///     // proc = await asyncio.create_subprocess_exec("echo", "hi", stdout=PIPE)
///     // out, _ = await proc.communicate()
///     let out = Command::new("echo").arg("hi").output().await.unwrap();
///     assert!(out.status.success());
///     assert_eq!(out.stdout, b"hi\n");
///
///     // await asyncio.create_subprocess_shell("exit 3")
///     let status = Command::new("sh").args(["-c", "exit 3"]).status().await.unwrap();
///     assert_eq!(status.code(), Some(3));
/// });
/// ```
pub struct Command {
    std: std::process::Command,
    kill_on_drop: bool,
    /// Which of stdin, stdout, stderr the caller set, so `output` only
    /// fills in the others.
    set: [bool; 3],
}

impl Command {
    /// A command running `program` (looked up in `PATH` unless it is a
    /// path) with no arguments: the first argument of asyncio's
    /// `create_subprocess_exec`.
    ///
    /// ```
    /// let cmd = runtime::process::Command::new("ls");
    /// assert_eq!(cmd.as_std().get_program(), "ls");
    /// ```
    pub fn new(program: impl AsRef<OsStr>) -> Command {
        Command::from(std::process::Command::new(program))
    }

    /// Adds an argument: one of `create_subprocess_exec`'s `*args`.
    ///
    /// ```
    /// let mut cmd = runtime::process::Command::new("ls");
    /// cmd.arg("-l").arg("/tmp");
    /// ```
    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut Command {
        self.std.arg(arg);
        self
    }

    /// Adds arguments: `create_subprocess_exec`'s `*args`.
    ///
    /// ```
    /// let mut cmd = runtime::process::Command::new("sh");
    /// cmd.args(["-c", "echo $0", "zero"]);
    /// ```
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.std.args(args);
        self
    }

    /// Sets an environment variable of the child: asyncio's `env=` (which
    /// replaces the environment; here it adds to the inherited one, see
    /// [`env_clear`](Self::env_clear)).
    ///
    /// ```
    /// runtime::run(async {
    ///     let out = runtime::process::Command::new("sh")
    ///         .args(["-c", "echo $GREETING"])
    ///         .env("GREETING", "hello")
    ///         .output().await.unwrap();
    ///     assert_eq!(out.stdout, b"hello\n");
    /// });
    /// ```
    pub fn env(&mut self, key: impl AsRef<OsStr>, val: impl AsRef<OsStr>) -> &mut Command {
        self.std.env(key, val);
        self
    }

    /// Sets several environment variables: asyncio's `env=dict(...)`.
    ///
    /// ```
    /// let mut cmd = runtime::process::Command::new("env");
    /// cmd.envs([("A", "1"), ("B", "2")]);
    /// ```
    pub fn envs<I, K, V>(&mut self, vars: I) -> &mut Command
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.std.envs(vars);
        self
    }

    /// Removes a variable from the child's environment.
    ///
    /// ```
    /// let mut cmd = runtime::process::Command::new("env");
    /// cmd.env_remove("HOME");
    /// ```
    pub fn env_remove(&mut self, key: impl AsRef<OsStr>) -> &mut Command {
        self.std.env_remove(key);
        self
    }

    /// Starts the child with an empty environment, plus what
    /// [`env`](Self::env) adds: asyncio's `env={...}` exactly.
    ///
    /// ```
    /// runtime::run(async {
    ///     let out = runtime::process::Command::new("/usr/bin/env")
    ///         .env_clear().env("ONLY", "me")
    ///         .output().await.unwrap();
    ///     assert_eq!(out.stdout, b"ONLY=me\n");
    /// });
    /// ```
    pub fn env_clear(&mut self) -> &mut Command {
        self.std.env_clear();
        self
    }

    /// The child's working directory: asyncio's `cwd=`.
    ///
    /// ```
    /// runtime::run(async {
    ///     let out = runtime::process::Command::new("pwd").current_dir("/").output().await.unwrap();
    ///     assert_eq!(out.stdout, b"/\n");
    /// });
    /// ```
    pub fn current_dir(&mut self, dir: impl AsRef<Path>) -> &mut Command {
        self.std.current_dir(dir);
        self
    }

    /// The child's stdin: asyncio's `stdin=` (`Stdio::piped()` is `PIPE`,
    /// `Stdio::null()` is `DEVNULL`; a file or another child's pipe also
    /// work).
    ///
    /// ```
    /// use runtime::process::{Command, Stdio};
    /// let mut cmd = Command::new("cat");
    /// cmd.stdin(Stdio::piped());
    /// ```
    pub fn stdin(&mut self, cfg: impl Into<Stdio>) -> &mut Command {
        self.std.stdin(cfg);
        self.set[0] = true;
        self
    }

    /// The child's stdout: asyncio's `stdout=`.
    ///
    /// ```
    /// use runtime::process::{Command, Stdio};
    /// let mut cmd = Command::new("ls");
    /// cmd.stdout(Stdio::null());                      // stdout=DEVNULL
    /// ```
    pub fn stdout(&mut self, cfg: impl Into<Stdio>) -> &mut Command {
        self.std.stdout(cfg);
        self.set[1] = true;
        self
    }

    /// The child's stderr: asyncio's `stderr=`.
    ///
    /// ```
    /// use runtime::process::{Command, Stdio};
    /// let mut cmd = Command::new("ls");
    /// cmd.stderr(Stdio::piped());                     // stderr=PIPE
    /// ```
    pub fn stderr(&mut self, cfg: impl Into<Stdio>) -> &mut Command {
        self.std.stderr(cfg);
        self.set[2] = true;
        self
    }

    /// Whether dropping the [`Child`] before it was reaped kills it
    /// (`SIGKILL`). Off by default: a dropped child runs on, and is reaped
    /// in the background when it exits (never left a zombie). asyncio has
    /// no such switch; it is `proc.kill()` in a `finally`.
    ///
    /// ```
    /// use runtime::process::Command;
    /// runtime::run(async {
    ///     let child = Command::new("sleep").arg("1000").kill_on_drop(true).spawn().unwrap();
    ///     drop(child);                                 // killed, and reaped in the background
    /// });
    /// ```
    pub fn kill_on_drop(&mut self, kill_on_drop: bool) -> &mut Command {
        self.kill_on_drop = kill_on_drop;
        self
    }

    /// Starts the child: asyncio's `await create_subprocess_exec(...)`.
    /// Pipes asked for are in the [`Child`]'s `stdin` / `stdout` /
    /// `stderr`.
    ///
    /// # Errors
    /// Outside a runtime (checked first: no child is started), and when
    /// the OS cannot start the program (not found, not executable...).
    ///
    /// ```
    /// use runtime::process::Command;
    /// runtime::run(async {
    ///     let mut child = Command::new("true").spawn().unwrap();
    ///     assert!(child.wait().await.unwrap().success());
    ///     let err = Command::new("/no/such/program").spawn().unwrap_err();
    ///     assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// });
    /// ```
    pub fn spawn(&mut self) -> io::Result<Child> {
        let handle = context::with_current(Clone::clone).map_err(|missing| {
            io::Error::other(format!(
                "process::Command::spawn was {missing} (the runtime's reactor watches the \
                 child's pipes and exit)"
            ))
        })?;
        orphan::sweep();
        let mut std = self.std.spawn()?;
        let (stdin, stdout, stderr) = (std.stdin.take(), std.stdout.take(), std.stderr.take());
        let mut child = Child::new(Reaper::new(std, handle), self.kill_on_drop);
        // On an error here the child is dropped: killed if asked, reaped
        // in the background either way.
        child.stdin = stdin.map(ChildStdin::new).transpose()?;
        child.stdout = stdout.map(ChildStdout::new).transpose()?;
        child.stderr = stderr.map(ChildStderr::new).transpose()?;
        Ok(child)
    }

    /// Runs the child to its end and returns its exit status: asyncio's
    /// `await (await create_subprocess_exec(...)).wait()`. Its stdio is
    /// inherited unless set; pipes asked for are closed at once.
    ///
    /// ```
    /// runtime::run(async {
    ///     let status = runtime::process::Command::new("false").status().await.unwrap();
    ///     assert_eq!(status.code(), Some(1));
    /// });
    /// ```
    pub async fn status(&mut self) -> io::Result<ExitStatus> {
        let mut child = self.spawn()?;
        // Nobody would read or write them: a child blocked on a full pipe
        // would never exit.
        drop((child.stdin.take(), child.stdout.take(), child.stderr.take()));
        child.wait().await
    }

    /// Runs the child to its end, collecting its stdout and stderr:
    /// asyncio's `await proc.communicate()` (or `subprocess.run(...,
    /// capture_output=True)`).
    ///
    /// Unless set, stdout and stderr are piped and stdin is null (as in
    /// `std`); those settings stay on the `Command` afterwards.
    ///
    /// ```
    /// runtime::run(async {
    ///     let out = runtime::process::Command::new("sh")
    ///         .args(["-c", "echo out; echo err >&2; exit 2"])
    ///         .output().await.unwrap();
    ///     assert_eq!((out.stdout.as_slice(), out.stderr.as_slice()), (&b"out\n"[..], &b"err\n"[..]));
    ///     assert_eq!(out.status.code(), Some(2));
    /// });
    /// ```
    pub async fn output(&mut self) -> io::Result<Output> {
        if !self.set[0] {
            self.stdin(Stdio::null());
        }
        if !self.set[1] {
            self.stdout(Stdio::piped());
        }
        if !self.set[2] {
            self.stderr(Stdio::piped());
        }
        self.spawn()?.wait_with_output().await
    }

    /// The `std` command inside, to read what was set.
    ///
    /// ```
    /// let mut cmd = runtime::process::Command::new("ls");
    /// cmd.arg("-a");
    /// assert_eq!(cmd.as_std().get_args().collect::<Vec<_>>(), ["-a"]);
    /// ```
    pub fn as_std(&self) -> &std::process::Command {
        &self.std
    }

    /// The `std` command inside, for what only it offers (`pre_exec`,
    /// `uid`, `process_group` through `std::os::unix::process::CommandExt`).
    /// Stdio set through it is not known to [`output`](Self::output), which
    /// then pipes stdout and stderr anyway.
    ///
    /// ```
    /// use std::os::unix::process::CommandExt;
    /// let mut cmd = runtime::process::Command::new("sleep");
    /// cmd.as_std_mut().process_group(0);               // start_new_session-like
    /// ```
    pub fn as_std_mut(&mut self) -> &mut std::process::Command {
        &mut self.std
    }
}

impl From<std::process::Command> for Command {
    /// Wraps a `std` command (stdio it set is not known to `output`).
    ///
    /// ```
    /// let std = std::process::Command::new("true");
    /// let cmd = runtime::process::Command::from(std);
    /// ```
    fn from(std: std::process::Command) -> Command {
        Command {
            std,
            kill_on_drop: false,
            set: [false; 3],
        }
    }
}

impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Command")
            .field("std", &self.std)
            .field("kill_on_drop", &self.kill_on_drop)
            .finish()
    }
}
