//! Every option at once, in any order, with a trailing comma.
#![deny(warnings)]

#[runtime::main(start_paused = true, crate = "::runtime", flavor = "current_thread",)]
async fn main() {
    runtime::yield_now().await;
}
