//! `cargo xtask ci`: everything a change must pass before it lands.

use crate::command::{cargo, run_step, workspace_root};
use std::process::Command;

/// The runtime integrations' sources, outside the workspace (they build inside the runtime's copy
/// and the generated runner packages), formatted like the rest.
const INTEGRATION_SOURCES: [&str; 3] = [
    "integrations/wasmtime/table.rs",
    "integrations/wasmtime/runner/main.rs",
    "integrations/wasmi/runner/main.rs",
];

/// Runs every CI step in order, stopping at the first failure.
pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("`ci` takes no arguments, got `{extra}`"));
    }
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
    )?;
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
    )?;
    run_step(
        "rustdoc",
        cargo(&["doc", "--workspace", "--no-deps", "--all-features"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    run_step(
        "test",
        &mut cargo(&["test", "--workspace", "--all-features"]),
    )?;
    crate::bench::run(&["--quick".to_string()])?;
    facade_feature_matrix()?;
    run_step("package", &mut package_library_crates())?;
    run_step("spec", &mut cargo(&["xtask", "spec"]))?;
    crate::valgrind::run(&[])?;
    crate::asan::run(&[])?;
    crate::fuzz::run(&["--seconds".to_string(), "60".to_string()])?;
    crate::fuzz::run(&[
        "--coverage".to_string(),
        "--seconds".to_string(),
        "60".to_string(),
    ])?;
    // The spec comparison in all four configurations, and the JIT benchmarks once each as a
    // smoke test (their timings are not compared in CI).
    crate::wasmtime::run(&["--bench".to_string(), "--smoke".to_string()])?;
    // wasmi on table-core alone: no Wasmtime in its tree, its own table tests on our adapter
    // (the spec comparison, `cargo xtask wasmi` without `--no-spec`, is not in CI yet).
    crate::wasmi::run(&["--no-spec".to_string()])?;
    println!("ci: all steps passed");
    Ok(())
}

/// The facade must build cleanly and pass its tests with each element kind alone, since a VM may
/// compile in only the kinds it uses (`--all-features` above covers them together).
fn facade_feature_matrix() -> Result<(), String> {
    for feature in ["func", "gc", "cont"] {
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

/// The crates a runtime depends on, in dependency order.
const LIBRARY_CRATES: [&str; 5] = [
    "table-core",
    "table-func",
    "table-gcref",
    "table-cont",
    "table-facade",
];

/// Packages the library crates in one call, so cargo verifies each one by building it from its
/// tarball against the tarballs of the others (not their workspace sources). `--allow-dirty`
/// because the step checks what would be published, not the state of the checkout.
fn package_library_crates() -> Command {
    let mut args = vec!["package", "--allow-dirty"];
    for name in LIBRARY_CRATES {
        args.extend(["-p", name]);
    }
    cargo(&args)
}
