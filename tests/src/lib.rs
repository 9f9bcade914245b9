//! Helpers shared by the integration tests in `tests/tests/`.

mod exec;
mod rt;

pub use exec::*;
pub use rt::*;
