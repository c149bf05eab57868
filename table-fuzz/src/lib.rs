//! Long random operation sequences over `table-facade`, checked step by step against a plain
//! model: every kind (funcref eager and lazy, GC reference, continuation), both storages, with a
//! resource limiter and, for GC tables, a reference-counting store that must end with no leak and
//! no double drop. `cargo xtask fuzz --seconds N` drives it from random seeds (a failure names
//! the seed that replays it); `cargo xtask fuzz --coverage` drives the same scenarios from a
//! coverage-guided fuzzer's inputs ([`run_input`], the libFuzzer target in `fuzz/`).

mod model;
mod rng;
mod scenario;

pub use rng::Rng;
pub use scenario::{Flavour, INPUT_OPERATIONS, ScenarioReport, run_input, run_scenario};
