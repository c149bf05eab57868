//! From criterion's per-benchmark medians to the rows of the report: ours against the baseline,
//! Wasmtime and wasmi measured in the same run, per element.

use crate::cache::Caches;
use crate::id::{BenchId, Kind, Op, Storage, Variant};
use std::collections::BTreeMap;

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

    /// Ours minus the baseline in nanoseconds per call (per element times the elements one
    /// call touches, [`Op::elements`]): what a call costs beyond the baseline's work.
    pub fn excess_per_call(&self) -> Option<f64> {
        let elements = self.op.elements(self.size) as f64;
        self.baseline
            .map(|baseline| (self.ours - baseline) * elements)
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

    /// What the run ran on (CPU, build flags).
    pub fn run(&self) -> &str {
        &self.run
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
}

/// The fixed cost per call of one operation, kind and storage: the intercept (and slope) of
/// the least-squares line through its time per call against the elements a call touches, over
/// the sizes up to [`FIXED_COST_UP_TO`], for ours and for the baseline measured beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct FixedCost {
    /// The operation.
    pub op: Op,
    /// The element kind.
    pub kind: Kind,
    /// Our table's storage.
    pub storage: Storage,
    /// The table sizes fitted over.
    pub sizes: Vec<u64>,
    /// Ours: nanoseconds per call at zero elements, and per element.
    pub ours: Line,
    /// The baseline, over the same sizes.
    pub baseline: Line,
}

/// A straight line `intercept + slope * elements`, in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    /// Nanoseconds per call at zero elements: the fixed cost.
    pub intercept: f64,
    /// Nanoseconds per element.
    pub slope: f64,
}

impl Line {
    /// The least-squares line through `points` (elements, nanoseconds); `None` for fewer than
    /// two distinct element counts.
    pub fn fit(points: &[(f64, f64)]) -> Option<Line> {
        if points.len() < 2 {
            return None;
        }
        let count = points.len() as f64;
        let mean_x = points.iter().map(|&(x, _)| x).sum::<f64>() / count;
        let mean_y = points.iter().map(|&(_, y)| y).sum::<f64>() / count;
        let spread_x: f64 = points.iter().map(|&(x, _)| (x - mean_x).powi(2)).sum();
        if spread_x == 0.0 {
            return None;
        }
        let covariance: f64 = points
            .iter()
            .map(|&(x, y)| (x - mean_x) * (y - mean_y))
            .sum();
        let slope = covariance / spread_x;
        Some(Line {
            intercept: mean_y - slope * mean_x,
            slope,
        })
    }
}

/// The largest size a fixed cost is fitted over: the small sizes and 1e3, where a call's setup
/// is a visible part of its time.
pub const FIXED_COST_UP_TO: u64 = 1_000;

impl Report {
    /// The fixed cost per call of every operation, kind and storage measured at three or more
    /// sizes up to [`FIXED_COST_UP_TO`] with a baseline at each, in row order.
    pub fn fixed_costs(&self) -> Vec<FixedCost> {
        let mut groups: BTreeMap<(Op, Kind, Storage), Vec<&Row>> = BTreeMap::new();
        for row in &self.rows {
            if row.size <= FIXED_COST_UP_TO && row.baseline.is_some() {
                groups
                    .entry((row.op, row.kind, row.storage))
                    .or_default()
                    .push(row);
            }
        }
        groups
            .into_iter()
            .filter(|(_, rows)| rows.len() >= 3)
            .filter_map(|((op, kind, storage), rows)| {
                let points = |figure: fn(&Row) -> Option<f64>| -> Vec<(f64, f64)> {
                    rows.iter()
                        .filter_map(|row| {
                            let elements = op.elements(row.size) as f64;
                            figure(row).map(|ns| (elements, ns * elements))
                        })
                        .collect()
                };
                Some(FixedCost {
                    op,
                    kind,
                    storage,
                    sizes: rows.iter().map(|row| row.size).collect(),
                    ours: Line::fit(&points(|row| Some(row.ours)))?,
                    baseline: Line::fit(&points(|row| row.baseline))?,
                })
            })
            .collect()
    }
}

/// `1e3`, `1e6`, `1e8` for powers of ten from a thousand up, `3e8` and `2.6e8` for sizes of one or two
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
        1 if power >= 3 => format!("1e{power}"),
        2..=9 if power >= 3 => format!("{rest}e{power}"),
        10..=99 if power >= 2 => format!("{}.{}e{}", rest / 10, rest % 10, power + 1),
        _ => size.to_string(),
    }
}
