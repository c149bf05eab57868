//! The criterion benchmarks of wasm-tables, with their baselines, Wasmtime and wasmi, in one
//! binary so that every comparison is measured in the same run.
//!
//! `cargo xtask bench` runs this and writes `target/bench-report.md` and `target/bench-plot.svg`
//! at the end; `cargo test -p table-bench --benches` (`cargo xtask bench --quick`) runs every
//! benchmark once as a smoke test.

mod access;
mod bulk;
mod create;
mod fixtures;
mod grow;
mod handle;
mod harness;
mod heap;
mod lazy;
mod results;
mod wasmi_peer;
mod wasmtime_peer;

use criterion::Criterion;
use harness::Harness;
use std::path::PathBuf;
use std::time::Duration;
use table_bench::cache::Caches;
use wasmi_peer::Wasmi;
use wasmtime_peer::Wasmtime;

/// Where the report goes and criterion writes: `TABLE_BENCH_TARGET_DIR` (set by
/// `cargo xtask bench`), else `CARGO_TARGET_DIR`, else the workspace's `target`.
fn target_dir() -> PathBuf {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    std::env::var_os("TABLE_BENCH_TARGET_DIR")
        .or_else(|| std::env::var_os("CARGO_TARGET_DIR"))
        .map_or_else(|| workspace.join("target"), |dir| workspace.join(dir))
}

/// Whether `flag` is one of the arguments.
fn has(flag: &str) -> bool {
    std::env::args().any(|arg| arg == flag)
}

/// Whether criterion will measure (rather than test, list or profile) the benchmarks.
fn measuring() -> bool {
    has("--bench") && !has("--test") && !has("--list") && !has("--profile-time")
}

/// Whether criterion runs each benchmark once as a test: `cargo test --benches` (no `--bench`),
/// or `--test`, as criterion decides.
fn smoke_test() -> bool {
    !has("--list") && (!has("--bench") || has("--test"))
}

/// The caches the sizes beyond the last-level cache derive from: this machine's, except in the
/// smoke test, which must not allocate gigabytes: there they derive from a 128 KiB cache, tens
/// of thousands of elements, enough to run every such benchmark's code once.
fn caches() -> Caches {
    if smoke_test() {
        Caches::from_entries([("2", "Unified", "128K")])
    } else {
        Caches::from_sysfs()
    }
}

fn main() {
    let target = target_dir();
    let criterion_root = target.join("criterion");
    let criterion = Criterion::default()
        .output_directory(&criterion_root)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(900))
        .nresamples(10_000)
        .configure_from_args();
    let caches = caches();
    let mut harness = Harness::new(criterion, caches.clone());
    let peer = Wasmtime::new();
    let wasmi = Wasmi::new();

    create::register(&mut harness, &peer, &wasmi);
    grow::register(&mut harness, &peer, &wasmi);
    bulk::register(&mut harness, &peer, &wasmi);
    access::register(&mut harness, &peer, &wasmi);
    handle::register(&mut harness);
    lazy::register(&mut harness);
    heap::register(&mut harness, &peer);

    harness.final_summary();
    if measuring() {
        results::write_report(harness.registered(), &criterion_root, &target, caches);
    }
}
