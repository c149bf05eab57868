//! `cargo xtask bench`: the table benchmarks against their baselines and Wasmtime.
//!
//! Without arguments it builds `table-bench`'s criterion benchmarks (release) and runs them all;
//! the run ends by writing `<target>/bench-report.md` and `<target>/bench-plot.svg`. With
//! `--quick` it runs each benchmark once in a debug build, as CI's smoke test: it checks that
//! they run, not their speed.

use crate::command::{cargo, run_step, workspace_root};
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Flags for the benchmark binary only. The get/set loops run at one or two cycles per element,
/// where a loop that happens to straddle a 64-byte fetch line runs measurably slower than the
/// same instructions inside one line (1.8x was seen between identical loops); aligning every
/// loop to 64 bytes takes code placement out of the comparison with the baselines.
const BENCH_RUSTC_FLAGS: [&str; 2] = ["-C", "llvm-args=-align-loops=64"];

/// What `cargo xtask bench` was asked for.
#[derive(Debug, PartialEq, Eq)]
enum Mode {
    /// Every benchmark, the report and the plot.
    Full,
    /// `--quick`: the smoke test.
    Quick,
    /// `--only REGEX`: the benchmarks whose ids match, for a row measured in seconds rather than
    /// the whole run's minutes; the partial report goes to its own directory.
    Only(String),
}

impl Mode {
    fn parse(args: &[String]) -> Result<Mode, String> {
        match args {
            [] => Ok(Mode::Full),
            [flag] if flag == "--quick" => Ok(Mode::Quick),
            [flag, filter] if flag == "--only" => Ok(Mode::Only(filter.clone())),
            [flag] if flag == "--only" => Err("`--only` needs a regex of benchmark ids".into()),
            [other, ..] => Err(format!(
                "`bench` takes `--quick` or `--only REGEX`, got `{other}`"
            )),
        }
    }
}

/// Runs the benchmarks (or, with `--quick`, smoke-tests them; with `--only REGEX`, runs those
/// whose ids, as `fill/gc-ours-dynamic/1000`, match).
pub fn run(args: &[String]) -> Result<(), String> {
    let filter = match Mode::parse(args)? {
        Mode::Quick => {
            // The whole workspace is selected (only table-bench has benchmarks) so features
            // resolve as in `cargo test --workspace --all-features` and CI reuses that build's
            // artifacts.
            return run_step(
                "bench smoke test",
                &mut cargo(&["test", "--workspace", "--all-features", "--benches"]),
            );
        }
        Mode::Full => None,
        Mode::Only(filter) => Some(filter),
    };
    let executable = build()?;
    // A partial run writes its report beside, not over, the full run's.
    let target = match filter {
        Some(_) => target_dir().join("bench-only"),
        None => target_dir(),
    };
    let mut command = Command::new(&executable);
    command
        .arg("--bench")
        .args(&filter)
        .current_dir(workspace_root().join("table-bench"))
        .env("TABLE_BENCH_TARGET_DIR", &target)
        .env("TABLE_BENCH_RUSTFLAGS", BENCH_RUSTC_FLAGS.join(" "));
    run_step("bench", &mut command)?;
    if filter.is_some() {
        println!(
            "bench --only: the estimates are above; the partial report is {}",
            target.join("bench-report.md").display()
        );
        return Ok(());
    }
    crate::integration_bench::merge_into_bench_report()?;
    println!(
        "bench: report {} and plot {}",
        target.join("bench-report.md").display(),
        target.join("bench-plot.svg").display()
    );
    Ok(())
}

/// Builds the benchmark binary with [`BENCH_RUSTC_FLAGS`] and returns its path.
fn build() -> Result<PathBuf, String> {
    let mut args = vec![
        "rustc",
        "-p",
        "table-bench",
        "--bench",
        "tables",
        "--profile",
        "bench",
        "--message-format",
        "json-render-diagnostics",
        "--",
    ];
    args.extend(BENCH_RUSTC_FLAGS);
    println!("==> bench build: cargo {}", args.join(" "));
    let output = cargo(&args)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|error| format!("bench build: could not start cargo: {error}"))?;
    if !output.status.success() {
        return Err(format!("bench build failed ({})", output.status));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| line.contains(r#""reason":"compiler-artifact""#))
        .filter_map(executable)
        .next_back()
        .ok_or_else(|| "bench build: cargo reported no benchmark executable".to_string())
}

/// The `"executable"` path of one of cargo's JSON artifact messages, if it has one.
fn executable(message: &str) -> Option<PathBuf> {
    const KEY: &str = r#""executable":""#;
    let start = message.find(KEY)? + KEY.len();
    let length = message[start..].find('"')?;
    Some(PathBuf::from(&message[start..start + length]))
}

/// Cargo's target directory: `CARGO_TARGET_DIR` (relative to the workspace root) or `target`.
fn target_dir() -> PathBuf {
    let root = workspace_root();
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), |dir| root.join(dir))
}

#[cfg(test)]
mod tests {
    use super::Mode;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|arg| arg.to_string()).collect()
    }

    #[test]
    fn the_modes_are_read_from_the_arguments() {
        assert_eq!(Mode::parse(&args(&[])), Ok(Mode::Full));
        assert_eq!(Mode::parse(&args(&["--quick"])), Ok(Mode::Quick));
        assert_eq!(
            Mode::parse(&args(&["--only", "^set/gc-"])),
            Ok(Mode::Only("^set/gc-".into()))
        );
        assert!(Mode::parse(&args(&["--only"])).is_err());
        assert!(Mode::parse(&args(&["--rounds", "3"])).is_err());
    }
}
