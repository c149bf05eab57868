//! Running tools as steps of a job, echoing each command and timing it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// A `cargo` command run from the workspace root with the cargo that runs xtask.
pub fn cargo(args: &[&str]) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.args(args).current_dir(workspace_root());
    command
}

/// Runs `command` as the step `name`, failing the job when it fails.
pub fn run_step(name: &str, command: &mut Command) -> Result<(), String> {
    println!("==> {name}: {}", describe(command));
    let started = Instant::now();
    let status = command
        .status()
        .map_err(|error| format!("{name}: could not start {}: {error}", describe(command)))?;
    println!("<== {name}: {status} in {:.1?}", started.elapsed());
    if status.success() {
        Ok(())
    } else {
        Err(format!("step `{name}` failed ({status})"))
    }
}

fn describe(command: &Command) -> String {
    let mut text = String::new();
    for (key, value) in command.get_envs() {
        if let Some(value) = value {
            text.push_str(&format!(
                "{}={} ",
                key.to_string_lossy(),
                value.to_string_lossy()
            ));
        }
    }
    text.push_str(&command.get_program().to_string_lossy());
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

/// One test executable that a `cargo test --no-run` build produced.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TestBinary {
    /// The directory name of the package it tests (its working directory when run).
    pub package: String,
    /// The executable's path.
    pub path: String,
}

impl TestBinary {
    /// The executable's file name (cargo's `<target>-<hash>`).
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

/// Runs `build` (a `cargo test --no-run --message-format=json` command) and returns the test
/// executables it reports, without those of `excepted_packages` and those whose file name starts
/// with one of `excepted_binaries`.
pub fn test_binaries(
    build: &mut Command,
    excepted_packages: &[&str],
    excepted_binaries: &[&str],
) -> Result<Vec<TestBinary>, String> {
    println!("==> build tests: {}", describe(build));
    let output = build
        .stderr(Stdio::inherit())
        .output()
        .map_err(|error| format!("could not run cargo: {error}"))?;
    if !output.status.success() {
        return Err("building the tests failed".into());
    }
    let mut binaries = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let (Some(path), Some(manifest)) = (
            json_string(line, "executable"),
            json_string(line, "manifest_path"),
        ) else {
            continue;
        };
        let package = manifest
            .trim_end_matches("/Cargo.toml")
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let binary = TestBinary { package, path };
        if excepted_packages.contains(&binary.package.as_str())
            || excepted_binaries
                .iter()
                .any(|prefix| binary.name().starts_with(prefix))
        {
            continue;
        }
        binaries.push(binary);
    }
    binaries.sort();
    binaries.dedup();
    Ok(binaries)
}

/// The string value of `"key":"..."` in one line of cargo's JSON (paths hold no quotes).
fn json_string(line: &str, key: &str) -> Option<String> {
    let start = line.find(&format!("\"{key}\":\""))? + key.len() + 4;
    let end = start + line[start..].find('"')?;
    Some(line[start..end].to_string())
}
