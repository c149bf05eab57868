//! From criterion's per-benchmark medians to the rows of the report: ours against the baseline,
//! Wasmtime and wasmi measured in the same run, per element.

use crate::cache::{Caches, format_bytes};
use crate::id::{BenchId, Kind, Op, Storage, Variant};
use crate::number::{format_ns, format_ratio};
use crate::targets::{self, TargetCheck};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One benchmark's result: the median time of one iteration and its spread.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measurement {
    /// The benchmark.
    pub id: BenchId,
    /// Median nanoseconds per iteration (criterion's `median.point_estimate`).
    pub ns_per_iter: f64,
    /// The 95% confidence interval of that median (criterion's
    /// `median.confidence_interval`), in nanoseconds per iteration.
    pub ns_per_iter_spread: Spread,
}

impl Measurement {
    /// A measurement whose median is known exactly (a spread of one point).
    pub fn exact(id: BenchId, ns_per_iter: f64) -> Self {
        Measurement {
            id,
            ns_per_iter,
            ns_per_iter_spread: Spread::point(ns_per_iter),
        }
    }

    /// Median nanoseconds per element touched.
    pub fn ns_per_element(&self) -> f64 {
        self.ns_per_iter / self.id.elements() as f64
    }

    /// The spread of [`Measurement::ns_per_element`].
    pub fn spread_per_element(&self) -> Spread {
        self.ns_per_iter_spread
            .scaled(1.0 / self.id.elements() as f64)
    }
}

/// A range a figure lies in: a confidence interval, or the range of a ratio of two of them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    /// The low end.
    pub low: f64,
    /// The high end.
    pub high: f64,
}

impl Spread {
    /// The range of one exact value.
    pub fn point(value: f64) -> Self {
        Spread {
            low: value,
            high: value,
        }
    }

    fn scaled(self, factor: f64) -> Self {
        Spread {
            low: self.low * factor,
            high: self.high * factor,
        }
    }

    /// The range of `self / other`: from the lowest numerator over the highest denominator to
    /// the highest over the lowest.
    pub fn over(self, other: Spread) -> Self {
        Spread {
            low: self.low / other.high,
            high: self.high / other.low,
        }
    }
}

/// One line of the report: our table against its baseline and the peers, all in nanoseconds per
/// element.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    /// The operation.
    pub op: Op,
    /// The element kind.
    pub kind: Kind,
    /// Our table's storage.
    pub storage: Storage,
    /// The table size in elements.
    pub size: u64,
    /// Our table.
    pub ours: f64,
    /// The spread of our figure.
    pub ours_spread: Spread,
    /// The plain-memory baseline, if measured.
    pub baseline: Option<f64>,
    /// The spread of the baseline, if measured.
    pub baseline_spread: Option<Spread>,
    /// The read+write baseline ([`Variant::BaselineReadWrite`]), if measured.
    pub baseline_read_write: Option<f64>,
    /// The spread of the read+write baseline, if measured.
    pub baseline_read_write_spread: Option<Spread>,
    /// Wasmtime running compiled wasm, if measured.
    pub wasmtime_wasm: Option<f64>,
    /// The spread of the Wasmtime wasm figure, if measured.
    pub wasmtime_wasm_spread: Option<Spread>,
    /// Wasmtime's host API, if measured.
    pub wasmtime_host: Option<f64>,
    /// The spread of the Wasmtime host figure, if measured.
    pub wasmtime_host_spread: Option<Spread>,
    /// wasmi's host API, if measured.
    pub wasmi_host: Option<f64>,
    /// The spread of the wasmi host figure, if measured.
    pub wasmi_host_spread: Option<Spread>,
}

impl Row {
    /// Ours divided by the baseline (lower is better; 1.0 is memory speed).
    pub fn baseline_ratio(&self) -> Option<f64> {
        self.baseline.map(|baseline| self.ours / baseline)
    }

    /// Ours divided by the read+write baseline (1.0: as fast as a loop that reads every slot
    /// it overwrites).
    pub fn read_write_ratio(&self) -> Option<f64> {
        self.baseline_read_write
            .map(|baseline| self.ours / baseline)
    }

