//! `cargo xtask test` (the tier run before every commit) and `cargo xtask ci` (everything a
//! change must pass before it lands: the test tier, then sanitizers, fuzzers and both runtime
//! comparisons).

use crate::command::{cargo, run_step, workspace_root};
use crate::workspace::Workspace;
use std::process::Command;
use std::time::Instant;

/// The runtime integrations' sources, outside the workspace (they build inside the runtime's copy
/// and the generated runner packages), formatted like the rest.
const INTEGRATION_SOURCES: [&str; 4] = [
    "integrations/wasmtime/table.rs",
    "integrations/wasmtime/companion.rs",
    "integrations/wasmtime/runner/main.rs",
    "integrations/wasmi/runner/main.rs",
];

/// `cargo xtask test`: the tier a contributor runs before every commit, minutes on a warm
/// build. Stops at the first failure and prints how long each stage took.
pub fn test(args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("`test` takes no arguments, got `{extra}`"));
    }
    run_stages("test", &[&TEST_STAGES])
}

/// `cargo xtask ci`: the test tier, then sanitizers, fuzzers and both runtime comparisons.
pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("`ci` takes no arguments, got `{extra}`"));
    }
    if let Some(free) = free_disk().filter(|&free| free < CLEAN_RUN_BYTES) {
        println!(
            "ci: warning: {:.1} GiB free here; a run on a clean clone writes about {:.0} GiB \
             (target/ and cargo's registry) and fails where the disk fills up",
            gib(free),
            gib(CLEAN_RUN_BYTES),
        );
    }
    run_stages("ci", &[&TEST_STAGES, &CI_STAGES])
}

/// What `cargo xtask ci` writes on a clean clone, rounded up: 8.2 GB of `target/` at its peak
/// (the last stages) and cargo's downloads, measured on 2026-12-08.
const CLEAN_RUN_BYTES: u64 = 9 << 30;

/// Runs `stages` in order, stopping at the first failure, and prints how long each took (also
/// when one fails).
fn run_stages(job: &str, stages: &[&[Stage]]) -> Result<(), String> {
    let started = Instant::now();
    let mut timings = Vec::new();
    let result = stages
        .iter()
        .copied()
        .flatten()
        .try_for_each(|(name, stage)| {
            let stage_started = Instant::now();
            let result = stage();
            timings.push((*name, stage_started.elapsed(), result.is_ok(), free_disk()));
            result
        });
    println!("\n{job}: time per stage (and the disk left free after it)");
    for (name, elapsed, passed, free) in &timings {
        let verdict = if *passed { "" } else { "  (failed)" };
        let free = free.map_or_else(|| "?".to_string(), |bytes| format!("{:.1} GiB", gib(bytes)));
        println!(
            "  {:>7.1} s  {free:>10} free  {name}{verdict}",
            elapsed.as_secs_f64()
        );
    }
    println!("  {:>7.1} s  in all", started.elapsed().as_secs_f64());
    result?;
    println!("{job}: all steps passed");
    Ok(())
}

/// The bytes free on the file system holding the workspace, as `df` reports them, or `None` when
/// `df` is missing or prints something else. A CI machine once ran out of disk in the last
/// stages: the summary shows how close each run comes.
fn free_disk() -> Option<u64> {
    let output = Command::new("df")
        .args(["-Pk", "."])
        .current_dir(workspace_root())
        .output()
        .ok()?;
    // POSIX format: a header line, then `filesystem 1024-blocks used available capacity mount`.
    let text = String::from_utf8(output.stdout).ok()?;
    let available = text.lines().nth(1)?.split_whitespace().nth(3)?;
    available.parse::<u64>().ok()?.checked_mul(1024)
}

/// `bytes` in GiB, for printing.
fn gib(bytes: u64) -> f64 {
    bytes as f64 / f64::from(1u32 << 30)
}

/// A stage of CI: a name for the timing summary and the steps it runs.
type Stage = (&'static str, fn() -> Result<(), String>);

/// The test tier (`cargo xtask test`), quick checks first: what every commit must pass.
const TEST_STAGES: [Stage; 6] = [
    ("format", format),
    ("clippy", clippy),
    ("rustdoc", || {
        run_step(
            "rustdoc",
            cargo(&["doc", "--workspace", "--no-deps", "--all-features"])
                .env("RUSTDOCFLAGS", "-D warnings"),
        )
    }),
    ("tests", || {
        run_step(
            "test",
            &mut cargo(&["test", "--workspace", "--all-features"]),
        )
    }),
    ("facade feature matrix", facade_feature_matrix),
    ("spec scripts", || {
        run_step("spec", &mut cargo(&["xtask", "spec"]))
    }),
];

/// What `cargo xtask ci` runs after the test tier: the slow checks.
const CI_STAGES: [Stage; 7] = [
    ("bench smoke test", || {
        crate::bench::run(&["--quick".to_string()])
    }),
    ("package", || {
        forget_packaged_sources()?;
        run_step("package", &mut package_library_crates()?)
    }),
    ("valgrind", || crate::valgrind::run(&[])),
    ("asan", || crate::asan::run(&[])),
    ("fuzzers", || {
        crate::fuzz::run(&strings(&["--seconds", "60"]))?;
        crate::fuzz::run(&strings(&["--coverage", "--seconds", "60"]))
    }),
    ("runtime integrations", || {
        // The spec comparison in every configuration, and the benchmarks once each as a smoke
        // test (their timings are not compared in CI), for both runtimes. wasmi's job also
        // checks that its dependency tree has no Wasmtime and runs wasmi_core's own tests.
        crate::wasmtime::run(&strings(&["--bench", "--smoke"]))?;
        crate::wasmi::run(&strings(&["--bench", "--smoke"]))
    }),
    ("module fuzzing", || {
        // Generated modules on every runtime for a minute, after the self-check shows that a
        // corrupted slot is caught in every comparison (the runners are built by the stage
        // before).
        crate::fuzz::run(&strings(&["--modules", "--self-check", "--seconds", "30"]))?;
        crate::fuzz::run(&strings(&["--modules", "--seconds", "60"]))
    }),
];

/// `args` as the owned strings the jobs take.
fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|arg| arg.to_string()).collect()
}

