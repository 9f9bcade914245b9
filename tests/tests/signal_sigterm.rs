//! The `sigterm_server` example (`runtime/examples/sigterm_server.rs`, built
//! as `tests/src/bin/sigterm_server.rs`) as a child process: `SIGTERM` with
//! a request in flight stops the accepting, lets the request finish, and
//! the process exits 0. Every step waits for an event (a line printed, a
//! byte echoed), never for time.
#![cfg(not(miri))]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

struct Server {
    child: Child,
    out: BufReader<ChildStdout>,
    addr: SocketAddr,
}

impl Server {
    fn start(drain_secs: &str) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sigterm_server"))
            .args(["127.0.0.1:0", drain_secs])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let line = read_line(&mut out);
        let addr = line
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .parse()
            .unwrap();
        Server { child, out, addr }
    }

    fn connect(&self) -> TcpStream {
        let conn = TcpStream::connect(self.addr).unwrap();
        // A guard against a hung server, not a synchronisation.
        conn.set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        conn
    }

    fn sigterm(&self) {
        let pid = self.child.id() as libc::pid_t;
        // SAFETY: plain kill(2) of our own child, which has not been waited
        // for (so its pid is still ours).
        let rc = unsafe { libc::kill(pid, libc::SIGTERM) };
        assert_eq!(rc, 0);
    }

    fn next_line(&mut self) -> String {
        read_line(&mut self.out)
    }
}

fn read_line(out: &mut impl BufRead) -> String {
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    line.trim_end().to_owned()
}

/// Sends `what` and reads back its upper-cased echo.
fn echo(conn: &mut TcpStream, what: &str) {
    conn.write_all(what.as_bytes()).unwrap();
    let mut back = vec![0u8; what.len()];
    conn.read_exact(&mut back).unwrap();
    assert_eq!(back, what.to_uppercase().as_bytes());
}

#[test]
fn sigterm_lets_the_request_in_flight_finish_and_exits_zero() {
    let mut server = Server::start("60");
    let mut idle = server.connect();
    echo(&mut idle, "first request\n");
    let mut busy = server.connect();
    // Half a request, echoed back: the server has read it, it is in flight.
    echo(&mut busy, "half a req");

    server.sigterm();
    assert_eq!(
        server.next_line(),
        "SIGTERM: stopped accepting, draining 2 connection(s)"
    );
    // The listener is closed: new connections are refused.
    let err = TcpStream::connect(server.addr).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused, "{err}");
    // The idle connection was closed by the server.
    let mut rest = Vec::new();
    assert_eq!(idle.read_to_end(&mut rest).unwrap(), 0);
    // The request in flight completes, then the server closes it.
    echo(&mut busy, "uest\n");
    assert_eq!(busy.read_to_end(&mut rest).unwrap(), 0);

    assert_eq!(server.next_line(), "drained, exiting");
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status}");
}

#[test]
fn a_request_that_never_ends_is_cut_at_the_drain_timeout() {
    let mut server = Server::start("0.05");
    let mut stuck = server.connect();
    echo(&mut stuck, "this line never ends");
    server.sigterm();
    assert_eq!(
        server.next_line(),
        "SIGTERM: stopped accepting, draining 1 connection(s)"
    );
    assert_eq!(
        server.next_line(),
        "drain timed out: cut 1 connection(s), exiting"
    );
    let mut rest = Vec::new();
    assert_eq!(stuck.read_to_end(&mut rest).unwrap_or(0), 0);
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status}");
}

#[test]
fn sigterm_with_no_connection_exits_at_once() {
    let mut server = Server::start("60");
    server.sigterm();
    assert_eq!(
        server.next_line(),
        "SIGTERM: stopped accepting, draining 0 connection(s)"
    );
    assert_eq!(server.next_line(), "drained, exiting");
    assert!(server.child.wait().unwrap().success());
}