    /// The Wasmtime figure ours is compared with: the compiled-wasm one where measured, else the
    /// host API's.
    pub fn wasmtime(&self) -> Option<(f64, Variant)> {
        self.wasmtime_wasm
            .map(|ns| (ns, Variant::WasmtimeWasm))
            .or(self.wasmtime_host.map(|ns| (ns, Variant::WasmtimeHost)))
    }

    /// Ours divided by Wasmtime (below 1.0: ours is faster).
    pub fn wasmtime_ratio(&self) -> Option<f64> {
        self.wasmtime().map(|(ns, _)| self.ours / ns)
    }

    /// Ours divided by wasmi's host API (below 1.0: ours is faster).
    pub fn wasmi_ratio(&self) -> Option<f64> {
        self.wasmi_host.map(|ns| self.ours / ns)
    }

    /// A peer's figure and its spread, if that peer was measured for this row; `None` for
    /// variants that are not peers.
    pub fn peer(&self, variant: Variant) -> Option<(f64, Spread)> {
        let (ns, spread) = match variant {
            Variant::WasmtimeWasm => (self.wasmtime_wasm, self.wasmtime_wasm_spread),
            Variant::WasmtimeHost => (self.wasmtime_host, self.wasmtime_host_spread),
            Variant::WasmiHost => (self.wasmi_host, self.wasmi_host_spread),
            Variant::Ours(_) | Variant::Baseline | Variant::BaselineReadWrite => (None, None),
        };
        let ns = ns?;
        Some((ns, spread.unwrap_or(Spread::point(ns))))
    }

    /// The range of ours divided by the peer `variant` the two confidence intervals allow, if
    /// that peer was measured.
    pub fn peer_ratio_spread(&self, variant: Variant) -> Option<Spread> {
        self.peer(variant)
            .map(|(_, spread)| self.ours_spread.over(spread))
    }

    /// The range of [`Row::baseline_ratio`] the two confidence intervals allow.
    pub fn baseline_ratio_spread(&self) -> Option<Spread> {
        self.baseline_spread
            .map(|baseline| self.ours_spread.over(baseline))
    }

    /// The range of [`Row::read_write_ratio`] the two confidence intervals allow.
    pub fn read_write_ratio_spread(&self) -> Option<Spread> {
        self.baseline_read_write_spread
            .map(|baseline| self.ours_spread.over(baseline))
    }

    /// The range of [`Row::wasmtime_ratio`] the two confidence intervals allow.
    pub fn wasmtime_ratio_spread(&self) -> Option<Spread> {
        self.peer_ratio_spread(self.wasmtime()?.1)
    }

    /// The range of [`Row::wasmi_ratio`] the two confidence intervals allow.
    pub fn wasmi_ratio_spread(&self) -> Option<Spread> {
        self.peer_ratio_spread(Variant::WasmiHost)
    }

    /// `op kind storage size`, for target lines.
    pub fn label(&self) -> String {
        format!(
            "{} {} {} {}",
            self.op,
            self.kind,
            self.storage.name(),
            size_label(self.size)
        )
    }
}

/// The rows of one run, in operation, kind, size and storage order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    rows: Vec<Row>,
    /// What the run ran on (CPU, build flags), printed under the title.
    run: String,
    /// The caches of the machine the run ran on, which decide the sizes beyond the last-level
    /// cache; `None` for a report that does not know them (no row is then beyond it).
    caches: Option<Caches>,
}

