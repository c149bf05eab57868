//! The report as Markdown: its header (the run, the caches), the targets and whether each is
//! met, every row with its verdict, and the legend. Apart from [`crate::report`], whose
//! rows it renders, so that the targets ([`crate::targets`]), which read the rows, and
//! the rows do not import each other.

use crate::cache::format_bytes;
use crate::id::{Kind, Op};
use crate::number::{format_ns, format_ratio};
use crate::report::{Report, Row, Spread, size_label};
use crate::targets::{self, TargetCheck};
use std::collections::BTreeMap;
use std::fmt::Write as _;

impl Report {
    /// `2.6e8 (beyond LLC)` for a row at its kind's size beyond the last-level cache, else the
    /// size's label.
    fn size_cell(&self, row: &Row) -> String {
        if self.beyond_last_level(row.kind) == Some(row.size) {
            format!("{} (beyond LLC)", size_label(row.size))
        } else {
            size_label(row.size)
        }
    }

    /// The header's paragraph on the caches and the sizes beyond the last level, if known.
    fn caches_markdown(&self) -> Option<String> {
        let caches = self.caches()?;
        let mut out = format!(
            "Caches: {}. Every bandwidth-bound operation (create, fill, copy_within, copy, init) \
             is also measured on a table beyond the last-level cache ({}), the smallest size of \
             two significant digits whose slots take at least {}x its bytes, so that it runs at \
             the memory's speed on every machine:",
            caches.describe(),
            format_bytes(caches.last_level_bytes()),
            crate::cache::BEYOND_FACTOR,
        );
        let mut slot_sizes: Vec<usize> = Kind::ALL.iter().map(|kind| kind.element_size()).collect();
        slot_sizes.sort_unstable();
        slot_sizes.dedup();
        for (index, slot_size) in slot_sizes.into_iter().enumerate() {
            let kinds: Vec<&str> = Kind::ALL
                .iter()
                .filter(|kind| kind.element_size() == slot_size)
                .map(|kind| kind.name())
                .collect();
            let size = caches.beyond_last_level(slot_size);
            let _ = write!(
                out,
                "{} {} ({}: {} of {slot_size}-byte slots)",
                if index == 0 { "" } else { ";" },
                size_label(size),
                kinds.join(", "),
                format_bytes(size * slot_size as u64),
            );
        }
        out.push_str(
            ". Such a table is larger than the 32 MiB over which the other bulk rows rotate \
             their allocations (from an 8 MiB cache up), so each of these rows is timed on one \
             allocation, with flat sampling of ten samples. Ours is measured there in both \
             storages, with both baselines; the peers are not (each would need gigabyte tables \
             in stores of their own): their figures at 1e3 and 1e6 stand.\n\n",
        );
        Some(out)
    }

