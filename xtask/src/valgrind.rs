//! `cargo xtask valgrind`: every crate's test binaries under valgrind's memcheck, so the unsafe
//! code they cover is checked for invalid accesses, uses of undefined values and leaks.
//!
//! Excepted: the Wasmtime oracle tests (`differential`), which test Wasmtime as much as us and
//! take hours under valgrind, the benchmark crate, and the tests whose point is *not* touching
//! memory (resident-set checks of 1e7-1e8-element tables): valgrind's allocator writes every
//! byte it hands out. Property tests run with fewer cases (`PROPTEST_CASES`).

use crate::command::{cargo, run_step, test_binaries, workspace_root};
use std::process::Command;

/// Test binaries not run under valgrind, by name prefix.
const EXCEPTED_BINARIES: [&str; 1] = ["differential"];
/// Packages whose tests are not run under valgrind.
const EXCEPTED_PACKAGES: [&str; 2] = ["table-bench", "xtask"];
/// Tests skipped under valgrind, by name substring (resident-set checks of huge tables).
const SKIPPED_TESTS: [&str; 2] = ["hundred_million", "created_without_touching"];
/// Property-test cases per test under valgrind.
const PROPTEST_CASES: &str = "24";

/// Builds the workspace's tests and runs each binary under memcheck.
pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("`valgrind` takes no arguments, got `{extra}`"));
    }
    let version = Command::new("valgrind").arg("--version").output();
    if !version.is_ok_and(|output| output.status.success()) {
        return Err("valgrind is not installed (Debian: apt-get install valgrind)".into());
    }

    let binaries = test_binaries(
        &mut cargo(&[
            "test",
            "--workspace",
            "--all-features",
            "--no-run",
            "--message-format=json",
        ]),
        &EXCEPTED_PACKAGES,
        &EXCEPTED_BINARIES,
    )?;
    println!("valgrind: {} test binaries", binaries.len());
    let mut failed = Vec::new();
    for binary in &binaries {
        let (package, name) = (&binary.package, binary.name());
        let mut command = Command::new("valgrind");
        command
            .args([
                "--tool=memcheck",
                "--error-exitcode=1",
                "--leak-check=full",
                "--errors-for-leak-kinds=definite,indirect",
                &binary.path,
                "--test-threads=2",
            ])
            .current_dir(workspace_root().join(package))
            .env("PROPTEST_CASES", PROPTEST_CASES);
        for test in SKIPPED_TESTS {
            command.args(["--skip", test]);
        }
        // valgrind prints its own `ERROR SUMMARY` line per binary; `--error-exitcode` turns any
        // error (or definite leak) into a failed step.
        if run_step(&format!("valgrind {package}/{name}"), &mut command).is_err() {
            failed.push(format!("{package}/{name}"));
        }
    }
    if failed.is_empty() {
        println!("valgrind: all {} test binaries clean", binaries.len());
        Ok(())
    } else {
        Err(format!("valgrind found errors in: {}", failed.join(", ")))
    }
}
