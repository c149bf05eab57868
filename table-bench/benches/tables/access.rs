//! Single-element access: `table.get` and `table.set` of every element in index order, through
//! the per-kind tables a runtime's hot path uses, against a bounds-checked slice access.

use crate::fixtures::{
    ACCESS_KINDS, OursTable, Plain, SIZES, cont_obj, func_ref, i31_ref, indices, plain_vec,
    with_plain,
};
use crate::harness::{Group, Harness, time};
use crate::wasmi_peer::{Wasmi, WasmiTables};
use crate::wasmtime_peer::Wasmtime;
use std::hint::black_box;
use table_bench::{Kind, Op, Storage, Variant};
use table_facade::{Table, TableElementType};
use table_gcref::VMGcRef;
use table_gcref::testing::CountingStore;
use wasmtime::WasmResults;

/// Registers the get and set benchmarks.
pub fn register(harness: &mut Harness, peer: &Wasmtime, wasmi: &Wasmi) {
    get(&mut harness.group(Op::Get), peer, wasmi);
    set(&mut harness.group(Op::Set), peer, wasmi);
}

/// The value returned when an access fails, so a failure shows up in the result.
pub const FAILED: usize = usize::MAX;

fn get(group: &mut Group<'_>, peer: &Wasmtime, wasmi: &Wasmi) {
    for size in SIZES {
        let indices = indices(size);
        for kind in ACCESS_KINDS {
            for storage in Storage::ALL {
                let ours = OursTable::filled(kind, storage, size);
                group.bench(kind, size, Variant::Ours(storage), |iters| {
                    time(iters, || {
                        black_box(ours_get(&ours.table, &indices));
                    })
                });
            }
            bench_baseline_get(group, kind, size, &indices);
            // Wasmtime's funcref tables are lazy; the peers are measured once, with the lazy kind.
            if matches!(kind, Kind::FuncLazy | Kind::Gc) {
                bench_wasm_loop::<i32>(group, peer, kind, size, "get");
                bench_wasmi_loop(group, wasmi, kind, size, |tables| {
                    black_box(tables.get_each(&indices));
                });
            }
        }
    }
}

fn set(group: &mut Group<'_>, peer: &Wasmtime, wasmi: &Wasmi) {
    for size in SIZES {
        let indices = indices(size);
        for kind in ACCESS_KINDS {
            for storage in Storage::ALL {
                let mut ours = OursTable::filled(kind, storage, size);
                group.bench(kind, size, Variant::Ours(storage), |iters| {
                    time(iters, || {
                        black_box(ours_set(&mut ours.table, &indices));
                    })
                });
            }
            bench_baseline_set(group, kind, size, &indices);
            if matches!(kind, Kind::FuncLazy | Kind::Gc) {
                bench_wasm_loop::<()>(group, peer, kind, size, "set");
                bench_wasmi_loop(group, wasmi, kind, size, |tables| {
                    black_box(tables.set_each(&indices));
                });
            }
        }
    }
}

/// Registers the baseline of `get` on `kind`: a bounds-checked read of every index of a slice
/// of the kind's plain element.
pub fn bench_baseline_get(group: &mut Group<'_>, kind: Kind, size: u64, indices: &[u64]) {
    with_plain!(kind, P => {
        let plain = plain_vec::<P>(size);
        group.bench(kind, size, Variant::Baseline, |iters| {
            time(iters, || {
                black_box(plain_get(&plain, indices));
            })
        });
    });
}

/// Registers the baseline of `set` on `kind`: a bounds-checked write of every index of a slice
/// of the kind's plain element.
pub fn bench_baseline_set(group: &mut Group<'_>, kind: Kind, size: u64, indices: &[u64]) {
    with_plain!(kind, P => {
        let mut plain = plain_vec::<P>(size);
        group.bench(kind, size, Variant::Baseline, |iters| {
            time(iters, || {
                black_box(plain_set(&mut plain, indices));
            })
        });
    });
}

