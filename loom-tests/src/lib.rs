//! loom models live in `tests/`; they only build with `RUSTFLAGS="--cfg loom"`.
