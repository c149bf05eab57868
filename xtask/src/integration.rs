//! What `cargo xtask wasmtime` and `cargo xtask wasmi` share: a runtime's spec testsuite run on
//! the stock runtime and on a copy whose table module is our adapter, compared directive by
//! directive.
//!
//! Each job copies the runtime crate that holds the table module out of cargo's registry cache
//! and installs the adapter in it ([`registry_source`], [`install_adapter`]), edits its manifest
//! ([`edit_manifest`]), and generates a runner package per build from a committed manifest
//! template: stock, and each patched build with its copy patched in
//! ([`Integration::generate_runners`]). All build into one target directory
//! ([`Integration::build_runners`]). A runner binary speaks a small line protocol:
//!
//! ```text
//! runner list <config>              the scripts of a configuration, one `parent/name` a line
//! runner run <config> <parent/name> `directives N`, then per directive `fail PLACE MESSAGE`,
//!                                   or optionally `pass PLACE DETAIL` (what a passing directive
//!                                   observed: results, remaining fuel, ...); PLACE is the
//!                                   directive's line, or `LINE:COLUMN`. A directive with no
//!                                   line passed with nothing to report. Other output lines
//!                                   (`harness ...`, a script's prints) are ignored.
//! ```
//!
//! [`Integration::compare`] runs every script of each configuration on every build and reports
//! every directive whose outcome on a patched build differs from stock's.

use crate::command::{cargo, run_step, workspace_root};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use toml_edit::{DocumentMut, Item, Table, value};

/// The builds of a runtime: stock, and on wasm-tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Build {
    /// The runtime as published.
    Stock,
    /// The runtime with its table module replaced by our adapter.
    Ours,
    /// As [`Build::Ours`], plus a companion patch outside the table module (Wasmtime's
    /// lazy-initialisation loop asking the table where uninitialised slots are).
    Companion,
}

impl Build {
    /// The build's name in package names and binary names.
    pub fn name(self) -> &'static str {
        match self {
            Build::Stock => "stock",
            Build::Ours => "ours",
            Build::Companion => "companion",
        }
    }

    /// The build's name in reports.
    pub fn label(self) -> &'static str {
        match self {
            Build::Stock => "stock",
            Build::Ours => "ours",
            Build::Companion => "ours + companion",
        }
    }
}

/// One runtime's integration: where its job works and what its runners are called.
pub struct Integration {
    /// The runtime's name as the job prints it and names its runners (`wasmtime`, `wasmi`).
    pub runtime: &'static str,
    /// The runtime as a heading in the report ("Wasmtime 44").
    pub title: &'static str,
    /// Where the job works, relative to the workspace root (`target/<runtime>-integration`).
    pub work_dir: &'static str,
    /// Whether two failures of one directive differ when their messages do. Off where stock
    /// and ours may word one error differently without behaving differently.
    pub compare_failure_messages: bool,
    /// The builds, stock first; every other one is compared with stock.
    pub builds: &'static [Build],
}

/// The options of one comparison.
pub struct CompareOptions {
    /// The configurations to run, in order.
    pub configs: Vec<String>,
    /// Only scripts whose `parent/name` contains this.
    pub filter: Option<String>,
}

impl CompareOptions {
    /// All of `configs`, every script.
    pub fn new(configs: &[&str]) -> CompareOptions {
        CompareOptions {
            configs: configs.iter().map(|config| config.to_string()).collect(),
            filter: None,
        }
    }

