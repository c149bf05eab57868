//! The speed targets, checked against one run's report.

use crate::id::{Kind, Op, Storage};
use crate::number::{format_ns, format_ratio};
use crate::report::{Report, Row, size_label};
use std::fmt;

const THOUSAND: u64 = 1_000;
const MILLION: u64 = 1_000_000;
const HUNDRED_MILLION: u64 = 100_000_000;

/// What a target compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Ours divided by the baseline.
    OursOverBaseline,
    /// Wasmtime divided by ours: how many times faster ours is.
    WasmtimeOverOurs,
    /// Our nanoseconds per element.
    OursPerElement,
}

impl Measure {
    /// The measured value for `row`, if its inputs were measured.
    pub fn of(self, row: &Row) -> Option<f64> {
        match self {
            Measure::OursOverBaseline => row.baseline_ratio(),
            Measure::WasmtimeOverOurs => row.wasmtime().map(|(ns, _)| ns / row.ours),
            Measure::OursPerElement => Some(row.ours),
        }
    }

    /// How a value of this measure is printed.
    pub fn format(self, value: f64) -> String {
        match self {
            Measure::OursOverBaseline | Measure::WasmtimeOverOurs => format_ratio(value),
            Measure::OursPerElement => format!("{} ns", format_ns(value)),
        }
    }
}

/// The limit a target sets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// The value must not exceed this.
    AtMost(f64),
    /// The value must reach this.
    AtLeast(f64),
}

impl Bound {
    /// Whether `value` meets the bound.
    pub fn admits(self, value: f64) -> bool {
        match self {
            Bound::AtMost(limit) => value <= limit,
            Bound::AtLeast(limit) => value >= limit,
        }
    }
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bound::AtMost(limit) => write!(f, "≤ {limit}"),
            Bound::AtLeast(limit) => write!(f, "≥ {limit}"),
        }
    }
}

/// One target of the issue: a measure with a bound, over a set of rows.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The target as the issue states it.
    pub name: &'static str,
    /// The operations it covers.
    pub ops: &'static [Op],
    /// The kinds it covers.
    pub kinds: &'static [Kind],
    /// The sizes it covers.
    pub sizes: &'static [u64],
    /// What is compared.
    pub measure: Measure,
    /// The limit.
    pub bound: Bound,
}

/// The targets (medians, ratios within one run, release), each over both storages.
pub const TARGETS: [Target; 8] = [
    Target {
        name: "fill, copy_within, copy, init of 1e6 non-GC slots ≤ 1.15x the slice baseline",
        ops: &[Op::Fill, Op::CopyWithin, Op::Copy, Op::Init],
        kinds: &[Kind::Func, Kind::Cont],
        sizes: &[MILLION],
        measure: Measure::OursOverBaseline,
        bound: Bound::AtMost(1.15),
    },
    Target {
        name: "create a null table of 1e8 ≤ 2x `alloc_zeroed`",
        ops: &[Op::Create],
        kinds: &[Kind::Func, Kind::Gc, Kind::Cont],
        sizes: &[HUNDRED_MILLION],
        measure: Measure::OursOverBaseline,
        bound: Bound::AtMost(2.0),
    },
    Target {
        name: "create a null table of 1e8 ≥ 100x faster than Wasmtime's `Table::new`",
        ops: &[Op::Create],
        kinds: &[Kind::Func, Kind::Gc],
        sizes: &[HUNDRED_MILLION],
        measure: Measure::WasmtimeOverOurs,
        bound: Bound::AtLeast(100.0),
    },
    Target {
        name: "copy of 1e6 funcrefs out of a fully initialised lazy table ≥ 5x faster than \
               Wasmtime's `table.copy`",
        ops: &[Op::CopyLazyInitialized],
        kinds: &[Kind::FuncLazy],
        sizes: &[MILLION],
        measure: Measure::WasmtimeOverOurs,
        bound: Bound::AtLeast(5.0),
    },
    Target {
        name: "1e6 grows by 1: amortised ≤ 10 ns per grow",
        ops: &[Op::GrowByOne],
        kinds: &[Kind::Func, Kind::Gc, Kind::Cont],
        sizes: &[MILLION],
        measure: Measure::OursPerElement,
        bound: Bound::AtMost(10.0),
    },
    Target {
        name: "get / set ≤ 1.5x the bounds-checked slice access",
        ops: &[Op::Get, Op::Set],
        kinds: &[Kind::Func, Kind::FuncLazy, Kind::Gc, Kind::Cont],
        sizes: &[THOUSAND, MILLION],
        measure: Measure::OursOverBaseline,
        bound: Bound::AtMost(1.5),
    },
    Target {
        name: "GC fill/copy of 1e6 null/i31 slots ≤ 1.3x the `Vec<u32>` baseline",
        ops: &[Op::Fill, Op::CopyWithin, Op::Copy],
        kinds: &[Kind::Gc],
        sizes: &[MILLION],
        measure: Measure::OursOverBaseline,
        bound: Bound::AtMost(1.3),
    },
    Target {
        name: "GC fill/copy/init of 1e6 null/i31 slots with the heap summary ≤ 1.1x the `Vec<u32>` \
               baseline",
        ops: &[Op::Fill, Op::CopyWithin, Op::Copy, Op::Init],
        kinds: &[Kind::GcSummary],
        sizes: &[MILLION],
        measure: Measure::OursOverBaseline,
        bound: Bound::AtMost(1.1),
    },
];

/// One target applied to one row.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetCheck {
    /// The target's name.
    pub target: &'static str,
    /// The row it was applied to (`op kind storage size`).
    pub subject: String,
    /// The measured value, if the row and its comparison were measured.
    pub measured: Option<f64>,
    /// How the value is printed.
    pub unit: Measure,
    /// The limit.
    pub bound: Bound,
}

impl TargetCheck {
    /// Whether the target is met; `None` when it was not measured.
    pub fn met(&self) -> Option<bool> {
        self.measured.map(|value| self.bound.admits(value))
    }
}

/// Every target applied to every row it covers, in target order; a covered row that is missing
/// from the report is listed as not measured.
pub fn check(report: &Report) -> Vec<TargetCheck> {
    let mut checks = Vec::new();
    for target in &TARGETS {
        for &op in target.ops {
            for &kind in target.kinds {
                for &size in target.sizes {
                    for storage in Storage::ALL {
                        let row = report.row(op, kind, storage, size);
                        checks.push(TargetCheck {
                            target: target.name,
                            subject: row.map_or_else(
                                || format!("{op} {kind} {} {}", storage.name(), size_label(size)),
                                Row::label,
                            ),
                            measured: row.and_then(|row| target.measure.of(row)),
                            unit: target.measure,
                            bound: target.bound,
                        });
                    }
                }
            }
        }
    }
    checks
}
