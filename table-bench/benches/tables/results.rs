//! Reading criterion's estimates back and writing the report.

use std::path::Path;
use table_bench::output::{self, ReportFiles};
use table_bench::targets;
use table_bench::{BenchId, Measurement, Report};

/// The median of one benchmark from criterion's `estimates.json`, if it was measured.
fn median_ns(id: &BenchId, criterion_root: &Path) -> Option<f64> {
    let text = std::fs::read_to_string(id.estimates_path(criterion_root)).ok()?;
    let estimates: serde_json::Value = serde_json::from_str(&text).ok()?;
    estimates["median"]["point_estimate"].as_f64()
}

/// Builds the report from the estimates of `registered` under `criterion_root` and writes it
/// to `dir`; prints where, and every missed target.
pub fn write_report(registered: &[BenchId], criterion_root: &Path, dir: &Path) -> ReportFiles {
    let measurements: Vec<Measurement> = registered
        .iter()
        .filter_map(|id| {
            median_ns(id, criterion_root).map(|ns_per_iter| Measurement {
                id: *id,
                ns_per_iter,
            })
        })
        .collect();
    let report = Report::from_measurements(&measurements);
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
