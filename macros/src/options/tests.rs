//! The option parser, on token streams as the compiler would pass them.

use proc_macro2::TokenStream;
use quote::ToTokens;

use super::{Flavor, Options, parse};

fn options(args: &str) -> Options {
    let tokens: TokenStream = args.parse().expect("test input is valid tokens");
    match parse(tokens) {
        Ok(options) => options,
        Err(error) => panic!("`{args}` was rejected: {error}"),
    }
}

/// Every message of the error that `args` gives.
fn errors(args: &str) -> Vec<String> {
    let tokens: TokenStream = args.parse().expect("test input is valid tokens");
    match parse(tokens) {
        Ok(_) => panic!("`{args}` was accepted"),
        Err(error) => error.into_iter().map(|e| e.to_string()).collect(),
    }
}

fn error(args: &str) -> String {
    let mut all = errors(args);
    assert_eq!(all.len(), 1, "`{args}` gave {all:?}");
    all.remove(0)
}

#[test]
fn no_arguments_set_nothing() {
    let o = options("");
    assert!(o.worker_threads.is_none());
    assert!(o.flavor.is_none());
    assert!(o.start_paused.is_none());
    assert!(o.crate_path.is_none());
}

#[test]
fn every_option_is_read() {
    let o = options(
        r#"worker_threads = 4, flavor = "multi_thread", start_paused = false, crate = "my::rt""#,
    );
    assert_eq!(o.worker_threads.map(|s| s.value), Some(4));
    assert_eq!(o.flavor.map(|s| s.value), Some(Flavor::MultiThread));
    assert_eq!(o.start_paused.map(|s| s.value), Some(false));
    let path = o.crate_path.map(|p| p.to_token_stream().to_string());
    assert_eq!(path.as_deref(), Some("my :: rt"));
}

#[test]
fn trailing_comma_and_any_order() {
    let o = options(r#"start_paused = true, flavor = "current_thread","#);
    assert_eq!(o.flavor.map(|s| s.value), Some(Flavor::CurrentThread));
    assert_eq!(o.start_paused.map(|s| s.value), Some(true));
}

#[test]
fn worker_threads_accepts_usize_suffix() {
    assert_eq!(
        options("worker_threads = 8usize")
            .worker_threads
            .map(|s| s.value),
        Some(8)
    );
}

#[test]
fn crate_paths() {
    for (given, read) in [
        (r#"crate = "::runtime""#, ":: runtime"),
        (r#"crate = "crate""#, "crate"),
        (
            r#"crate = "crate::reexport::rt""#,
            "crate :: reexport :: rt",
        ),
    ] {
        let path = options(given)
            .crate_path
            .map(|p| p.to_token_stream().to_string());
        assert_eq!(path.as_deref(), Some(read), "{given}");
    }
}

#[test]
fn unknown_option() {
    assert_eq!(
        error("threads = 4"),
        "unknown option `threads`; expected one of `worker_threads`, `flavor`, `start_paused`, `crate`"
    );
}

#[test]
fn duplicate_option() {
    assert_eq!(
        error("worker_threads = 2, worker_threads = 2"),
        "duplicate option `worker_threads`: give each option once"
    );
    // Reported even when the first one was wrong.
    let all = errors("worker_threads = 0, worker_threads = 2");
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(all[1].starts_with("duplicate option"), "{all:?}");
}

#[test]
fn worker_threads_values() {
    assert_eq!(
        error("worker_threads = 0"),
        "`worker_threads` must be at least 1"
    );
    assert_eq!(
        error(r#"worker_threads = "4""#),
        "`worker_threads` takes an integer, not a string: write `worker_threads = 4`"
    );
    let literal = "`worker_threads` takes an integer literal, e.g. `worker_threads = 4`";
    assert_eq!(error(r#"worker_threads = "many""#), literal);
    assert_eq!(error("worker_threads = WORKERS"), literal);
    assert_eq!(error("worker_threads = -1"), literal);
    assert_eq!(error("worker_threads = 2.0"), literal);
    assert_eq!(
        error("worker_threads = 4u8"),
        "`worker_threads` is a `usize`; remove the `u8` suffix"
    );
    assert_eq!(
        error("worker_threads = 100000000000000000000000"),
        "`worker_threads` is too large for a `usize`"
    );
}

#[test]
fn flavor_values() {
    assert_eq!(
        error(r#"flavor = "threaded""#),
        r#"unknown flavor `threaded`; expected `"multi_thread"` or `"current_thread"`"#
    );
    assert_eq!(
        error("flavor = current_thread"),
        r#"`flavor` takes a string: write `flavor = "current_thread"`"#
    );
    assert_eq!(
        error("flavor = 1"),
        r#"`flavor` takes a string literal; expected `"multi_thread"` or `"current_thread"`"#
    );
}

#[test]
fn start_paused_values() {
    assert_eq!(
        error(r#"start_paused = "true""#),
        "`start_paused` takes a bool, not a string: write `start_paused = true`"
    );
    assert_eq!(
        error("start_paused = 1"),
        "`start_paused` takes `true` or `false`"
    );
    assert_eq!(
        error("start_paused = yes"),
        "`start_paused` takes `true` or `false`"
    );
}

#[test]
fn crate_values() {
    let usage = r#"`crate` takes the path of the runtime crate as a string, e.g. `crate = "my_crate::runtime"`"#;
    assert_eq!(error("crate = runtime"), usage);
    assert_eq!(error(r#"crate = "not a path""#), usage);
    assert_eq!(error(r#"crate = "runtime::<u8>""#), usage);
    assert_eq!(error(r#"crate = """#), usage);
}

#[test]
fn missing_values_and_bad_syntax() {
    assert_eq!(
        error("worker_threads"),
        "option `worker_threads` needs a value, e.g. `worker_threads = 4`"
    );
    assert_eq!(
        error(r#"flavor, worker_threads = 2"#),
        r#"option `flavor` needs a value, e.g. `flavor = "current_thread"`"#
    );
    assert_eq!(
        error(r#"flavor "current_thread""#),
        "expected `=` after `flavor`"
    );
    assert_eq!(
        error(r#""current_thread""#),
        "expected an option like `worker_threads = 4`; expected one of `worker_threads`, `flavor`, `start_paused`, `crate`"
    );
    assert_eq!(error("worker_threads = 2 flavor"), "expected `,`");
}

#[test]
fn value_errors_are_all_reported() {
    let all = errors(r#"worker_threads = 0, flavor = "threaded", start_paused = 1, bogus = 2"#);
    assert_eq!(all.len(), 4, "{all:?}");
}