    /// The report as Markdown: the targets and whether each is met, every row with whether it
    /// meets the targets covering it, and what each operation, baseline and peer does.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        out.push_str("# wasm-tables benchmarks\n\n");
        out.push_str(
            "Medians of criterion samples, in nanoseconds per element touched, each followed by \
             its spread in parentheses: the 95% confidence interval of the median, and for a \
             ratio the range the two intervals allow. Baselines, Wasmtime 44.0.3 and wasmi 2.0.0 \
             are measured in the same run, next to each of our measurements; a ratio below 1 \
             means ours is faster. Wasmtime's tables are its default (on-demand, dynamic) tables, \
             shown against both of our storages; it has no continuation tables in this build. \
             wasmi is measured through its host `Table` API only: its tables are vectors of \
             4-byte handles with funcref and externref elements. The like-for-like comparison \
             is the `handle32` rows: a 4-byte handle of the same shape on table-core, beside \
             wasmi's funcref table; the `func` rows show the same wasmi figures beside our 8-byte \
             funcref slots, and its `externref` table (holding a host `ExternRef`; wasmi has no \
             i31 and no collector, so it is not measured on the heap-reference operations) \
             stands for the GC kinds. It has neither `table.init` in that API nor continuation \
             tables. What each kind's slot is: see the last section.\n\n",
        );
        if !self.run().is_empty() {
            let _ = writeln!(out, "{}\n", self.run());
        }
        if let Some(caches) = self.caches_markdown() {
            out.push_str(&caches);
        }
        let checks = targets::check(self);
        out.push_str("## Targets\n\n");
        out.push_str(&targets_markdown(&checks));
        out.push_str("\n## Results\n\n");
        out.push_str(
            "Figures first, then ours divided by each; **target met** is whether the row meets \
             every target above that covers it (**NO** if any misses, — if none covers it).\n\n",
        );
        out.push_str(
            "| operation | kind | storage | size | ours ns/elem | baseline ns/elem \
             | read+write ns/elem | Wasmtime wasm ns/elem | Wasmtime host ns/elem \
             | wasmi host ns/elem | ours/baseline | ours/read+write | ours/Wasmtime | ours/wasmi \
             | target met |\n",
        );
        out.push_str("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        let verdicts = row_verdicts(&checks);
        for row in self.rows() {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                row.op,
                row.kind,
                row.storage.name(),
                self.size_cell(row),
                with_spread(row.ours, Some(row.ours_spread), format_ns),
                optional(row.baseline, format_ns),
                optional(row.baseline_read_write, format_ns),
                optional(row.wasmtime_wasm, format_ns),
                optional(row.wasmtime_host, format_ns),
                optional(row.wasmi_host, format_ns),
                optional(row.baseline_ratio(), |ratio| {
                    with_spread(ratio, row.baseline_ratio_spread(), format_ratio)
                }),
                optional(row.read_write_ratio(), |ratio| {
                    with_spread(ratio, row.read_write_ratio_spread(), format_ratio)
                }),
                optional(row.wasmtime_ratio(), |ratio| {
                    with_spread(ratio, row.wasmtime_ratio_spread(), format_ratio)
                }),
                optional(row.wasmi_ratio(), |ratio| {
                    with_spread(ratio, row.wasmi_ratio_spread(), format_ratio)
                }),
                verdicts
                    .get(&row.label())
                    .map_or("—", |verdict| verdict.markdown()),
            );
        }
        out.push_str(&self.fixed_costs_markdown());
        out.push_str("\n## What each operation measures\n\n");
        out.push_str(
            "| op | one iteration | baseline | read+write baseline (gc) | Wasmtime | wasmi host \
             |\n|---|---|---|---|---|---|\n",
        );
        for op in Op::ALL {
            if self.rows().iter().any(|row| row.op == op) {
                let _ = writeln!(
                    out,
                    "| {op} | {} | {} | {} | {} | {} |",
                    op.description(),
                    op.baseline(),
                    op.read_write_baseline().unwrap_or("—"),
                    op.wasmtime(),
                    op.wasmi()
                );
            }
        }
        out.push_str("\n## What each kind's slot is\n\n");
        out.push_str("| kind | one slot | Wasmtime peer | wasmi peer |\n|---|---|---|---|\n");
        for kind in Kind::ALL {
            if self.rows().iter().any(|row| row.kind == kind) {
                let _ = writeln!(
                    out,
                    "| {kind} | {} | {} | {} |",
                    kind.description(),
                    kind.wasmtime_peer().map_or("—", wasmtime_table),
                    kind.wasmi_peer().map_or("—", wasmi_table)
                );
            }
        }
        out
    }
}

