//! Parsing the attribute's arguments: `#[runtime::main(key = value, ...)]`.
//!
//! This file only reads what the user wrote and checks each value on its
//! own (`worker_threads = 0` is wrong whatever else is said). Rules that
//! involve several options, and the defaults, live in `config.rs`.
//!
//! Every value must be a literal: the macro runs before name resolution, so
//! it cannot see the value of a `const`. Value errors are collected, so one
//! compile reports every bad option at once; a syntax error stops parsing.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Ident, Lit, LitStr, Path, Token};

use crate::config::combine;

/// The option names, as listed in error messages.
const EXPECTED: &str = "expected one of `worker_threads`, `flavor`, `start_paused`, `crate`";

/// Which scheduler the runtime uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// `Builder::multi_thread()`: work-stealing workers.
    MultiThread,
    /// `Builder::current_thread()`: everything on the thread that calls `block_on`.
    CurrentThread,
}

impl Flavor {
    /// The spelling used in `flavor = "..."`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Flavor::MultiThread => "multi_thread",
            Flavor::CurrentThread => "current_thread",
        }
    }

    fn from_name(name: &str) -> Option<Flavor> {
        match name {
            "multi_thread" => Some(Flavor::MultiThread),
            "current_thread" => Some(Flavor::CurrentThread),
            _ => None,
        }
    }
}

/// A checked option value, with the spans that errors and generated code point at.
#[derive(Clone, Debug)]
pub(crate) struct Setting<T> {
    pub(crate) value: T,
    /// The option's name, e.g. `worker_threads` in `worker_threads = 4`.
    pub(crate) key_span: Span,
    /// The option's value, e.g. `4` in `worker_threads = 4`.
    pub(crate) value_span: Span,
}

impl<T> Setting<T> {
    fn new(value: T, (key_span, value_span): (Span, Span)) -> Self {
        Setting {
            value,
            key_span,
            value_span,
        }
    }
}

/// What the user asked for; `None` where an option was not given.
#[derive(Default)]
pub(crate) struct Options {
    pub(crate) worker_threads: Option<Setting<usize>>,
    pub(crate) flavor: Option<Setting<Flavor>>,
    pub(crate) start_paused: Option<Setting<bool>>,
    pub(crate) crate_path: Option<Path>,
}

/// Parses the attribute's arguments.
pub(crate) fn parse(args: TokenStream) -> syn::Result<Options> {
    let raw = Punctuated::<RawOption, Token![,]>::parse_terminated.parse2(args)?;
    let mut options = Options::default();
    let mut seen: Vec<String> = Vec::new();
    let mut errors = Vec::new();
    for option in raw {
        let name = option.key.unraw().to_string();
        let result = if seen.contains(&name) {
            Err(syn::Error::new(
                option.key.span(),
                format!("duplicate option `{name}`: give each option once"),
            ))
        } else {
            seen.push(name.clone());
            options.set(&name, option)
        };
        errors.extend(result.err());
    }
    match combine(errors) {
        Some(errors) => Err(errors),
        None => Ok(options),
    }
}

/// One `key = value` pair, not yet checked. The value may be missing so the
/// error can say which option wants one.
struct RawOption {
    key: Ident,
    value: Option<Expr>,
}

impl Parse for RawOption {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if !input.peek(Ident::peek_any) {
            return Err(input.error(format!(
                "expected an option like `worker_threads = 4`; {EXPECTED}"
            )));
        }
        // `parse_any` so that `crate` is accepted as a key.
        let key = Ident::parse_any(input)?;
        let value = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Some(input.parse()?)
        } else if input.is_empty() || input.peek(Token![,]) {
            None
        } else {
            return Err(input.error(format!("expected `=` after `{key}`")));
        };
        Ok(RawOption { key, value })
    }
}

