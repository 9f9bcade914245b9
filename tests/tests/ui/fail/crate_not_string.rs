#[runtime::main(crate = runtime)]
async fn main() {}
