//! The main job: every directive of the default script set passes, in both funcref modes.

use table_spec::suite::{DEFAULT_SCRIPTS, default_scripts};
use table_spec::{RunOptions, ScriptReport, Verdict, run_script};

fn run_default_set(lazy_init: bool) -> Vec<ScriptReport> {
    default_scripts()
        .iter()
        .map(|script| {
            run_script(
                &script.display_name(),
                script.text,
                RunOptions::with_lazy_init(lazy_init),
            )
        })
        .collect()
}

fn failures(reports: &[ScriptReport]) -> Vec<String> {
    let mut found = Vec::new();
    for report in reports {
        found.extend(report.fatal.iter().map(|m| format!("{}: {m}", report.name)));
        for outcome in &report.outcomes {
            if let Verdict::Failed(message) = &outcome.verdict {
                found.push(format!(
                    "{}:{} {}: {message}",
                    report.name, outcome.line, outcome.what
                ));
            }
        }
    }
    found
}

#[test]
fn default_set_is_the_newest_copy_of_each_table_script() {
    let scripts = default_scripts();
    let names: Vec<String> = scripts.iter().map(|s| s.display_name()).collect();
    assert_eq!(scripts.len(), DEFAULT_SCRIPTS.len(), "{names:?}");
    assert!(names.contains(&"wasm-latest/table_grow.wast".to_string()));
    assert!(names.contains(&"wasm-v2/table_copy.wast".to_string()));
    assert!(names.contains(&"wasm-latest/call_indirect.wast".to_string()));
}

#[test]
fn every_default_directive_passes_with_lazy_funcref_tables() {
    let reports = run_default_set(true);
    assert_eq!(failures(&reports), Vec::<String>::new());
    let total: usize = reports.iter().map(|r| r.counts().passed).sum();
    assert!(total > 3000, "only {total} directives passed");
    let resolutions: usize = reports.iter().map(|r| r.stats.lazy_resolutions).sum();
    assert!(
        resolutions > 0,
        "lazy tables never resolved a slot through the facade"
    );
}

#[test]
fn every_default_directive_passes_with_eager_funcref_tables() {
    let reports = run_default_set(false);
    assert_eq!(failures(&reports), Vec::<String>::new());
    let resolutions: usize = reports.iter().map(|r| r.stats.lazy_resolutions).sum();
    assert_eq!(resolutions, 0, "eager tables have nothing to resolve");
}

#[test]
fn table_scripts_run_without_skips() {
    for report in run_default_set(true) {
        if report.name.contains("/table") {
            assert_eq!(
                report.counts().skipped,
                0,
                "{} skipped directives",
                report.name
            );
        }
    }
}
