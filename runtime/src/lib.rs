//! A multi-threaded, work-stealing async runtime with Python asyncio's model.
#![deny(unsafe_op_in_unsafe_fn)]

pub use runtime_macros::{main, test};
pub use runtime_sync as sync;
