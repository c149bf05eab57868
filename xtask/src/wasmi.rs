//! `cargo xtask wasmi [--configs a,b] [--scripts FILTER] [--no-spec] [--bench [--rounds N] |
//! --bench-only] [--smoke] [--no-count]`: wasmi 2.0 with its table module replaced by
//! wasm-tables.
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
//! 4. Generates two runner packages from `integrations/wasmi/runner/manifest.toml`, one against
//!    stock wasmi and one with `[patch.crates-io] wasmi_core` pointing at the copy, and builds
//!    both (release, one shared target directory).
//! 5. For each configuration (`default`, `fuel`, `limiter`; the runner's docs say what each
//!    records), runs every spec script the runner lists on both builds and compares every
//!    directive's outcome: whether it passed, its failure message, and what it observed (the
//!    values it returned, the current instance's exported tables, the fuel left, the resource
//!    limiter's calls). Prints a table (configuration x scripts and directives passed, stock
//!    and ours, also written to `target/wasmi-spec.md`) and every directive whose outcome
//!    differs; fails on any difference. `--no-spec` stops after step 3.
//! 6. With `--bench` (or `--bench-only`, which skips step 5), the benchmarks of [`PROGRAMS`] on
//!    both builds (see [`crate::integration_bench`]); `--smoke` runs each once, as CI does, and
//!    `--no-count` skips the instruction counts.
//!
//! Debugging aid: `WASMI_ADAPTER=<path> cargo xtask wasmi` installs the file at `path` as the
//! table module instead of `integrations/wasmi/table.rs`. With a copy of stock `wasmi_core`'s own
//! `src/table/mod.rs` the two builds must agree on every directive (a test of the job itself);
//! with a deliberately broken copy they must not.

use crate::command::{cargo, run_step, workspace_root};
use crate::integration::{
    Build, CompareOptions, Integration, edit_manifest, install_adapter, path_value, publish,
    registry_source,
};
use crate::integration_bench::{BenchOptions, Program, Suite};
use std::path::PathBuf;
use std::time::Instant;
use toml_edit::{InlineTable, value};

/// The wasmi release the adapter is written for.
const WASMI_VERSION: &str = "2.0.0";
/// Configurations compared by default.
const CONFIGS: [&str; 3] = ["default", "fuel", "limiter"];
/// The environment variable that names another table module to install (a debugging aid).
const ADAPTER_OVERRIDE: &str = "WASMI_ADAPTER";
/// Crates the patched wasmi must not depend on.
const FORBIDDEN: [&str; 5] = [
    "wasmtime-environ",
    "table-func",
    "table-gcref",
    "table-cont",
    "table-facade",
];

/// The wasmi integration: its runners and where the job works.
pub const WASMI: Integration = Integration {
    runtime: "wasmi",
    title: "wasmi",
    work_dir: "target/wasmi-integration",
    // The adapter reports wasmi's own `TableError`s, so a directive that fails on both builds
    // must fail with the same message.
    compare_failure_messages: true,
    builds: &[Build::Stock, Build::Ours],
};

/// Runs the job.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut options = CompareOptions::new(&CONFIGS);
    let mut bench = BenchOptions::new();
    let mut spec = true;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if options.parse_option(arg, &mut args)? || bench.parse_option(arg, &mut args)? {
            continue;
        }
        match arg.as_str() {
            "--no-spec" => spec = false,
            other => return Err(format!("wasmi: unknown argument `{other}`")),
        }
    }
    let started = Instant::now();
    let root = workspace_root();
    let work = root.join(WASMI.work_dir);
    let patched = prepare()?;

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
    if !spec && !bench.enabled {
        println!("wasmi: done in {:.1?}", started.elapsed());
        return Ok(());
    }
    WASMI.generate_runners("wasmi_core", &[(Build::Ours, &patched)])?;
    WASMI.build_runners()?;
    println!("wasmi: prepared and built in {:.1?}", started.elapsed());
    if spec && !bench.only {
        WASMI.compare(&options, "")?;
    }
    if bench.enabled {
        BENCHMARKS.run(&bench)?;
    }
    Ok(())
}

