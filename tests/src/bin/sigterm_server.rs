//! Helper for `signal_sigterm.rs`: the `sigterm_server` example, built as
//! a binary of this crate so the test can start it as a child process
//! (`CARGO_BIN_EXE_sigterm_server`).

#[path = "../../../runtime/examples/sigterm_server.rs"]
mod example;

fn main() {
    example::main();
}
