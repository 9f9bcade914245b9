//! Helpers shared by the integration tests in `tests/tests/`.

mod exec;
mod guide;
mod os;
mod rt;

pub use exec::*;
pub use guide::*;
pub use os::*;
pub use rt::*;
