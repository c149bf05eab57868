//! `cargo xtask asan`: every crate's tests built with AddressSanitizer and run with leak
//! detection, beside valgrind (`cargo xtask valgrind`). The sanitizer sees what valgrind cannot:
//! out-of-bounds accesses within one heap block's redzones, stack and global buffer overflows,
//! and use-after-return, at close to native speed.
//!
//! The sanitizer runtime ships with the stable toolchain's standard library for
//! `x86_64-unknown-linux-gnu`; the `-Z` flag needs `RUSTC_BOOTSTRAP=1`. Passing `--target`
//! keeps build scripts and proc macros uninstrumented, and the build goes to `target/asan` so it
//! never invalidates the ordinary one.

use crate::command::{TestBinary, cargo, run_step, test_binaries, workspace_root};
use std::process::Command;

/// The target the sanitizer runtime ships for.
pub const TARGET: &str = "x86_64-unknown-linux-gnu";
/// Instrumentation flags for AddressSanitizer.
pub const RUSTFLAGS: &str = "-Zsanitizer=address";
/// Runtime options: report leaks at exit, and let allocations too large for the sanitizer's
/// allocator fail (return null) as the system allocator's do, since the tests check that a
/// table reports such a failure as an error.
pub const ASAN_OPTIONS: &str = "detect_leaks=1:allocator_may_return_null=1";

/// Packages whose tests are not built here: xtask is automation, not product code.
const EXCEPTED_PACKAGES: [&str; 1] = ["xtask"];
/// Test binaries not run, by name prefix: none; the Wasmtime oracle runs too.
const EXCEPTED_BINARIES: [&str; 0] = [];
/// Tests skipped under the sanitizer, by name substring: none. (The resident-set checks of
/// 1e7-1e8 element tables, skipped under valgrind, pass here: the sanitizer maps large blocks'
/// shadow lazily.)
const SKIPPED_TESTS: [&str; 0] = [];

/// Builds every crate's tests with AddressSanitizer and runs each binary.
pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("`asan` takes no arguments, got `{extra}`"));
    }
    let binaries = build()?;
    println!("asan: {} test binaries", binaries.len());
    check_instrumented(
        binaries
            .first()
            .ok_or("the build produced no test binaries")?,
    )?;
    let mut failed = Vec::new();
    for binary in &binaries {
        let (package, name) = (&binary.package, binary.name());
        let mut command = Command::new(&binary.path);
        command
            .arg("--test-threads=2")
            .current_dir(workspace_root().join(package))
            .env("ASAN_OPTIONS", ASAN_OPTIONS);
        for test in SKIPPED_TESTS {
            command.args(["--skip", test]);
        }
        // A sanitizer report ends the process with a non-zero status, failing the step.
        if run_step(&format!("asan {package}/{name}"), &mut command).is_err() {
            failed.push(format!("{package}/{name}"));
        }
    }
    if failed.is_empty() {
        println!(
            "asan: all {} test binaries clean (AddressSanitizer, leak detection on)",
            binaries.len()
        );
        Ok(())
    } else {
        Err(format!(
            "AddressSanitizer found errors in: {}",
            failed.join(", ")
        ))
    }
}

/// Builds the instrumented tests and lists their binaries.
fn build() -> Result<Vec<TestBinary>, String> {
    let mut build = cargo(&[
        "test",
        "--workspace",
        "--all-features",
        "--no-run",
        "--message-format=json",
        "--target",
        TARGET,
        "--target-dir",
        "target/asan",
    ]);
    for package in EXCEPTED_PACKAGES {
        build.args(["--exclude", package]);
    }
    build
        .env("RUSTC_BOOTSTRAP", "1")
        .env("RUSTFLAGS", RUSTFLAGS);
    test_binaries(&mut build, &[], &EXCEPTED_BINARIES)
}

/// Proves the sanitizer runtime is linked in, so a build that silently lost the flag cannot pass
/// as clean: the runtime answers `ASAN_OPTIONS=help=1` with its list of flags.
fn check_instrumented(binary: &TestBinary) -> Result<(), String> {
    let output = Command::new(&binary.path)
        .arg("--list")
        .env("ASAN_OPTIONS", "help=1")
        .output()
        .map_err(|error| format!("could not run {}: {error}", binary.path))?;
    if String::from_utf8_lossy(&output.stderr).contains("Available flags for AddressSanitizer") {
        Ok(())
    } else {
        Err(format!(
            "{} is not instrumented: the AddressSanitizer runtime did not answer",
            binary.path
        ))
    }
}
