//! `#[runtime::main]` and `#[runtime::test]`: run an `async fn` on a fresh
//! runtime, as Python's `asyncio.run(main())` does.
//!
//! Use them through the `runtime` crate, which re-exports them; this crate is
//! an implementation detail. Both lower onto the public `runtime::Builder`:
//!
//! ```text
//! ::runtime::Builder::multi_thread()   // or current_thread()
//!     .worker_threads(N)               // only if given
//!     .start_paused(true)              // only if given
//!     .build()
//!     .expect("failed to build the runtime in #[runtime::main]")
//!     .block_on(async move { body })
//! ```
//!
//! Layout: `options.rs` reads the attribute's arguments, `config.rs` applies
//! the defaults and cross-option rules, `item.rs` reads and checks the
//! function, `expand.rs` writes the code.

mod config;
mod expand;
mod item;
mod options;
mod select;

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;

use crate::config::{Config, Kind, combine};
use crate::item::AsyncFn;

/// Runs `async fn main` on a new runtime: the `asyncio.run(main())` of this
/// crate.
///
/// The function becomes a plain `fn main()` with the same return type, which
/// builds a runtime, blocks on the body, and returns what the body returns.
/// `main` may return anything a `fn main` may, such as
/// `Result<(), Box<dyn Error>>`, and `?` works in the body. When `main`
/// returns, the runtime shuts down.
///
/// # Options
///
/// Comma-separated `key = value` pairs, each given at most once:
///
/// | option | values | default |
/// |--------|--------|---------|
/// | `flavor` | `"multi_thread"`, `"current_thread"` | `"multi_thread"` |
/// | `worker_threads` | integer literal, at least 1 (multi_thread only) | one per core |
/// | `start_paused` | `true`, `false` (current_thread only): start with time paused | not set |
/// | `crate` | path of the runtime crate, as a string | `"::runtime"` |
///
/// `crate` is for crates that re-export `runtime` under another name.
///
/// # Examples
///
/// The default, a multi-threaded runtime with one worker per core:
///
/// ```no_run
/// #[runtime::main]
/// async fn main() {
///     let answer = runtime::spawn(async { 6 * 7 }).await.unwrap();
///     println!("{answer}");
/// }
/// ```
///
/// Returning an error, with `?`:
///
/// ```no_run
/// use std::error::Error;
///
/// #[runtime::main(worker_threads = 4)]
/// async fn main() -> Result<(), Box<dyn Error>> {
///     let n: u32 = "42".parse()?;
///     println!("{n}");
///     Ok(())
/// }
/// ```
///
/// A single-threaded event loop, like asyncio's:
///
/// ```no_run
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     runtime::yield_now().await;
/// }
/// ```
///
/// # Errors
///
/// The macro rejects, at compile time: a function that is not `async`; a
/// function named `main` with arguments (another name may take them, and
/// then behaves as a plain function that blocks on its body); unknown or
/// repeated options and bad values; `worker_threads` together with
/// `flavor = "current_thread"`; `start_paused` on a multi_thread runtime.
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    entry(Kind::Main, args.into(), item.into()).into()
}

/// Runs an `async fn` test on a new runtime: `#[test]` plus
/// `asyncio.run(test())`, like `unittest.IsolatedAsyncioTestCase`.
///
/// The function becomes a `#[test]` fn that builds a runtime and blocks on
/// the body, so each test gets its own runtime. It may return a `Result`, as
/// any test may. Other attributes (`#[should_panic]`, `#[ignore]`, doc
/// comments) stay in place; do not add `#[test]` yourself.
///
/// # Options
///
/// As for [`macro@main`], with other defaults: a test runs on a
/// current_thread runtime unless it says otherwise, and `worker_threads = N`
/// alone makes it multi_thread.
///
/// | option | values | default |
/// |--------|--------|---------|
/// | `flavor` | `"multi_thread"`, `"current_thread"` | `"current_thread"`, or `"multi_thread"` if `worker_threads` is given |
/// | `worker_threads` | integer literal, at least 1 (multi_thread only) | one per core when multi_thread |
/// | `start_paused` | `true`, `false` (current_thread only): start with time paused, so timers fire as soon as every task is idle | not set |
/// | `crate` | path of the runtime crate, as a string | `"::runtime"` |
///
/// # Examples
///
/// ```no_run
/// #[runtime::test]
/// async fn spawned_task_runs() {
///     let handle = runtime::spawn(async { 1 + 1 });
///     assert_eq!(handle.await.unwrap(), 2);
/// }
///
/// #[runtime::test(worker_threads = 2)]
/// async fn on_two_workers() -> Result<(), Box<dyn std::error::Error>> {
///     let n: u32 = "2".parse()?;
///     assert_eq!(n, 2);
///     Ok(())
/// }
///
/// #[runtime::test(start_paused = true)]
/// #[should_panic(expected = "boom")]
/// async fn paused_clock() {
///     panic!("boom");
/// }
/// ```
///
/// # Errors
///
/// As for [`macro@main`], and a test function may take no arguments.
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    entry(Kind::Test, args.into(), item.into()).into()
}

