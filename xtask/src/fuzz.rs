//! `cargo xtask fuzz [--seconds N] [--seed S] [--operations N]`: long random operation sequences
//! over the facade (every kind, both storages, lazy init on and off), checked against a model and,
//! for GC tables, a reference-counting store. Prints the operations run, or the seed that replays
//! a failure.

use crate::command::{cargo, run_step};

/// Runs the fuzzer (release build) with the given arguments.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut command = cargo(&["run", "--release", "--quiet", "-p", "table-fuzz", "--"]);
    command.args(args);
    run_step("fuzz", &mut command)
}
