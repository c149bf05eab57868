//! `cargo xtask ci`: everything a change must pass before it lands.

use crate::command::{cargo, run_step};

/// Runs every CI step in order, stopping at the first failure.
pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("`ci` takes no arguments, got `{extra}`"));
    }
    run_step("fmt", &mut cargo(&["fmt", "--all", "--", "--check"]))?;
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
    run_step(
        "rustdoc",
        cargo(&["doc", "--workspace", "--no-deps", "--all-features"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    run_step("test", &mut cargo(&["test", "--workspace", "--all-features"]))?;
    println!("ci: all steps passed");
    Ok(())
}
