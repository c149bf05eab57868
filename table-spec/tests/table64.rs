//! Table64: the repository's 64-bit-index script runs with the same report and no skips.

use table_spec::{RunOptions, Verdict, run_script};

const TABLE64: &str = include_str!("scripts/table64.wast");

#[test]
fn table64_script_passes_without_skips_in_both_funcref_modes() {
    for lazy_init in [true, false] {
        let report = run_script(
            "table64.wast",
            TABLE64,
            RunOptions::with_lazy_init(lazy_init),
        );
        let problems: Vec<_> = report
            .outcomes
            .iter()
            .filter(|o| o.verdict != Verdict::Passed)
            .map(|o| format!("{}: {} {:?}", o.line, o.what, o.verdict))
            .collect();
        assert_eq!(problems, Vec::<String>::new(), "lazy_init = {lazy_init}");
        assert!(report.fatal.is_empty(), "{:?}", report.fatal);
        assert!(report.counts().passed >= 60);
    }
}