/// Both macros: parse, check, expand.
///
/// Whatever goes wrong, the output keeps the function, so that IDEs can go
/// on analysing its body while the error is shown: unparsable input is
/// returned as it came, and a function with bad options or a bad signature
/// is expanded with the default options.
fn entry(kind: Kind, args: TokenStream2, item: TokenStream2) -> TokenStream2 {
    let func: AsyncFn = match syn::parse2(item.clone()) {
        Ok(func) => func,
        Err(error) => return with_error(item, error),
    };
    let checked = func.check(kind);
    let (config, config_error) = match options::parse(args).and_then(|o| Config::resolve(kind, o)) {
        Ok(config) => (config, None),
        Err(error) => (Config::fallback(kind), Some(error)),
    };
    // With arguments or a second `#[test]`, adding `#[test]` would only add
    // the compiler's own error about the same mistake.
    let test_attr =
        kind == Kind::Test && func.test_attr().is_none() && !func.has_forbidden_arguments(kind);
    let tokens = expand::expand(kind, func, &config, test_attr);
    match combine(checked.err().into_iter().chain(config_error)) {
        Some(error) => with_error(tokens, error),
        None => tokens,
    }
}

fn with_error(mut tokens: TokenStream2, error: syn::Error) -> TokenStream2 {
    tokens.extend(error.into_compile_error());
    tokens
}

#[cfg(test)]
mod tests;

/// Waits for the first of several futures to finish, runs that branch's
/// handler and drops (cancels) the others: asyncio's
/// `asyncio.wait({a, b}, return_when=FIRST_COMPLETED)` followed by
/// cancelling the pending ones, written as one expression (and tokio's
/// `select!`).
///
/// ```text
/// runtime::select! {
///     [biased;]
///     <pattern> = <future> [, if <condition>] => <handler>,
///     ...
///     [else => <handler>,]
/// }
/// ```
///
/// * Every `<condition>` is evaluated first; a branch whose condition is
///   false is disabled. Then every `<future>` is made (also those of
///   disabled branches, which are never polled).
/// * The enabled futures are polled in the current task, starting at a
///   random branch each time so that no branch starves the others (with
///   `biased;`, in the order written).
/// * The first output that matches its branch's `<pattern>` wins: **every
///   other future is dropped, which cancels it** (its `Drop` runs, a
///   spawned task it awaited keeps running), and then the winner's
///   `<handler>` runs with the pattern's bindings. An output that does not
///   match disables its branch and the select goes on with the others.
/// * When every branch is disabled, the `else` handler runs; without one,
///   `select!` panics saying so.
///
/// The whole `select!` is an expression; a handler may `return`, `break`,
/// `continue`, use `?` and `.await`, as code right after the select could,
/// and may use what the futures borrowed (they are gone by then). Up to 64
/// branches.
///
/// # Examples
///
/// A timeout around a receive, and a shutdown signal:
///
/// ```
/// use std::time::Duration;
/// use runtime::sync::{Event, Queue};
///
/// # runtime::run(async {
/// let queue = Queue::new(0);
/// let stop = Event::new();
/// queue.put_nowait("job").unwrap();
/// let mut handled = Vec::new();
/// loop {
///     runtime::select! {
///         Ok(job) = queue.get() => handled.push(job),
///         _ = stop.wait() => break,
///         _ = runtime::time::sleep(Duration::from_millis(20)) => stop.set(),
///     }
/// }
/// assert_eq!(handled, ["job"]);
/// # });
/// ```
///
/// A branch disabled by its condition, and `else`:
///
/// ```
/// # runtime::run(async {
/// let have_cache = false;
/// let source = runtime::select! {
///     v = async { 1 }, if have_cache => format!("cache {v}"),
///     Some(v) = async { None::<u8> } => format!("found {v}"), // no match: disabled
///     else => "every branch disabled".to_string(),
/// };
/// assert_eq!(source, "every branch disabled");
/// # });
/// ```
#[proc_macro]
pub fn select(input: TokenStream) -> TokenStream {
    match syn::parse::<select::Select>(input) {
        Ok(select) => select.expand(&quote::quote!(::runtime)).into(),
        Err(error) => error.to_compile_error().into(),
    }
}
