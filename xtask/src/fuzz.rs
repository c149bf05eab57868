//! `cargo xtask fuzz [--seconds N] [--seed S] [--operations N]`: long random operation sequences
//! over the facade (every kind, both storages, lazy init on and off), checked against a model and,
//! for GC tables, a reference-counting store. Prints the operations run, or the seed that replays
//! a failure.
//!
//! `cargo xtask fuzz --modules ...`: whole generated modules on every Wasmtime build, tables
//! compared after every call (see [`crate::module_fuzz`]).
//!
//! `cargo xtask fuzz --coverage [--seconds N] [--replay FILE]`: the same scenarios driven by
//! libFuzzer (the target in `fuzz/`, cargo-fuzz layout), built with coverage instrumentation and
//! AddressSanitizer, starting from the committed seed corpus `fuzz/seeds/facade_ops`. New inputs
//! collect in `target/fuzz-coverage/corpus`; a failing input is written to
//! `target/fuzz-coverage/artifacts/` and the command that replays it is printed.

use crate::asan;
use crate::command::{cargo, run_step, workspace_root};
use std::path::Path;
use std::process::Command;

/// The fuzz target's name (a `[[bin]]` of `fuzz/Cargo.toml`).
const TARGET_NAME: &str = "facade_ops";
/// Where the instrumented build and the fuzzer's files go, apart from the ordinary build.
const TARGET_DIR: &str = "target/fuzz-coverage";
/// The instrumentation cargo-fuzz applies by default: inline 8-bit edge counters with their PC
/// table (libFuzzer's coverage features), comparison tracing (so the fuzzer learns the values
/// a comparison wants), `cfg(fuzzing)`, debug assertions and overflow checks, plus
/// AddressSanitizer.
const COVERAGE_RUSTFLAGS: &str = "-Cpasses=sancov-module \
    -Cllvm-args=-sanitizer-coverage-level=4 \
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
    -Cllvm-args=-sanitizer-coverage-pc-table \
    -Cllvm-args=-sanitizer-coverage-trace-compares \
    --cfg fuzzing -Cdebug-assertions -Coverflow-checks";

/// Runs the seeded fuzzer, or the coverage-guided one with `--coverage`.
pub fn run(args: &[String]) -> Result<(), String> {
    if args.iter().any(|arg| arg == "--modules") {
        return crate::module_fuzz::run(args);
    }
    if args.iter().any(|arg| arg == "--coverage") {
        let rest: Vec<&String> = args.iter().filter(|arg| *arg != "--coverage").collect();
        return coverage(&rest);
    }
    let mut command = cargo(&["run", "--release", "--quiet", "-p", "table-fuzz", "--"]);
    command.args(args);
    run_step("fuzz", &mut command)
}

/// Builds the libFuzzer target and runs it for the given time, or replays one input.
fn coverage(args: &[&String]) -> Result<(), String> {
    let mut seconds = 60u64;
    let mut replay = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                let value = args.next().ok_or("--seconds needs a value")?;
                seconds = value
                    .parse()
                    .map_err(|_| format!("--seconds: `{value}` is not a number"))?;
            }
            "--replay" => replay = Some(args.next().ok_or("--replay needs a file")?.to_string()),
            other => return Err(format!("fuzz --coverage: unknown argument `{other}`")),
        }
    }

    let root = workspace_root();
    let mut build = cargo(&[
        "build",
        "--release",
        "--manifest-path",
        "fuzz/Cargo.toml",
        "--bin",
        TARGET_NAME,
        "--target",
        asan::TARGET,
        "--target-dir",
        TARGET_DIR,
    ]);
    build.env("RUSTC_BOOTSTRAP", "1").env(
        "RUSTFLAGS",
        format!("{COVERAGE_RUSTFLAGS} {}", asan::RUSTFLAGS),
    );
    run_step("fuzz --coverage: build", &mut build)?;
    let binary = root
        .join(TARGET_DIR)
        .join(asan::TARGET)
        .join("release")
        .join(TARGET_NAME);

    let mut fuzzer = Command::new(&binary);
    fuzzer
        .current_dir(&root)
        .env("ASAN_OPTIONS", asan::ASAN_OPTIONS);
    if let Some(input) = replay {
        fuzzer.arg(input);
        return run_step("fuzz --coverage: replay", &mut fuzzer);
    }

    let corpus = root.join(TARGET_DIR).join("corpus");
    let artifacts = root.join(TARGET_DIR).join("artifacts");
    for dir in [&corpus, &artifacts] {
        std::fs::create_dir_all(dir)
            .map_err(|error| format!("could not create {}: {error}", dir.display()))?;
    }
    fuzzer
        .arg(format!("-max_total_time={seconds}"))
        // Growing a table by 2^40 elements must fail cleanly, not count as the fuzzer's own
        // out-of-memory; the resident-set limit still catches real blow-ups.
        .arg("-malloc_limit_mb=2147483647")
        .arg("-rss_limit_mb=4096")
        .arg("-print_final_stats=1")
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        // New inputs go to the first directory; the committed seeds are only read.
        .arg(&corpus)
        .arg(root.join("fuzz/seeds").join(TARGET_NAME));
    let result = run_step("fuzz --coverage", &mut fuzzer);
    if result.is_err() {
        print_replay_hint(&artifacts);
    } else {
        let inputs = count_files(&corpus);
        println!(
            "fuzz --coverage: corpus {} holds {inputs} inputs",
            corpus.display()
        );
    }
    result
}

/// Names the inputs libFuzzer saved for the failure and how to replay each.
fn print_replay_hint(artifacts: &Path) {
    let Ok(entries) = std::fs::read_dir(artifacts) else {
        return;
    };
    for entry in entries.flatten() {
        println!(
            "failing input: {}\nreplay: cargo xtask fuzz --coverage --replay {}",
            entry.path().display(),
            entry.path().display()
        );
    }
}

fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| entries.count())
}
