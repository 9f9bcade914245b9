#[runtime::main]
async fn main() {
    let n: u32 = "1".parse()?;
    assert_eq!(n, 1);
}
