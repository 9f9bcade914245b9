//! `runtime::io::{stdin, stdout, stderr}` through a child process
//! (`tests/src/bin/stdio_echo.rs`) whose stdio is piped: lines read and
//! echoed, stderr written, descriptors left blocking, nothing lost when
//! reads are cancelled.
#![cfg(not(miri))]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

fn helper(mode: &str) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_stdio_echo"))
        .arg(mode)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn lines_read_from_stdin_are_echoed_to_stdout_and_counted_on_stderr() {
    let mut child = helper("lines");
    let mut stdin = child.stdin.take().unwrap();
    // More than a pipe holds, written from another thread while we read.
    const LINES: usize = 20_000;
    let writer = std::thread::spawn(move || {
        for i in 0..LINES {
            writeln!(stdin, "line {i}").unwrap();
        }
    });
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut n = 0;
    for (i, line) in stdout.lines().enumerate() {
        assert_eq!(line.unwrap(), format!("echo: line {i}"));
        n += 1;
    }
    writer.join().unwrap();
    assert_eq!(n, LINES);
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(err, format!("{LINES} lines\nfds blocking\n"));
    assert!(child.wait().unwrap().success());
}

#[test]
fn empty_input_is_end_of_stream_at_once() {
    let mut child = helper("lines");
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    assert_eq!(out.stderr, b"0 lines\nfds blocking\n");
}

#[test]
fn reads_cancelled_while_in_flight_lose_nothing() {
    let mut child = helper("cancel");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut ready = String::new();
    stdout.read_line(&mut ready).unwrap();
    assert_eq!(ready, "ready\n");
    let sent: Vec<u8> = (0..100_000u32).map(|i| b'a' + (i % 26) as u8).collect();
    let mut stdin = child.stdin.take().unwrap();
    let to_send = sent.clone();
    let writer = std::thread::spawn(move || {
        // In small pieces, so many reads complete and many are cancelled.
        for piece in to_send.chunks(7) {
            stdin.write_all(piece).unwrap();
        }
    });
    let mut got = Vec::new();
    stdout.read_to_end(&mut got).unwrap();
    writer.join().unwrap();
    assert!(
        got == sent,
        "{} bytes came back of {}",
        got.len(),
        sent.len()
    );
    assert!(child.wait().unwrap().success());
}

#[test]
fn outside_a_runtime_is_an_error_not_a_hang() {
    use runtime::io::{AsyncReadExt, AsyncWriteExt};
    let err =
        futures_lite::future::block_on(runtime::io::stdout().write_all(b"lost?")).unwrap_err();
    assert!(err.to_string().contains("outside of a runtime"), "{err}");
    let mut buf = [0u8; 1];
    let err = futures_lite::future::block_on(runtime::io::stdin().read(&mut buf)).unwrap_err();
    assert!(
        err.to_string()
            .contains("Stdin was called outside of a runtime"),
        "{err}"
    );
}
