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

use crate::command::{cargo, run_step, workspace_root};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use toml_edit::{DocumentMut, Item, Table, value};

/// The Wasmtime release the adapter is written for.
const WASMTIME_VERSION: &str = "44.0.3";
/// Engine configurations compared by default.
const CONFIGS: [&str; 4] = ["default", "eager", "pooling", "gc"];
/// Where the job works.
const WORK_DIR: &str = "target/wasmtime-integration";

/// The two builds: stock Wasmtime and Wasmtime on wasm-tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Build {
    Stock,
    Ours,
}

impl Build {
    pub fn name(self) -> &'static str {
        match self {
            Build::Stock => "stock",
            Build::Ours => "ours",
        }
    }

    pub fn binary(self) -> PathBuf {
        workspace_root()
            .join(WORK_DIR)
            .join("target/release")
            .join(format!("wasmtime-runner-{}", self.name()))
    }
}

/// The options of one run.
struct Options {
    configs: Vec<String>,
    filter: Option<String>,
    spec: bool,
    bench: bool,
    rounds: u32,
    smoke: bool,
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        configs: CONFIGS.iter().map(|c| c.to_string()).collect(),
        filter: None,
        spec: true,
        bench: false,
        rounds: 10,
        smoke: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--configs" => {
                let list = args.next().ok_or("--configs needs a list")?;
                options.configs = list.split(',').map(str::to_string).collect();
            }
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
            "--scripts" => {
                options.filter = Some(args.next().ok_or("--scripts needs a filter")?.clone())
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
    build()?;
    println!("wasmtime: prepared and built in {:.1?}", started.elapsed());
    if options.spec {
        compare(&options)?;
    }
    if options.bench {
        crate::wasmtime_bench::run(options.rounds, options.smoke)?;
    }
    Ok(())
}

/// Step 1 and the runner manifests of step 2.
fn prepare() -> Result<(), String> {
    let root = workspace_root();
    let work = root.join(WORK_DIR);
    let source = registry_source("wasmtime", WASMTIME_VERSION)?;
    println!("wasmtime: stock source {}", source.display());

    let patched = work.join("wasmtime");
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

    for build in [Build::Stock, Build::Ours] {
        let dir = work.join(format!("runner-{}", build.name()));
        std::fs::create_dir_all(&dir).map_err(|error| format!("{}: {error}", dir.display()))?;
        let template =
            std::fs::read_to_string(root.join("integrations/wasmtime/runner/manifest.toml"))
                .map_err(|error| format!("reading the runner manifest: {error}"))?;
        let mut manifest: DocumentMut = template
            .parse()
            .map_err(|error| format!("runner manifest: {error}"))?;
        let name = format!("wasmtime-runner-{}", build.name());
        manifest["package"]["name"] = value(name.as_str());
        let bin = manifest["bin"]
            .as_array_of_tables_mut()
            .and_then(|bins| bins.get_mut(0))
            .ok_or("the runner manifest has no [[bin]]")?;
        bin["name"] = value(name.as_str());
        bin["path"] = path_value(&root.join("integrations/wasmtime/runner/main.rs")).into();
        if build == Build::Ours {
            let mut patch = Table::new();
            let mut wasmtime = toml_edit::InlineTable::new();
            wasmtime.insert("path", path_value(&patched));
            patch["wasmtime"] = value(wasmtime);
            let mut patches = Table::new();
            patches.set_implicit(true);
            patches["crates-io"] = Item::Table(patch);
            manifest["patch"] = Item::Table(patches);
        }
        write(&dir.join("Cargo.toml"), &manifest.to_string())?;
        let lock = dir.join("Cargo.lock");
        if !lock.exists() {
            std::fs::copy(root.join("integrations/wasmtime/runner/Cargo.lock"), &lock)
                .map_err(|error| format!("seeding {}: {error}", lock.display()))?;
        }
    }
    Ok(())
}