/// Formatting of the workspace, the fuzz target and the integrations' sources.
fn format() -> Result<(), String> {
    run_step("fmt", &mut cargo(&["fmt", "--all", "--", "--check"]))?;
    run_step(
        "fmt (fuzz target)",
        &mut cargo(&["fmt", "--manifest-path", "fuzz/Cargo.toml", "--", "--check"]),
    )?;
    run_step(
        "fmt (runtime integrations)",
        Command::new("rustfmt")
            .args(["--edition", "2024", "--check"])
            .args(INTEGRATION_SOURCES)
            .current_dir(workspace_root()),
    )
}

/// Clippy on everything, and on table-core alone without Wasmtime.
fn clippy() -> Result<(), String> {
    run_step(
        "clippy",
        &mut cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    // A runtime with its own environment uses table-core without Wasmtime's: it must build
    // (no_std, no wasmtime-environ) and stay warning-free that way.
    run_step(
        "table-core without wasmtime (clippy)",
        &mut cargo(&[
            "clippy",
            "-p",
            "table-core",
            "--no-default-features",
            "--",
            "-D",
            "warnings",
        ]),
    )
}

/// The facade must build cleanly and pass its tests with each element kind alone, since a VM may
/// compile in only the kinds it uses (`--all-features` above covers them together).
fn facade_feature_matrix() -> Result<(), String> {
    for kind in Workspace::read()?.kinds {
        let feature = kind.feature.as_str();
        let only = ["--no-default-features", "--features", feature];
        let mut clippy = vec!["clippy", "-p", "table-facade", "--all-targets"];
        clippy.extend(only);
        clippy.extend(["--", "-D", "warnings"]);
        run_step(&format!("facade[{feature}] clippy"), &mut cargo(&clippy))?;
        let mut test = vec!["test", "-p", "table-facade"];
        test.extend(only);
        run_step(&format!("facade[{feature}] test"), &mut cargo(&test))?;
    }
    Ok(())
}

/// Removes the sources cargo extracted from an earlier run's packaged crates.
///
/// To verify the crates, cargo puts their tarballs in a temporary local registry and extracts
/// them under `$CARGO_HOME/registry/src/<that registry>/<name>-<version>`; a later run at the
/// same path finds the directory there and builds the old sources, since the version has not
/// changed (a table-core method added since was missing in table-gcref's verification). Only
/// such local registries' copies of the library crates are removed, never crates.io's.
fn forget_packaged_sources() -> Result<(), String> {
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| std::path::Path::new(&home).join(".cargo")))
        .ok_or("neither CARGO_HOME nor HOME is set")?;
    let libraries = Workspace::read()?.libraries;
    let Ok(registries) = std::fs::read_dir(home.join("registry/src")) else {
        return Ok(());
    };
    for registry in registries.flatten() {
        // crates.io's index directories are named `index.crates.io-<hash>`; the temporary
        // local registries have no name before the hash.
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        let Ok(crates) = std::fs::read_dir(registry.path()) else {
            continue;
        };
        for source in crates.flatten() {
            let name = source.file_name().to_string_lossy().into_owned();
            if libraries.iter().any(|library| {
                name.strip_prefix(library)
                    .is_some_and(|rest| rest.starts_with('-'))
            }) {
                std::fs::remove_dir_all(source.path())
                    .map_err(|error| format!("removing {}: {error}", source.path().display()))?;
            }
        }
    }
    Ok(())
}

/// Packages the library crates in one call, so cargo verifies each one by building it from its
/// tarball against the tarballs of the others (not their workspace sources). `--allow-dirty`
/// because the step checks what would be published, not the state of the checkout.
fn package_library_crates() -> Result<Command, String> {
    let libraries = Workspace::read()?.libraries;
    let mut args = vec!["package", "--allow-dirty"];
    for name in &libraries {
        args.extend(["-p", name]);
    }
    Ok(cargo(&args))
}
