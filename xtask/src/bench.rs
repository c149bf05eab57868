//! `cargo xtask bench`: the table benchmarks against their baselines and Wasmtime.
//!
//! Without arguments it runs every criterion benchmark of `table-bench` (release), which ends
//! by writing `<target>/bench-report.md` and `<target>/bench-plot.svg`. With `--quick` it runs
//! each benchmark once in a debug build, as CI's smoke test: it checks that they run, not their
//! speed.

use crate::command::{cargo, run_step, workspace_root};
use std::path::PathBuf;

/// Runs the benchmarks (or, with `--quick`, smoke-tests them).
pub fn run(args: &[String]) -> Result<(), String> {
    let quick = match args {
        [] => false,
        [flag] if flag == "--quick" => true,
        [other, ..] => return Err(format!("`bench` takes only `--quick`, got `{other}`")),
    };
    if quick {
        return run_step(
            "bench smoke test",
            &mut cargo(&["test", "-p", "table-bench", "--benches"]),
        );
    }
    let target = target_dir();
    run_step(
        "bench",
        cargo(&["bench", "-p", "table-bench", "--bench", "tables"])
            .env("TABLE_BENCH_TARGET_DIR", &target),
    )?;
    println!(
        "bench: report {} and plot {}",
        target.join("bench-report.md").display(),
        target.join("bench-plot.svg").display()
    );
    Ok(())
}

/// Cargo's target directory: `CARGO_TARGET_DIR` (relative to the workspace root) or `target`.
fn target_dir() -> PathBuf {
    let root = workspace_root();
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), |dir| root.join(dir))
}
