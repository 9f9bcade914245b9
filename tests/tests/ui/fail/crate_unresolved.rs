#[runtime::main(crate = "not_a_crate")]
async fn main() {}
