//! Errors come in the spec's order: an operation whose range is out of bounds traps, whatever
//! else is wrong with it (a value of another kind, a missing funcref resolver or GC store); only
//! an in-bounds operation reports the embedder error. Nothing is written in either case.
#![cfg(all(feature = "func", feature = "gc", feature = "cont"))]

mod support;

use support::{snapshot, storeless_value, table_type, tunables};
use table_facade::table_func::FuncTableError;
use table_facade::table_gcref::testing::CountingStore;
use table_facade::table_gcref::{GcStore, GcTableError};
use table_facade::wasmtime_environ::{IndexType, Trap, WasmHeapType};
use table_facade::{
    ElementSegment, FacadeError, Table, TableContext, TableElementType, TableValue,
};

fn table(heap_type: WasmHeapType, lazy: bool, size: u64) -> Table {
    let ty = table_type(heap_type, IndexType::I32, size, None);
    Table::new_dynamic(&ty, &tunables(lazy), None).unwrap()
}

fn is_out_of_bounds<T>(result: &Result<T, FacadeError>) -> bool {
    matches!(result, Err(error) if error.as_trap() == Some(Trap::TableOutOfBounds))
}

fn is_uninitialized<T>(result: &Result<T, FacadeError>) -> bool {
    matches!(
        result,
        Err(FacadeError::Func(FuncTableError::Uninitialized { .. }))
    )
}

/// The copies of the issue that found the bug: a fresh lazy source (every slot uninitialised)
/// and no resolver, with the destination range out of bounds.
#[test]
fn copy_out_of_a_lazy_table_without_resolver_traps_when_the_destination_is_out_of_bounds() {
    let mut eager = table(WasmHeapType::Func, false, 2);
    let mut lazy = table(WasmHeapType::Func, true, 4);

    let result = Table::copy(&mut eager, &lazy, 1, 0, 2, &mut TableContext::new());
    assert!(is_out_of_bounds(&result), "{result:?}");
    let result = lazy.copy_within(3, 0, 2, &mut TableContext::new());
    assert!(is_out_of_bounds(&result), "{result:?}");

    // In bounds, the missing resolver is what is wrong.
    let result = Table::copy(&mut eager, &lazy, 0, 0, 2, &mut TableContext::new());
    assert!(is_uninitialized(&result), "{result:?}");
    let result = lazy.copy_within(2, 0, 2, &mut TableContext::new());
    assert!(is_uninitialized(&result), "{result:?}");
    assert_eq!(snapshot(&eager), [0, 0]);
    assert_eq!(snapshot(&lazy), [0, 0, 0, 0]);
}

#[test]
fn copy_out_of_a_lazy_table_without_resolver_traps_when_the_source_is_out_of_bounds() {
    let mut eager = table(WasmHeapType::Func, false, 8);
    let mut lazy = table(WasmHeapType::Func, true, 4);
    let result = Table::copy(&mut eager, &lazy, 0, 3, 2, &mut TableContext::new());
    assert!(is_out_of_bounds(&result), "{result:?}");
    let result = lazy.copy_within(0, 3, 2, &mut TableContext::new());
    assert!(is_out_of_bounds(&result), "{result:?}");
}