impl Report {
    /// The section on the fixed cost per call of the bulk operations, if any was fitted.
    fn fixed_costs_markdown(&self) -> String {
        let costs = self.fixed_costs();
        if costs.is_empty() {
            return String::new();
        }
        let mut out = String::from("\n## Fixed cost per call\n\n");
        let _ = writeln!(
            out,
            "Nanoseconds per call against the elements a call touches, fitted by least squares \
             over the sizes up to {} (time per call = fixed cost + elements x per-element \
             cost), for ours and for the baseline measured beside it; the last columns are ours \
             minus the baseline per call at the two smallest sizes, which the target on small \
             calls reads.\n",
            size_label(crate::report::FIXED_COST_UP_TO)
        );
        out.push_str(
            "| operation | kind | storage | sizes | ours fixed ns | baseline fixed ns \
             | fixed cost above baseline ns | ours ns/elem | baseline ns/elem \
             | above baseline per call, smallest | next |\n\
             |---|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n",
        );
        for cost in &costs {
            let excess = |index: usize| {
                cost.sizes
                    .get(index)
                    .and_then(|&size| self.row(cost.op, cost.kind, cost.storage, size))
                    .and_then(Row::excess_per_call)
                    .map_or_else(|| "—".to_string(), |ns| format!("{ns:+.1}"))
            };
            let sizes: Vec<String> = cost.sizes.iter().map(|&size| size_label(size)).collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {:.1} | {:.1} | {:+.1} | {} | {} | {} | {} |",
                cost.op,
                cost.kind,
                cost.storage.name(),
                sizes.join(", "),
                cost.ours.intercept,
                cost.baseline.intercept,
                cost.ours.intercept - cost.baseline.intercept,
                format_ns(cost.ours.slope),
                format_ns(cost.baseline.slope),
                excess(0),
                excess(1),
            );
        }
        out
    }
}

/// Wasmtime's table measured under the peer kind `kind`, for the kinds' legend.
fn wasmtime_table(kind: Kind) -> &'static str {
    match kind {
        Kind::Gc | Kind::GcSummary => "anyref table of i31s (4-byte `VMGcRef`)",
        _ => "funcref table (8-byte pointers, lazily initialised)",
    }
}

/// wasmi's table measured under the peer kind `kind`, for the kinds' legend.
fn wasmi_table(kind: Kind) -> &'static str {
    match kind {
        Kind::Gc | Kind::GcSummary => "externref table (4-byte handles)",
        _ => "funcref table (4-byte `RawRef` handles, 0 = null)",
    }
}

/// The targets as a Markdown table.
fn targets_markdown(checks: &[TargetCheck]) -> String {
    let mut out =
        String::from("| target | subject | measured | limit | met |\n|---|---|---:|---:|---|\n");
    for check in checks {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            check.target,
            check.subject,
            optional(check.measured, |value| check.unit.format(value)),
            check.bound,
            match check.met() {
                Some(true) => "yes",
                Some(false) => "**NO**",
                None => "not measured",
            }
        );
    }
    out
}

/// What the targets covering one row say about it, all together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Every covering target was measured and met.
    Met,
    /// At least one covering target was measured and missed.
    Missed,
    /// None missed, but at least one could not be measured (its comparison is missing).
    NotMeasured,
}

impl Verdict {
    fn markdown(self) -> &'static str {
        match self {
            Verdict::Met => "yes",
            Verdict::Missed => "**NO**",
            Verdict::NotMeasured => "not measured",
        }
    }

    /// The verdict of a row after one more check: a miss outweighs everything, and a check
    /// that could not be measured outweighs a met one.
    fn with(self, met: Option<bool>) -> Self {
        match (self, met) {
            (Verdict::Missed, _) | (_, Some(false)) => Verdict::Missed,
            (Verdict::NotMeasured, _) | (_, None) => Verdict::NotMeasured,
            (Verdict::Met, Some(true)) => Verdict::Met,
        }
    }
}

/// The verdict of every row some target covers, by the row's label (the checks' subject).
fn row_verdicts(checks: &[TargetCheck]) -> BTreeMap<String, Verdict> {
    let mut verdicts = BTreeMap::new();
    for check in checks {
        let verdict = verdicts
            .entry(check.subject.clone())
            .or_insert(Verdict::Met);
        *verdict = verdict.with(check.met());
    }
    verdicts
}

/// `value` followed by its spread, as `1.02x (0.98x–1.07x)`.
fn with_spread(value: f64, spread: Option<Spread>, format: impl Fn(f64) -> String) -> String {
    match spread {
        Some(spread) if spread.low != spread.high => {
            format!(
                "{} ({}–{})",
                format(value),
                format(spread.low),
                format(spread.high)
            )
        }
        _ => format(value),
    }
}

fn optional(value: Option<f64>, format: impl Fn(f64) -> String) -> String {
    value.map_or_else(|| "—".to_string(), format)
}
