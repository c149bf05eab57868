//! The workspace's library crates and element kinds, read from the manifests (`cargo
//! metadata`) rather than written out in each job, so that a new element crate is covered by
//! every job that lists crates the day it joins the facade: tidy's architecture tests, CI's
//! package and facade stages, and the size job.
//!
//! - A *library crate* is a workspace package that may be published (no `publish = false`): the
//!   crates a runtime depends on. They are listed in dependency order.
//! - An *element kind* is a feature of `table-facade` that enables exactly one library crate
//!   (`func = ["dep:table-func"]`): the kind's feature and its element crate, in the order of the
//!   facade's default features.

use crate::command::{cargo, workspace_root};
use serde_json::Value;
use std::path::PathBuf;

/// The facade, whose features name the element kinds.
const FACADE: &str = "table-facade";

/// An element kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementKind {
    /// The `table-facade` feature that enables it (`func`).
    pub feature: String,
    /// The crate that implements it (`table-func`).
    pub krate: String,
}

impl ElementKind {
    /// The crate's name as it appears in paths and symbols (`table_func`).
    pub fn crate_ident(&self) -> String {
        self.krate.replace('-', "_")
    }
}

/// The workspace as the jobs see it.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The library crates, each after the library crates it depends on.
    pub libraries: Vec<String>,
    /// The element kinds.
    pub kinds: Vec<ElementKind>,
    /// Every workspace package's directory, relative to the workspace root.
    #[cfg_attr(not(test), expect(dead_code, reason = "read by the tidy tests"))]
    pub package_dirs: Vec<PathBuf>,
}

impl Workspace {
    /// Reads the workspace's manifests.
    ///
    /// # Errors
    ///
    /// If `cargo metadata` fails or its output lacks what is read from it.
    pub fn read() -> Result<Workspace, String> {
        let output = cargo(&["metadata", "--no-deps", "--format-version", "1"])
            .output()
            .map_err(|error| format!("cargo metadata: {error}"))?;
        if !output.status.success() {
            return Err(format!(
                "cargo metadata: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let metadata: Value = serde_json::from_slice(&output.stdout)
            .map_err(|error| format!("cargo metadata: {error}"))?;
        Workspace::from_metadata(&metadata)
    }

    /// The workspace described by `cargo metadata`'s JSON.
    fn from_metadata(metadata: &Value) -> Result<Workspace, String> {
        let packages = metadata["packages"]
            .as_array()
            .ok_or("cargo metadata: no packages")?;
        let name = |package: &Value| package["name"].as_str().unwrap_or_default().to_string();
        let publishable = |package: &&Value| {
            // `publish = false` is an empty list of registries; absent is `null`.
            package["publish"]
                .as_array()
                .is_none_or(|registries| !registries.is_empty())
        };
        let libraries: Vec<&Value> = packages.iter().filter(publishable).collect();
        let library_names: Vec<String> = libraries.iter().map(|package| name(package)).collect();
        let path_dependencies = |package: &Value| -> Vec<String> {
            package["dependencies"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|dependency| {
                    // Dev-dependencies (tests) may point back at a dependent crate.
                    dependency["path"].is_string() && dependency["kind"].as_str() != Some("dev")
                })
                .filter_map(|dependency| Some(dependency["name"].as_str()?.to_string()))
                .filter(|dependency| library_names.contains(dependency))
                .collect()
        };
        // Dependency order: repeatedly take the libraries whose library dependencies are taken.
        let mut ordered: Vec<String> = Vec::new();
        while ordered.len() < libraries.len() {
            let before = ordered.len();
            for library in &libraries {
                let library_name = name(library);
                if !ordered.contains(&library_name)
                    && path_dependencies(library)
                        .iter()
                        .all(|dependency| ordered.contains(dependency))
                {
                    ordered.push(library_name);
                }
            }
            if ordered.len() == before {
                return Err("the library crates depend on each other in a cycle".to_string());
            }
        }

        let facade = packages
            .iter()
            .find(|package| name(package) == FACADE)
            .ok_or("cargo metadata: no table-facade package")?;
        let features = facade["features"]
            .as_object()
            .ok_or("cargo metadata: table-facade has no features")?;
        let defaults: Vec<&str> = features
            .get("default")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut kinds: Vec<ElementKind> = features
            .iter()
            .filter_map(|(feature, enables)| match enables.as_array()?.as_slice() {
                [only] => {
                    let krate = only.as_str()?.strip_prefix("dep:")?;
                    library_names
                        .iter()
                        .any(|library| library == krate)
                        .then(|| ElementKind {
                            feature: feature.clone(),
                            krate: krate.to_string(),
                        })
                }
                _ => None,
            })
            .collect();
        kinds.sort_by_key(|kind| {
            defaults
                .iter()
                .position(|default| *default == kind.feature)
                .unwrap_or(usize::MAX)
        });
        if kinds.is_empty() {
            return Err("table-facade has no element kind features".to_string());
        }

        let root = workspace_root();
        let mut package_dirs: Vec<PathBuf> = packages
            .iter()
            .filter_map(|package| {
                let manifest = PathBuf::from(package["manifest_path"].as_str()?);
                Some(manifest.parent()?.strip_prefix(&root).ok()?.to_path_buf())
            })
            .collect();
        package_dirs.sort();
        Ok(Workspace {
            libraries: ordered,
            kinds,
            package_dirs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_libraries_and_kinds_are_read_from_the_manifests() {
        let workspace = Workspace::read().unwrap();

        assert_eq!(
            workspace.libraries,
            [
                "table-core",
                "table-func",
                "table-gcref",
                "table-cont",
                "table-facade"
            ]
        );
        let kinds: Vec<(&str, &str)> = workspace
            .kinds
            .iter()
            .map(|kind| (kind.feature.as_str(), kind.krate.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("func", "table-func"),
                ("gc", "table-gcref"),
                ("cont", "table-cont")
            ]
        );
        assert!(workspace.package_dirs.contains(&PathBuf::from("xtask")));
    }

    #[test]
    fn a_new_element_crate_joins_the_kinds_through_its_facade_feature() {
        let metadata = serde_json::json!({
            "packages": [
                {"name": "table-core", "publish": null, "dependencies": [],
                 "features": {}, "manifest_path": "/x/table-core/Cargo.toml"},
                {"name": "table-new", "publish": null, "features": {},
                 "dependencies": [{"name": "table-core", "path": "/x/table-core"}],
                 "manifest_path": "/x/table-new/Cargo.toml"},
                {"name": "table-facade", "publish": null,
                 "dependencies": [{"name": "table-new", "path": "/x/table-new"},
                                  {"name": "table-core", "path": "/x/table-core"}],
                 "features": {"default": ["new"], "new": ["dep:table-new"],
                              "std": []},
                 "manifest_path": "/x/table-facade/Cargo.toml"},
                {"name": "a-tool", "publish": [], "dependencies": [], "features": {},
                 "manifest_path": "/x/a-tool/Cargo.toml"}
            ]
        });

        let workspace = Workspace::from_metadata(&metadata).unwrap();

        assert_eq!(
            workspace.libraries,
            ["table-core", "table-new", "table-facade"]
        );
        assert_eq!(
            workspace.kinds,
            [ElementKind {
                feature: "new".to_string(),
                krate: "table-new".to_string()
            }]
        );
    }
}
