//! `#[runtime::main]` and `#[runtime::test]`.
use proc_macro::TokenStream;

/// Placeholder until the macros land.
#[proc_macro_attribute]
pub fn main(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// Placeholder until the macros land.
#[proc_macro_attribute]
pub fn test(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}
