//! Benchmarks of wasm-tables: every table operation in nanoseconds per element, next to the
//! memory operation under it, to Wasmtime 44 and to wasmi 2.0's host API, all measured in one run.
//!
//! The criterion benchmarks live in `benches/tables/`; `cargo xtask bench` runs them and writes
//! `target/bench-report.md` and `target/bench-plot.svg`. This library holds what the benchmarks
//! and the report share:
//!
//! - [`id`]: the names of operations, element kinds, storages and variants, and where criterion
//!   keeps each benchmark's estimates;
//! - [`report`]: pairing our measurements with their baseline and the peers;
//! - [`markdown`]: the report as Markdown, with the targets' verdicts;
//! - [`targets`]: the speed targets, checked against a report;
//! - [`cache`]: the CPU's caches and the table size beyond the last-level cache;
//! - [`chart`]: the SVG plot, drawn with `plotters`;
//! - [`output`]: writing both files;
//! - [`number`]: number formatting.

pub mod cache;
pub mod chart;
pub mod id;
pub mod markdown;
pub mod number;
pub mod output;
pub mod report;
pub mod targets;

pub use id::{BenchId, Kind, Op, Storage, Variant};
pub use report::{Measurement, Report, Row, Spread};
