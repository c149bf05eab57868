//! Project automation, run as `cargo xtask <job>`.
//!
//! Every job is Rust calling cargo (and, where a job says so, other tools the repository installs),
//! so the same command works on a developer machine and in CI.

mod across_runtimes;
mod asan;
mod bench;
mod ci;
mod command;
mod companion;
mod fuzz;
mod integration;
mod integration_bench;
mod module_fuzz;
mod size;
mod spec;
mod table_counters;
mod table_programs;
mod valgrind;
mod wasmi;
mod wasmtime;
mod workspace;

#[cfg(test)]
mod tidy;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <job>

jobs:
  asan    every crate's tests built with AddressSanitizer, leak detection on
  bench   table benchmarks vs baselines, Wasmtime and wasmi -> target/bench-report.md (`--quick`: smoke test;
          `--only REGEX`: the benchmarks whose ids match, e.g. '^set/gc-ours-dynamic/1000$')
  test    the tier to run before every commit (minutes on a warm build): fmt, clippy, rustdoc,
          every workspace test (doc examples too), the facade feature matrix, the spec scripts;
          prints the time of each stage
  ci      everything a change must pass: the test tier, then a benchmark smoke run, the library
          crates packaged, valgrind, asan, both fuzzers for 60 s each, both runtime integrations
          (spec comparison, benchmark smoke run) and a minute of generated modules; prints the
          time of each stage
  fuzz    random operation sequences vs a model (`--seconds N`, `--seed S` to replay);
          `--coverage`: the libFuzzer target with AddressSanitizer (`--replay FILE`);
          `--modules`: generated modules on Wasmtime, wasmi and table-spec, tables compared after
          every call (`--seconds N`, `--seed S`, `--self-check`, `--replay FILE`)
  size    `.text` bytes of a VM-shaped binary per facade feature set, and a check that kinds left
          out link no symbols -> target/size-report.md
  spec    the WebAssembly spec's table scripts on table-facade (`spec --help` for options)
  valgrind every crate's tests under valgrind memcheck
  wasmi   wasmi 2.0 with its table module replaced by table-core (no wasmtime-environ): the
          dependency tree checked, wasmi_core's own tests run on the adapter, and the spec
          testsuite on stock and ours (`--configs default,fuel,limiter`, `--scripts FILTER`;
          `--no-spec` skips it; `WASMI_ADAPTER=<path>` installs another table module);
          `--bench` (`--rounds N`, `--bench-only`, `--smoke`, `--no-count`): benchmarks,
          stock vs ours, timed and with instruction counts
  wasmtime Wasmtime 44 with its table module replaced by wasm-tables: the spec testsuite on stock
          and ours (`--configs default,eager,pooling,gc`, `--scripts FILTER`); `--bench`
          (`--rounds N`, `--bench-only`, `--smoke`, `--no-count`): JIT benchmarks, stock vs
          ours, timed and with instruction counts
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("asan") => asan::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("ci") => ci::run(&args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("size") => size::run(&args[1..]),
        Some("spec") => spec::run(&args[1..]),
        Some("test") => ci::test(&args[1..]),
        Some("valgrind") => valgrind::run(&args[1..]),
        Some("wasmi") => wasmi::run(&args[1..]),
        Some("wasmtime") => wasmtime::run(&args[1..]),
        Some("help" | "--help" | "-h") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown job `{other}`\n\n{USAGE}")),
        None => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
