//! `runtime::process` with the reaping it uses on Linux: a pidfd per child
//! in the reactor. The cases are in `process_cases/`.
#![cfg(all(not(miri), target_os = "linux"))]

mod process_cases;

process_cases::process_tests!(|| {});

#[test]
fn ten_thousand_children_then_no_zombie() {
    process_cases::run(
        || {},
        true,
        || process_cases::many_children_then_no_zombie(10_000, 64),
    );
}

/// The descriptors of this process that are pidfds.
fn pidfds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .flatten()
        .filter(|fd| {
            std::fs::read_link(fd.path())
                .is_ok_and(|target| target.to_string_lossy().contains("pidfd"))
        })
        .count()
}

#[test]
fn a_waiting_child_is_watched_through_a_pidfd() {
    process_cases::run(
        || {},
        true,
        || async {
            let before = pidfds();
            let mut child = runtime::process::Command::new("sleep")
                .arg("1000")
                .spawn()
                .unwrap();
            assert_eq!(pidfds(), before + 1);
            child.kill().await.unwrap();
            assert_eq!(pidfds(), before + 1, "kept until the Child is dropped");
            drop(child);
            assert_eq!(pidfds(), before);
        },
    );
}

#[test]
fn a_child_dropped_after_its_runtime_is_reaped_at_a_later_spawn() {
    let _alone = process_cases::CHILDREN
        .write()
        .unwrap_or_else(|e| e.into_inner());
    let rt = tests::current();
    let cat = rt.block_on(async {
        runtime::process::Command::new("cat")
            .stdin(runtime::process::Stdio::piped())
            .spawn()
            .unwrap()
    });
    let pid = cat.id().unwrap();
    drop(rt);
    // No runtime to wait for it: to the orphan list, still running (its
    // stdin closes only as the `Child`'s fields drop, after the adoption).
    drop(cat);
    let rt = tests::current();
    rt.block_on(async {
        // Each spawn sweeps the orphan list; cat exits once its stdin
        // closed, at some point. A minute only a hang reaches.
        for _ in 0..60_000 {
            let status = runtime::process::Command::new("true").status().await;
            assert!(status.unwrap().success());
            if tests::reaped(pid) {
                return;
            }
            runtime::time::sleep(std::time::Duration::from_millis(1)).await;
        }
        panic!("the orphan was not reaped by later spawns");
    });
    assert_eq!(tests::zombies(), Vec::<u32>::new());
}
