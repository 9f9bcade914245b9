//! `#[runtime::main]` on a function not named `main`: it may take arguments
//! (moved into the body, as in an `async fn`) and be a method using `Self`.
#![deny(warnings)]

struct Greeter {
    greeting: String,
}

impl Greeter {
    fn new() -> Self {
        Greeter { greeting: "hello".to_owned() }
    }

    #[runtime::main(flavor = "current_thread")]
    async fn greet(&self, name: String) -> String {
        let other = Self::new();
        runtime::yield_now().await;
        assert_eq!(other.greeting, self.greeting);
        format!("{} {name}", self.greeting)
    }
}

#[runtime::main(flavor = "current_thread")]
async fn consume(v: Vec<u32>) -> usize {
    let owned: Vec<u32> = v;
    owned.len()
}

fn main() {
    assert_eq!(Greeter::new().greet("world".to_owned()), "hello world");
    assert_eq!(consume(vec![1, 2, 3]), 3);
}
