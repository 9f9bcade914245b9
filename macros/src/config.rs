//! From the options the user gave to the runtime the macro builds: defaults,
//! and the rules that involve more than one option.
//!
//! | macro  | nothing given  | `worker_threads = N`  | `flavor = "..."` |
//! |--------|----------------|-----------------------|------------------|
//! | `main` | multi_thread   | multi_thread, N       | as given         |
//! | `test` | current_thread | multi_thread, N       | as given         |
//!
//! `worker_threads` with `flavor = "current_thread"` is an error, and so is
//! `start_paused` on a multi_thread runtime (the paused clock needs a single
//! thread that knows when every task is idle).

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use crate::options::{Flavor, Options, Setting};

/// Which macro is expanding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Main,
    Test,
}

impl Kind {
    /// The attribute as the user writes it, for messages.
    pub(crate) fn attr(self) -> &'static str {
        match self {
            Kind::Main => "#[runtime::main]",
            Kind::Test => "#[runtime::test]",
        }
    }

    fn default_flavor(self) -> Flavor {
        match self {
            Kind::Main => Flavor::MultiThread,
            Kind::Test => Flavor::CurrentThread,
        }
    }
}

/// The runtime to build, with everything decided.
#[derive(Debug)]
pub(crate) struct Config {
    pub(crate) flavor: Flavor,
    /// `None`: the builder's default (one worker per core).
    pub(crate) worker_threads: Option<Setting<usize>>,
    pub(crate) start_paused: Option<Setting<bool>>,
    /// Path of the runtime crate: `::runtime` unless `crate = "..."` says otherwise.
    pub(crate) crate_path: TokenStream,
}

impl Config {
    /// The configuration used when the options are wrong, so that the
    /// function still expands to something close to what was meant and IDEs
    /// keep working while the error is shown.
    pub(crate) fn fallback(kind: Kind) -> Config {
        Config {
            flavor: kind.default_flavor(),
            worker_threads: None,
            start_paused: None,
            crate_path: default_crate_path(),
        }
    }

    /// Applies the defaults of `kind` and checks the options against each other.
    pub(crate) fn resolve(kind: Kind, options: Options) -> syn::Result<Config> {
        let Options {
            worker_threads,
            flavor,
            start_paused,
            crate_path,
        } = options;
        let (resolved_flavor, why) = match (&flavor, &worker_threads) {
            (Some(f), _) => (f.value, format!("`flavor = \"{}\"`", f.value.name())),
            (None, Some(_)) => (
                Flavor::MultiThread,
                "`worker_threads`, which makes it multi_thread".to_owned(),
            ),
            (None, None) => (
                kind.default_flavor(),
                format!("the default of {}", kind.attr()),
            ),
        };

        let mut errors: Vec<syn::Error> = Vec::new();
        if let (Flavor::CurrentThread, Some(workers)) = (resolved_flavor, &worker_threads) {
            errors.push(syn::Error::new(
                workers.key_span,
                "`worker_threads` conflicts with `flavor = \"current_thread\"`: a current_thread \
                 runtime runs every task on the calling thread; remove `worker_threads`, or use \
                 `flavor = \"multi_thread\"`",
            ));
        }
        if let (Flavor::MultiThread, Some(paused)) = (resolved_flavor, &start_paused) {
            errors.push(syn::Error::new(
                paused.key_span,
                format!(
                    "`start_paused` needs a current_thread runtime, but this one is multi_thread \
                     ({why}); add `flavor = \"current_thread\"` or remove `start_paused`"
                ),
            ));
        }
        if let Some(error) = combine(errors) {
            return Err(error);
        }

        Ok(Config {
            flavor: resolved_flavor,
            worker_threads,
            start_paused,
            crate_path: crate_path.map_or_else(default_crate_path, |p| p.into_token_stream()),
        })
    }
}

fn default_crate_path() -> TokenStream {
    quote!(::runtime)
}

/// All `errors` as one, or `None` if there are none.
pub(crate) fn combine(errors: impl IntoIterator<Item = syn::Error>) -> Option<syn::Error> {
    errors.into_iter().reduce(|mut all, next| {
        all.combine(next);
        all
    })
}

#[cfg(test)]
mod tests;
