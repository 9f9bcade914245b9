//! `#[runtime::main]` with no options: a multi-thread runtime.
#![deny(warnings)]

#[runtime::main]
async fn main() {
    let answer = async { 6 * 7 }.await;
    assert_eq!(answer, 42);
}
