//! Small helpers shared across the runtime.

pub(crate) mod coarse_clock;
pub(crate) mod contain;
pub(crate) mod scoped;
