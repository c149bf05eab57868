//! Installing the companion patch: one function of a copied Wasmtime source file replaced by
//! ours, found with `syn` rather than by text, so that a Wasmtime whose function moved, changed
//! its signature or disappeared fails the job with a clear message instead of being patched
//! somewhere else.
//!
//! The replacement lives in `integrations/wasmtime/companion.rs` as a method of an `impl` block
//! naming the type it belongs to. Every method of that file replaces the method of the same name
//! in an `impl` block of the same type in the target file, byte for byte in place: the rest of
//! the file stays as it is.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{ImplItem, ImplItemFn, Item, ItemImpl};

/// Replaces, in the Rust file `target`, each method of `replacement`'s `impl` blocks.
///
/// # Errors
///
/// If either file cannot be read or parsed, if `target` has no method of that name in an `impl`
/// of the same type, or if the two signatures differ.
pub fn install(target: &std::path::Path, replacement: &std::path::Path) -> Result<(), String> {
    let ours = read(replacement)?;
    let theirs = read(target)?;
    let ours_file = parse(&ours, replacement)?;
    let theirs_file = parse(&theirs, target)?;
    let mut edits = Vec::new();
    for (self_ty, method) in methods(&ours_file) {
        let name = method.sig.ident.to_string();
        let found = methods(&theirs_file)
            .into_iter()
            .find(|(ty, theirs)| *ty == self_ty && theirs.sig.ident == method.sig.ident);
        let Some((_, original)) = found else {
            return Err(format!(
                "companion patch: {} has no method `{name}` in an `impl {self_ty}` (did \
                 Wasmtime move or rename it?)",
                target.display()
            ));
        };
        let (expected, found) = (signature(method), signature(original));
        if expected != found {
            return Err(format!(
                "companion patch: `{self_ty}::{name}` in {} is `{found}`, the patch replaces \
                 `{expected}`",
                target.display()
            ));
        }
        edits.push((
            range(original.span()),
            ours[range(method.span())].to_string(),
        ));
    }
    if edits.is_empty() {
        return Err(format!(
            "companion patch: {} has no method in an `impl` block",
            replacement.display()
        ));
    }
    // Later ranges first, so earlier offsets stay valid.
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut patched = theirs;
    for (range, text) in edits {
        patched.replace_range(range, &text);
    }
    std::fs::write(target, patched).map_err(|error| format!("{}: {error}", target.display()))
}

fn read(path: &std::path::Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))
}

fn parse(text: &str, path: &std::path::Path) -> Result<syn::File, String> {
    syn::parse_file(text).map_err(|error| format!("parsing {}: {error}", path.display()))
}

/// Every method of every top-level `impl` block of `file`, with the block's self type as
/// written (`Instance`).
fn methods(file: &syn::File) -> Vec<(String, &ImplItemFn)> {
    file.items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(block) => Some(block),
            _ => None,
        })
        .flat_map(|block: &ItemImpl| {
            let self_ty = tokens(&block.self_ty);
            block.items.iter().filter_map(move |item| match item {
                ImplItem::Fn(method) => Some((self_ty.clone(), method)),
                _ => None,
            })
        })
        .collect()
}

/// A method's signature as tokens, whitespace-normalised.
fn signature(method: &ImplItemFn) -> String {
    tokens(&method.sig)
}

fn tokens(node: &impl quote::ToTokens) -> String {
    node.to_token_stream().to_string()
}

/// The bytes a node spans in the text it was parsed from, doc comments and attributes included.
fn range(span: Span) -> std::ops::Range<usize> {
    span.byte_range()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TARGET: &str = "use x::y;\n\nimpl Instance {\n    /// Theirs.\n    pub fn lazy(&mut self, n: u64) -> u64 {\n        n + 1\n    }\n\n    fn other(&self) {}\n}\n\nimpl Other {\n    pub fn lazy(&mut self, n: u64) -> u64 {\n        n\n    }\n}\n";

    /// Installs `replacement` into a copy of [`TARGET`] in a directory of the test's own (`test`
    /// names it: tests run in parallel) and returns the patched text.
    fn install_text(test: &str, replacement: &str) -> Result<String, String> {
        let dir =
            std::env::temp_dir().join(format!("companion-test-{}-{test}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (target, ours) = (dir.join("target.rs"), dir.join("ours.rs"));
        std::fs::write(&target, TARGET).unwrap();
        std::fs::write(&ours, replacement).unwrap();
        let result = install(&target, &ours).map(|()| std::fs::read_to_string(&target).unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
        result
    }

    #[test]
    fn replaces_only_the_named_method_of_the_named_type() {
        let patched = install_text(
            "replaces",
            "//! Ours.\nimpl Instance {\n    /// Ours.\n    pub fn lazy(&mut self, n: u64) -> u64 {\n        n * 2\n    }\n}\n",
        )
        .unwrap();
        assert_eq!(
            patched,
            TARGET.replace(
                "/// Theirs.\n    pub fn lazy(&mut self, n: u64) -> u64 {\n        n + 1\n    }",
                "/// Ours.\n    pub fn lazy(&mut self, n: u64) -> u64 {\n        n * 2\n    }"
            )
        );
    }

    #[test]
    fn a_missing_method_fails_with_its_name() {
        let error =
            install_text("missing", "impl Instance {\n    pub fn gone(&self) {}\n}\n").unwrap_err();
        assert!(
            error.contains("no method `gone` in an `impl Instance`"),
            "{error}"
        );
    }

    #[test]
    fn a_changed_signature_fails() {
        let error = install_text(
            "signature",
            "impl Instance {\n    pub fn lazy(&mut self, n: u32) -> u64 {\n        0\n    }\n}\n",
        )
        .unwrap_err();
        assert!(error.contains("the patch replaces"), "{error}");
    }
}
