//! The blocking pool behind `spawn_blocking` (asyncio's `to_thread` and
//! `run_in_executor`).

mod pool;
mod schedule;

pub(crate) use pool::{BlockingPool, Config, Spawner};