    /// Takes `arg` (with its value from `rest`) if it is `--configs a,b` or `--scripts FILTER`;
    /// returns whether it was.
    ///
    /// # Errors
    ///
    /// If the option has no value.
    pub fn parse_option<'a>(
        &mut self,
        arg: &str,
        rest: &mut impl Iterator<Item = &'a String>,
    ) -> Result<bool, String> {
        match arg {
            "--configs" => {
                let list = rest.next().ok_or("--configs needs a list")?;
                self.configs = list.split(',').map(str::to_string).collect();
            }
            "--scripts" => {
                self.filter = Some(rest.next().ok_or("--scripts needs a filter")?.clone())
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

impl Integration {
    /// The committed sources of the integration (`integrations/<runtime>`).
    fn sources(&self) -> PathBuf {
        workspace_root().join("integrations").join(self.runtime)
    }

    /// The runner binary of `build`.
    pub fn binary(&self, build: Build) -> PathBuf {
        workspace_root()
            .join(self.work_dir)
            .join("target/release")
            .join(format!("{}-runner-{}", self.runtime, build.name()))
    }

    /// Writes the runner packages `<work_dir>/runner-<build>` from the template
    /// `integrations/<runtime>/runner/manifest.toml`: package and binary named
    /// `<runtime>-runner-<build>`, the binary's source pointed at the committed `main.rs`, and
    /// for each build of `patched` `[patch.crates-io] <patched_crate> = { path = <its copy> }`.
    /// A runner package without a lock file gets a copy of the committed `runner/Cargo.lock`
    /// (stock's), so every build starts from the versions the integration was tested with.
    ///
    /// # Errors
    ///
    /// If the template cannot be read or parsed, or a file cannot be written.
    pub fn generate_runners(
        &self,
        patched_crate: &str,
        patched: &[(Build, &Path)],
    ) -> Result<(), String> {
        let runner = self.sources().join("runner");
        let template = std::fs::read_to_string(runner.join("manifest.toml"))
            .map_err(|error| format!("reading the runner manifest: {error}"))?;
        for &build in self.builds {
            let dir = workspace_root()
                .join(self.work_dir)
                .join(format!("runner-{}", build.name()));
            std::fs::create_dir_all(&dir).map_err(|error| format!("{}: {error}", dir.display()))?;
            let mut manifest: DocumentMut = template
                .parse()
                .map_err(|error| format!("runner manifest: {error}"))?;
            let name = format!("{}-runner-{}", self.runtime, build.name());
            manifest["package"]["name"] = value(name.as_str());
            let bin = manifest["bin"]
                .as_array_of_tables_mut()
                .and_then(|bins| bins.get_mut(0))
                .ok_or("the runner manifest has no [[bin]]")?;
            bin["name"] = value(name.as_str());
            bin["path"] = path_value(&runner.join("main.rs")).into();
            if let Some((_, patched_dir)) = patched.iter().find(|(patched, _)| *patched == build) {
                let mut patch = Table::new();
                let mut source = toml_edit::InlineTable::new();
                source.insert("path", path_value(patched_dir));
                patch[patched_crate] = value(source);
                let mut patches = Table::new();
                patches.set_implicit(true);
                patches["crates-io"] = Item::Table(patch);
                manifest["patch"] = Item::Table(patches);
            }
            write(&dir.join("Cargo.toml"), &manifest.to_string())?;
            let lock = dir.join("Cargo.lock");
            if !lock.exists() {
                std::fs::copy(runner.join("Cargo.lock"), &lock)
                    .map_err(|error| format!("seeding {}: {error}", lock.display()))?;
            }
        }
        Ok(())
    }

    /// Builds every runner in release into one target directory (`<work_dir>/target`): one
    /// binary cannot link two builds of the same crate, and the shared directory builds the
    /// dependencies they have in common once.
    ///
    /// # Errors
    ///
    /// If a build fails.
    pub fn build_runners(&self) -> Result<(), String> {
        for &build in self.builds {
            let manifest = format!("{}/runner-{}/Cargo.toml", self.work_dir, build.name());
            let target = format!("{}/target", self.work_dir);
            run_step(
                &format!("{}: build the {} runner", self.runtime, build.name()),
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

    /// The scripts configuration `config` runs, as stock's runner lists them.
    fn list_scripts(&self, config: &str) -> Result<Vec<String>, String> {
        let output = Command::new(self.binary(Build::Stock))
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

    /// Runs `script` in configuration `config` on `build` and reads its report.
    fn run_script(&self, build: Build, config: &str, script: &str) -> ScriptReport {
        let output = Command::new(self.binary(build))
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
            if let Some(problem) = line.strip_prefix("harness ") {
                report.harness.push(problem.to_string());
            } else if let Some(count) = line.strip_prefix("directives ") {
                report.directives = count.parse().unwrap_or(0);
            } else if let Some(rest) = line.strip_prefix("fail ") {
                let (place, message) = rest.split_once(' ').unwrap_or((rest, ""));
                let outcome = Outcome::Fail(message.to_string());
                report.outcomes.insert(Place::parse(place), outcome);
            } else if let Some(rest) = line.strip_prefix("pass ") {
                let (place, detail) = rest.split_once(' ').unwrap_or((rest, ""));
                let outcome = Outcome::Pass(detail.to_string());
                report.outcomes.insert(Place::parse(place), outcome);
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

    /// The spec comparison. Every script of each configuration runs on both builds and every
    /// directive's outcome is compared, in the scripts stock passes whole and, directive by
    /// directive, in those it fails in part. Prints progress, the time each configuration took,
    /// a table of scripts and directives passed per configuration (also written to
    /// `target/<runtime>-spec.md`), every differing directive, and every `harness` problem a
    /// runner reported; `notes` follow the table.
    ///
    /// # Errors
    ///
    /// If a runner cannot list its scripts, any directive differs, or a runner reported a
    /// `harness` problem.
    pub fn compare(&self, options: &CompareOptions, notes: &str) -> Result<(), String> {
        let runtime = self.runtime;
        let mut rows = Vec::new();
        let mut differences = Vec::new();
        let mut harness = Vec::new();
        for config in &options.configs {
            let scripts: Vec<String> = self
                .list_scripts(config)?
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
                println!("{runtime} [{config}] {}/{}: {script}", n + 1, scripts.len());
                let reports: Vec<ScriptReport> = self
                    .builds
                    .iter()
                    .map(|&build| self.run_script(build, config, script))
                    .collect();
                let before = differences.len();
                let stock = &reports[0];
                for (&build, report) in self.builds.iter().zip(&reports).skip(1) {
                    self.compare_script(config, script, stock, build, report, &mut differences);
                }
                for (&build, report) in self.builds.iter().zip(&reports) {
                    for problem in &report.harness {
                        harness.push(format!("[{config}] {script} ({}): {problem}", build.name()));
                    }
                }
                if reports.iter().all(|report| report.broken.is_none()) {
                    totals.scripts += 1;
                    totals.stock_failing_scripts += usize::from(stock.failures() > 0);
                    totals.directives += stock.directives;
                    totals.passed.resize(reports.len(), 0);
                    for (passed, report) in totals.passed.iter_mut().zip(&reports) {
                        *passed += report.passed();
                    }
                }
                totals.differing += differences.len() - before;
            }
            println!(
                "{runtime} [{config}]: {} scripts, {} directives compared in {:.1?}",
                totals.scripts,
                totals.directives,
                started.elapsed()
            );
            rows.push((config.clone(), totals));
        }

        let mut table = String::from("| configuration | scripts | directives |");
        for build in self.builds {
            let _ = write!(table, " {} passed |", build.label());
        }
        table.push_str(" differing | scripts stock fails in part |\n|---|---:|---:|");
        table.push_str(&"---:|".repeat(self.builds.len() + 2));
        table.push('\n');
        for (config, t) in &rows {
            let _ = write!(table, "| {config} | {} | {} |", t.scripts, t.directives);
            for index in 0..self.builds.len() {
                let _ = write!(table, " {} |", t.passed.get(index).copied().unwrap_or(0));
            }
            let _ = writeln!(table, " {} | {} |", t.differing, t.stock_failing_scripts);
        }
        println!("\n{table}");
        if !notes.is_empty() {
            println!("{notes}");
        }
        let report = format!("target/{runtime}-spec.md");
        std::fs::write(workspace_root().join(&report), &table)
            .map_err(|error| format!("writing {report}: {error}"))?;
        for problem in &harness {
            println!("HARNESS {problem}");
        }
        if differences.is_empty() {
            let builds: Vec<&str> = self.builds[1..].iter().map(|build| build.label()).collect();
            println!(
                "{runtime}: 0 directives differ between stock {} and {} ({})",
                self.title,
                if builds.len() == 1 {
                    "ours"
                } else {
                    "each patched build"
                },
                builds.join(", ")
            );
        } else {
            for difference in &differences {
                println!("DIFFERS {difference}");
            }
        }
        match (differences.len(), harness.len()) {
            (0, 0) => Ok(()),
            (differing, 0) => Err(format!("{differing} directives differ")),
            (differing, disagreements) => Err(format!(
                "{differing} directives differ, and the runner's directive loop disagrees with \
                 {runtime}'s own spec harness in {disagreements} script runs"
            )),
        }
    }

    /// Appends to `differences` every way `ours` (the report of `build`) differs from `stock`
    /// in one script.
    fn compare_script(
        &self,
        config: &str,
        script: &str,
        stock: &ScriptReport,
        build: Build,
        ours: &ScriptReport,
        differences: &mut Vec<String>,
    ) {
        let name = build.label();
        for (label, report) in [("stock", stock), (name, ours)] {
            if let Some(broken) = &report.broken {
                differences.push(format!("[{config}] {script}: {label} runner {broken}"));
            }
        }
        if stock.broken.is_some() || ours.broken.is_some() {
            return;
        }
        if ours.directives != stock.directives {
            differences.push(format!(
                "[{config}] {script}: {} directives on stock, {} on {name}",
                stock.directives, ours.directives
            ));
        }
        let passed = Outcome::Pass(String::new());
        let places: std::collections::BTreeSet<Place> = stock
            .outcomes
            .keys()
            .chain(ours.outcomes.keys())
            .copied()
            .collect();
        for at in places {
            let on_stock = stock.outcomes.get(&at).unwrap_or(&passed);
            let on_ours = ours.outcomes.get(&at).unwrap_or(&passed);
            let place = format!("[{config}] {script}:{at}");
            match (on_stock, on_ours) {
                (Outcome::Pass(_), Outcome::Fail(message)) => differences.push(format!(
                    "{place}: passes on stock, fails on {name}: {message}"
                )),
                (Outcome::Fail(message), Outcome::Pass(_)) => differences.push(format!(
                    "{place}: fails on stock ({message}), passes on {name}"
                )),
                (Outcome::Pass(stock), Outcome::Pass(ours)) if stock != ours => {
                    differences.push(format!(
                        "{place}: passes on both, observed on stock: {stock}; on {name}: {ours}"
                    ))
                }
                (Outcome::Fail(stock), Outcome::Fail(ours))
                    if self.compare_failure_messages && stock != ours =>
                {
                    differences.push(format!(
                        "{place}: fails on both, on stock: {stock}; on {name}: {ours}"
                    ))
                }
                _ => {}
            }
        }
    }
}

/// What one directive did, as a runner reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// It passed; what it observed on the way (empty if the runner reports nothing).
    Pass(String),
    /// It failed, with this message.
    Fail(String),
}

/// Where a directive starts in its script: its line, and its column where a runner names one
/// (0 where it does not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Place {
    line: u32,
    column: u32,
}

impl Place {
    /// `LINE` or `LINE:COLUMN` as a runner prints it (line 0 if it is neither).
    fn parse(text: &str) -> Place {
        let (line, column) = text.split_once(':').unwrap_or((text, "0"));
        Place {
            line: line.parse().unwrap_or(0),
            column: column.parse().unwrap_or(0),
        }
    }
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.column {
            0 => write!(f, "{}", self.line),
            column => write!(f, "{}:{column}", self.line),
        }
    }
}

/// One script's report: its directive count and each reported directive's outcome by place.
#[derive(Debug, Default, Clone)]
struct ScriptReport {
    directives: usize,
    outcomes: BTreeMap<Place, Outcome>,
    /// Where the runner's own check of its directive loop against the runtime's spec harness
    /// failed (`harness ...` lines).
    harness: Vec<String>,
    /// How the runner itself failed (crash, timeout), if it did.
    broken: Option<String>,
}

impl ScriptReport {
    /// How many directives failed.
    fn failures(&self) -> usize {
        self.outcomes
            .values()
            .filter(|outcome| matches!(outcome, Outcome::Fail(_)))
            .count()
    }

    /// How many directives passed.
    fn passed(&self) -> usize {
        self.directives.saturating_sub(self.failures())
    }
}

/// Totals of one configuration.
#[derive(Debug, Default, Clone)]
struct Totals {
    scripts: usize,
    /// Scripts in which stock fails at least one directive (an assertion it words differently,
    /// a limit of the configuration, a feature it lacks).
    stock_failing_scripts: usize,
    directives: usize,
    /// Directives passed per build, in the integration's build order.
    passed: Vec<usize>,
    differing: usize,
}

/// The manifest directory of the package `name` at `version` that cargo resolved for this
/// workspace (its source in cargo's registry cache: nothing is downloaded).
///
/// # Errors
///
/// If `cargo metadata` fails or does not list the package.
pub fn registry_source(name: &str, version: &str) -> Result<PathBuf, String> {
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

/// Copies a crate's `source` to a staging directory beside `patched` (afresh), puts `adapter` in
/// place of its module `module` (a path inside the crate) there, and returns the staging
/// directory. The caller edits the copy further there, then [`publish`]es it to `patched`.
///
/// # Errors
///
/// If the old staging copy cannot be removed, a file cannot be copied, or the crate has no
/// `module`.
pub fn install_adapter(
    source: &Path,
    patched: &Path,
    module: &str,
    adapter: &Path,
) -> Result<PathBuf, String> {
    let mut name = patched.file_name().unwrap_or_default().to_os_string();
    name.push(".staging");
    let staging = patched.with_file_name(name);
    if staging.exists() {
        std::fs::remove_dir_all(&staging)
            .map_err(|error| format!("removing {}: {error}", staging.display()))?;
    }
    sync_dir(source, &staging)?;
    let module = staging.join(module);
    if !module.exists() {
        return Err(format!(
            "{} has no table module to replace",
            source.display()
        ));
    }
    std::fs::copy(adapter, &module)
        .map(|_| ())
        .map_err(|error| format!("installing the adapter {}: {error}", adapter.display()))?;
    Ok(staging)
}

/// Moves a staged copy (see [`install_adapter`]) into place at `patched`: a file is written only
/// where its bytes differ, so the others keep their modification times and cargo rebuilds the
/// patched crate only when something in it changed (a fresh copy every run cost a full rebuild
/// of Wasmtime, over a minute, per copy). Files only `patched` has (a build directory) stay.
///
/// # Errors
///
/// If a file cannot be read or written, or the staging copy cannot be removed.
pub fn publish(staging: &Path, patched: &Path) -> Result<(), String> {
    sync_dir(staging, patched)?;
    std::fs::remove_dir_all(staging)
        .map_err(|error| format!("removing {}: {error}", staging.display()))
}

fn sync_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|error| format!("{}: {error}", to.display()))?;
    let entries =
        std::fs::read_dir(from).map_err(|error| format!("{}: {error}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|error| format!("{}: {error}", from.display()))?;
        let target = to.join(entry.file_name());
        let kind = entry.file_type().map_err(|error| format!("{error}"))?;
        if kind.is_dir() {
            sync_dir(&entry.path(), &target)?;
            continue;
        }
        let bytes = std::fs::read(entry.path())
            .map_err(|error| format!("{}: {error}", entry.path().display()))?;
        if std::fs::read(&target).ok().as_deref() != Some(&bytes[..]) {
            std::fs::write(&target, &bytes)
                .map_err(|error| format!("{}: {error}", target.display()))?;
        }
    }
    Ok(())
}

/// Rewrites the Cargo manifest at `path` with `edit`, keeping its formatting.
///
/// # Errors
///
/// If the manifest cannot be read, parsed or written, or `edit` fails.
pub fn edit_manifest(
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

/// A path as a TOML string.
pub fn path_value(path: &Path) -> toml_edit::Value {
    toml_edit::Value::from(path.to_string_lossy().as_ref())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|error| format!("{}: {error}", path.display()))
}
