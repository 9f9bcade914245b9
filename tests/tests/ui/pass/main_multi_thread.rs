//! `flavor = "multi_thread"` with and without `worker_threads`.
#![deny(warnings)]

#[runtime::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() {
    assert_eq!(runtime::Handle::current().metrics().num_workers(), 1);
}
