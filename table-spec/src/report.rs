//! Per-script results and the printed report: a table of counts per script and a total, then
//! every skip and failure with its line and reason.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::tables::TableStats;

/// What happened to one directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// It did what the script asserts.
    Passed,
    /// It did not; the message says how.
    Failed(String),
    /// It needs something outside this runtime's scope; the reason names it.
    Skipped(String),
}

/// One directive's outcome.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// 1-based line of the directive in its script.
    pub line: usize,
    /// The directive, e.g. `assert_return invoke "get"`.
    pub what: String,
    /// What happened.
    pub verdict: Verdict,
}

/// The outcomes of one script.
#[derive(Debug, Clone)]
pub struct ScriptReport {
    /// The script's name (for embedded scripts `suite/name.wast`, else the path).
    pub name: String,
    /// Every directive, in order.
    pub outcomes: Vec<Outcome>,
    /// Failures that belong to no directive (the script did not parse, or a check after it).
    pub fatal: Vec<String>,
    /// How the script's run used the facade.
    pub stats: TableStats,
}

/// Directive counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Directives run (passed + failed + skipped).
    pub run: usize,
    /// Directives that passed.
    pub passed: usize,
    /// Directives that failed, plus script-level failures.
    pub failed: usize,
    /// Directives skipped.
    pub skipped: usize,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.run += other.run;
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
    }
}

impl ScriptReport {
    /// An empty report for `name`.
    pub fn new(name: &str) -> ScriptReport {
        ScriptReport {
            name: name.to_string(),
            outcomes: Vec::new(),
            fatal: Vec::new(),
            stats: TableStats::default(),
        }
    }

    /// Records a directive's outcome.
    pub fn push(&mut self, outcome: Outcome) {
        self.outcomes.push(outcome);
    }

    /// Records a failure outside any directive.
    pub fn fatal(&mut self, message: String) {
        self.fatal.push(message);
    }

    /// The script's counts.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts {
            run: self.outcomes.len(),
            failed: self.fatal.len(),
            ..Counts::default()
        };
        for outcome in &self.outcomes {
            match outcome.verdict {
                Verdict::Passed => counts.passed += 1,
                Verdict::Failed(_) => counts.failed += 1,
                Verdict::Skipped(_) => counts.skipped += 1,
            }
        }
        counts
    }
}

/// The text report for a set of scripts run in one mode, and the total counts.
pub fn render(title: &str, reports: &[ScriptReport]) -> (String, Counts) {
    let mut out = String::new();
    let width = reports
        .iter()
        .map(|r| r.name.len())
        .chain([5])
        .max()
        .unwrap_or(5);
    let _ = writeln!(out, "{title}");
    let _ = writeln!(
        out,
        "  {:<width$}  {:>6}  {:>6}  {:>6}  {:>7}",
        "script", "run", "passed", "failed", "skipped"
    );
    let mut total = Counts::default();
    let mut stats = TableStats::default();
    for report in reports {
        let counts = report.counts();
        total.add(counts);
        stats.add(report.stats);
        let _ = writeln!(
            out,
            "  {:<width$}  {:>6}  {:>6}  {:>6}  {:>7}",
            report.name, counts.run, counts.passed, counts.failed, counts.skipped
        );
    }
    let _ = writeln!(
        out,
        "  {:<width$}  {:>6}  {:>6}  {:>6}  {:>7}",
        "total", total.run, total.passed, total.failed, total.skipped
    );
    let _ = writeln!(
        out,
        "  facade use: {} tables created, {} grows ({} grew), {} lazy funcref resolutions, \
         {} segments in lazy initial images, at most {} externref objects in the GC store",
        stats.created,
        stats.grows,
        stats.grown,
        stats.lazy_resolutions,
        stats.precomputed_segments,
        stats.peak_host_objects
    );

    let mut skip_reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for report in reports {
        for outcome in &report.outcomes {
            if let Verdict::Skipped(reason) = &outcome.verdict {
                *skip_reasons.entry(reason).or_default() += 1;
                let _ = writeln!(
                    out,
                    "  skip  {}:{}  {}: {reason}",
                    report.name, outcome.line, outcome.what
                );
            }
        }
    }
    if !skip_reasons.is_empty() {
        let _ = writeln!(out, "  skips by reason:");
        for (reason, count) in &skip_reasons {
            let _ = writeln!(out, "    {count:>5}  {reason}");
        }
    }
    for report in reports {
        for message in &report.fatal {
            let _ = writeln!(out, "  FAIL  {}: {message}", report.name);
        }
        for outcome in &report.outcomes {
            if let Verdict::Failed(message) = &outcome.verdict {
                let _ = writeln!(
                    out,
                    "  FAIL  {}:{}  {}: {message}",
                    report.name, outcome.line, outcome.what
                );
            }
        }
    }
    (out, total)
}
