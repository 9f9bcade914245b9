//! A return type that cannot be named in a `let` (`impl Trait`) is left to
//! inference.
#![deny(warnings)]

use std::process::{ExitCode, Termination};

#[runtime::main]
async fn main() -> impl Termination {
    runtime::yield_now().await;
    ExitCode::SUCCESS
}
