//! `cargo xtask wasmtime [--configs a,b] [--scripts FILTER] [--bench [--rounds N] | --bench-only]
//! [--smoke]`: Wasmtime 44 running on wasm-tables.
//!
//! 1. Finds the `wasmtime` 44.0.3 source cargo already has (our dev-dependency; `cargo
//!    metadata` names its manifest), copies it to `target/wasmtime-integration/wasmtime`,
//!    replaces its table module (`src/runtime/vm/table.rs`) with our adapter
//!    (`integrations/wasmtime/table.rs`) and adds the path dependency on `table-facade` to its
//!    manifest. Nothing of Wasmtime's is committed: only the adapter and this procedure.
//! 2. Generates two runner packages from `integrations/wasmtime/runner/manifest.toml`, one
//!    against stock Wasmtime and one with `[patch.crates-io] wasmtime` pointing at the copy, and
//!    builds both (release, one shared target directory: one binary cannot link two builds of
//!    the same crate).
//! 3. For each engine configuration, runs every spec script on stock Wasmtime; the scripts
//!    stock passes run on ours too, and every directive's outcome is compared. Prints a table
//!    (configuration x scripts and directives passed, stock and ours) and every directive whose
//!    outcome differs; fails on any difference.
//! 4. With `--bench`, the JIT benchmarks of `integrations/wasmtime/bench/` (see
//!    [`crate::wasmtime_bench`]); `--smoke` runs each once, as CI does.

use crate::command::workspace_root;
use crate::integration::{
    CompareOptions, Integration, edit_manifest, install_adapter, path_value, registry_source,
};
use std::time::Instant;
use toml_edit::value;

/// The Wasmtime release the adapter is written for.
const WASMTIME_VERSION: &str = "44.0.3";
/// Engine configurations compared by default.
const CONFIGS: [&str; 4] = ["default", "eager", "pooling", "gc"];

/// The Wasmtime integration: its runners and where the job works.
pub const WASMTIME: Integration = Integration {
    runtime: "wasmtime",
    title: "Wasmtime",
    work_dir: "target/wasmtime-integration",
    // Which directives pass is compared, not how a failure is worded.
    compare_failure_messages: false,
};

/// The options of one run.
struct Options {
    compare: CompareOptions,
    spec: bool,
    bench: bool,
    rounds: u32,
    smoke: bool,
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        compare: CompareOptions::new(&CONFIGS),
        spec: true,
        bench: false,
        rounds: 10,
        smoke: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if options.compare.parse_option(arg, &mut args)? {
            continue;
        }
        match arg.as_str() {
            "--bench" => options.bench = true,
            "--bench-only" => {
                options.bench = true;
                options.spec = false;
            }
            "--smoke" => {
                options.smoke = true;
                options.rounds = 1;
            }
            "--rounds" => {
                let rounds = args.next().ok_or("--rounds needs a number")?;
                options.rounds = rounds
                    .parse()
                    .map_err(|_| format!("--rounds: `{rounds}` is not a number"))?;
            }
            other => return Err(format!("wasmtime: unknown argument `{other}`")),
        }
    }
    Ok(options)
}

/// Runs the job.
pub fn run(args: &[String]) -> Result<(), String> {
    let options = options(args)?;
    let started = Instant::now();
    prepare()?;
    WASMTIME.build_runners()?;
    println!("wasmtime: prepared and built in {:.1?}", started.elapsed());
    if options.spec {
        WASMTIME.compare(
            &options.compare,
            "Intended difference, which no spec script meets: a grow that cannot allocate is \
             \"no growth\" (-1) on wasm-tables and an error on stock Wasmtime.",
        )?;
    }
    if options.bench {
        crate::wasmtime_bench::run(options.rounds, options.smoke)?;
    }
    Ok(())
}

/// Step 1 and the runner manifests of step 2.
fn prepare() -> Result<(), String> {
    let root = workspace_root();
    let source = registry_source("wasmtime", WASMTIME_VERSION)?;
    println!("wasmtime: stock source {}", source.display());

    let patched = root.join(WASMTIME.work_dir).join("wasmtime");
    install_adapter(
        &source,
        &patched,
        "src/runtime/vm/table.rs",
        &root.join("integrations/wasmtime/table.rs"),
    )?;
    edit_manifest(&patched.join("Cargo.toml"), |manifest| {
        let mut facade = toml_edit::InlineTable::new();
        facade.insert("path", path_value(&root.join("table-facade")));
        manifest["dependencies"]["table-facade"] = value(facade);
        Ok(())
    })?;
    println!("wasmtime: adapter installed in {}", patched.display());
    WASMTIME.generate_runners("wasmtime", &patched)
}