/// The manifest directory of the package `name` at `version` that cargo resolved for this
/// workspace (its source in cargo's registry cache: nothing is downloaded).
pub(crate) fn registry_source(name: &str, version: &str) -> Result<PathBuf, String> {
    let output = cargo(&["metadata", "--format-version", "1"])
        .output()
        .map_err(|error| format!("cargo metadata: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|error| format!("cargo metadata output: {error}"))?;
    let packages = metadata["packages"]
        .as_array()
        .ok_or("cargo metadata lists no packages")?;
    let manifest = packages
        .iter()
        .find(|package| package["name"] == name && package["version"] == version)
        .and_then(|package| package["manifest_path"].as_str())
        .ok_or(format!("cargo metadata has no {name} {version}"))?;
    Path::new(manifest)
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| format!("{manifest} has no directory"))
}

/// Copies a crate's `source` to `patched` (afresh) and puts `adapter` in place of its module
/// `module` (a path inside the crate).
pub(crate) fn install_adapter(
    source: &Path,
    patched: &Path,
    module: &str,
    adapter: &Path,
) -> Result<(), String> {
    if patched.exists() {
        std::fs::remove_dir_all(patched)
            .map_err(|error| format!("removing {}: {error}", patched.display()))?;
    }
    copy_dir(source, patched)?;
    let module = patched.join(module);
    if !module.exists() {
        return Err(format!(
            "{} has no table module to replace",
            source.display()
        ));
    }
    std::fs::copy(adapter, &module)
        .map(|_| ())
        .map_err(|error| format!("installing the adapter: {error}"))
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|error| format!("{}: {error}", to.display()))?;
    let entries =
        std::fs::read_dir(from).map_err(|error| format!("{}: {error}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|error| format!("{}: {error}", from.display()))?;
        let target = to.join(entry.file_name());
        let kind = entry.file_type().map_err(|error| format!("{error}"))?;
        if kind.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .map_err(|error| format!("{}: {error}", entry.path().display()))?;
        }
    }
    Ok(())
}

pub(crate) fn edit_manifest(
    path: &Path,
    edit: impl FnOnce(&mut DocumentMut) -> Result<(), String>,
) -> Result<(), String> {
    let text =
        std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))?;
    let mut manifest: DocumentMut = text
        .parse()
        .map_err(|error| format!("{}: {error}", path.display()))?;
    edit(&mut manifest)?;
    write(path, &manifest.to_string())
}

pub(crate) fn path_value(path: &Path) -> toml_edit::Value {
    toml_edit::Value::from(path.to_string_lossy().as_ref())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|error| format!("{}: {error}", path.display()))
}

/// Step 2: both runners, release, in one target directory.
fn build() -> Result<(), String> {
    for build in [Build::Stock, Build::Ours] {
        let manifest = format!("{WORK_DIR}/runner-{}/Cargo.toml", build.name());
        let target = format!("{WORK_DIR}/target");
        run_step(
            &format!("wasmtime: build the {} runner", build.name()),
            &mut cargo(&[
                "build",
                "--release",
                "--manifest-path",
                &manifest,
                "--target-dir",
                &target,
            ]),
        )?;
    }
    Ok(())
}

/// One script's report: its directive count and the failing directives' lines and messages.
#[derive(Debug, Default, Clone)]
struct ScriptReport {
    directives: usize,
    failures: BTreeMap<u32, String>,
    /// How the runner itself failed (crash, timeout), if it did.
    broken: Option<String>,
}

impl ScriptReport {
    fn passed(&self) -> usize {
        self.directives.saturating_sub(self.failures.len())
    }
}

fn run_script(build: Build, config: &str, script: &str) -> ScriptReport {
    let output = Command::new(build.binary())
        .args(["run", config, script])
        .output();
    let mut report = ScriptReport::default();
    let output = match output {
        Ok(output) => output,
        Err(error) => {
            report.broken = Some(format!("could not start: {error}"));
            return report;
        }
    };
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        if let Some(count) = line.strip_prefix("directives ") {
            report.directives = count.parse().unwrap_or(0);
        } else if let Some(rest) = line.strip_prefix("fail ") {
            let (number, message) = rest.split_once(' ').unwrap_or((rest, ""));
            let number = number.parse().unwrap_or(0);
            report.failures.insert(number, message.to_string());
        }
    }
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        report.broken = Some(format!("{} ({last})", output.status));
    }
    report
}

