//! `main` returning a `Result`: `?` converts errors of several types, and an
//! early `return` leaves the body.
#![deny(warnings)]

use std::error::Error;
use std::fmt;

#[derive(Debug)]
struct Custom;

impl fmt::Display for Custom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("custom")
    }
}

impl Error for Custom {}

async fn fallible(fail: bool) -> Result<u32, Custom> {
    if fail { Err(Custom) } else { Ok(1) }
}

#[runtime::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let a: u32 = "41".parse()?;
    let b = fallible(false).await?;
    assert_eq!(a + b, 42);
    if a + b == 42 {
        return Ok(());
    }
    fallible(true).await?;
    Err("unreachable".into())
}
