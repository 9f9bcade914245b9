//! asyncio's synchronization primitives for any executor.
#![deny(unsafe_op_in_unsafe_fn)]