/// `set`, `fill` and `init` with a value of another kind: out of bounds traps, in bounds is
/// `WrongValueKind`.
#[test]
fn a_value_of_another_kind_traps_when_out_of_bounds_and_is_refused_in_bounds() {
    let kinds = [
        (WasmHeapType::Func, TableElementType::Func),
        (WasmHeapType::Extern, TableElementType::GcRef),
        (WasmHeapType::Cont, TableElementType::Cont),
    ];
    for (heap_type, kind) in kinds {
        for (_, other) in kinds.iter().filter(|(_, other)| *other != kind) {
            let mut target = table(heap_type, false, 4);
            let value = storeless_value(*other, &mut [0usize; 4], 7);
            let cx = &mut TableContext::new();

            let wrong = |result: &Result<(), FacadeError>| {
                matches!(result, Err(FacadeError::WrongValueKind { table, value })
                    if *table == kind && value == other)
            };
            let result = target.set(4, &value, cx);
            assert!(
                is_out_of_bounds(&result),
                "{kind:?} <- {other:?}: {result:?}"
            );
            let result = target.set(3, &value, cx);
            assert!(wrong(&result), "{kind:?} <- {other:?}: {result:?}");

            let result = target.fill(2, &value, 3, cx);
            assert!(
                is_out_of_bounds(&result),
                "{kind:?} <- {other:?}: {result:?}"
            );
            let result = target.fill(2, &value, 2, cx);
            assert!(wrong(&result), "{kind:?} <- {other:?}: {result:?}");

            let funcs = [None; 3];
            let gc_refs = [None, None, None];
            let conts = [table_facade::ContSlot::from(None); 3];
            let segment = match other {
                TableElementType::Func => ElementSegment::Func(&funcs),
                TableElementType::GcRef => ElementSegment::GcRef(&gc_refs),
                TableElementType::Cont => ElementSegment::Cont(&conts),
            };
            let result = target.init(2, segment, cx);
            assert!(
                is_out_of_bounds(&result),
                "{kind:?} <- {other:?}: {result:?}"
            );
            let result = target.init(1, segment, cx);
            assert!(wrong(&result), "{kind:?} <- {other:?}: {result:?}");
            assert_eq!(snapshot(&target), vec![0; snapshot(&target).len()]);
        }
    }
}

#[test]
fn a_copy_between_kinds_traps_when_either_range_is_out_of_bounds() {
    let mut funcs = table(WasmHeapType::Func, false, 4);
    let externs = table(WasmHeapType::Extern, false, 2);
    let cx = &mut TableContext::new();

    let result = Table::copy(&mut funcs, &externs, 3, 0, 2, cx);
    assert!(is_out_of_bounds(&result), "{result:?}");
    let result = Table::copy(&mut funcs, &externs, 0, 1, 2, cx);
    assert!(is_out_of_bounds(&result), "{result:?}");
    let result = Table::copy(&mut funcs, &externs, 2, 0, 2, cx);
    assert!(
        matches!(result, Err(FacadeError::CopyBetweenKinds { .. })),
        "{result:?}"
    );
}

/// A GC operation that would need the store traps first when out of bounds.
#[test]
fn a_gc_write_without_store_traps_when_out_of_bounds() {
    let mut store = CountingStore::new();
    let heap = store.allocate();
    let mut externs = table(WasmHeapType::Extern, false, 4);
    let value = TableValue::GcRef(Some(heap.unchecked_copy()));

    let needs_store = |result: &Result<(), FacadeError>| {
        matches!(
            result,
            Err(FacadeError::GcRef(GcTableError::GcStoreRequired { .. }))
        )
    };
    let result = externs.set(4, &value, &mut TableContext::new());
    assert!(is_out_of_bounds(&result), "{result:?}");
    let result = externs.fill(3, &value, 2, &mut TableContext::new());
    assert!(is_out_of_bounds(&result), "{result:?}");
    let result = externs.fill(3, &value, 1, &mut TableContext::new());
    assert!(needs_store(&result), "{result:?}");

    externs
        .set(
            0,
            &value,
            &mut TableContext::new().with_gc_store(&mut store),
        )
        .unwrap();
    let result = externs.copy_within(3, 0, 2, &mut TableContext::new());
    assert!(is_out_of_bounds(&result), "{result:?}");
    let result = externs.copy_within(2, 0, 2, &mut TableContext::new());
    assert!(needs_store(&result), "{result:?}");

    let size = externs.size() as u64;
    let null = TableValue::null(TableElementType::GcRef).unwrap();
    let cx = &mut TableContext::new().with_gc_store(&mut store);
    externs.fill(0, &null, size, cx).unwrap();
    store.drop_gc_ref(heap);
    store.verify().unwrap();
}
