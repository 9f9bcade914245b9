//! Defaults and cross-option rules.

use proc_macro2::TokenStream;

use super::{Config, Kind};
use crate::options::{self, Flavor};

fn resolve(kind: Kind, args: &str) -> syn::Result<Config> {
    let tokens: TokenStream = args.parse().expect("test input is valid tokens");
    let options = options::parse(tokens).expect("test options parse");
    Config::resolve(kind, options)
}

fn config(kind: Kind, args: &str) -> Config {
    resolve(kind, args).unwrap_or_else(|e| panic!("`{args}` was rejected: {e}"))
}

fn error(kind: Kind, args: &str) -> String {
    match resolve(kind, args) {
        Ok(config) => panic!("`{args}` was accepted: {config:?}"),
        Err(error) => error.to_string(),
    }
}

fn workers(config: &Config) -> Option<usize> {
    config.worker_threads.as_ref().map(|s| s.value)
}

#[test]
fn main_defaults_to_multi_thread_with_default_workers() {
    let c = config(Kind::Main, "");
    assert_eq!(c.flavor, Flavor::MultiThread);
    assert_eq!(workers(&c), None);
    assert!(c.start_paused.is_none());
    assert_eq!(c.crate_path.to_string(), ":: runtime");
}

#[test]
fn test_defaults_to_current_thread() {
    let c = config(Kind::Test, "");
    assert_eq!(c.flavor, Flavor::CurrentThread);
    assert_eq!(workers(&c), None);
}

#[test]
fn worker_threads_alone_means_multi_thread() {
    for kind in [Kind::Main, Kind::Test] {
        let c = config(kind, "worker_threads = 3");
        assert_eq!(c.flavor, Flavor::MultiThread);
        assert_eq!(workers(&c), Some(3));
    }
}

#[test]
fn flavor_overrides_the_default() {
    assert_eq!(
        config(Kind::Main, r#"flavor = "current_thread""#).flavor,
        Flavor::CurrentThread
    );
    assert_eq!(
        config(Kind::Test, r#"flavor = "multi_thread""#).flavor,
        Flavor::MultiThread
    );
    let c = config(Kind::Test, r#"flavor = "multi_thread", worker_threads = 2"#);
    assert_eq!((c.flavor, workers(&c)), (Flavor::MultiThread, Some(2)));
}

#[test]
fn current_thread_conflicts_with_worker_threads() {
    for kind in [Kind::Main, Kind::Test] {
        let e = error(kind, r#"flavor = "current_thread", worker_threads = 2"#);
        assert!(
            e.starts_with("`worker_threads` conflicts with `flavor = \"current_thread\"`"),
            "{e}"
        );
    }
}

#[test]
fn start_paused_needs_current_thread() {
    let c = config(Kind::Test, "start_paused = true");
    assert_eq!(c.start_paused.map(|s| s.value), Some(true));
    let c = config(
        Kind::Main,
        r#"flavor = "current_thread", start_paused = false"#,
    );
    assert_eq!(c.start_paused.map(|s| s.value), Some(false));

    let e = error(Kind::Main, "start_paused = true");
    assert!(e.contains("(the default of #[runtime::main])"), "{e}");
    let e = error(Kind::Test, "worker_threads = 2, start_paused = true");
    assert!(
        e.contains("(`worker_threads`, which makes it multi_thread)"),
        "{e}"
    );
    // Even `false`: asking about the paused clock on a multi-thread runtime is a mistake.
    let e = error(
        Kind::Test,
        r#"flavor = "multi_thread", start_paused = false"#,
    );
    assert!(
        e.starts_with("`start_paused` needs a current_thread runtime"),
        "{e}"
    );
}

#[test]
fn both_conflicts_are_reported() {
    let tokens: TokenStream =
        r#"flavor = "current_thread", worker_threads = 2, start_paused = true"#
            .parse()
            .expect("valid tokens");
    // current_thread + start_paused is fine; only the worker_threads conflict remains.
    let options = options::parse(tokens).expect("parses");
    let errors: Vec<_> = Config::resolve(Kind::Main, options)
        .expect_err("conflict")
        .into_iter()
        .collect();
    assert_eq!(errors.len(), 1);
}

#[test]
fn crate_path_is_used() {
    assert_eq!(
        config(Kind::Main, r#"crate = "crate::rt""#)
            .crate_path
            .to_string(),
        "crate :: rt"
    );
}

#[test]
fn fallback_is_the_default() {
    assert_eq!(Config::fallback(Kind::Main).flavor, Flavor::MultiThread);
    assert_eq!(Config::fallback(Kind::Test).flavor, Flavor::CurrentThread);
}