/// Wasmtime running the exported loop `name` over `size` elements.
fn bench_wasm_loop<R: WasmResults>(
    group: &mut Group<'_>,
    peer: &Wasmtime,
    kind: Kind,
    size: u64,
    name: &str,
) {
    let Some(peer_kind) = kind.wasmtime_peer() else {
        return;
    };
    let mut instance = peer.instance(peer_kind);
    instance.prepare(size);
    let function = instance.func::<u32, R>(name);
    group.bench(peer_kind, size, Variant::WasmtimeWasm, |iters| {
        time(iters, || {
            black_box(function.call(&mut instance.store, size as u32).expect(name));
        })
    });
}

/// wasmi running `each` (a loop over the host API) on fresh tables of `size` elements.
fn bench_wasmi_loop(
    group: &mut Group<'_>,
    wasmi: &Wasmi,
    kind: Kind,
    size: u64,
    mut each: impl FnMut(&mut WasmiTables),
) {
    let Some(peer_kind) = kind.wasmi_peer() else {
        return;
    };
    let mut tables = wasmi.tables(peer_kind, size);
    group.bench(peer_kind, size, Variant::WasmiHost, |iters| {
        time(iters, || each(&mut tables))
    });
}

/// Reads every index through the per-kind table and folds the values.
#[inline(never)]
fn ours_get(table: &Table, indices: &[u64]) -> usize {
    let mut acc = 0usize;
    if let Ok(table) = table.as_func() {
        for &index in indices {
            let Ok(value) = table.get(index) else {
                return FAILED;
            };
            acc = acc.wrapping_add(value.map_or(0, |func| func.as_ptr().addr()));
        }
    } else if let Ok(table) = table.as_gc_ref() {
        for &index in indices {
            let Ok(value) = table.get(index) else {
                return FAILED;
            };
            acc = acc.wrapping_add(value.map_or(0, |gc_ref| gc_ref.as_raw_u32() as usize));
        }
    } else if let Ok(table) = table.as_cont() {
        for &index in indices {
            let Ok(value) = table.get(index) else {
                return FAILED;
            };
            acc = acc.wrapping_add(value.map_or(0, |cont| {
                cont.contref.as_ptr().addr().wrapping_add(cont.revision)
            }));
        }
    }
    acc
}

/// Reads every index of a slice with a bounds check and folds the values.
#[inline(never)]
fn plain_get<P: Plain>(slice: &[P], indices: &[u64]) -> usize {
    let mut acc = 0usize;
    for &index in indices {
        let Some(value) = slice.get(index as usize) else {
            return FAILED;
        };
        acc = acc.wrapping_add(value.weight());
    }
    acc
}

/// Writes every index through the per-kind table; false if a write failed.
#[inline(never)]
fn ours_set(table: &mut Table, indices: &[u64]) -> bool {
    match table.element_type() {
        TableElementType::Func => {
            let table = table.as_func_mut().expect("a funcref table");
            let func = black_box(Some(func_ref()));
            indices.iter().all(|&index| table.set(index, func).is_ok())
        }
        TableElementType::GcRef => {
            let table = table.as_gc_ref_mut().expect("a GC reference table");
            // A runtime always lends its GC store; i31 writes never call it. The value is built
            // from opaque bits, as a runtime's comes from a register: a value whose own memory
            // went through `black_box` counts as escaped, so the loop would reload it after
            // every call it contains (the barrier's, which never runs here).
            let mut store = CountingStore::new();
            let value = VMGcRef::from_raw_u32(black_box(i31_ref().as_raw_u32())).expect("i31");
            indices
                .iter()
                .all(|&index| table.set(index, Some(&value), Some(&mut store)).is_ok())
        }
        TableElementType::Cont => {
            let table = table.as_cont_mut().expect("a continuation table");
            let cont = black_box(Some(cont_obj()));
            indices.iter().all(|&index| table.set(index, cont).is_ok())
        }
    }
}

/// Writes every index of a slice with a bounds check; false if an index was out of bounds.
#[inline(never)]
fn plain_set<P: Plain>(slice: &mut [P], indices: &[u64]) -> bool {
    let value = black_box(P::VALUE);
    indices
        .iter()
        .all(|&index| match slice.get_mut(index as usize) {
            Some(slot) => {
                *slot = value;
                true
            }
            None => false,
        })
}
