//! Helpers shared by the integration tests in `tests/tests/`.

mod exec;
// The guide harness drives TCP clients; `runtime::net` does not exist under
// Miri (no sockets there), and the guide tests are not run under it.
#[cfg(not(miri))]
mod guide;
#[cfg(not(miri))]
mod http;
mod os;
#[cfg(not(miri))]
mod pg;
#[cfg(not(miri))]
mod process;
mod rt;

pub use exec::*;
#[cfg(not(miri))]
pub use guide::*;
#[cfg(not(miri))]
pub use http::*;
pub use os::*;
#[cfg(not(miri))]
pub use pg::PgCluster;
#[cfg(not(miri))]
pub use process::*;
pub use rt::*;
