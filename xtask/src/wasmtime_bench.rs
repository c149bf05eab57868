//! `cargo xtask wasmtime --bench [--rounds N]`: JIT benchmarks, stock Wasmtime against
//! Wasmtime on wasm-tables, both release builds.
//!
//! The programs are `.wat` files in `integrations/wasmtime/bench/`. Each round runs every program
//! on both builds, in an order that alternates between rounds, so drift of a noisy machine (the
//! other core's work, frequency changes) hits both alike. Each measurement is the time per
//! iteration (a fresh store, an instance, one call of `run`; the instantiation is timed apart).
//! The report gives, per program, each build's minimum and median over rounds (on a shared
//! machine noise only ever adds time, so the minimums compare the code), the ratio of the
//! minimums, and the per-round ratio ours/stock with its spread (quartiles and min-max over
//! rounds); it is written to
//! `target/wasmtime-bench.md`.

use crate::command::workspace_root;
use std::fmt::Write as _;
use std::process::Command;

/// A benchmark: program, engine configuration, iterations per measurement, and whether the
/// instantiation (rather than the `run` call) is what it measures.
struct Program {
    name: &'static str,
    file: &'static str,
    config: &'static str,
    iterations: u32,
    measures_instantiation: bool,
    what: &'static str,
}

const PROGRAMS: [Program; 7] = [
    Program {
        name: "call_indirect lazy",
        file: "call_indirect.wat",
        config: "default",
        iterations: 10,
        measures_instantiation: false,
        what: "1e6 call_indirect over a 10,000-entry table (lazy init)",
    },
    Program {
        name: "call_indirect eager",
        file: "call_indirect.wat",
        config: "eager",
        iterations: 10,
        measures_instantiation: false,
        what: "1e6 call_indirect over a 10,000-entry table (eager)",
    },
    Program {
        name: "table.copy lazy",
        file: "copy_lazy.wat",
        config: "default",
        iterations: 5,
        measures_instantiation: false,
        what: "10 x table.copy of 1e6 out of a lazily initialised table",
    },
    Program {
        name: "table.fill",
        file: "fill.wat",
        config: "default",
        iterations: 5,
        measures_instantiation: false,
        what: "10 x table.fill of 1e6",
    },
    Program {
        name: "table.grow",
        file: "grow.wat",
        config: "default",
        iterations: 5,
        measures_instantiation: false,
        what: "100,000 x table.grow by 1",
    },
    Program {
        name: "table.init",
        file: "init.wat",
        config: "default",
        iterations: 5,
        measures_instantiation: false,
        what: "100 x table.init of a 10,000-entry segment",
    },
    Program {
        name: "instantiate",
        file: "instantiate.wat",
        config: "default",
        iterations: 50,
        measures_instantiation: true,
        what: "instantiation: 100,000-entry table, 10,000-entry active segment",
    },
];

use crate::integration::Build;
use crate::wasmtime::WASMTIME;

