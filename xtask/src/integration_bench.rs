//! Benchmarks of a runtime on wasm-tables against the same runtime stock: `cargo xtask wasmtime
//! --bench` and `cargo xtask wasmi --bench`.
//!
//! The programs are `.wat` files in `integrations/bench/`, shared by the runtimes; each runtime
//! lists the ones it runs (and under which of its configurations) in a [`Program`] table. Each
//! round runs every program on both builds, in an order that alternates between rounds, so drift
//! of a noisy machine (the other core's work, frequency changes) hits both alike. Each
//! measurement is the time per iteration of the runner's `bench` command: a fresh store, the
//! module instantiated, its `run` export called once; the runner times the instantiation and
//! the call apart.
//!
//! What a program costs is the whole iteration, instantiation plus call: table-core creates a
//! null table without touching its memory (one zeroing allocation, whose pages the kernel maps
//! on first write), where a runtime's own table may write every slot when it is created, so the
//! same page faults fall in the instantiation on one build and in the first writes of `run` on
//! the other. The report gives, per program, each build's minimum and median over rounds of the
//! whole iteration (on a shared machine noise only ever adds time, so the minimums compare the
//! code), the ratio of the minimums, the per-round ratio ours/stock with its spread (quartiles
//! and min-max over rounds), and beside them the ratios of the minimums of the call alone and of
//! the instantiation alone. Timings swing between runs and machines, so it also counts
//! instructions: one iteration of each program on each build under `valgrind --tool=callgrind`,
//! collecting only inside the runner's two measured functions (`measured_instantiation` and
//! `measured_run`), so parsing and compiling the module, the same work in both builds, is not
//! counted. The kernel's work (page faults) is not counted either. Counts are
//! deterministic for a given binary and input. The report names the machine's caches, since a
//! table that fits in the last-level cache on one machine does not on another. It is written to
//! `target/<runtime>-bench.md` and appended to `target/bench-report.md`.

use crate::command::workspace_root;
use crate::integration::{Build, Integration};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// A benchmark: program, engine configuration, iterations per measurement, and what it measures.
pub struct Program {
    /// The name in the report.
    pub name: &'static str,
    /// The `.wat` file in `integrations/bench/`.
    pub file: &'static str,
    /// The runner's configuration to run it under.
    pub config: &'static str,
    /// Iterations per timed measurement.
    pub iterations: u32,
    /// What one iteration does, for the report.
    pub what: &'static str,
}

/// Whether and how a job runs its benchmarks.
pub struct BenchOptions {
    /// Run the benchmarks (`--bench`, `--bench-only`).
    pub enabled: bool,
    /// Only the benchmarks, not the spec comparison (`--bench-only`).
    pub only: bool,
    /// Rounds of timed measurements.
    pub rounds: u32,
    /// One iteration per program and build, to check that they run (CI's smoke test); no
    /// instruction counts.
    pub smoke: bool,
    /// Count instructions under callgrind (off with `--no-count`).
    pub count: bool,
}

impl BenchOptions {
    /// No benchmarks; when enabled, ten rounds with instruction counts.
    pub fn new() -> BenchOptions {
        BenchOptions {
            enabled: false,
            only: false,
            rounds: 10,
            smoke: false,
            count: true,
        }
    }

