//! Architecture tests: ordinary tests that read the source tree and fail the day someone breaks a
//! rule that ARCHITECTURE.md states (the rust-analyzer "tidy" idea). They run with the workspace
//! tests, so in `cargo xtask ci`.

use crate::command::workspace_root;
use crate::workspace::Workspace;
use std::path::{Path, PathBuf};

/// The element crates, one per element kind, as the facade's features name them
/// ([`Workspace`]): a new one is held to every rule below the day it joins.
fn element_crates() -> Vec<String> {
    Workspace::read()
        .expect("the workspace's manifests")
        .kinds
        .into_iter()
        .map(|kind| kind.krate)
        .collect()
}

/// Names only an element kind's code uses; table-core's code must use none of them.
const ELEMENT_KIND_NAMES: [&str; 14] = [
    "FuncRef",
    "VMFuncRef",
    "FuncSlot",
    "FUNCREF_INIT_BIT",
    "FUNCREF_MASK",
    "VMGcRef",
    "GcRefSlot",
    "GcStore",
    "I31",
    "VMContObj",
    "VMContRef",
    "ContSlot",
    "table_func",
    "table_gcref",
];

/// What only table-core does: range and index checks, and indexing the raw slot slice. An element
/// crate that writes one of these is doing the engine's work (ask table-core for the operation
/// instead); whole-table views (`slots()`, `slots_mut()` for a collector's root scan) are fine.
const ENGINE_ONLY: [&str; 5] = [
    "check_range(",
    "check_index(",
    "as_mut_slice(",
    "slots_mut()[",
    "slots()[",
];

/// The `.rs` files below `dir` (relative to the workspace root), sorted.
fn rust_files(dir: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|name| name == "target") {
                    continue;
                }
                walk(&path, files);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&workspace_root().join(dir), &mut files);
    files.sort();
    files
}

fn relative(path: &Path) -> String {
    path.strip_prefix(workspace_root())
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// The code of a source file, comments dropped (line comments and doc comments; what follows a
/// `//` on a code line too, which is close enough for these checks).
fn code_lines(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => line[..at].to_string(),
            None => line.to_string(),
        })
        .collect()
}

/// The comment text of a source file, one entry per comment line.
fn comment_lines(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .enumerate()
        .filter_map(|(number, line)| {
            line.find("//")
                .map(|at| (number + 1, line[at..].to_string()))
        })
        .collect()
}

fn contains_word(line: &str, word: &str) -> bool {
    line.match_indices(word).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + word.len()..].chars().next();
        let boundary = |c: Option<char>| !c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        boundary(before) && boundary(after)
    })
}

