//! Helpers shared by the integration tests in `tests/tests/`.

mod exec;
mod os;
mod rt;

pub use exec::*;
pub use os::*;
pub use rt::*;
