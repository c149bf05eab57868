//! `table-spec-trace`: the table-spec runtime as one of the module fuzzer's runners
//! (`cargo xtask fuzz --modules`). For each module path read from standard input, one per line,
//! it writes the module's trace ([`table_spec::trace`]) and a line `end`, as the Wasmtime and
//! wasmi runners' `trace` command does.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use table_spec::trace::{TraceOptions, trace_module};

/// As the Wasmtime and wasmi runners: their fuel per instantiation and call is the instruction
/// budget here, their store limits' table size the limit here.
const OPTIONS: TraceOptions = TraceOptions {
    lazy_init: true,
    instruction_budget: 1_000_000,
    max_table_elements: 100_000,
    corrupt: false,
};

/// The environment variable that turns on the self-check's corruption, as in the other
/// runners.
const CORRUPT_VARIABLE: &str = "TABLE_FUZZ_CORRUPT";

fn main() -> ExitCode {
    let options = TraceOptions {
        corrupt: std::env::var_os(CORRUPT_VARIABLE).is_some(),
        ..OPTIONS
    };
    let mut out = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let written = line.and_then(|path| {
            let bytes = std::fs::read(&path)?;
            writeln!(out, "{}end", trace_module(&bytes, options))?;
            out.flush()
        });
        if let Err(error) = written {
            eprintln!("table-spec-trace: {error}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
