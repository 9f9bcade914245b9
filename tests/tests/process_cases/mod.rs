//! The behaviour of `runtime::process`, written once and run by
//! `process_pidfd.rs` (Linux's pidfd reaping) and `process_sigchld.rs` (the
//! `SIGCHLD` reaping of other systems, forced on Linux).
//!
//! Tests that count zombies or children need the process to themselves:
//! they take `CHILDREN` for writing, the others for reading.

use runtime::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use runtime::process::{Command, Stdio};
use runtime::stream::StreamExt;
use std::os::unix::process::ExitStatusExt;
use std::sync::RwLock;
use tests::{eventually, multi, no_children_left, reaped, zombies};

pub static CHILDREN: RwLock<()> = RwLock::new(());

/// Runs `case` on a 2-worker runtime, after `setup`, holding `CHILDREN`
/// for reading (`exclusive`: for writing).
pub fn run<F: std::future::Future<Output = ()> + Send + 'static>(
    setup: fn(),
    exclusive: bool,
    case: impl FnOnce() -> F,
) {
    setup();
    let _shared;
    let _exclusive;
    if exclusive {
        _exclusive = CHILDREN.write().unwrap_or_else(|e| e.into_inner());
    } else {
        _shared = CHILDREN.read().unwrap_or_else(|e| e.into_inner());
    }
    let rt = multi(2);
    rt.block_on(rt.spawn(case())).unwrap();
}

/// One `#[test]` per case, each calling `setup` first.
macro_rules! process_tests {
    ($setup:expr) => {
        process_cases::process_tests!(@each $setup;
            echo_through_cat_stdin_to_stdout, false;
            output_of_a_shell_command, false;
            exit_status_codes, false;
            kill_and_start_kill, false;
            stderr_env_and_current_dir, false;
            pipe_one_child_into_another, false;
            spawn_errors, false;
            kill_on_drop_kills_and_reaps, true;
            dropped_children_are_reaped, true;
        );
    };
    (@each $setup:expr; $($case:ident, $exclusive:expr;)*) => {$(
        #[test]
        fn $case() {
            process_cases::run($setup, $exclusive, process_cases::$case);
        }
    )*};
}
pub(crate) use process_tests;

pub async fn echo_through_cat_stdin_to_stdout() {
    let mut cat = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = cat.stdin.take().unwrap();
    let mut stdout = cat.stdout.take().unwrap();
    // 4 MiB, far more than a pipe holds: writing and reading must
    // interleave through the reactor.
    let data: Vec<u8> = (0..4 << 20).map(|i: u32| (i % 251) as u8).collect();
    let expected = data.clone();
    let writer = runtime::spawn(async move {
        stdin.write_all(&data).await.unwrap();
        stdin.close().await.unwrap(); // cat sees end of input
        // Writing after close is an error saying so, not a hang.
        let err = stdin.write_all(b"more").await.unwrap_err();
        assert!(err.to_string().contains("closed"), "{err}");
    });
    let mut echoed = Vec::new();
    stdout.read_to_end(&mut echoed).await.unwrap();
    writer.await.unwrap();
    assert!(
        echoed == expected,
        "cat echoed {} bytes, not the 4 MiB sent",
        echoed.len()
    );
    assert!(cat.wait().await.unwrap().success());

    // Line by line, as asyncio's `await proc.stdout.readline()`.
    let mut cat = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = cat.stdin.take().unwrap();
    let mut lines = BufReader::new(cat.stdout.take().unwrap()).lines();
    for i in 0..100 {
        stdin
            .write_all(format!("line {i}\n").as_bytes())
            .await
            .unwrap();
        assert_eq!(lines.next().await.unwrap().unwrap(), format!("line {i}"));
    }
    drop(stdin);
    assert!(lines.next().await.is_none());
    assert!(cat.wait().await.unwrap().success());
}

