//! Helpers for the `process_*` tests: zombies of this process, and
//! whether a pid was reaped.

use std::time::Duration;

/// Our children that exited and were not reaped (state `Z` in
/// `/proc/<pid>/stat`, with our pid as parent). Linux only.
pub fn zombies() -> Vec<u32> {
    let me = std::process::id();
    let mut found = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return found;
    };
    for entry in dir.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue; // gone meanwhile
        };
        // "pid (comm) S ppid ...": comm may hold spaces and parentheses.
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let mut fields = rest.split_whitespace();
        let state = fields.next();
        let ppid = fields.next().and_then(|p| p.parse::<u32>().ok());
        if state == Some("Z") && ppid == Some(me) {
            found.push(pid);
        }
    }
    found
}

/// True once `pid` is no child of ours any more (reaped: `waitpid` says
/// `ECHILD`). Never reaps it itself.
pub fn reaped(pid: u32) -> bool {
    let mut info: libc::siginfo_t = unsafe_zeroed();
    // SAFETY: waitid with WNOWAIT only reports (it reaps nothing) into
    // `info`, a valid siginfo_t we own.
    let rc = unsafe {
        libc::waitid(
            libc::P_PID,
            pid as libc::id_t,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        )
    };
    rc == -1 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ECHILD)
}

/// True if this process has no child at all (`waitpid(-1, WNOHANG)` fails
/// with `ECHILD`). Reaps nothing: `WNOWAIT`.
pub fn no_children_left() -> bool {
    let mut info: libc::siginfo_t = unsafe_zeroed();
    // SAFETY: as in `reaped`; P_ALL ignores the id.
    let rc = unsafe {
        libc::waitid(
            libc::P_ALL,
            0,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        )
    };
    rc == -1 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ECHILD)
}

fn unsafe_zeroed() -> libc::siginfo_t {
    // SAFETY: siginfo_t is plain data; all zeroes is a valid value.
    unsafe { std::mem::zeroed() }
}

/// Polls `done` on the current runtime (1 ms apart) until it holds; panics
/// with `what` after a minute, which only a hang reaches. The background
/// reaping being waited for has no event a test could await.
pub async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..60_000 {
        if done() {
            return;
        }
        runtime::time::sleep(Duration::from_millis(1)).await;
    }
    panic!("still not true after a minute: {what}");
}