/// Runs the benchmarks for `rounds` rounds (`smoke`: one iteration each, to check they run) and
/// writes the report.
pub fn run(rounds: u32, smoke: bool) -> Result<(), String> {
    let dir = workspace_root().join("integrations/wasmtime/bench");
    // samples[program][build] = ns per iteration, one per round.
    let mut samples = vec![[Vec::new(), Vec::new()]; PROGRAMS.len()];
    for round in 0..rounds {
        let order = if round % 2 == 0 {
            [Build::Stock, Build::Ours]
        } else {
            [Build::Ours, Build::Stock]
        };
        for (index, program) in PROGRAMS.iter().enumerate() {
            let iterations = if smoke { 1 } else { program.iterations };
            for build in order {
                let ns = measure(build, program, &dir.join(program.file), iterations)?;
                samples[index][build as usize].push(ns);
            }
        }
        println!("wasmtime bench: round {}/{rounds} done", round + 1);
    }

    let mut report = String::from(
        "| program | what | stock ns/iter (min / median) | ours ns/iter (min / median) | \
         ours/stock of minimums | ours/stock per round: median (p25-p75, min-max) |\n\
         |---|---|---:|---:|---:|---:|\n",
    );
    for (program, [stock, ours]) in PROGRAMS.iter().zip(&samples) {
        let ratios: Vec<f64> = stock.iter().zip(ours).map(|(s, o)| o / s).collect();
        let _ = writeln!(
            report,
            "| {} | {} | {:.0} / {:.0} | {:.0} / {:.0} | {:.3}x | {:.3}x ({:.3}x-{:.3}x, {:.3}x-{:.3}x) |",
            program.name,
            program.what,
            quantile(stock, 0.0),
            quantile(stock, 0.5),
            quantile(ours, 0.0),
            quantile(ours, 0.5),
            quantile(ours, 0.0) / quantile(stock, 0.0),
            quantile(&ratios, 0.5),
            quantile(&ratios, 0.25),
            quantile(&ratios, 0.75),
            quantile(&ratios, 0.0),
            quantile(&ratios, 1.0),
        );
    }
    let header = format!(
        "{SECTION}: stock vs on wasm-tables\n\n{rounds} rounds, the builds' order alternated \
         between rounds; release builds; ns per iteration (a fresh store, instantiate, call \
         `run` once; `instantiate` times the instantiation, the others the call).\n\n"
    );
    let text = format!("{header}{report}");
    println!("\n{text}");
    std::fs::write(workspace_root().join(REPORT), &text)
        .map_err(|error| format!("writing {REPORT}: {error}"))?;
    merge_into_bench_report()
}

/// This job's report.
const REPORT: &str = "target/wasmtime-bench.md";
/// The benchmark report of `cargo xtask bench`.
const BENCH_REPORT: &str = "target/bench-report.md";
/// The heading this job's section starts with in the benchmark report.
const SECTION: &str = "# Wasmtime 44 JIT benchmarks";

/// Puts the latest JIT benchmark results (if any) at the end of the benchmark report (if any),
/// replacing an older copy: `cargo xtask bench` and `cargo xtask wasmtime --bench` each call
/// this after writing their own report, so the report holds both, whichever ran last.
pub fn merge_into_bench_report() -> Result<(), String> {
    let root = workspace_root();
    let (Ok(section), Ok(report)) = (
        std::fs::read_to_string(root.join(REPORT)),
        std::fs::read_to_string(root.join(BENCH_REPORT)),
    ) else {
        return Ok(());
    };
    let kept = report.split(SECTION).next().unwrap_or(&report).trim_end();
    std::fs::write(root.join(BENCH_REPORT), format!("{kept}\n\n{section}"))
        .map_err(|error| format!("writing {BENCH_REPORT}: {error}"))
}

/// Nanoseconds per iteration of `program` on `build`.
fn measure(
    build: Build,
    program: &Program,
    file: &std::path::Path,
    iterations: u32,
) -> Result<f64, String> {
    let output = Command::new(WASMTIME.binary(build))
        .arg("bench")
        .arg(program.config)
        .arg(file)
        .arg(iterations.to_string())
        .output()
        .map_err(|error| format!("runner bench: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "{} on {}: {}",
            program.name,
            build.name(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let field = |key: &str| -> Option<f64> {
        let mut words = text.split_whitespace();
        words.find(|word| *word == key)?;
        words.next()?.parse().ok()
    };
    let key = if program.measures_instantiation {
        "instantiate_ns"
    } else {
        "run_ns"
    };
    let total = field(key).ok_or_else(|| format!("runner bench printed `{text}`"))?;
    Ok(total / f64::from(iterations))
}

/// The `q` quantile of `values` (0: the minimum, 0.5: the median, 1: the maximum), linear
/// between neighbouring samples.
fn quantile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    if sorted.is_empty() {
        return f64::NAN;
    }
    let position = q * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}
