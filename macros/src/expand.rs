//! Code generation: the `async fn` becomes a plain `fn` that builds a runtime
//! and blocks on the body.
//!
//! ```text
//! #[runtime::main(worker_threads = 2)]
//! async fn main() -> Result<(), Error> { stmts }
//! ```
//! becomes
//! ```text
//! fn main() -> Result<(), Error> {
//!     let rt = ::runtime::Builder::multi_thread()
//!         .worker_threads(2)
//!         .build()
//!         .expect("failed to build the runtime in #[runtime::main]");
//!     let body = async move {
//!         let ret: Result<(), Error> = { stmts };
//!         ret
//!     };
//!     rt.block_on(body)
//! }
//! ```
//!
//! Why this shape:
//! - An `async move` block, not an inner `async fn`: it keeps `Self`, the
//!   arguments of a non-`main` function (moved in, as an `async fn` would),
//!   and the user's `return`s all working as written.
//! - `let ret: T = { stmts }` gives the body's tail the declared return type
//!   as its expected type, as in an `async fn`. Without it the block's output
//!   is inferred from the body alone, and a body that forgets its `Ok(())`
//!   reports that `?` cannot be used "in an async block that returns `()`"
//!   instead of "expected `Result`, found `()`" at the user's last line. The
//!   same annotation gives `?` its target type.
//! - The runtime is a local declared before the future, so the future (which
//!   may own I/O resources) is dropped while the runtime is still alive.
//! - Tests block on a `Pin<&mut dyn Future<Output = T>>`: `block_on` is then
//!   compiled once per output type rather than once per test, which adds up
//!   in a crate with hundreds of tests.
//! - Our locals have `Span::mixed_site()` hygiene, so user code can neither
//!   see nor shadow them.
//! - User tokens keep their spans; generated tokens point at the attribute.
//!   The values of `worker_threads` and `start_paused` keep theirs, so a type
//!   error in a builder call points at the option that caused it.

use proc_macro2::{Ident, Literal, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::{ReturnType, Type};

use crate::config::{Config, Kind};
use crate::item::AsyncFn;
use crate::options::Flavor;

/// Expands `func` under `config`. `test_attr`: whether to add `#[test]`.
pub(crate) fn expand(kind: Kind, func: AsyncFn, config: &Config, test_attr: bool) -> TokenStream {
    let AsyncFn {
        outer_attrs,
        vis,
        mut sig,
        brace_token,
        inner_attrs,
        stmts,
    } = func;

    let rt = Ident::new("rt", Span::mixed_site());
    let body = Ident::new("body", Span::mixed_site());
    let ret = Ident::new("ret", Span::mixed_site());

    let output = nameable_output(&sig.output);
    let mut user_block = TokenStream::new();
    brace_token.surround(&mut user_block, |tokens| tokens.extend(stmts));
    // The async block takes the span of the user's `async`: errors about it
    // ("`?` in an async block that returns `()`") then point at the
    // function's `async` rather than at the attribute.
    let async_span = sig.asyncness.map_or_else(Span::call_site, |a| a.span);
    let future = match &output {
        Some(ty) => {
            // A body that only panics (a `#[should_panic]` test) is a
            // diverging block in that `let`: not the user's mistake.
            let typed = quote! {
                #[allow(clippy::diverging_sub_expression)]
                let #ret: #ty = #user_block;
                #[allow(unreachable_code, clippy::implicit_return)]
                #ret
            };
            quote_spanned!(async_span=> async move { #typed })
        }
        None => quote_spanned!(async_span=> async move #user_block),
    };
    let erase = match (&output, kind) {
        (Some(ty), Kind::Test) => quote! {
            let #body = ::core::pin::pin!(#body);
            let #body: ::core::pin::Pin<&mut dyn ::core::future::Future<Output = #ty>> = #body;
        },
        _ => TokenStream::new(),
    };
    sig.asyncness = None;
    let build = builder(kind, config);
    let test_attr = test_attr.then(|| quote!(#[::core::prelude::v1::test]));

    let mut tokens = quote! {
        #(#outer_attrs)*
        #test_attr
        #vis #sig
    };
    brace_token.surround(&mut tokens, |tokens| {
        tokens.extend(quote! {
            #(#inner_attrs)*
            #[allow(clippy::expect_used, clippy::unwrap_in_result)]
            let #rt = #build;
            let #body = #future;
            #erase
            #[allow(clippy::implicit_return)]
            #rt.block_on(#body)
        });
    });
    tokens
}

/// `Builder::...().build().expect(...)` for `config`.
fn builder(kind: Kind, config: &Config) -> TokenStream {
    let krate = &config.crate_path;
    let flavor = match config.flavor {
        Flavor::MultiThread => quote!(multi_thread),
        Flavor::CurrentThread => quote!(current_thread),
    };
    let mut calls = TokenStream::new();
    if let Some(workers) = &config.worker_threads {
        let mut n = Literal::usize_unsuffixed(workers.value);
        n.set_span(workers.value_span);
        calls.extend(quote_spanned!(workers.value_span=> .worker_threads(#n)));
    }
    if let Some(paused) = &config.start_paused {
        let b = Ident::new(
            if paused.value { "true" } else { "false" },
            paused.value_span,
        );
        calls.extend(quote_spanned!(paused.value_span=> .start_paused(#b)));
    }
    let msg = format!("failed to build the runtime in {}", kind.attr());
    quote! {
        #krate::Builder::#flavor()
            #calls
            .build()
            .expect(#msg)
    }
}

/// The return type as a type that can be written in a `let` and in
/// `Future<Output = _>`: `()` when none is declared, and `None` for types
/// that cannot (`impl Trait`, `!`), which are then left to inference.
fn nameable_output(output: &ReturnType) -> Option<TokenStream> {
    match output {
        ReturnType::Default => Some(quote!(())),
        ReturnType::Type(_, ty) => {
            let tokens = ty.to_token_stream();
            let nameable = !matches!(**ty, Type::Never(_)) && !mentions_impl(tokens.clone());
            nameable.then_some(tokens)
        }
    }
}

fn mentions_impl(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|tt| match tt {
        TokenTree::Ident(ident) => ident == "impl",
        TokenTree::Group(group) => mentions_impl(group.stream()),
        _ => false,
    })
}