/// The dependency names of a manifest, normal and dev.
fn dependencies(manifest: &str) -> Vec<String> {
    let text = std::fs::read_to_string(workspace_root().join(manifest)).unwrap_or_default();
    let document: toml_edit::DocumentMut = text.parse().expect("a valid manifest");
    ["dependencies", "dev-dependencies", "build-dependencies"]
        .iter()
        .filter_map(|table| document.get(table).and_then(|item| item.as_table_like()))
        .flat_map(|table| {
            table
                .iter()
                .map(|(name, _)| name.to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Architecture invariant: table-core never names an element kind.
#[test]
fn table_core_names_no_element_kind() {
    let mut found = Vec::new();
    for file in rust_files("table-core/src") {
        for (number, line) in code_lines(&file).iter().enumerate() {
            for name in ELEMENT_KIND_NAMES {
                if contains_word(line, name) {
                    found.push(format!("{}:{}: {name}", relative(&file), number + 1));
                }
            }
        }
    }
    for dependency in dependencies("table-core/Cargo.toml") {
        if element_crates().contains(&dependency) || dependency == "table-facade" {
            found.push(format!("table-core/Cargo.toml depends on {dependency}"));
        }
    }
    assert!(
        found.is_empty(),
        "table-core names element kinds:\n{}",
        found.join("\n")
    );
}

/// Architecture invariant: element crates never depend on each other (nor on the facade).
#[test]
fn element_crates_do_not_depend_on_each_other() {
    let mut found = Vec::new();
    let element_crates = element_crates();
    for krate in &element_crates {
        for dependency in dependencies(&format!("{krate}/Cargo.toml")) {
            let other_kind = element_crates.contains(&dependency) && dependency != *krate;
            if other_kind || dependency == "table-facade" {
                found.push(format!("{krate} depends on {dependency}"));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Architecture invariant: element crates leave range checks, block scans and the raw slot slice
/// to table-core ([`ENGINE_ONLY`]).
#[test]
fn element_crates_leave_ranges_and_raw_slices_to_core() {
    let mut problems = Vec::new();
    for krate in element_crates() {
        for file in rust_files(&format!("{krate}/src")) {
            for (number, line) in code_lines(&file).iter().enumerate() {
                for pattern in ENGINE_ONLY.iter().filter(|pattern| line.contains(*pattern)) {
                    problems.push(format!("{}:{}: {pattern}", relative(&file), number + 1));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "element crates doing table-core's work:\n{}",
        problems.join("\n")
    );
}

/// Architecture invariant: only the facade matches over element kinds. Outside `table-facade`
/// no code names a variant of its `Table` enum: the runtime adapters, the tools and the tests ask
/// for one kind's table (`as_func`, `as_gc_ref`, `as_cont`, `Table::from`) or let the facade
/// dispatch.
#[test]
fn only_the_facade_matches_over_kinds() {
    let mut found = Vec::new();
    for file in repository_rust_files() {
        if relative(&file).starts_with("table-facade/") {
            continue;
        }
        for (number, line) in code_lines(&file).iter().enumerate() {
            if let Some(variant) = facade_variant_named(line) {
                found.push(format!("{}:{}: {variant}", relative(&file), number + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "kinds matched outside the facade:\n{}",
        found.join("\n")
    );
}

/// The variant of the facade's `Table` enum that `line` names (as a whole path segment), if any.
fn facade_variant_named(line: &str) -> Option<String> {
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    ["Func", "GcRef", "Cont"].into_iter().find_map(|variant| {
        let path = format!("Table::{variant}");
        let named = line.match_indices(&path).any(|(at, _)| {
            let before = line[..at].chars().next_back();
            let after = line[at + path.len()..].chars().next();
            !before.is_some_and(is_name) && !after.is_some_and(is_name)
        });
        named.then_some(path)
    })
}

#[test]
fn a_facade_variant_is_told_from_other_names() {
    // Written in pieces, so this file does not name the variants it looks for.
    let func = concat!("table_facade::Table", "::Func(table) => table,");
    let gc_ref = concat!("matches!(t, Table", "::GcRef(_))");
    assert_eq!(
        facade_variant_named(func).as_deref(),
        Some(concat!("Table", "::Func"))
    );
    assert_eq!(
        facade_variant_named(gc_ref).as_deref(),
        Some(concat!("Table", "::GcRef"))
    );
    assert_eq!(facade_variant_named("TableValue::Func(None)"), None);
    assert_eq!(facade_variant_named("ElementSegment::Cont(slots)"), None);
    assert_eq!(facade_variant_named("FuncTable::from_storage(s)"), None);
    assert_eq!(facade_variant_named("Table::Funcs"), None);
}

/// The `.rs` files of every workspace package and of the two source trees outside the
/// workspace (the libFuzzer target and the runtime integrations).
fn repository_rust_files() -> Vec<PathBuf> {
    let packages = Workspace::read()
        .expect("the workspace's manifests")
        .package_dirs;
    let outside = ["fuzz", "integrations"].map(PathBuf::from);
    packages
        .iter()
        .chain(&outside)
        .flat_map(|dir| rust_files(&dir.to_string_lossy()))
        .collect()
}

/// Comments cite only documents a reader of the repository can open: no document outside it,
/// and every `.md` path a comment names exists (outputs under `target/` aside).
#[test]
fn comments_cite_only_documents_in_the_repository() {
    let root = workspace_root();
    let mut problems = Vec::new();
    for file in repository_rust_files() {
        for (number, comment) in comment_lines(&file) {
            let place = format!("{}:{number}", relative(&file));
            if comment.contains("DESIGN")
                || comment.contains("../shared")
                || comment.contains("shared/")
            {
                problems.push(format!("{place}: cites a document outside the repository"));
            }
            for word in comment.split(|c: char| c.is_whitespace() || "`()[],;:'\"".contains(c)) {
                let Some(stem) = word.strip_suffix(".md").filter(|stem| !stem.is_empty()) else {
                    continue;
                };
                let path = format!("{stem}.md");
                let generated = path.starts_with("target/") || path.starts_with("<target>/");
                if !generated && !root.join(&path).exists() {
                    problems.push(format!(
                        "{place}: cites {path}, which is not in the repository"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The sections of `docs/semantics.md`: each heading's number (`2`, `2.1`).
fn semantics_sections() -> Vec<String> {
    let text = std::fs::read_to_string(workspace_root().join("docs/semantics.md"))
        .expect("docs/semantics.md");
    text.lines()
        .filter_map(|line| {
            let heading = line.trim_start_matches('#');
            (heading.len() < line.len()).then_some(heading.trim())
        })
        .filter_map(|heading| {
            let number = heading.split_whitespace().next()?.trim_end_matches('.');
            number
                .split('.')
                .all(|part| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit()))
                .then(|| number.to_string())
        })
        .collect()
}

/// The section numbers `text` cites (`§5`, `§2.1`; a citation's trailing full stop is not part
/// of it).
fn section_citations(text: &str) -> Vec<String> {
    text.match_indices('§')
        .filter_map(|(at, _)| {
            let rest = &text[at + '§'.len_utf8()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(rest.len());
            let number = rest[..end].trim_end_matches('.');
            (!number.is_empty()).then(|| number.to_string())
        })
        .collect()
}

/// Every `§` citation (all of them cite `docs/semantics.md`) names a section that exists there,
/// in every source file and every Markdown document of the repository.
#[test]
fn section_citations_name_sections_that_exist() {
    let sections = semantics_sections();
    let mut files = repository_rust_files();
    for document in [
        "README.md",
        "ARCHITECTURE.md",
        "CHANGELOG.md",
        "docs/semantics.md",
    ] {
        files.push(workspace_root().join(document));
    }
    let mut problems = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (number, line) in text.lines().enumerate() {
            for cited in section_citations(line) {
                if !sections.contains(&cited) {
                    problems.push(format!(
                        "{}:{}: cites §{cited}, which docs/semantics.md does not have",
                        relative(&file),
                        number + 1
                    ));
                }
            }
        }
    }
    assert!(
        !sections.is_empty(),
        "docs/semantics.md has no numbered sections"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The modules of the crate whose root directory is `root` (`src`, or one benchmark's
/// directory), by path (`storage::bulk`; the root is the empty path), with their files.
fn modules(root: &Path) -> Vec<(String, PathBuf)> {
    let mut modules = Vec::new();
    // `rust_files` joins its directory to the workspace root, which keeps an absolute one.
    for file in rust_files(&root.to_string_lossy()) {
        let relative = file.strip_prefix(root).unwrap_or(&file).with_extension("");
        let mut parts: Vec<String> = relative
            .iter()
            .map(|part| part.to_string_lossy().into_owned())
            .collect();
        if parts
            .last()
            .is_some_and(|last| ["mod", "lib", "main"].contains(&last.as_str()))
        {
            parts.pop();
        }
        modules.push((parts.join("::"), file));
    }
    modules.sort();
    modules
}

/// The modules of its crate that the module `module` (code in `code`) names through `crate::`
/// and `super::` paths: its imports of other files. A parent reaching a child through its `mod`
/// item is the module tree, not an import.
fn imports_of(module: &str, code: &str, modules: &[&str]) -> Vec<String> {
    let path_after = |at: usize| -> Vec<&str> {
        let rest = &code[at..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        rest[..end]
            .split("::")
            .filter(|part| !part.is_empty())
            .collect()
    };
    let mut found = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        if code[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let path = path_after(at + "crate::".len());
        if let Some(target) = (1..=path.len())
            .rev()
            .map(|length| path[..length].join("::"))
            .find(|prefix| modules.contains(&prefix.as_str()))
        {
            found.push(target);
        }
    }
    let parent = module.rsplit_once("::").map_or("", |(parent, _)| parent);
    for (at, _) in code.match_indices("super::") {
        if code[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let Some(first) = path_after(at + "super::".len()).first().copied() else {
            continue;
        };
        let sibling = if parent.is_empty() {
            first.to_string()
        } else {
            format!("{parent}::{first}")
        };
        if modules.contains(&sibling.as_str()) {
            found.push(sibling);
        } else if modules.contains(&parent) {
            found.push(parent.to_string());
        }
    }
    found.retain(|target| target != module);
    found.sort();
    found.dedup();
    found
}

/// A circle of imports among `graph`'s modules, if there is one, as the modules on it.
fn import_circle(graph: &[(String, Vec<String>)]) -> Option<Vec<String>> {
    fn visit(
        module: &str,
        graph: &[(String, Vec<String>)],
        path: &mut Vec<String>,
        done: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|on_path| on_path == module) {
            let mut circle = path[start..].to_vec();
            circle.push(module.to_string());
            return Some(circle);
        }
        if done.iter().any(|finished| finished == module) {
            return None;
        }
        path.push(module.to_string());
        let imports = graph
            .iter()
            .find(|(name, _)| name == module)
            .map(|(_, imports)| imports.as_slice())
            .unwrap_or_default();
        for import in imports {
            if let Some(circle) = visit(import, graph, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        done.push(module.to_string());
        None
    }
    let mut done = Vec::new();
    graph
        .iter()
        .find_map(|(module, _)| visit(module, graph, &mut Vec::new(), &mut done))
}

/// No two files import each other, directly or around a circle, in any crate of the workspace
/// (its `src` and each benchmark's directory).
#[test]
fn no_files_import_each_other() {
    let packages = Workspace::read()
        .expect("the workspace's manifests")
        .package_dirs;
    let root = workspace_root();
    let mut crate_roots = Vec::new();
    for package in &packages {
        crate_roots.push(root.join(package).join("src"));
        let benches = std::fs::read_dir(root.join(package).join("benches"));
        for bench in benches.into_iter().flatten().flatten() {
            if bench.path().is_dir() {
                crate_roots.push(bench.path());
            }
        }
    }
    let mut problems = Vec::new();
    for crate_root in crate_roots.iter().filter(|dir| dir.is_dir()) {
        let modules = modules(crate_root);
        let names: Vec<&str> = modules.iter().map(|(name, _)| name.as_str()).collect();
        let graph: Vec<(String, Vec<String>)> = modules
            .iter()
            .map(|(name, file)| {
                let code = code_lines(file).join("\n");
                (name.clone(), imports_of(name, &code, &names))
            })
            .collect();
        if let Some(circle) = import_circle(&graph) {
            problems.push(format!("{}: {}", relative(crate_root), circle.join(" -> ")));
        }
    }
    assert!(
        problems.is_empty(),
        "files that import each other:\n{}",
        problems.join("\n")
    );
}

/// The checks above must be able to fail: each finds what it looks for in a made-up line.
#[test]
fn the_checks_recognise_what_they_look_for() {
    assert!(contains_word("let x: VMGcRef = y;", "VMGcRef"));
    assert!(!contains_word("let x = VMGcRefs;", "VMGcRef"));
    assert!(!contains_word("let i31x = 1;", "I31"));
    assert_eq!(
        // Written with escapes so that this file cites nothing itself.
        section_citations("see \u{a7}5, steps 1-6 (\u{a7}2.1). And \u{a7}12."),
        ["5", "2.1", "12"]
    );
    assert!(!semantics_sections().contains(&"12".to_string()));
    let modules = [
        "",
        "report",
        "targets",
        "storage",
        "storage::bulk",
        "storage::slow",
    ];
    assert_eq!(
        imports_of("report", "use crate::targets::{self, Check};", &modules),
        ["targets"]
    );
    assert_eq!(
        imports_of(
            "storage::bulk",
            "use super::TableStorage; super::slow::x()",
            &modules
        ),
        ["storage", "storage::slow"]
    );
    let graph = [
        ("report".to_string(), vec!["targets".to_string()]),
        ("targets".to_string(), vec!["report".to_string()]),
    ];
    assert_eq!(
        import_circle(&graph),
        Some(vec!["report".into(), "targets".into(), "report".into()])
    );
    assert_eq!(import_circle(&graph[..1]), None);
    assert!(
        code_lines_of("let r = check_range(a, b, c); // as_mut_slice()")
            .iter()
            .any(|line| line.contains("check_range(") && !line.contains("as_mut_slice("))
    );
}

fn code_lines_of(text: &str) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("tidy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let file = dir.join("sample.rs");
    std::fs::write(&file, text).expect("a temporary file");
    let lines = code_lines(&file);
    let _ = std::fs::remove_dir_all(&dir);
    lines
}
