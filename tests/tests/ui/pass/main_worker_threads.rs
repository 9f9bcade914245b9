//! `worker_threads = N` sets the number of workers.
#![deny(warnings)]

#[runtime::main(worker_threads = 2)]
async fn main() {
    assert_eq!(runtime::Handle::current().metrics().num_workers(), 2);
}
