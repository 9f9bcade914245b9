//! What the macros expand to, as text. The trybuild cases in the `tests`
//! crate check that the expansion compiles and runs; these check its shape.

use proc_macro2::TokenStream;

use crate::config::Kind;
use crate::entry;

/// The expansion with all whitespace removed, so checks do not depend on
/// how tokens are printed.
fn expand(kind: Kind, args: &str, item: &str) -> String {
    let args: TokenStream = args.parse().expect("valid args");
    let item: TokenStream = item.parse().expect("valid item");
    entry(kind, args, item)
        .to_string()
        .split_whitespace()
        .collect()
}

fn has(expansion: &str, part: &str) -> bool {
    let part: String = part.split_whitespace().collect();
    expansion.contains(&part)
}

#[track_caller]
fn assert_has(expansion: &str, parts: &[&str]) {
    for part in parts {
        assert!(has(expansion, part), "`{part}` missing from {expansion}");
    }
}

#[track_caller]
fn assert_lacks(expansion: &str, parts: &[&str]) {
    for part in parts {
        assert!(!has(expansion, part), "`{part}` found in {expansion}");
    }
}

#[test]
fn main_default() {
    let e = expand(Kind::Main, "", "async fn main() { work().await }");
    assert_has(
        &e,
        &[
            "fn main() {",
            "::runtime::Builder::multi_thread().build()",
            r#".expect("failed to build the runtime in #[runtime::main]")"#,
            "async move {",
            "#[allow(clippy::diverging_sub_expression)] let ret: () = { work().await };",
            ".block_on(body)",
        ],
    );
    assert_lacks(
        &e,
        &[
            "async fn",
            "worker_threads",
            "start_paused",
            "test",
            "compile_error",
        ],
    );
}

#[test]
fn main_options() {
    let e = expand(Kind::Main, "worker_threads = 3", "async fn main() {}");
    assert_has(&e, &["Builder::multi_thread().worker_threads(3).build()"]);
    let e = expand(
        Kind::Main,
        r#"flavor = "current_thread", start_paused = true, crate = "crate::rt""#,
        "async fn main() {}",
    );
    assert_has(
        &e,
        &["crate::rt::Builder::current_thread().start_paused(true).build()"],
    );
}

#[test]
fn main_keeps_the_return_type() {
    let e = expand(
        Kind::Main,
        "",
        "async fn main() -> Result<(), Error> { Ok(()) }",
    );
    assert_has(
        &e,
        &[
            "fn main() -> Result<(), Error> {",
            "let ret: Result<(), Error> = { Ok(()) };",
        ],
    );
    assert_lacks(&e, &["dyn"]);
}

#[test]
fn unnameable_return_types_are_inferred() {
    let e = expand(
        Kind::Main,
        "",
        "async fn main() -> impl Termination { ExitCode::SUCCESS }",
    );
    assert_has(&e, &["async move { ExitCode::SUCCESS }"]);
    assert_lacks(&e, &["let ret"]);
}

#[test]
fn test_default() {
    let e = expand(Kind::Test, "", "async fn t() {}");
    assert_has(
        &e,
        &[
            "#[::core::prelude::v1::test] fn t() {",
            "::runtime::Builder::current_thread().build()",
            r#".expect("failed to build the runtime in #[runtime::test]")"#,
            "::core::pin::Pin<&mut dyn ::core::future::Future<Output = ()>>",
        ],
    );
}

#[test]
fn test_worker_threads_is_multi_thread() {
    let e = expand(Kind::Test, "worker_threads = 2", "async fn t() {}");
    assert_has(&e, &["Builder::multi_thread().worker_threads(2).build()"]);
}

#[test]
fn attributes_stay_in_place() {
    let e = expand(
        Kind::Test,
        "",
        "/// Docs.\n#[should_panic(expected = \"x\")] #[ignore] async fn t() { #![allow(unused)] panic!(\"x\") }",
    );
    assert_has(
        &e,
        &[
            r#"#[doc = " Docs."] #[should_panic(expected = "x")] #[ignore] #[::core::prelude::v1::test] fn t() { #![allow(unused)]"#,
        ],
    );
}

#[test]
fn bad_options_still_expand_the_function() {
    let e = expand(
        Kind::Main,
        "worker_threads = 0",
        "async fn main() { body() }",
    );
    assert_has(
        &e,
        &[
            "fn main() {",
            "Builder::multi_thread().build()",
            "{ body() }",
            "compile_error!",
        ],
    );
    assert_lacks(&e, &["async fn"]);
}

#[test]
fn a_missing_async_still_expands_the_function() {
    let e = expand(Kind::Test, "", "fn t() { body() }");
    assert_has(
        &e,
        &[
            "#[::core::prelude::v1::test] fn t() {",
            "{ body() }",
            "compile_error!",
        ],
    );
}

#[test]
fn a_test_with_arguments_gets_no_test_attribute() {
    let e = expand(Kind::Test, "", "async fn t(x: u32) {}");
    assert_has(&e, &["fn t(x: u32) {", "compile_error!"]);
    assert_lacks(&e, &["prelude::v1::test"]);
}

#[test]
fn a_non_main_function_may_take_arguments() {
    let e = expand(Kind::Main, "", "async fn run(x: u32) -> u32 { x }");
    assert_has(
        &e,
        &[
            "fn run(x: u32) -> u32 {",
            "async move {",
            "let ret: u32 = { x };",
        ],
    );
    assert_lacks(&e, &["compile_error"]);
}

#[test]
fn unparsable_input_is_returned_as_it_came() {
    let e = expand(Kind::Main, "", "struct Main;");
    assert_has(&e, &["struct Main;", "compile_error!"]);
}

#[test]
fn the_body_is_not_parsed() {
    let e = expand(Kind::Main, "", "async fn main() { let x = ; }");
    assert_has(&e, &["{ let x = ; }"]);
    assert_lacks(&e, &["compile_error"]);
}
