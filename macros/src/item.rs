//! The function under the attribute, and the checks on its signature.
//!
//! The body is kept as raw tokens and never parsed: a syntax error inside it
//! (common while typing in an IDE) must not stop the expansion, and the
//! compiler reports it better than we could. Parsing only the signature is
//! also faster.

use proc_macro2::TokenStream;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Signature, Visibility, braced, token};

use crate::config::{Kind, combine};

/// `#[attrs] vis async fn name(..) -> T { #![inner_attrs] stmts }`.
pub(crate) struct AsyncFn {
    pub(crate) outer_attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) sig: Signature,
    pub(crate) brace_token: token::Brace,
    pub(crate) inner_attrs: Vec<Attribute>,
    pub(crate) stmts: TokenStream,
}

impl Parse for AsyncFn {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let outer_attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let sig = input.parse()?;
        let content;
        let brace_token = braced!(content in input);
        let inner_attrs = content.call(Attribute::parse_inner)?;
        let stmts = content.parse()?;
        Ok(AsyncFn {
            outer_attrs,
            vis,
            sig,
            brace_token,
            inner_attrs,
            stmts,
        })
    }
}

impl AsyncFn {
    /// Checks what the macro needs of the signature, reporting every problem.
    pub(crate) fn check(&self, kind: Kind) -> syn::Result<()> {
        let mut errors = Vec::new();
        if self.sig.asyncness.is_none() {
            errors.push(syn::Error::new(
                self.sig.fn_token.span,
                "the `async` keyword is missing from the function declaration",
            ));
        }
        if self.has_forbidden_arguments(kind) {
            let msg = match kind {
                Kind::Main => "the main function cannot accept arguments",
                Kind::Test => "the test function cannot accept arguments",
            };
            errors.push(syn::Error::new_spanned(&self.sig.inputs, msg));
        }
        if kind == Kind::Test
            && let Some(attr) = self.test_attr()
        {
            errors.push(syn::Error::new_spanned(
                attr,
                "second test attribute: #[runtime::test] already adds `#[test]`; remove this one",
            ));
        }
        match combine(errors) {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// Whether the function takes arguments it may not: a test never may,
    /// and neither may `main`. A `#[runtime::main]` function with another
    /// name is a plain function that blocks on its body, and may take
    /// arguments (as with `#[tokio::main]`).
    pub(crate) fn has_forbidden_arguments(&self, kind: Kind) -> bool {
        let has_arguments = !self.sig.inputs.is_empty() || self.sig.variadic.is_some();
        has_arguments && (kind == Kind::Test || self.sig.ident == "main")
    }

    /// An attribute that already makes this a test: `#[test]`, or a path
    /// ending in `::test` such as `#[core::prelude::v1::test]` or another
    /// runtime's `#[x::test]`.
    pub(crate) fn test_attr(&self) -> Option<&Attribute> {
        self.outer_attrs.iter().find(|attr| {
            let path = attr.path();
            path.segments.last().is_some_and(|s| s.ident == "test")
        })
    }
}
