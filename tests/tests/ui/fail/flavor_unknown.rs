#[runtime::main(flavor = "threaded")]
async fn main() {}
