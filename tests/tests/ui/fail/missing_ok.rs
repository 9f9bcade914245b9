//! The body's tail is checked against the declared return type, so a
//! forgotten `Ok(())` is reported at the user's last line.
#[runtime::main]
async fn main() -> Result<(), std::num::ParseIntError> {
    let n: u32 = "1".parse()?;
    assert_eq!(n, 1);
}
