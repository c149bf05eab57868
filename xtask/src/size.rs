//! `cargo xtask size`: what linking each element kind costs a VM, and the check that a kind whose
//! feature is off is not linked at all.
//!
//! The job builds the `table-size-probe` package (a VM-shaped program that uses every kind
//! it is built with) in release, once per feature set, into `target/size`, and keeps a copy of
//! each binary there (`table-size-probe-<set>`). From each binary it reads, with the `object` crate:
//!
//! - the size of `.text`. Stripping removes symbol tables, not code, so `.text` is the same in a
//!   stripped copy; the job measures the unstripped binary because it needs the symbols too;
//! - the symbols, demangled, and which element crates (`table_func`, `table_gcref`,
//!   `table_cont`) they name. The binaries are built with v0 symbol mangling, whose names
//!   include generic arguments, so table-core code instantiated for a kind's slot type counts
//!   as that kind's too.
//!
//! It prints a Markdown table, writes it to `target/size-report.md` and fails when a binary holds
//! a symbol of a kind its feature set leaves out.

use crate::command::{cargo, run_step, workspace_root};
use crate::workspace::{ElementKind, Workspace};
use object::{Object, ObjectSection, ObjectSymbol};
use std::collections::BTreeSet;
use std::time::Instant;

/// The package (and binary) that is built and measured.
const PROBE: &str = "table-size-probe";

/// The facade's feature sets that are measured, each a VM that links those kinds: every kind
/// alone, then the first two together, the first three, and so on. The first is the baseline
/// the others are compared with (the facade does not build without a kind).
fn feature_sets(kinds: &[ElementKind]) -> Vec<String> {
    let features: Vec<&str> = kinds.iter().map(|kind| kind.feature.as_str()).collect();
    let mut sets: Vec<String> = features.iter().map(|feature| feature.to_string()).collect();
    sets.extend((2..=features.len()).map(|count| features[..count].join(",")));
    sets
}

/// Each kind's cost as (kind, a build without it, the same build with it): the first two kinds
/// each added to the other alone, every later one added to the kinds before it.
fn additions(kinds: &[ElementKind]) -> Vec<(String, String, String)> {
    let features: Vec<&str> = kinds.iter().map(|kind| kind.feature.as_str()).collect();
    (0..features.len())
        .filter(|_| features.len() >= 2)
        .map(|index| {
            let without = match index {
                0 => features[1].to_string(),
                1 => features[0].to_string(),
                _ => features[..index].join(","),
            };
            let with = features[..(index + 1).max(2)].join(",");
            (features[index].to_string(), without, with)
        })
        .collect()
}

/// How many foreign symbols the failure message lists per binary.
const LISTED_FOREIGN_SYMBOLS: usize = 20;

/// What was measured in one feature set's binary.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Measurement {
    /// The feature set, comma-separated as passed to cargo.
    features: String,
    /// Bytes of the `.text` section.
    text_bytes: u64,
    /// Per kind (in the workspace's order), how many distinct demangled symbols name its crate.
    symbols_per_kind: Vec<usize>,
    /// Distinct demangled symbols that name the crate of a kind the feature set leaves out.
    foreign_symbols: Vec<String>,
}

/// Builds and measures every feature set, then reports.
pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(arg) = args.first() {
        return Err(format!("`size` takes no arguments, got `{arg}`"));
    }
    let started = Instant::now();
    let target = workspace_root().join("target");
    let size_dir = target.join("size");
    let kinds = Workspace::read()?.kinds;
    let mut measurements = Vec::new();
    for features in feature_sets(&kinds) {
        let features = features.as_str();
        let mut build = cargo(&[
            "build",
            "--release",
            "-p",
            PROBE,
            "--no-default-features",
            "--features",
            features,
        ]);
        build.arg("--target-dir").arg(&size_dir);
        // Appended to the caller's flags; the builds have their own target directory, so the
        // different flags do not rebuild the main one.
        let mut rustflags = std::env::var("RUSTFLAGS").unwrap_or_default();
        rustflags.push_str(" -C symbol-mangling-version=v0");
        build.env("RUSTFLAGS", rustflags.trim_start());
        run_step(&format!("build `{features}`"), &mut build)?;

        let built = size_dir.join("release").join(PROBE);
        let kept = size_dir.join(format!("{PROBE}-{}", features.replace(',', "-")));
        std::fs::copy(&built, &kept)
            .map_err(|error| format!("copying {} failed: {error}", built.display()))?;
        let elf = std::fs::read(&kept)
            .map_err(|error| format!("reading {} failed: {error}", kept.display()))?;
        measurements.push(
            measure(&kinds, features, &elf)
                .map_err(|error| format!("{}: {error}", kept.display()))?,
        );
    }

    let report = format_report(&kinds, &measurements);
    print!("\n{report}");
    let report_path = target.join("size-report.md");
    std::fs::write(&report_path, &report)
        .map_err(|error| format!("writing {} failed: {error}", report_path.display()))?;
    println!(
        "size: report {} ({:.0?} in all)",
        report_path.display(),
        started.elapsed()
    );

    let mut failures = String::new();
    for measurement in &measurements {
        if measurement.foreign_symbols.is_empty() {
            continue;
        }
        failures.push_str(&format!(
            "\n`{}` links {} symbols of kinds it leaves out:",
            measurement.features,
            measurement.foreign_symbols.len()
        ));
        for symbol in measurement
            .foreign_symbols
            .iter()
            .take(LISTED_FOREIGN_SYMBOLS)
        {
            failures.push_str(&format!("\n  {symbol}"));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("kinds left out were linked anyway:{failures}"))
    }
}

