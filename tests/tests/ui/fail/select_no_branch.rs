// A select with only an `else`: there is nothing to wait for.
fn main() {
    let _ = async {
        runtime::select! {
            else => 0,
        }
    };
}
