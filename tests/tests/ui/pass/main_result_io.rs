//! `main` returning `io::Result<()>`, with inner attributes and doc comments
//! kept in place.
#![deny(warnings)]

use std::io;

/// The entry point, documented.
#[runtime::main(flavor = "current_thread")]
async fn main() -> io::Result<()> {
    #![allow(unused_variables)]
    let unused = 1;
    let text = String::from_utf8(vec![b'o', b'k']).map_err(io::Error::other)?;
    assert_eq!(text, "ok");
    Ok(())
}