/// Reads `.text`'s size and the symbols of one feature set's binary.
fn measure(kinds: &[ElementKind], features: &str, elf: &[u8]) -> Result<Measurement, String> {
    let file = object::File::parse(elf).map_err(|error| format!("not an ELF file: {error}"))?;
    let text_bytes = file
        .section_by_name(".text")
        .ok_or("no `.text` section")?
        .size();
    let symbols: BTreeSet<String> = file
        .symbols()
        .filter_map(|symbol| symbol.name().ok())
        .map(|name| format!("{:#}", rustc_demangle::demangle(name)))
        .collect();
    if symbols.is_empty() {
        // A stripped binary would pass the foreign-symbol check without checking anything.
        return Err("no symbols: the binary was stripped".into());
    }
    Ok(classify(kinds, features, text_bytes, &symbols))
}

/// Counts the symbols naming each kind's crate and collects those naming a kind `features`
/// leaves out.
fn classify(
    kinds: &[ElementKind],
    features: &str,
    text_bytes: u64,
    symbols: &BTreeSet<String>,
) -> Measurement {
    let enabled: Vec<&str> = features.split(',').collect();
    let mut symbols_per_kind = vec![0; kinds.len()];
    let mut foreign_symbols = Vec::new();
    for symbol in symbols {
        let mut foreign = false;
        for (count, kind) in symbols_per_kind.iter_mut().zip(kinds) {
            if names_crate(symbol, &kind.crate_ident()) {
                *count += 1;
                foreign |= !enabled.contains(&kind.feature.as_str());
            }
        }
        if foreign {
            foreign_symbols.push(symbol.clone());
        }
    }
    Measurement {
        features: features.to_string(),
        text_bytes,
        symbols_per_kind,
        foreign_symbols,
    }
}

/// Whether the demangled `symbol` has a path that starts at crate `krate` (`krate::...`
/// anywhere, also inside generic arguments or a trait impl, but not `other_krate::`).
fn names_crate(symbol: &str, krate: &str) -> bool {
    let path = format!("{krate}::");
    symbol.match_indices(&path).any(|(at, _)| {
        symbol[..at]
            .chars()
            .next_back()
            .is_none_or(|before| !(before.is_alphanumeric() || before == '_'))
    })
}

/// The report: one row per feature set, then what each kind adds to a build without it.
fn format_report(kinds: &[ElementKind], measurements: &[Measurement]) -> String {
    let text_of = |features: &str| {
        measurements
            .iter()
            .find(|measurement| measurement.features == features)
            .map(|measurement| measurement.text_bytes as i64)
    };
    let baseline = measurements.first();
    let crates: Vec<String> = kinds.iter().map(ElementKind::crate_ident).collect();
    let mut report = format!(
        "| feature set | `.text` bytes | vs `{}` only | symbols naming {} | symbols of kinds left out |\n\
         | --- | ---: | ---: | --- | --- |\n",
        kinds.first().map_or("", |kind| kind.feature.as_str()),
        crates.join(" / ")
    );
    for measurement in measurements {
        let difference = match baseline {
            Some(baseline) if baseline.features != measurement.features => {
                signed(measurement.text_bytes as i64 - baseline.text_bytes as i64)
            }
            _ => "baseline".to_string(),
        };
        let per_kind: Vec<String> = measurement
            .symbols_per_kind
            .iter()
            .map(ToString::to_string)
            .collect();
        let foreign = match measurement.foreign_symbols.len() {
            0 => "none".to_string(),
            count => format!("**{count}**"),
        };
        report.push_str(&format!(
            "| `{}` | {} | {difference} | {} | {foreign} |\n",
            measurement.features,
            measurement.text_bytes,
            per_kind.join(" / ")
        ));
    }

    // Each kind's cost: the build with it minus the same build without it.
    let mut lines = String::new();
    for (kind, without, with) in additions(kinds) {
        if let (Some(without_bytes), Some(with_bytes)) = (text_of(&without), text_of(&with)) {
            lines.push_str(&format!(
                "| `{kind}` | `{without}` | {} |\n",
                signed(with_bytes - without_bytes)
            ));
        }
    }
    if !lines.is_empty() {
        report.push_str("\n| kind | added to | `.text` bytes it adds |\n| --- | --- | ---: |\n");
        report.push_str(&lines);
    }
    report
}

