//! Reading criterion's estimates back and writing the report.

use std::path::Path;
use table_bench::cache::Caches;
use table_bench::output::{self, ReportFiles};
use table_bench::targets;
use table_bench::{BenchId, Measurement, Report, Spread};

/// The median of one benchmark and its 95% confidence interval, from criterion's
/// `estimates.json`, if it was measured.
fn measurement(id: &BenchId, criterion_root: &Path) -> Option<Measurement> {
    let text = std::fs::read_to_string(id.estimates_path(criterion_root)).ok()?;
    let estimates: serde_json::Value = serde_json::from_str(&text).ok()?;
    let median = &estimates["median"];
    let interval = &median["confidence_interval"];
    Some(Measurement {
        id: *id,
        ns_per_iter: median["point_estimate"].as_f64()?,
        ns_per_iter_spread: Spread {
            low: interval["lower_bound"].as_f64()?,
            high: interval["upper_bound"].as_f64()?,
        },
    })
}

/// What the run ran on: the CPU model (from `/proc/cpuinfo`) and how the benchmarks were built.
fn run_description() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|line| line.strip_prefix("model name"))
                .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    let cores = std::thread::available_parallelism().map_or(0, |cores| cores.get());
    format!(
        "Run on: {cpu} ({cores} cores available). Build: cargo's `bench` profile (release, \
         debug info 1) with `{}`, set by `cargo xtask bench`.",
        std::env::var("TABLE_BENCH_RUSTFLAGS").unwrap_or_else(|_| "no extra flags".to_string())
    )
}

/// Builds the report from the estimates of `registered` under `criterion_root`, on a machine
/// with `caches`, and writes it to `dir`; prints where, and every missed target.
pub fn write_report(
    registered: &[BenchId],
    criterion_root: &Path,
    dir: &Path,
    caches: Caches,
) -> ReportFiles {
    let measurements: Vec<Measurement> = registered
        .iter()
        .filter_map(|id| measurement(id, criterion_root))
        .collect();
    let report = Report::from_measurements(&measurements)
        .with_run(run_description())
        .with_caches(caches);
    let files = output::write(dir, &report).expect("write the benchmark report");
    println!(
        "\nbench report: {} ({} of {} benchmarks measured), plot: {}",
        files.report.display(),
        measurements.len(),
        registered.len(),
        files.plot.display()
    );
    for check in targets::check(&report) {
        if check.met() != Some(true) {
            println!(
                "target not met: {} — {}: {}",
                check.target,
                check.subject,
                check.measured.map_or_else(
                    || "not measured".to_string(),
                    |value| check.unit.format(value)
                )
            );
        }
    }
    files
}