impl Options {
    fn set(&mut self, name: &str, option: RawOption) -> syn::Result<()> {
        let key_span = option.key.span();
        let expected_value = match name {
            "worker_threads" => "worker_threads = 4",
            "flavor" => "flavor = \"current_thread\"",
            "start_paused" => "start_paused = true",
            "crate" => "crate = \"my_crate::runtime\"",
            _ => {
                let msg = format!("unknown option `{name}`; {EXPECTED}");
                return Err(syn::Error::new(key_span, msg));
            }
        };
        let Some(value) = option.value else {
            let msg = format!("option `{name}` needs a value, e.g. `{expected_value}`");
            return Err(syn::Error::new(key_span, msg));
        };
        let spans = (key_span, syn::spanned::Spanned::span(&value));
        match name {
            "worker_threads" => {
                self.worker_threads = Some(Setting::new(worker_threads(&value)?, spans));
            }
            "flavor" => self.flavor = Some(Setting::new(flavor(&value)?, spans)),
            "start_paused" => {
                self.start_paused = Some(Setting::new(start_paused(&value)?, spans));
            }
            _ => self.crate_path = Some(crate_path(&value)?),
        }
        Ok(())
    }
}

/// The literal in `value`, if it is one.
fn literal(value: &Expr) -> Option<&Lit> {
    match value {
        Expr::Lit(ExprLit { lit, .. }) => Some(lit),
        _ => None,
    }
}

/// `worker_threads = N`: an integer literal, at least 1.
fn worker_threads(value: &Expr) -> syn::Result<usize> {
    let error = |msg: String| Err(syn::Error::new_spanned(value, msg));
    match literal(value) {
        Some(Lit::Int(int)) => {
            if !matches!(int.suffix(), "" | "usize") {
                return error(format!(
                    "`worker_threads` is a `usize`; remove the `{}` suffix",
                    int.suffix()
                ));
            }
            match int.base10_parse::<usize>() {
                Ok(0) => error("`worker_threads` must be at least 1".to_owned()),
                Ok(n) => Ok(n),
                Err(_) => error("`worker_threads` is too large for a `usize`".to_owned()),
            }
        }
        Some(Lit::Str(s)) if s.value().trim().parse::<usize>().is_ok() => error(format!(
            "`worker_threads` takes an integer, not a string: write `worker_threads = {}`",
            s.value().trim()
        )),
        _ => {
            error("`worker_threads` takes an integer literal, e.g. `worker_threads = 4`".to_owned())
        }
    }
}

/// `flavor = "multi_thread" | "current_thread"`.
fn flavor(value: &Expr) -> syn::Result<Flavor> {
    const VALID: &str = "expected `\"multi_thread\"` or `\"current_thread\"`";
    match literal(value) {
        Some(Lit::Str(s)) => Flavor::from_name(&s.value()).ok_or_else(|| {
            syn::Error::new(s.span(), format!("unknown flavor `{}`; {VALID}", s.value()))
        }),
        _ => {
            let msg = match value {
                Expr::Path(p)
                    if p.path
                        .get_ident()
                        .is_some_and(|i| Flavor::from_name(&i.to_string()).is_some()) =>
                {
                    let name = p.path.get_ident().map(Ident::to_string).unwrap_or_default();
                    format!("`flavor` takes a string: write `flavor = \"{name}\"`")
                }
                _ => format!("`flavor` takes a string literal; {VALID}"),
            };
            Err(syn::Error::new_spanned(value, msg))
        }
    }
}

/// `start_paused = true | false`.
fn start_paused(value: &Expr) -> syn::Result<bool> {
    match literal(value) {
        Some(Lit::Bool(b)) => Ok(b.value),
        Some(Lit::Str(s)) if matches!(s.value().as_str(), "true" | "false") => {
            Err(syn::Error::new(
                s.span(),
                format!(
                    "`start_paused` takes a bool, not a string: write `start_paused = {}`",
                    s.value()
                ),
            ))
        }
        _ => Err(syn::Error::new_spanned(
            value,
            "`start_paused` takes `true` or `false`",
        )),
    }
}

/// `crate = "path"`: the path of the runtime crate, for crates that re-export it.
fn crate_path(value: &Expr) -> syn::Result<Path> {
    const USAGE: &str = "`crate` takes the path of the runtime crate as a string, e.g. `crate = \"my_crate::runtime\"`";
    match literal(value) {
        // The parsed path's tokens carry the string's span, so a path that does
        // not resolve is reported at the string.
        Some(Lit::Str(s)) => parse_path(s).map_err(|_| syn::Error::new(s.span(), USAGE)),
        _ => Err(syn::Error::new_spanned(value, USAGE)),
    }
}

fn parse_path(s: &LitStr) -> syn::Result<Path> {
    s.parse_with(Path::parse_mod_style)
}

#[cfg(test)]
mod tests;
