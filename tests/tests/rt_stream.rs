//! runtime::stream: iteration, async generators.

use runtime::stream::{self, StreamExt, generate, try_generate};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tests::DropCounter;

#[test]
fn iter_and_stream_ext() {
    let rt = tests::current();
    let out: Vec<u32> = rt.block_on(
        stream::iter(1..=6)
            .filter(|n| n % 2 == 0)
            .map(|n| n * 10)
            .collect(),
    );
    assert_eq!(out, [20, 40, 60]);
}

#[test]
fn generator_yields_in_order_and_ends() {
    let rt = tests::current();
    let out: Vec<String> = rt.block_on(async {
        generate(|mut y| async move {
            for word in ["a", "b", "c"] {
                runtime::yield_now().await; // producers may await anything
                y.yield_(word.to_uppercase()).await;
            }
        })
        .collect()
        .await
    });
    assert_eq!(out, ["A", "B", "C"]);
}

#[test]
fn producer_never_runs_ahead_of_the_consumer() {
    let rt = tests::current();
    let produced = Arc::new(AtomicUsize::new(0));
    rt.block_on({
        let produced = produced.clone();
        async move {
            let mut s = generate({
                let produced = produced.clone();
                |mut y| async move {
                    for i in 0..100 {
                        produced.fetch_add(1, Ordering::SeqCst);
                        y.yield_(i).await;
                    }
                }
            });
            for expected in 0..10 {
                assert_eq!(s.next().await, Some(expected));
                // Exactly one item made per item taken.
                assert_eq!(produced.load(Ordering::SeqCst), expected + 1);
            }
        }
    });
    assert_eq!(produced.load(Ordering::SeqCst), 10);
}

#[test]
fn dropping_the_stream_drops_the_suspended_producer() {
    let rt = tests::current();
    let drops = DropCounter::new();
    rt.block_on({
        let drops = drops.clone();
        async move {
            let token = drops.token();
            let mut s = generate(|mut y| async move {
                let _token = token;
                loop {
                    y.yield_(()).await;
                }
            });
            assert_eq!(s.next().await, Some(()));
            drop(s);
        }
    });
    assert_eq!(drops.count(), 1);
}

#[test]
fn try_generate_ends_with_the_error() {
    let rt = tests::current();
    let out: Vec<Result<u32, String>> = rt.block_on(async {
        try_generate(|mut y| async move {
            y.yield_(1).await;
            y.yield_(2).await;
            Err("stopped".to_string())?;
            y.yield_(3).await;
            Ok(())
        })
        .collect()
        .await
    });
    assert_eq!(out, [Ok(1), Ok(2), Err("stopped".to_string())]);
}

#[test]
fn generators_work_in_spawned_tasks() {
    let rt = tests::multi(2);
    let sum = rt.block_on(rt.spawn(async {
        let s = generate(|mut y| async move {
            for i in 1..=4u64 {
                y.yield_(i).await;
            }
        });
        s.fold(0, |acc, x| acc + x).await
    }));
    assert_eq!(sum.unwrap(), 10);
}

#[test]
fn yielding_from_another_task_is_refused_with_a_message() {
    let rt = tests::multi(1);
    let err = rt.block_on(async {
        let (tx, rx) = std::sync::mpsc::channel();
        let mut s = generate(move |y| async move {
            tx.send(y).unwrap();
        });
        assert_eq!(s.next().await, None::<u8>);
        let mut y = rx.recv().unwrap();
        runtime::spawn(async move { y.yield_(1).await })
            .await
            .unwrap_err()
    });
    let msg = tests::panic_message(&*err.into_panic());
    assert!(msg.contains("outside its generator"), "{msg}");
}
