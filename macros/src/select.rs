//! `select!`: parse the branches, write the polling loop.
//!
//! ```text
//! select! {
//!     biased;                                  // optional: poll in order
//!     <pattern> = <future> [, if <condition>] => <handler> [,]
//!     ...
//!     else => <handler> [,]                    // optional
//! }
//! ```
//!
//! The expansion evaluates the conditions, then makes every future (also
//! those of disabled branches, which are never polled) and pins each on the
//! stack. One `poll_fn` polls the enabled ones, starting at a random branch
//! unless `biased`; the first output that matches its branch's pattern
//! ends the select. An output that does not match disables its branch.
//! The futures are dropped (the losers cancelled) *before* the handler
//! runs, so a handler may use what the futures borrowed. When every branch
//! is disabled, the `else` handler runs (a panic if there is none).

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::{Expr, Pat, Token};

/// At most this many branches: the disabled set is one `u64`.
const MAX_BRANCHES: usize = 64;

pub(crate) struct Select {
    biased: bool,
    branches: Vec<Branch>,
    otherwise: Option<Expr>,
}

struct Branch {
    pattern: Pat,
    future: Expr,
    condition: Option<Expr>,
    handler: Expr,
}

mod kw {
    syn::custom_keyword!(biased);
}

impl Parse for Select {
    fn parse(input: ParseStream<'_>) -> syn::Result<Select> {
        let mut select = Select {
            biased: false,
            branches: Vec::new(),
            otherwise: None,
        };
        if input.peek(kw::biased) && input.peek2(Token![;]) {
            input.parse::<kw::biased>()?;
            input.parse::<Token![;]>()?;
            select.biased = true;
        }
        while !input.is_empty() {
            if input.peek(Token![else]) {
                let token = input.parse::<Token![else]>()?;
                if select.otherwise.is_some() {
                    return Err(syn::Error::new(
                        token.span,
                        "select! takes at most one `else` branch",
                    ));
                }
                input.parse::<Token![=>]>()?;
                select.otherwise = Some(parse_handler(input)?);
                continue;
            }
            let pattern = Pat::parse_multi_with_leading_vert(input)?;
            input.parse::<Token![=]>().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "expected `=` after the pattern: each branch is \
                     `pattern = future => handler`",
                )
            })?;
            let future = input.parse::<Expr>()?;
            let condition = if input.peek(Token![,]) && input.peek2(Token![if]) {
                input.parse::<Token![,]>()?;
                input.parse::<Token![if]>()?;
                Some(input.parse::<Expr>()?)
            } else {
                None
            };
            input.parse::<Token![=>]>().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "expected `=>` after the future: each branch is \
                     `pattern = future => handler`",
                )
            })?;
            let handler = parse_handler(input)?;
            select.branches.push(Branch {
                pattern,
                future,
                condition,
                handler,
            });
        }
        if select.branches.is_empty() {
            return Err(syn::Error::new(
                Span::call_site(),
                "select! needs at least one `pattern = future => handler` branch",
            ));
        }
        if select.branches.len() > MAX_BRANCHES {
            return Err(syn::Error::new(
                Span::call_site(),
                format!("select! takes at most {MAX_BRANCHES} branches"),
            ));
        }
        Ok(select)
    }
}

/// A handler: a block (comma optional) or an expression (comma required
/// unless it is the last branch).
fn parse_handler(input: ParseStream<'_>) -> syn::Result<Expr> {
    let is_block = input.peek(syn::token::Brace);
    let handler = input.parse::<Expr>()?;
    if input.peek(Token![,]) {
        input.parse::<Token![,]>()?;
    } else if !is_block && !input.is_empty() {
        return Err(input.error("expected `,` after this branch's handler"));
    }
    Ok(handler)
}