/// `difference` with its sign always shown.
fn signed(difference: i64) -> String {
    format!("{difference:+}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn symbols(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|name| name.to_string()).collect()
    }

    /// The workspace's kinds, as the manifests declare them today.
    fn kinds() -> Vec<ElementKind> {
        [
            ("func", "table-func"),
            ("gc", "table-gcref"),
            ("cont", "table-cont"),
        ]
        .map(|(feature, krate)| ElementKind {
            feature: feature.to_string(),
            krate: krate.to_string(),
        })
        .to_vec()
    }

    #[test]
    fn feature_sets_and_additions_follow_the_kinds() {
        assert_eq!(
            feature_sets(&kinds()),
            ["func", "gc", "cont", "func,gc", "func,gc,cont"]
        );
        let additions: Vec<(String, String, String)> = [
            ("func", "gc", "func,gc"),
            ("gc", "func", "func,gc"),
            ("cont", "func,gc", "func,gc,cont"),
        ]
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .to_vec();
        assert_eq!(super::additions(&kinds()), additions);
    }

    #[test]
    fn a_crate_is_named_at_a_path_start_only() {
        let cases = [
            ("table_gcref::table::GcRefTable::set", "table_gcref", true),
            (
                "<table_core::storage::TableStorage<table_gcref::slot::GcRefSlot>>::grow",
                "table_gcref",
                true,
            ),
            (
                "<table_gcref::GcRefTable as core::fmt::Debug>::fmt",
                "table_gcref",
                true,
            ),
            ("my_table_gcref::set", "table_gcref", false),
            ("table_gcref_extra::set", "table_gcref", false),
            (
                "table_facade::ops::<impl table_facade::Table>::get",
                "table_func",
                false,
            ),
            ("table_func", "table_func", false),
        ];
        for (symbol, krate, expected) in cases {
            assert_eq!(
                names_crate(symbol, krate),
                expected,
                "{symbol} names {krate}"
            );
        }
    }

    #[test]
    fn symbols_of_kinds_left_out_are_foreign() {
        let found = symbols(&[
            "main",
            "table_func::table::FuncTable::set",
            "<table_core::storage::TableStorage<table_cont::slot::ContSlot>>::fill",
            "table_gcref::store::GcStore::write_gc_ref",
        ]);

        let measurement = classify(&kinds(), "func,gc", 1000, &found);

        assert_eq!(measurement.symbols_per_kind, [1, 1, 1]);
        assert_eq!(
            measurement.foreign_symbols,
            ["<table_core::storage::TableStorage<table_cont::slot::ContSlot>>::fill"]
        );
    }

    #[test]
    fn a_build_with_every_kind_has_no_foreign_symbols() {
        let found = symbols(&[
            "table_func::table::FuncTable::set",
            "table_cont::table::ContTable::get",
        ]);

        let measurement = classify(&kinds(), "func,gc,cont", 1000, &found);

        assert!(measurement.foreign_symbols.is_empty());
    }

    #[test]
    fn report_compares_with_func_only_and_prices_each_kind() {
        let row = |features: &str, text_bytes: u64, foreign: &[&str]| Measurement {
            features: features.to_string(),
            text_bytes,
            symbols_per_kind: vec![2, 0, 0],
            foreign_symbols: foreign.iter().map(|name| name.to_string()).collect(),
        };
        let measurements = [
            row("func", 1000, &[]),
            row("gc", 900, &[]),
            row("cont", 800, &["table_func::x", "table_gcref::y"]),
            row("func,gc", 1500, &[]),
            row("func,gc,cont", 1700, &[]),
        ];

        let report = format_report(&kinds(), &measurements);

        let expected = "\
| feature set | `.text` bytes | vs `func` only | symbols naming table_func / table_gcref / table_cont | symbols of kinds left out |
| --- | ---: | ---: | --- | --- |
| `func` | 1000 | baseline | 2 / 0 / 0 | none |
| `gc` | 900 | -100 | 2 / 0 / 0 | none |
| `cont` | 800 | -200 | 2 / 0 / 0 | **2** |
| `func,gc` | 1500 | +500 | 2 / 0 / 0 | none |
| `func,gc,cont` | 1700 | +700 | 2 / 0 / 0 | none |

| kind | added to | `.text` bytes it adds |
| --- | --- | ---: |
| `func` | `gc` | +600 |
| `gc` | `func` | +500 |
| `cont` | `func,gc` | +200 |
";
        assert_eq!(report, expected);
    }
}