fn list_scripts(config: &str) -> Result<Vec<String>, String> {
    let output = Command::new(Build::Stock.binary())
        .args(["list", config])
        .output()
        .map_err(|error| format!("runner list: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "runner list {config}: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect())
}

/// Totals of one configuration.
#[derive(Debug, Default, Clone, Copy)]
struct Totals {
    scripts: usize,
    /// Scripts in which stock Wasmtime fails at least one directive (an assertion it words
    /// differently, a limit of the configuration, a feature it lacks).
    stock_failing_scripts: usize,
    directives: usize,
    stock_passed: usize,
    ours_passed: usize,
    differing: usize,
}

/// Step 3: the spec comparison. Every script of a configuration runs on both builds and every
/// directive's outcome is compared, in the scripts stock passes whole and, directive by
/// directive, in those it fails in part.
fn compare(options: &Options) -> Result<(), String> {
    let mut rows = Vec::new();
    let mut differences = Vec::new();
    for config in &options.configs {
        let scripts: Vec<String> = list_scripts(config)?
            .into_iter()
            .filter(|script| {
                options
                    .filter
                    .as_ref()
                    .is_none_or(|f| script.contains(f.as_str()))
            })
            .collect();
        let mut totals = Totals::default();
        let started = Instant::now();
        for (n, script) in scripts.iter().enumerate() {
            println!("wasmtime [{config}] {}/{}: {script}", n + 1, scripts.len());
            let stock = run_script(Build::Stock, config, script);
            let ours = run_script(Build::Ours, config, script);
            let before = differences.len();
            for (build, report) in [(Build::Stock, &stock), (Build::Ours, &ours)] {
                if let Some(broken) = &report.broken {
                    differences.push(format!(
                        "[{config}] {script}: {} runner {broken}",
                        build.name()
                    ));
                }
            }
            if stock.broken.is_some() || ours.broken.is_some() {
                totals.differing += differences.len() - before;
                continue;
            }
            if ours.directives != stock.directives {
                differences.push(format!(
                    "[{config}] {script}: {} directives on stock, {} on ours",
                    stock.directives, ours.directives
                ));
            }
            for (line, message) in &ours.failures {
                if !stock.failures.contains_key(line) {
                    differences.push(format!(
                        "[{config}] {script}:{line}: passes on stock, fails on ours: {message}"
                    ));
                }
            }
            for (line, message) in &stock.failures {
                if !ours.failures.contains_key(line) {
                    differences.push(format!(
                        "[{config}] {script}:{line}: fails on stock ({message}), passes on ours"
                    ));
                }
            }
            totals.scripts += 1;
            totals.stock_failing_scripts += usize::from(!stock.failures.is_empty());
            totals.directives += stock.directives;
            totals.stock_passed += stock.passed();
            totals.ours_passed += ours.passed();
            totals.differing += differences.len() - before;
        }
        println!(
            "wasmtime [{config}]: {} scripts, {} directives compared in {:.1?}",
            totals.scripts,
            totals.directives,
            started.elapsed()
        );
        rows.push((config.clone(), totals));
    }

    let mut table = String::from(
        "| configuration | scripts | directives | stock passed | ours passed | differing | \
         scripts stock fails in part |\n|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for (config, t) in &rows {
        let _ = writeln!(
            table,
            "| {config} | {} | {} | {} | {} | {} | {} |",
            t.scripts,
            t.directives,
            t.stock_passed,
            t.ours_passed,
            t.differing,
            t.stock_failing_scripts
        );
    }
    println!("\n{table}");
    println!(
        "Intended difference, which no spec script meets: a grow that cannot allocate is \
         \"no growth\" (-1) on wasm-tables and an error on stock Wasmtime."
    );
    std::fs::write(workspace_root().join("target/wasmtime-spec.md"), &table)
        .map_err(|error| format!("writing target/wasmtime-spec.md: {error}"))?;
    if differences.is_empty() {
        println!(
            "wasmtime: 0 directives differ between stock Wasmtime and Wasmtime on wasm-tables"
        );
        Ok(())
    } else {
        for difference in &differences {
            println!("DIFFERS {difference}");
        }
        Err(format!("{} directives differ", differences.len()))
    }
}