pub async fn output_of_a_shell_command() {
    let out = Command::new("sh")
        .args(["-c", "echo to stdout; echo to stderr >&2; exit 3"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.stdout, b"to stdout\n");
    assert_eq!(out.stderr, b"to stderr\n");
    assert_eq!(out.status.code(), Some(3));
    // stdin is null for output(): a reader sees end of input at once.
    let out = Command::new("cat").output().await.unwrap();
    assert!(out.status.success() && out.stdout.is_empty());
    // Large outputs on both pipes at once do not deadlock.
    let out = Command::new("sh")
        .args([
            "-c",
            "head -c 1000000 /dev/zero; head -c 1000000 /dev/zero >&2",
        ])
        .output()
        .await
        .unwrap();
    assert_eq!((out.stdout.len(), out.stderr.len()), (1_000_000, 1_000_000));
}

pub async fn exit_status_codes() {
    for code in [0, 1, 2, 42, 255] {
        let status = Command::new("sh")
            .args(["-c", &format!("exit {code}")])
            .status()
            .await
            .unwrap();
        assert_eq!(status.code(), Some(code));
        assert_eq!(status.success(), code == 0);
    }
    let status = Command::new("sh")
        .args(["-c", "kill -TERM $$"])
        .status()
        .await
        .unwrap();
    assert_eq!(
        (status.code(), status.signal()),
        (None, Some(libc::SIGTERM))
    );
    // wait() again returns the same status; try_wait too; no pid any more.
    let mut child = Command::new("false").spawn().unwrap();
    let pid = child.id().unwrap();
    let first = child.wait().await.unwrap();
    assert_eq!(child.wait().await.unwrap(), first);
    assert_eq!(child.try_wait().unwrap(), Some(first));
    assert_eq!(child.id(), None);
    assert!(reaped(pid));
}

pub async fn kill_and_start_kill() {
    let mut child = Command::new("sleep").arg("1000").spawn().unwrap();
    assert_eq!(child.try_wait().unwrap(), None);
    child.kill().await.unwrap();
    let status = child.try_wait().unwrap().unwrap();
    assert_eq!(status.signal(), Some(libc::SIGKILL));
    // Killing a reaped child does nothing (its pid may be someone else's).
    child.start_kill().unwrap();
    child.kill().await.unwrap();

    let mut child = Command::new("sleep").arg("1000").spawn().unwrap();
    child.start_kill().unwrap();
    assert_eq!(child.wait().await.unwrap().signal(), Some(libc::SIGKILL));

    // A wait cancelled (by a timeout) and resumed still gets the status.
    let mut child = Command::new("sleep").arg("1000").spawn().unwrap();
    let waited = futures_lite::future::or(async { Some(child.wait().await) }, async {
        runtime::yield_now().await;
        None
    })
    .await;
    assert!(waited.is_none());
    child.start_kill().unwrap();
    assert_eq!(child.wait().await.unwrap().signal(), Some(libc::SIGKILL));
}

pub async fn stderr_env_and_current_dir() {
    let mut child = Command::new("sh")
        .args([
            "-c",
            "echo \"$A-$B\" >&2; pwd >&2; echo ${HOME:-nohome} >&2",
        ])
        .env("A", "one")
        .envs([("B", "two")])
        .env("HOME", "/somewhere")
        .env_remove("HOME")
        .current_dir("/")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .await
        .unwrap();
    assert_eq!(err, "one-two\n/\nnohome\n");
    assert!(child.wait().await.unwrap().success());

    let out = Command::new("/usr/bin/env")
        .env_clear()
        .env("ONLY", "this")
        .output()
        .await
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "ONLY=this\n");
}

pub async fn pipe_one_child_into_another() {
    let mut seq = Command::new("seq")
        .arg("1000")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let pipe: Stdio = seq.stdout.take().unwrap().try_into().unwrap();
    let out = Command::new("wc")
        .arg("-l")
        .stdin(pipe)
        .output()
        .await
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), "1000");
    assert!(seq.wait().await.unwrap().success());
}

pub async fn spawn_errors() {
    let err = Command::new("/no/such/program").spawn().unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    let err = Command::new("/").spawn().unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied);
    // Outside a runtime: an error, and no child started.
    let err = std::thread::spawn(|| Command::new("true").spawn().unwrap_err())
        .join()
        .unwrap();
    assert!(err.to_string().contains("outside of a runtime"), "{err}");
}

pub async fn kill_on_drop_kills_and_reaps() {
    let pids: Vec<u32> = (0..10)
        .map(|_| {
            let child = Command::new("sleep")
                .arg("1000")
                .kill_on_drop(true)
                .spawn()
                .unwrap();
            child.id().unwrap()
        })
        .collect();
    eventually("killed-on-drop children reaped", || {
        pids.iter().all(|&pid| reaped(pid))
    })
    .await;
    assert_eq!(zombies(), Vec::<u32>::new());
}

pub async fn dropped_children_are_reaped() {
    let mut pids = Vec::new();
    for i in 0..200 {
        // Exited before the drop, or still running at it.
        let mut child = Command::new("sh").args(["-c", "exit 0"]).spawn().unwrap();
        pids.push(child.id().unwrap());
        if i % 2 == 0 {
            child.wait().await.unwrap();
            pids.pop();
        }
        drop(child);
    }
    // With pipes nobody reads, dropped too.
    let mut cat = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    pids.push(cat.id().unwrap());
    cat.stdin
        .take()
        .unwrap()
        .write_all(b"unread")
        .await
        .unwrap();
    drop(cat); // its stdin closes with it: cat exits
    eventually("dropped children reaped", || {
        pids.iter().all(|&pid| reaped(pid))
    })
    .await;
    assert_eq!(zombies(), Vec::<u32>::new());
    assert!(no_children_left());
}

/// Spawns and waits for `total` children, `concurrency` at a time, then
/// checks that none is left, zombie or alive.
pub async fn many_children_then_no_zombie(total: usize, concurrency: usize) {
    let per_task = total / concurrency;
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            runtime::spawn(async move {
                for _ in 0..per_task {
                    let status = Command::new("true").status().await.unwrap();
                    assert!(status.success());
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(zombies(), Vec::<u32>::new());
    assert!(
        no_children_left(),
        "a child is left after {total} waited for"
    );
}