/// Installs the adapter in a copy of wasmi_core (see [`install_adapter`]) and returns the copy's
/// directory.
fn prepare() -> Result<PathBuf, String> {
    let root = workspace_root();
    let work = root.join(WASMI.work_dir);
    let adapter = adapter()?;
    let source = registry_source("wasmi_core", WASMI_VERSION)?;
    println!("wasmi: stock source {}", source.display());
    let patched = work.join("wasmi_core");
    let staging = install_adapter(&source, &patched, "src/table/mod.rs", &adapter)?;
    edit_manifest(&staging.join("Cargo.toml"), |manifest| {
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
    std::fs::copy(root.join("Cargo.lock"), staging.join("Cargo.lock"))
        .map_err(|error| format!("seeding the lock file: {error}"))?;
    publish(&staging, &patched)?;
    println!("wasmi: adapter installed in {}", patched.display());
    Ok(patched)
}

/// The runners, stock and ours, prepared and built (for the module fuzzer).
pub(crate) fn prepare_runners() -> Result<(), String> {
    let patched = prepare()?;
    WASMI.generate_runners("wasmi_core", &[(Build::Ours, &patched)])?;
    WASMI.build_runners()
}

/// The benchmarks: stock wasmi against wasmi on wasm-tables.
const BENCHMARKS: Suite = Suite {
    integration: &WASMI,
    heading: "# wasmi 2.0 benchmarks",
    programs: &PROGRAMS,
    jit: false,
};

/// The benchmark programs (in `integrations/bench/`), all on funcref tables in wasmi's default
/// configuration (no fuel metering), with iterations that make each measurement last several
/// milliseconds.
const PROGRAMS: [Program; 9] = [
    Program {
        name: "call_indirect",
        file: "call_indirect.wat",
        config: "default",
        iterations: 3,
        what: "1e6 call_indirect over a 10,000-entry table",
    },
    Program {
        name: "table.get/set",
        file: "get_set.wat",
        config: "default",
        iterations: 3,
        what: "1e6 table.get + table.set over a 10,000-entry table",
    },
    Program {
        name: "table.copy",
        file: "copy.wat",
        config: "default",
        iterations: 3,
        what: "table.fill of 1e6, then 10 x table.copy of 1e6 between two tables",
    },
    Program {
        name: "table.fill",
        file: "fill.wat",
        config: "default",
        iterations: 3,
        what: "10 x table.fill of 1e6",
    },
    Program {
        name: "table.grow",
        file: "grow.wat",
        config: "default",
        iterations: 5,
        what: "100,000 x table.grow by 1",
    },
    Program {
        name: "table.init",
        file: "init.wat",
        config: "default",
        iterations: 5,
        what: "100 x table.init of a 10,000-entry segment",
    },
    Program {
        name: "table.fill (fuel)",
        file: "fill.wat",
        config: "fuel",
        iterations: 3,
        what: "10 x table.fill of 1e6, fuel metering on",
    },
    Program {
        name: "instantiate 1e5",
        file: "instantiate.wat",
        config: "default",
        iterations: 50,
        what: "instantiation: 100,000-entry table, 10,000-entry active segment",
    },
    Program {
        name: "instantiate 1e7",
        file: "instantiate_1e7.wat",
        config: "default",
        iterations: 10,
        what: "instantiation: 10,000,000-entry null table",
    },
];

/// The table module to install: `integrations/wasmi/table.rs`, or the file `WASMI_ADAPTER`
/// names.
///
/// # Errors
///
/// If the file does not exist.
fn adapter() -> Result<PathBuf, String> {
    let (path, named_by) = match std::env::var_os(ADAPTER_OVERRIDE) {
        Some(path) => (PathBuf::from(path), ADAPTER_OVERRIDE),
        None => (
            workspace_root().join("integrations/wasmi/table.rs"),
            "the adapter",
        ),
    };
    if !path.exists() {
        return Err(format!(
            "{named_by} {} does not exist (`{ADAPTER_OVERRIDE}=<path>` installs another file as \
             wasmi_core's table module, e.g. a copy of stock's src/table/mod.rs to test the job)",
            path.display()
        ));
    }
    if named_by == ADAPTER_OVERRIDE {
        println!(
            "wasmi: {ADAPTER_OVERRIDE} set: installing {} as the table module",
            path.display()
        );
    }
    Ok(path)
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
