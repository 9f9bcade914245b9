//! `#[runtime::main]` and `#[runtime::test]`: the trybuild cases under
//! `tests/ui/` (programs that must compile and run, and programs that must
//! fail with the committed error), and tests written with `#[runtime::test]`.
//!
//! Regenerate the expected errors with `TRYBUILD=overwrite cargo test -p
//! tests --test rt_macros`, then read the diff: the messages are the
//! product.

use std::error::Error;
use std::thread;
use std::time::Duration;

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}

/// A test's default runtime is current_thread: spawned tasks run on the
/// test's own thread.
#[runtime::test]
async fn test_default_is_current_thread() {
    let here = thread::current().id();
    let there = runtime::spawn(async { thread::current().id() })
        .await
        .unwrap();
    assert_eq!(here, there);
}

#[runtime::test(worker_threads = 2)]
async fn test_worker_threads_make_it_multi_thread() {
    assert_eq!(runtime::Handle::current().metrics().num_workers(), 2);
}

#[runtime::test(flavor = "multi_thread", worker_threads = 3)]
async fn test_multi_thread_flavor() {
    assert_eq!(runtime::Handle::current().metrics().num_workers(), 3);
}

#[runtime::test(flavor = "current_thread")]
async fn test_current_thread_flavor() {
    let here = thread::current().id();
    let there = runtime::spawn(async { thread::current().id() })
        .await
        .unwrap();
    assert_eq!(here, there);
}

#[runtime::test]
async fn test_returns_result() -> Result<(), Box<dyn Error>> {
    let n: u32 = "7".parse()?;
    assert_eq!(n, 7);
    Ok(())
}

#[runtime::test]
#[should_panic(expected = "from the body")]
async fn test_should_panic_is_kept() {
    runtime::yield_now().await;
    panic!("from the body");
}

/// If `#[runtime::test]` dropped `#[ignore]`, this would run and fail.
#[runtime::test]
#[ignore = "must stay ignored: it fails if #[runtime::test] drops #[ignore]"]
async fn test_ignore_is_kept() {
    panic!("#[runtime::test] dropped the #[ignore] attribute");
}

/// With the clock paused, an hour's sleep takes no real time.
#[runtime::test(start_paused = true)]
async fn test_start_paused() {
    let start = std::time::Instant::now();
    runtime::time::sleep(Duration::from_secs(3600)).await;
    assert!(start.elapsed() < Duration::from_secs(60));
}