impl Select {
    pub(crate) fn expand(self, krate: &TokenStream) -> TokenStream {
        let n = self.branches.len();
        let variants: Vec<_> = (0..n).map(|i| format_ident!("_{}", i)).collect();
        let futures: Vec<_> = (0..n)
            .map(|i| format_ident!("__select_future_{}", i))
            .collect();
        let bits: Vec<_> = (0..n).map(|i| quote!((1u64 << #i))).collect();
        let all = if n == MAX_BRANCHES {
            quote!(u64::MAX)
        } else {
            quote!(((1u64 << #n) - 1))
        };

        let conditions = self.branches.iter().zip(&bits).map(|(branch, bit)| {
            branch.condition.as_ref().map(|condition| {
                quote! {
                    if !(#condition) {
                        __select_disabled |= #bit;
                    }
                }
            })
        });
        let makes = self.branches.iter().zip(&futures).map(|(branch, name)| {
            let future = &branch.future;
            quote! {
                let mut #name = ::core::pin::pin!(::core::future::IntoFuture::into_future(#future));
            }
        });
        let polls = self.branches.iter().enumerate().map(|(i, branch)| {
            let (name, bit, variant) = (&futures[i], &bits[i], &variants[i]);
            let mut check = branch.pattern.clone();
            clean_pattern(&mut check);
            quote! {
                #i => {
                    if __select_disabled & #bit != 0 {
                        continue;
                    }
                    if let ::core::task::Poll::Ready(__select_output) =
                        ::core::future::Future::poll(#name.as_mut(), __select_cx)
                    {
                        __select_disabled |= #bit;
                        #[allow(unused_variables, clippy::redundant_pattern_matching)]
                        match &__select_output {
                            #check => {}
                            #[allow(unreachable_patterns)]
                            _ => continue,
                        }
                        return ::core::task::Poll::Ready(__SelectOutput::#variant(__select_output));
                    }
                }
            }
        });
        let start = if self.biased {
            quote!(0usize)
        } else {
            quote!(#krate::__private::select_start(#n))
        };
        let arms = self
            .branches
            .iter()
            .zip(&variants)
            .map(|(branch, variant)| {
                let (pattern, handler) = (&branch.pattern, &branch.handler);
                quote!(__SelectOutput::#variant(#pattern) => #handler,)
            });
        let otherwise = match &self.otherwise {
            Some(handler) => quote!(#handler),
            None => quote!(::core::panic!(
                "select!: every branch is disabled (by its `if` condition or an output \
                 that did not match its pattern) and there is no `else` branch"
            )),
        };
        let types: Vec<_> = (0..n).map(|i| format_ident!("T{}", i)).collect();

        quote! {{
            enum __SelectOutput<#(#types,)*> {
                #(#variants(#types),)*
                Disabled,
            }
            let mut __select_disabled: u64 = 0;
            #(#conditions)*
            let __select_output = {
                #(#makes)*
                ::core::future::poll_fn(|__select_cx| {
                    let __select_start: usize = #start;
                    for __select_i in 0..#n {
                        #[allow(clippy::modulo_one)]
                        match (__select_start + __select_i) % #n {
                            #(#polls)*
                            _ => ::core::unreachable!(),
                        }
                    }
                    if __select_disabled == #all {
                        return ::core::task::Poll::Ready(__SelectOutput::Disabled);
                    }
                    ::core::task::Poll::Pending
                })
                .await
            };
            #[allow(unreachable_patterns, unused_variables)]
            match __select_output {
                #(#arms)*
                __SelectOutput::Disabled => #otherwise,
                _ => ::core::unreachable!("select!: the output matched its pattern when polled"),
            }
        }}
    }
}

/// The pattern with `mut` and `ref` taken off its bindings, to test an
/// output by reference (`match &output { pattern => ... }`) without moving
/// it.
fn clean_pattern(pattern: &mut Pat) {
    match pattern {
        Pat::Ident(ident) => {
            ident.by_ref = None;
            ident.mutability = None;
            if let Some((_, sub)) = &mut ident.subpat {
                clean_pattern(sub);
            }
        }
        Pat::Or(or) => or.cases.iter_mut().for_each(clean_pattern),
        Pat::Paren(paren) => clean_pattern(&mut paren.pat),
        Pat::Reference(reference) => {
            reference.mutability = None;
            clean_pattern(&mut reference.pat);
        }
        Pat::Slice(slice) => slice.elems.iter_mut().for_each(clean_pattern),
        Pat::Struct(strukt) => strukt
            .fields
            .iter_mut()
            .for_each(|field| clean_pattern(&mut field.pat)),
        Pat::Tuple(tuple) => tuple.elems.iter_mut().for_each(clean_pattern),
        Pat::TupleStruct(tuple) => tuple.elems.iter_mut().for_each(clean_pattern),
        Pat::Type(typed) => clean_pattern(&mut typed.pat),
        _ => {}
    }
}
