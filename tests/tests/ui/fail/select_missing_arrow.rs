// A branch without `=>` between its future and its handler.
fn main() {
    let _ = async {
        runtime::select! {
            v = async { 1 } v,
        }
    };
}