impl Report {
    /// Pairs every measurement of our tables with the baselines of the same operation, kind and
    /// size, and with Wasmtime's and wasmi's measurements of the peer operation (see
    /// [`Op::peer_op`]) for each peer's kind (see [`Kind::wasmtime_peer`] and
    /// [`Kind::wasmi_peer`]): a kind one peer has no counterpart for gets none of its figures.
    pub fn from_measurements(measurements: &[Measurement]) -> Self {
        let per_element: BTreeMap<BenchId, (f64, Spread)> = measurements
            .iter()
            .map(|measurement| {
                let figure = (
                    measurement.ns_per_element(),
                    measurement.spread_per_element(),
                );
                (measurement.id, figure)
            })
            .collect();
        let lookup = |op: Op, kind: Kind, size: u64, variant: Variant| {
            per_element
                .get(&BenchId {
                    op,
                    kind,
                    size,
                    variant,
                })
                .copied()
        };
        let mut rows: Vec<Row> = per_element
            .iter()
            .filter_map(|(id, &(ours, ours_spread))| {
                let Variant::Ours(storage) = id.variant else {
                    return None;
                };
                let peer =
                    |kind: Option<Kind>, variant| lookup(id.op.peer_op(), kind?, id.size, variant);
                let baseline = lookup(id.op, id.kind, id.size, Variant::Baseline);
                let read_write = lookup(id.op, id.kind, id.size, Variant::BaselineReadWrite);
                let wasm = peer(id.kind.wasmtime_peer(), Variant::WasmtimeWasm);
                let host = peer(id.kind.wasmtime_peer(), Variant::WasmtimeHost);
                let wasmi = peer(id.kind.wasmi_peer(), Variant::WasmiHost);
                Some(Row {
                    op: id.op,
                    kind: id.kind,
                    storage,
                    size: id.size,
                    ours,
                    ours_spread,
                    baseline: baseline.map(|(ns, _)| ns),
                    baseline_spread: baseline.map(|(_, spread)| spread),
                    baseline_read_write: read_write.map(|(ns, _)| ns),
                    baseline_read_write_spread: read_write.map(|(_, spread)| spread),
                    wasmtime_wasm: wasm.map(|(ns, _)| ns),
                    wasmtime_wasm_spread: wasm.map(|(_, spread)| spread),
                    wasmtime_host: host.map(|(ns, _)| ns),
                    wasmtime_host_spread: host.map(|(_, spread)| spread),
                    wasmi_host: wasmi.map(|(ns, _)| ns),
                    wasmi_host_spread: wasmi.map(|(_, spread)| spread),
                })
            })
            .collect();
        rows.sort_by_key(|row| (row.op, row.kind, row.size, row.storage));
        Report {
            rows,
            run: String::new(),
            caches: None,
        }
    }

    /// The report with a line saying what the run ran on (the CPU and the build flags).
    pub fn with_run(mut self, run: impl Into<String>) -> Self {
        self.run = run.into();
        self
    }

    /// The report of a run on a machine with `caches`: the header lists them, and the rows at
    /// [`Report::beyond_last_level`] sizes are marked as such.
    pub fn with_caches(mut self, caches: Caches) -> Self {
        self.caches = Some(caches);
        self
    }

    /// The caches of the machine the run ran on, if known.
    pub fn caches(&self) -> Option<&Caches> {
        self.caches.as_ref()
    }

    /// The size of a `kind` table beyond the run's last-level cache
    /// ([`Caches::beyond_last_level`]), if the report knows the caches.
    pub fn beyond_last_level(&self, kind: Kind) -> Option<u64> {
        self.caches
            .as_ref()
            .map(|caches| caches.beyond_last_level(kind.element_size()))
    }

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
        let caches = self.caches.as_ref()?;
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

    /// Every row.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The row of one operation, kind, storage and size, if it was measured.
    pub fn row(&self, op: Op, kind: Kind, storage: Storage, size: u64) -> Option<&Row> {
        self.rows.iter().find(|row| {
            row.op == op && row.kind == kind && row.storage == storage && row.size == size
        })
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
        if !self.run.is_empty() {
            let _ = writeln!(out, "{}\n", self.run);
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
        for row in &self.rows {
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
        out.push_str("\n## What each operation measures\n\n");
        out.push_str(
            "| op | one iteration | baseline | read+write baseline (gc) | Wasmtime | wasmi host \
             |\n|---|---|---|---|---|---|\n",
        );
        for op in Op::ALL {
            if self.rows.iter().any(|row| row.op == op) {
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
            if self.rows.iter().any(|row| row.kind == kind) {
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

/// `1e3`, `1e6`, `1e8` for powers of ten, `3e8` and `2.6e8` for sizes of one or two
/// significant digits from a thousand up (the sizes beyond the last-level cache), the number
/// otherwise.
pub fn size_label(size: u64) -> String {
    let mut power = 0;
    let mut rest = size;
    while rest >= 10 && rest.is_multiple_of(10) {
        rest /= 10;
        power += 1;
    }
    match rest {
        1 if power > 0 => format!("1e{power}"),
        2..=9 if power >= 3 => format!("{rest}e{power}"),
        10..=99 if power >= 2 => format!("{}.{}e{}", rest / 10, rest % 10, power + 1),
        _ => size.to_string(),
    }
}
