//! `crate = "..."`: the macros used through a crate that re-exports `runtime`.
#![deny(warnings)]

mod reexport {
    pub use runtime::*;
}

#[reexport::main(crate = "crate::reexport", worker_threads = 1)]
async fn main() {
    reexport::yield_now().await;
}
