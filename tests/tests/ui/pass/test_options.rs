//! `#[runtime::test]` with its options. Outside `cargo test` the tests
//! themselves are compiled out, so this checks that the attributes are
//! accepted; `tests/rt_macros.rs` runs such tests for real.
#![deny(warnings)]

#[runtime::test]
async fn default_flavor() {}

#[runtime::test(worker_threads = 2)]
async fn two_workers() -> Result<(), std::num::ParseIntError> {
    let n: u32 = "2".parse()?;
    assert_eq!(n, 2);
    Ok(())
}

#[runtime::test(flavor = "multi_thread")]
#[ignore = "shows that other attributes stay"]
async fn multi_thread() {}

#[runtime::test(flavor = "current_thread", start_paused = true)]
#[should_panic(expected = "boom")]
async fn paused() {
    panic!("boom");
}

fn main() {}
