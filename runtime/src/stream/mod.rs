//! Async iteration: asyncio's `async for` and async generators.
//!
//! A [`Stream`] is the async twin of an iterator (the futures-core trait,
//! so every stream of the ecosystem works here, and ours work there).
//! [`StreamExt`] (from `futures-lite`) adds `next`, `map`, `filter`,
//! `take`, `collect` and friends:
//!
//! ```
//! use runtime::stream::{self, StreamExt};
//!
//! # runtime::run(async {
//! let mut evens = stream::iter(1..=10).filter(|n| n % 2 == 0);
//! while let Some(n) = evens.next().await {        // async for n in evens:
//!     println!("{n}");
//! }
//! # });
//! ```
//!
//! Async generators are written with [`generate`]; other streams of this
//! crate: [`task::as_completed`](crate::task::as_completed), the queues of
//! [`sync`](crate::sync) (`Queue::stream`).
//!
//! | asyncio | runtime |
//! |---|---|
//! | `async def gen(): yield x` | `stream::generate(\|mut y\| async move { y.yield_(x).await })` |
//! | `async for x in gen():` | `while let Some(x) = s.next().await` |
//! | `[x async for x in gen()]` | `s.collect::<Vec<_>>().await` |

mod generate;

pub use futures_core::Stream;
pub use futures_lite::StreamExt;
pub use futures_lite::stream::{Empty, Iter, Once, empty, iter, once};
pub use generate::{Generator, TryYielder, Yielder, generate, try_generate};
