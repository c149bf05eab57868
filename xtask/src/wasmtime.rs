//! `cargo xtask wasmtime [--configs a,b] [--scripts FILTER] [--bench [--rounds N] | --bench-only]
//! [--smoke] [--no-count]`: Wasmtime 44 running on wasm-tables.
//!
//! 1. Finds the `wasmtime` 44.0.3 source cargo already has (our dev-dependency; `cargo
//!    metadata` names its manifest), copies it twice under `target/wasmtime-integration/`,
//!    replaces the table module (`src/runtime/vm/table.rs`) of both copies with our adapter
//!    (`integrations/wasmtime/table.rs`) and adds the path dependency on `table-facade` to their
//!    manifests. In the second copy, `wasmtime-companion`, it also replaces one function of
//!    `src/runtime/vm/instance.rs`, the lazy-initialisation loop, with the companion patch
//!    (`integrations/wasmtime/companion.rs`, see [`crate::companion`]). Nothing of Wasmtime's is
//!    committed: only the adapter, the companion function and this procedure.
//! 2. Generates three runner packages from `integrations/wasmtime/runner/manifest.toml`: stock,
//!    ours and ours + companion (`[patch.crates-io] wasmtime` pointing at each copy), and builds
//!    them (release, one shared target directory: one binary cannot link two builds of the same
//!    crate).
//! 3. For each engine configuration, runs every spec script on the three builds and compares
//!    every directive's outcome on each patched build with stock's. Prints a table
//!    (configuration x scripts and directives passed per build) and every directive whose
//!    outcome differs; fails on any difference.
//! 4. With `--bench`, the JIT benchmarks of [`PROGRAMS`] (see [`crate::integration_bench`]);
//!    `--smoke` runs each once, as CI does, and `--no-count` skips the instruction counts.

use crate::command::workspace_root;
use crate::integration::{
    Build, CompareOptions, Integration, edit_manifest, install_adapter, path_value, publish,
    registry_source,
};
use crate::integration_bench::{BenchOptions, Program, Suite};
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
    builds: &[Build::Stock, Build::Ours, Build::Companion],
};

/// The options of one run.
struct Options {
    compare: CompareOptions,
    bench: BenchOptions,
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        compare: CompareOptions::new(&CONFIGS),
        bench: BenchOptions::new(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if options.compare.parse_option(arg, &mut args)?
            || options.bench.parse_option(arg, &mut args)?
        {
            continue;
        }
        return Err(format!("wasmtime: unknown argument `{arg}`"));
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
    if !options.bench.only {
        WASMTIME.compare(
            &options.compare,
            "Intended difference, which no spec script meets: a grow that cannot allocate is \
             \"no growth\" (-1) on wasm-tables and an error on stock Wasmtime.",
        )?;
    }
    if options.bench.enabled {
        BENCHMARKS.run(&options.bench)?;
    }
    Ok(())
}

/// Step 1 and the runner manifests of step 2: the adapter installed in two copies of
/// Wasmtime, the second also with the companion patch.
pub(crate) fn prepare() -> Result<(), String> {
    let root = workspace_root();
    let source = registry_source("wasmtime", WASMTIME_VERSION)?;
    println!("wasmtime: stock source {}", source.display());

    let work = root.join(WASMTIME.work_dir);
    let ours = work.join("wasmtime");
    let companion = work.join("wasmtime-companion");
    for patched in [&ours, &companion] {
        let staging = install_adapter(
            &source,
            patched,
            "src/runtime/vm/table.rs",
            &root.join("integrations/wasmtime/table.rs"),
        )?;
        edit_manifest(&staging.join("Cargo.toml"), |manifest| {
            let mut facade = toml_edit::InlineTable::new();
            facade.insert("path", path_value(&root.join("table-facade")));
            manifest["dependencies"]["table-facade"] = value(facade);
            Ok(())
        })?;
        if patched == &companion {
            crate::companion::install(
                &staging.join(COMPANION_TARGET),
                &root.join("integrations/wasmtime/companion.rs"),
            )?;
            println!("wasmtime: companion patch installed in {COMPANION_TARGET}");
        }
        publish(&staging, patched)?;
        println!("wasmtime: adapter installed in {}", patched.display());
    }
    WASMTIME.generate_runners(
        "wasmtime",
        &[(Build::Ours, &ours), (Build::Companion, &companion)],
    )
}

/// The file of Wasmtime's that the companion patch changes one function of.
const COMPANION_TARGET: &str = "src/runtime/vm/instance.rs";

/// The JIT benchmarks: stock Wasmtime against Wasmtime on wasm-tables.
const BENCHMARKS: Suite = Suite {
    integration: &WASMTIME,
    heading: "# Wasmtime 44 JIT benchmarks",
    programs: &PROGRAMS,
    jit: true,
};

/// The JIT benchmarks: funcref tables in the default and eager configurations, anyref tables
/// in the `gc` configuration (the deferred reference-counting collector).
const PROGRAMS: [Program; 15] = [
    Program {
        name: "call_indirect lazy",
        file: "call_indirect.wat",
        config: "default",
        iterations: 10,
        what: "1e6 call_indirect over a 10,000-entry table (lazy init)",
    },
    Program {
        name: "call_indirect eager",
        file: "call_indirect.wat",
        config: "eager",
        iterations: 10,
        what: "1e6 call_indirect over a 10,000-entry table (eager)",
    },
    Program {
        name: "table.copy lazy",
        file: "copy_lazy.wat",
        config: "default",
        iterations: 5,
        what: "10 x table.copy of 1e6 out of a lazily initialised table",
    },
    Program {
        name: "table.fill",
        file: "fill.wat",
        config: "default",
        iterations: 5,
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
        name: "instantiate",
        file: "instantiate.wat",
        config: "default",
        iterations: 50,
        what: "instantiation: 100,000-entry table, 10,000-entry active segment",
    },
    Program {
        name: "gc table.fill null",
        file: "gc_fill_null.wat",
        config: "gc",
        iterations: 5,
        what: "10 x table.fill of 1e6 anyref slots with null (DRC collector)",
    },
    Program {
        name: "gc table.fill i31",
        file: "gc_fill_i31.wat",
        config: "gc",
        iterations: 5,
        what: "10 x table.fill of 1e6 anyref slots with an i31",
    },
    Program {
        name: "gc table.fill struct",
        file: "gc_fill_struct.wat",
        config: "gc",
        iterations: 2,
        what: "10 x table.fill of 1e6 anyref slots with a struct (barrier per slot)",
    },
    Program {
        name: "gc table.copy",
        file: "gc_copy.wat",
        config: "gc",
        iterations: 5,
        what: "table.fill of 1e6 i31s, then 10 x table.copy of 1e6 anyref slots",
    },
    Program {
        name: "gc table.copy 1% heap",
        file: "gc_copy_1pct.wat",
        config: "gc",
        iterations: 2,
        what: "as gc table.copy, with a struct in every hundredth source slot",
    },
    Program {
        name: "gc table.init",
        file: "gc_init.wat",
        config: "gc",
        iterations: 5,
        what: "100 x table.init of a 10,000-entry segment of ref.i31",
    },
    Program {
        name: "gc table.grow",
        file: "gc_grow.wat",
        config: "gc",
        iterations: 5,
        what: "100,000 x table.grow by 1 of an anyref table",
    },
    Program {
        name: "gc table.get/set",
        file: "gc_get_set.wat",
        config: "gc",
        iterations: 5,
        what: "1e6 table.get + table.set over a 10,000-entry anyref table (inline barriers)",
    },
];
