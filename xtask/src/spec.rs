//! `cargo xtask spec [FILES...]`: the WebAssembly specification's table scripts, run by the
//! `table-spec` runtime on table-facade tables.

/// Runs the spec scripts; fails when any directive fails.
pub fn run(args: &[String]) -> Result<(), String> {
    table_spec::cli::run(args)
}
