//! `cargo xtask wasmi`: wasmi 2.0 with its table module replaced by wasm-tables.
//!
//! 1. Finds the `wasmi_core` 2.0.0 source cargo already has (a dependency of `wasmi`, the
//!    benchmark peer; `cargo metadata` names its manifest), copies it to
//!    `target/wasmi-integration/wasmi_core`, replaces its table module (`src/table/mod.rs`) with
//!    our adapter (`integrations/wasmi/table.rs`) and adds `table-core` (without its `wasmtime`
//!    feature) and `bytemuck` to its manifest. Nothing of wasmi's is committed: only the adapter
//!    and this procedure.
//! 2. Checks that the patched crate's dependency tree names no `wasmtime-environ` (a runtime with
//!    its own environment links none of Wasmtime's) and no wasm-tables element crate.
//! 3. Runs `wasmi_core`'s own unit tests (its table tests among them) on the adapter.
//!
//! The spec-testsuite comparison of stock and patched wasmi, directive by directive, is still to
//! come (issue "A second runtime on wasm-tables").

use crate::command::{cargo, run_step, workspace_root};
use crate::wasmtime::{edit_manifest, install_adapter, path_value, registry_source};
use std::time::Instant;
use toml_edit::{InlineTable, value};

/// The wasmi release the adapter is written for.
const WASMI_VERSION: &str = "2.0.0";
/// Where the job works.
const WORK_DIR: &str = "target/wasmi-integration";
/// Crates the patched wasmi must not depend on.
const FORBIDDEN: [&str; 5] = [
    "wasmtime-environ",
    "table-func",
    "table-gcref",
    "table-cont",
    "table-facade",
];

/// Runs the job.
pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("`wasmi` takes no arguments yet, got `{extra}`"));
    }
    let started = Instant::now();
    let root = workspace_root();
    let work = root.join(WORK_DIR);
    let source = registry_source("wasmi_core", WASMI_VERSION)?;
    println!("wasmi: stock source {}", source.display());
    let patched = work.join("wasmi_core");
    install_adapter(
        &source,
        &patched,
        "src/table/mod.rs",
        &root.join("integrations/wasmi/table.rs"),
    )?;
    edit_manifest(&patched.join("Cargo.toml"), |manifest| {
        let mut core = InlineTable::new();
        core.insert("path", path_value(&root.join("table-core")));
        core.insert("default-features", false.into());
        manifest["dependencies"]["table-core"] = value(core);
        let mut bytemuck = InlineTable::new();
        bytemuck.insert("version", "1.25".into());
        bytemuck.insert("default-features", false.into());
        manifest["dependencies"]["bytemuck"] = value(bytemuck);
        // Built on its own, not as a member of a workspace above it.
        manifest["workspace"] = toml_edit::table();
        Ok(())
    })?;
    // The versions this workspace resolved, so the copy builds with what is already here.
    std::fs::copy(root.join("Cargo.lock"), patched.join("Cargo.lock"))
        .map_err(|error| format!("seeding the lock file: {error}"))?;
    println!("wasmi: adapter installed in {}", patched.display());

    let manifest = patched.join("Cargo.toml");
    let manifest = manifest.to_string_lossy();
    let target = work.join("target");
    let target = target.to_string_lossy();
    let tree = cargo(&[
        "tree",
        "--manifest-path",
        &manifest,
        "-e",
        "normal",
        "--prefix",
        "none",
    ])
    .output()
    .map_err(|error| format!("cargo tree: {error}"))?;
    if !tree.status.success() {
        return Err(format!(
            "cargo tree failed: {}",
            String::from_utf8_lossy(&tree.stderr)
        ));
    }
    let tree = String::from_utf8_lossy(&tree.stdout);
    let crates: Vec<&str> = tree
        .lines()
        .filter_map(|line| line.split(' ').next())
        .collect();
    println!(
        "wasmi: patched wasmi_core depends on {}",
        dedup(&crates).join(", ")
    );
    if let Some(forbidden) = FORBIDDEN.iter().find(|name| crates.contains(name)) {
        return Err(format!("the patched wasmi_core depends on {forbidden}"));
    }
    run_step(
        "wasmi_core's own tests on the adapter",
        &mut cargo(&[
            "test",
            "--manifest-path",
            &manifest,
            "--target-dir",
            &target,
        ]),
    )?;
    println!("wasmi: done in {:.1?}", started.elapsed());
    Ok(())
}

/// `names` without repeats, in first-seen order.
fn dedup<'a>(names: &[&'a str]) -> Vec<&'a str> {
    let mut seen = Vec::new();
    for name in names {
        if !seen.contains(name) {
            seen.push(*name);
        }
    }
    seen
}
