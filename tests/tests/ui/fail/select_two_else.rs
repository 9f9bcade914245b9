// Two `else` branches.
fn main() {
    let _ = async {
        runtime::select! {
            v = async { 1 } => v,
            else => 0,
            else => 1,
        }
    };
}
