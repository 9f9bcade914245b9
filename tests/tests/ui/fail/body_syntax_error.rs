//! A syntax error in the body is the only error: the macro does not parse
//! the body, so it still expands and reports nothing of its own.
#[runtime::main]
async fn main() {
    let x = ;
}
