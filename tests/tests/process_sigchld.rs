//! `runtime::process` with the reaping of systems without pidfds: a
//! `SIGCHLD` stream per waiting child, forced here on Linux. The cases are
//! in `process_cases/`.
#![cfg(not(miri))]

mod process_cases;

process_cases::process_tests!(runtime::__private::process_force_sigchld);

#[test]
fn a_thousand_children_then_no_zombie() {
    process_cases::run(runtime::__private::process_force_sigchld, true, || {
        process_cases::many_children_then_no_zombie(1_000, 32)
    });
}
