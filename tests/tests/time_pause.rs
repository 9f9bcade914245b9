//! The paused clock: `pause`, `advance`, auto-advance, `start_paused`, and
//! their misuse.

use runtime::time::{Instant, advance, pause, sleep, timeout};
use std::time::Duration;
use tests::{panic_message, paused};

#[test]
fn auto_advance_jumps_to_the_next_deadline() {
    paused().block_on(async {
        let start = Instant::now();
        sleep(Duration::from_secs(86_400)).await;
        // Exactly a day later on the paused clock (in real time, a test
        // that slept would never get here).
        assert_eq!(start.elapsed(), Duration::from_secs(86_400));
    });
}

#[test]
fn instant_now_follows_the_paused_clock_only_inside_its_runtime() {
    let rt = paused();
    let inside = rt.block_on(async {
        let a = Instant::now();
        advance(Duration::from_secs(100)).await;
        let b = Instant::now();
        assert_eq!(b - a, Duration::from_secs(100));
        b
    });
    // Outside, real time: which is now behind the advanced clock.
    assert!(Instant::now() < inside);
}

#[test]
fn advance_fires_due_timers_in_order_and_lets_them_run() {
    paused().block_on(async {
        let order = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for (id, secs) in [(0, 3), (1, 1), (2, 2), (3, 50)] {
            let order = order.clone();
            tasks.push(runtime::spawn(async move {
                sleep(Duration::from_secs(secs)).await;
                order.lock().unwrap().push(id);
            }));
        }
        runtime::yield_now().await; // every task registers its sleep
        advance(Duration::from_secs(10)).await;
        assert_eq!(*order.lock().unwrap(), [1, 2, 0]);
        assert!(!tasks[3].is_finished());
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), [1, 2, 0, 3]);
    });
}

#[test]
fn pause_by_hand_on_a_current_thread_runtime() {
    tests::current().block_on(async {
        pause();
        let start = Instant::now();
        sleep(Duration::from_secs(7200)).await;
        assert_eq!(start.elapsed(), Duration::from_secs(7200));
    });
}

/// Running `spawn_blocking` work holds auto-advance back: a timeout around
/// it does not fire just because the loop has nothing else to do.
#[test]
fn blocking_work_holds_auto_advance_back() {
    paused().block_on(async {
        let work = runtime::spawn_blocking(|| {
            std::thread::sleep(Duration::from_millis(20));
            5
        });
        let out = timeout(Duration::from_secs(1), work).await;
        assert_eq!(out.map(Result::unwrap), Ok(5));
        // After it finished, auto-advance works again.
        let start = Instant::now();
        sleep(Duration::from_secs(30)).await;
        assert_eq!(start.elapsed(), Duration::from_secs(30));
    });
}

#[test]
fn pause_on_a_multi_thread_runtime_panics() {
    let rt = tests::multi(1);
    let err = rt
        .block_on(async { runtime::spawn(async { pause() }).await })
        .unwrap_err();
    let msg = panic_message(&*err.into_panic());
    assert!(msg.contains("needs a current_thread runtime"), "{msg}");
}

#[test]
fn pause_twice_panics() {
    let err = std::panic::catch_unwind(|| paused().block_on(async { pause() })).unwrap_err();
    let msg = panic_message(&*err);
    assert!(msg.contains("already paused"), "{msg}");
}

#[test]
fn pause_outside_a_runtime_panics() {
    let err = std::panic::catch_unwind(pause).unwrap_err();
    let msg = panic_message(&*err);
    assert!(
        msg.contains("runtime::time::pause() called outside of a runtime"),
        "{msg}"
    );
}

#[test]
fn advance_without_pause_panics() {
    let err =
        std::panic::catch_unwind(|| tests::current().block_on(advance(Duration::from_secs(1))))
            .unwrap_err();
    let msg = panic_message(&*err);
    assert!(msg.contains("needs a paused clock"), "{msg}");
}

#[test]
fn start_paused_on_multi_thread_is_an_error() {
    let err = runtime::Builder::multi_thread()
        .start_paused(true)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("current_thread"), "{err}");
}

#[runtime::test(start_paused = true)]
async fn start_paused_through_the_test_macro() {
    let start = Instant::now();
    for secs in [1, 10, 100, 1000] {
        sleep(Duration::from_secs(secs)).await;
    }
    assert_eq!(start.elapsed(), Duration::from_secs(1111));
}

/// Detached blocking work (its handle dropped) holds auto-advance back
/// only while it runs.
#[test]
fn detached_blocking_work_releases_auto_advance_when_done() {
    paused().block_on(async {
        let (tx, rx) = std::sync::mpsc::channel();
        drop(runtime::spawn_blocking(move || rx.recv().unwrap()));
        let start = Instant::now();
        tx.send(()).unwrap();
        sleep(Duration::from_secs(30)).await;
        assert_eq!(start.elapsed(), Duration::from_secs(30));
    });
}
