//! Helpers shared by the facade's integration tests.
#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::ptr::NonNull;
use table_facade::wasmtime_environ::{IndexType, Table as TableType, WasmHeapType};
use table_facade::{Table, TableElementType, TableValue, VMContObj, VMGcRef};

#[allow(unused_imports, reason = "each test binary uses a different subset")]
pub use table_testkit::tunables;

/// A table type with the given element heap type, index type and limits.
pub fn table_type(
    heap_type: WasmHeapType,
    idx_type: IndexType,
    min: u64,
    max: Option<u64>,
) -> TableType {
    TableType {
        idx_type,
        ..table_testkit::table_type(heap_type, min, max)
    }
}

/// Every table flavour: (name, element heap type, lazy funcref init).
pub const FLAVOURS: [(&str, WasmHeapType, bool); 4] = [
    ("funcref eager", WasmHeapType::Func, false),
    ("funcref lazy", WasmHeapType::Func, true),
    ("externref", WasmHeapType::Extern, false),
    ("contref", WasmHeapType::Cont, false),
];

/// A non-null value of `kind` that needs no GC store: funcref and continuation stand-ins point
/// at `anchor` (tables never dereference them), GC references are `i31ref`s.
pub fn storeless_value(kind: TableElementType, anchor: &mut [usize; 4], seed: u32) -> TableValue {
    let pointer = NonNull::from(anchor);
    match kind {
        TableElementType::Func => TableValue::Func(Some(pointer.cast())),
        TableElementType::GcRef => TableValue::GcRef(Some(VMGcRef::from_i31(
            table_facade::table_gcref::I31::wrapping_u32(seed),
        ))),
        TableElementType::Cont => {
            TableValue::Cont(Some(VMContObj::new(pointer.cast(), seed as usize)))
        }
    }
}

/// The table's slots as raw words, read without resolving, cloning or allocating through the
/// table: the exact state a failed operation must leave unchanged.
pub fn snapshot(table: &Table) -> Vec<u64> {
    match table {
        Table::Func(t) => (0..t.size() as u64)
            .map(|i| t.read_raw(i).unwrap().into_raw().addr() as u64)
            .collect(),
        Table::GcRef(t) => (0..t.size() as u64)
            .map(|i| t.get(i).unwrap().map_or(0, |r| u64::from(r.as_raw_u32())))
            .collect(),
        Table::Cont(t) => t
            .elements()
            .flat_map(|e| {
                e.map_or([0, 0], |c| {
                    [c.contref.addr().get() as u64, c.revision as u64]
                })
            })
            .collect(),
    }
}
