//! Small helpers shared across the runtime.

pub(crate) mod coarse_clock;
