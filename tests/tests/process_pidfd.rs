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
