//! Measurements the report and plot tests build their reports from.

use table_bench::{BenchId, Kind, Measurement, Op, Storage, Variant};

/// One million elements, the size most targets name.
pub const MILLION: u64 = 1_000_000;

/// An exact measurement of `ns_per_iter` nanoseconds per iteration.
pub fn measured(op: Op, kind: Kind, size: u64, variant: Variant, ns_per_iter: f64) -> Measurement {
    let id = BenchId {
        op,
        kind,
        size,
        variant,
    };
    Measurement::exact(id, ns_per_iter)
}

/// `fill` of 1e6 funcref slots: ours (1 ns/elem dynamic, 1.5 static), the baseline (0.5) and
/// both Wasmtime variants (wasm 2, host 4); no wasmi.
pub fn fill_func_million() -> Vec<Measurement> {
    vec![
        measured(
            Op::Fill,
            Kind::Func,
            MILLION,
            Variant::Ours(Storage::Dynamic),
            1.0e6,
        ),
        measured(
            Op::Fill,
            Kind::Func,
            MILLION,
            Variant::Ours(Storage::Static),
            1.5e6,
        ),
        measured(Op::Fill, Kind::Func, MILLION, Variant::Baseline, 0.5e6),
        measured(Op::Fill, Kind::Func, MILLION, Variant::WasmtimeWasm, 2.0e6),
        measured(Op::Fill, Kind::Func, MILLION, Variant::WasmtimeHost, 4.0e6),
    ]
}