    /// Takes `arg` (with its value from `rest`) if it is one of the benchmark options
    /// (`--bench`, `--bench-only`, `--rounds N`, `--smoke`, `--no-count`); returns whether it
    /// was.
    ///
    /// # Errors
    ///
    /// If `--rounds` has no number.
    pub fn parse_option<'a>(
        &mut self,
        arg: &str,
        rest: &mut impl Iterator<Item = &'a String>,
    ) -> Result<bool, String> {
        match arg {
            "--bench" => self.enabled = true,
            "--bench-only" => {
                self.enabled = true;
                self.only = true;
            }
            "--smoke" => {
                self.smoke = true;
                self.rounds = 1;
                self.count = false;
            }
            "--no-count" => self.count = false,
            "--rounds" => {
                let rounds = rest.next().ok_or("--rounds needs a number")?;
                self.rounds = rounds
                    .parse()
                    .map_err(|_| format!("--rounds: `{rounds}` is not a number"))?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// How a runtime's benchmarks run: its runners and its programs.
pub struct Suite {
    /// The runtime's integration (its runner binaries).
    pub integration: &'static Integration,
    /// The report's section heading (it starts with `# `).
    pub heading: &'static str,
    /// The programs, in report order.
    pub programs: &'static [Program],
    /// Whether the runtime compiles code at run time, which callgrind must then be told to look
    /// for (`--smc-check=all`).
    pub jit: bool,
}

/// The directory holding the programs.
const PROGRAMS_DIR: &str = "integrations/bench";
/// The benchmark report of `cargo xtask bench`, which each suite's section is appended to.
const BENCH_REPORT: &str = "target/bench-report.md";

impl Suite {
    /// This suite's own report.
    fn report_path(&self) -> String {
        format!("target/{}-bench.md", self.integration.runtime)
    }

    /// Runs the benchmarks and writes the report.
    ///
    /// # Errors
    ///
    /// If a runner fails or a report cannot be written.
    pub fn run(&self, options: &BenchOptions) -> Result<(), String> {
        let dir = workspace_root().join(PROGRAMS_DIR);
        let runtime = self.integration.runtime;
        let builds = self.integration.builds;
        // samples[program][build] = ns per iteration, one per round; builds in their order.
        let mut samples = vec![vec![Vec::new(); builds.len()]; self.programs.len()];
        for round in 0..options.rounds {
            // Every other round runs the builds in reverse order.
            let order: Vec<usize> = if round % 2 == 0 {
                (0..builds.len()).collect()
            } else {
                (0..builds.len()).rev().collect()
            };
            for (index, program) in self.programs.iter().enumerate() {
                let iterations = if options.smoke { 1 } else { program.iterations };
                for &build in &order {
                    let file = dir.join(program.file);
                    let ns = self.measure(builds[build], program, &file, iterations)?;
                    samples[index][build].push(ns);
                }
            }
            println!(
                "{runtime} bench: round {}/{} done",
                round + 1,
                options.rounds
            );
        }
        // counts[program][build]: instructions of one iteration.
        let mut counts = Vec::new();
        if options.count {
            for program in self.programs {
                let mut per_build = Vec::new();
                for &build in builds {
                    per_build.push(self.count(build, program, &dir.join(program.file))?);
                }
                let listed: Vec<String> = builds
                    .iter()
                    .zip(&per_build)
                    .map(|(build, count)| format!("{} {count}", build.label()))
                    .collect();
                println!(
                    "{runtime} bench: {} instructions: {}",
                    program.name,
                    listed.join(", ")
                );
                counts.push(per_build);
            }
        }
        let text = self.report(options, &samples, &counts);
        println!("\n{text}");
        let path = workspace_root().join(self.report_path());
        std::fs::write(&path, &text)
            .map_err(|error| format!("writing {}: {error}", path.display()))?;
        merge_into_bench_report()
    }

    /// The report: a header naming the run and the machine, then a table per patched build
    /// against stock, one row per program.
    fn report(
        &self,
        options: &BenchOptions,
        samples: &[Vec<Vec<Timing>>],
        counts: &[Vec<u64>],
    ) -> String {
        let builds = self.integration.builds;
        let mut text = format!(
            "{}: stock vs on wasm-tables\n\n{} rounds, the builds' order alternated between \
             rounds; release builds; ns per iteration: a fresh store, instantiate, call `run` \
             once (the headline is the whole iteration; the call and the instantiation alone \
             beside it). Machine: {}.\n\n",
            self.heading,
            options.rounds,
            machine_description(),
        );
        if options.smoke {
            text.push_str("Smoke run: one iteration per measurement; the timings say nothing.\n\n");
        }
        for (build_index, build) in builds.iter().enumerate().skip(1) {
            let name = build.label();
            if builds.len() > 2 {
                let _ = writeln!(text, "## {name} vs stock\n");
            }
            let _ = writeln!(
                text,
                "| program | what | stock ns/iter (min / median) | {name} ns/iter (min / median) | \
                 {name}/stock of minimums | {name}/stock per round: median (p25-p75, min-max) | \
                 call alone: {name}/stock of minimums | instantiation alone: {name}/stock of \
                 minimums | instructions stock | instructions {name} | {name}/stock instructions |\n\
                 |---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
            );
            for (index, program) in self.programs.iter().enumerate() {
                let row = Comparison {
                    stock: &samples[index][0],
                    ours: &samples[index][build_index],
                    counts: counts
                        .get(index)
                        .map(|counts| (counts[0], counts[build_index])),
                };
                let _ = writeln!(
                    text,
                    "| {} | {} | {} |",
                    program.name,
                    program.what,
                    row.cells()
                );
            }
            text.push('\n');
        }
        text
    }

    /// Nanoseconds per iteration of `program` on `build`, instantiation and call.
    fn measure(
        &self,
        build: Build,
        program: &Program,
        file: &Path,
        iterations: u32,
    ) -> Result<Timing, String> {
        let mut runner = self.runner(build, program, file, iterations);
        let output = succeeded(&mut runner, "runner bench", program, build)?;
        let text = String::from_utf8_lossy(&output.stdout);
        let field = |key: &str| -> Result<f64, String> {
            let mut words = text.split_whitespace();
            words
                .find(|word| *word == key)
                .and_then(|_| words.next()?.parse::<f64>().ok())
                .map(|total| total / f64::from(iterations))
                .ok_or_else(|| format!("runner bench printed `{text}`"))
        };
        Ok(Timing {
            run: field("run_ns")?,
            instantiation: field("instantiate_ns")?,
        })
    }

    /// The runner's `bench` command for `program` on `build`.
    fn runner(&self, build: Build, program: &Program, file: &Path, iterations: u32) -> Command {
        let mut command = Command::new(self.integration.binary(build));
        command
            .arg("bench")
            .arg(program.config)
            .arg(file)
            .arg(iterations.to_string());
        command
    }

    /// Instructions executed by one iteration of `program` on `build` inside the runner's
    /// measured functions (instantiation and call), counted by callgrind.
    fn count(&self, build: Build, program: &Program, file: &Path) -> Result<u64, String> {
        let out = workspace_root()
            .join(self.integration.work_dir)
            .join(format!("callgrind.{}.out", build.name()));
        let runner = self.runner(build, program, file, 1);
        let mut command = Command::new("valgrind");
        command
            .arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", out.display()));
        for measured in MEASURED_FUNCTIONS {
            command.arg(format!("--toggle-collect=*::{measured}"));
        }
        if self.jit {
            command.arg("--smc-check=all");
        }
        command.arg(runner.get_program()).args(runner.get_args());
        succeeded(
            &mut command,
            "valgrind (callgrind counts the instructions; `--no-count` skips it)",
            program,
            build,
        )?;
        let profile = std::fs::read_to_string(&out)
            .map_err(|error| format!("reading {}: {error}", out.display()))?;
        let total = profile
            .lines()
            .find_map(|line| {
                line.strip_prefix("totals:")
                    .or_else(|| line.strip_prefix("summary:"))
            })
            .and_then(|value| value.trim().parse().ok())
            .ok_or_else(|| format!("{} has no instruction total", out.display()))?;
        if total == 0 {
            return Err(format!(
                "callgrind counted nothing in {MEASURED_FUNCTIONS:?} for {} on {}: are the \
                 runner's functions still called that, and out of line?",
                program.name,
                build.name()
            ));
        }
        Ok(total)
    }
}

/// Runs `command` (`what` names it in errors) for `program` on `build` and returns its output.
///
/// # Errors
///
/// If it cannot start or exits unsuccessfully; the message carries its standard error.
fn succeeded(
    command: &mut Command,
    what: &str,
    program: &Program,
    build: Build,
) -> Result<std::process::Output, String> {
    let output = command
        .output()
        .map_err(|error| format!("{what}: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "{what}: {} on {}: {}",
            program.name,
            build.label(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(output)
}

/// The runner's functions that hold the measured work, out of line so callgrind can find them.
const MEASURED_FUNCTIONS: [&str; 2] = ["measured_instantiation", "measured_run"];

/// One measurement: nanoseconds per iteration of the instantiation and of the call.
#[derive(Debug, Clone, Copy)]
struct Timing {
    run: f64,
    instantiation: f64,
}

impl Timing {
    /// The whole iteration.
    fn total(&self) -> f64 {
        self.run + self.instantiation
    }
}

/// One program's measurements on stock and on one patched build ("ours").
struct Comparison<'a> {
    stock: &'a [Timing],
    ours: &'a [Timing],
    /// Instructions of one iteration on each, if counted.
    counts: Option<(u64, u64)>,
}

impl Comparison<'_> {
    /// The report's cells after the program's name and description.
    fn cells(&self) -> String {
        let part = |timings: &[Timing], pick: fn(&Timing) -> f64| -> Vec<f64> {
            timings.iter().map(pick).collect()
        };
        let stock = part(self.stock, Timing::total);
        let ours = part(self.ours, Timing::total);
        let minimum_ratio = |pick: fn(&Timing) -> f64| {
            quantile(&part(self.ours, pick), 0.0) / quantile(&part(self.stock, pick), 0.0)
        };
        let ratios: Vec<f64> = stock.iter().zip(&ours).map(|(s, o)| o / s).collect();
        let instructions = match self.counts {
            Some((stock, ours)) => format!("{stock} | {ours} | {:.4}x", ours as f64 / stock as f64),
            None => "not counted | not counted | —".to_string(),
        };
        format!(
            "{:.0} / {:.0} | {:.0} / {:.0} | {:.3}x | {:.3}x ({:.3}x-{:.3}x, {:.3}x-{:.3}x) | \
             {:.3}x | {:.3}x | {instructions}",
            quantile(&stock, 0.0),
            quantile(&stock, 0.5),
            quantile(&ours, 0.0),
            quantile(&ours, 0.5),
            quantile(&ours, 0.0) / quantile(&stock, 0.0),
            quantile(&ratios, 0.5),
            quantile(&ratios, 0.25),
            quantile(&ratios, 0.75),
            quantile(&ratios, 0.0),
            quantile(&ratios, 1.0),
            minimum_ratio(|timing| timing.run),
            minimum_ratio(|timing| timing.instantiation),
        )
    }
}

/// The reports of every suite, appended (in this order) to the benchmark report.
const SUITE_REPORTS: [&str; 2] = ["target/wasmtime-bench.md", "target/wasmi-bench.md"];

/// Puts the latest results of every runtime's benchmarks (those that exist) at the end of the
/// benchmark report (if any), replacing older copies: `cargo xtask bench` and each runtime's
/// `--bench` call this after writing their own report, so the report holds all of them,
/// whichever ran last. The sections are recognised by their first line, which starts with
/// `# ` and ends with `: stock vs on wasm-tables`.
pub fn merge_into_bench_report() -> Result<(), String> {
    let root = workspace_root();
    let Ok(report) = std::fs::read_to_string(root.join(BENCH_REPORT)) else {
        return Ok(());
    };
    let sections: Vec<String> = SUITE_REPORTS
        .iter()
        .filter_map(|path| std::fs::read_to_string(root.join(path)).ok())
        .collect();
    let first_section = sections
        .iter()
        .filter_map(|section| section.lines().next())
        .filter_map(|heading| report.find(heading))
        .min()
        .unwrap_or(report.len());
    let mut merged = report[..first_section].trim_end().to_string();
    for section in sections {
        merged.push_str("\n\n");
        merged.push_str(section.trim_end());
    }
    merged.push('\n');
    std::fs::write(root.join(BENCH_REPORT), merged)
        .map_err(|error| format!("writing {BENCH_REPORT}: {error}"))
}

/// The CPU model and cache sizes, read from `/proc/cpuinfo` and sysfs (Linux), or "unknown".
pub fn machine_description() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|line| line.strip_prefix("model name"))
                .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let mut caches = Vec::new();
    for index in 0..8 {
        let dir = format!("/sys/devices/system/cpu/cpu0/cache/index{index}");
        let read = |file: &str| {
            std::fs::read_to_string(format!("{dir}/{file}"))
                .ok()
                .map(|value| value.trim().to_string())
        };
        let (Some(level), Some(kind), Some(size)) = (read("level"), read("type"), read("size"))
        else {
            continue;
        };
        if kind != "Instruction" {
            caches.push(format!("L{level} {}", readable_size(&size)));
        }
    }
    let caches = if caches.is_empty() {
        "cache sizes unknown".to_string()
    } else {
        caches.join(", ")
    };
    format!("{model}, {cpus} CPUs, data caches per level {caches}")
}

/// A sysfs cache size (`48K`, `491520K`) in the largest binary unit that keeps it whole.
fn readable_size(size: &str) -> String {
    let Some(kib) = size
        .strip_suffix('K')
        .and_then(|kib| kib.parse::<u64>().ok())
    else {
        return size.to_string();
    };
    if kib >= 1024 && kib % 1024 == 0 {
        format!("{} MiB", kib / 1024)
    } else {
        format!("{kib} KiB")
    }
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
