//! `select!` and `task::race`: the first future to finish wins, the others
//! are dropped (asyncio's `wait(FIRST_COMPLETED)` plus cancelling the rest).

use runtime::task::race;
use std::future::{pending, ready};
use std::time::Duration;
use tests::{DropCounter, Gate, paused};

/// Never finishes; bumps `drops` when dropped.
async fn pending_counted(drops: &DropCounter) -> u32 {
    let _token = drops.token();
    pending().await
}

#[test]
fn the_first_to_finish_wins_and_the_losers_are_dropped_before_the_handler() {
    paused().block_on(async {
        let drops = DropCounter::new();
        let won = runtime::select! {
            v = pending_counted(&drops) => v,
            v = async {
                runtime::time::sleep(Duration::from_millis(5)).await;
                7
            } => {
                assert_eq!(drops.count(), 2, "both losers were dropped before the handler ran");
                v * 6
            }
            v = pending_counted(&drops) => v,
        };
        assert_eq!(won, 42);
        assert_eq!(drops.count(), 2);
    });
}

#[test]
fn unbiased_select_is_fair_and_biased_select_is_in_order() {
    paused().block_on(async {
        let mut wins = [0u32; 3];
        for _ in 0..3_000 {
            let i = runtime::select! {
                _ = ready(()) => 0,
                _ = ready(()) => 1,
                _ = ready(()) => 2,
            };
            wins[i] += 1;
        }
        // Each always-ready branch wins about a third of the time; a fixed
        // order would give one branch all 3000.
        assert!(wins.iter().all(|&w| w > 500), "wins per branch: {wins:?}");

        for _ in 0..100 {
            let i = runtime::select! {
                biased;
                _ = ready(()) => 0,
                _ = ready(()) => 1,
            };
            assert_eq!(i, 0, "biased: the first ready branch in written order");
        }
    });
}

#[test]
fn an_output_that_does_not_match_disables_its_branch_and_the_others_go_on() {
    paused().block_on(async {
        let gate = Gate::new();
        let opener = gate.clone();
        let got = runtime::select! {
            Some(v) = async { None::<u32> } => v,
            Ok(v) = async {
                opener.open();
                Err::<u32, ()>(())
            } => v,
            () = gate.wait() => 99,
        };
        assert_eq!(got, 99);
    });
}

#[test]
fn a_false_condition_disables_a_branch_whose_future_is_never_polled() {
    paused().block_on(async {
        let polled = std::sync::atomic::AtomicBool::new(false);
        let v = runtime::select! {
            v = async {
                polled.store(true, std::sync::atomic::Ordering::SeqCst);
                1
            }, if 1 + 1 == 3 => v,
            v = async { 2 } => v,
        };
        assert_eq!(v, 2);
        assert!(!polled.load(std::sync::atomic::Ordering::SeqCst));
    });
}

#[test]
fn every_branch_disabled_runs_else_or_panics_saying_so() {
    paused().block_on(async {
        let v = runtime::select! {
            Some(v) = ready(None::<u8>) => v,
            else => 0,
        };
        assert_eq!(v, 0);
    });
    let result = std::panic::catch_unwind(|| {
        paused().block_on(async {
            runtime::select! {
                _ = ready(()), if false => {}
            }
        })
    });
    let message = tests::panic_message(&*result.unwrap_err());
    assert!(message.contains("every branch is disabled"), "{message}");
}

#[test]
fn handlers_may_break_return_and_use_question_mark_and_borrows() {
    async fn first_line(lines: &mut Vec<String>) -> Result<usize, String> {
        let mut count = 0;
        loop {
            runtime::select! {
                line = async { lines.pop() } => match line {
                    Some(line) if line == "stop" => return Ok(count),
                    Some(line) => {
                        line.parse::<u32>().map_err(|e| e.to_string())?;
                        count += 1;
                    }
                    None => break,
                },
            }
            // The future borrowed `lines` mutably; it is gone here.
            lines.retain(|l| !l.is_empty());
        }
        Err("no stop line".into())
    }
    paused().block_on(async {
        let mut lines = vec!["stop".to_string(), "2".into(), "1".into()];
        assert_eq!(first_line(&mut lines).await, Ok(2));
        let mut bad = vec!["x".to_string()];
        assert!(
            first_line(&mut bad)
                .await
                .unwrap_err()
                .contains("invalid digit")
        );
        assert_eq!(
            first_line(&mut Vec::new()).await,
            Err("no stop line".into())
        );
    });
}

#[test]
fn select_takes_join_handles_and_a_losing_task_keeps_running() {
    tests::multi(2).block_on(async {
        let gate = Gate::new();
        let (tx, rx) = std::sync::mpsc::channel();
        let slow = {
            let gate = gate.clone();
            runtime::spawn(async move {
                gate.wait().await;
                tx.send("the losing task ran on").unwrap();
                1u8
            })
        };
        let fast = runtime::spawn(async { 5u8 });
        let v = runtime::select! {
            r = slow => r.unwrap(),
            r = fast => r.unwrap(),
        };
        assert_eq!(v, 5);
        // Dropping a JoinHandle detaches its task; it is not cancelled.
        gate.open();
        let said = runtime::spawn_blocking(move || rx.recv().unwrap())
            .await
            .unwrap();
        assert_eq!(said, "the losing task ran on");
    });
}

#[test]
fn race_returns_the_first_and_drops_the_rest() {
    paused().block_on(async {
        let drops = DropCounter::new();
        let futures: Vec<_> = (0..1000u64)
            .map(|i| {
                let token = drops.token();
                async move {
                    let _token = token;
                    runtime::time::sleep(Duration::from_millis(1000 - i)).await;
                    i
                }
            })
            .collect();
        assert_eq!(race(futures).await, (999, 999));
        assert_eq!(
            drops.count(),
            1000,
            "the winner and the 999 losers are dropped"
        );
    });
}

#[test]
fn race_of_nothing_panics_saying_so() {
    let result =
        std::panic::catch_unwind(|| paused().block_on(race(Vec::<std::future::Ready<()>>::new())));
    let message = tests::panic_message(&*result.unwrap_err());
    assert!(message.contains("at least one future"), "{message}");
}

#[test]
fn patterns_may_bind_mutably_and_by_reference() {
    paused().block_on(async {
        let v = runtime::select! {
            mut v = async { vec![1] } => {
                v.push(2);
                v
            }
        };
        assert_eq!(v, [1, 2]);
        let v = runtime::select! {
            Some(mut v) = async { Some(String::from("a")) } => {
                v.push('b');
                v
            }
        };
        assert_eq!(v, "ab");
        let text = String::from("borrowed");
        let v = runtime::select! {
            (ref s, _) = async { (text.clone(), 0) } => s.len(),
        };
        assert_eq!(v, 8);
    });
}
