//! Creating GC-reference tables from table types, over both storages, and the accessors that
//! forward to storage.

mod common;

use common::externref_table;
use table_core::testing::{LimiterCall, LimiterPolicy, RecordingLimiter, StaticMemory, block_on};
use table_core::wasmtime_environ::{IndexType, Limits, Table, WasmHeapType, WasmRefType};
use table_core::{TableError, TableLimits, TableStorage};
use table_gcref::{GcRefSlot, GcRefTable, GcTableError};

fn table_of(heap_type: WasmHeapType) -> Table {
    Table {
        idx_type: IndexType::I64,
        limits: Limits { min: 3, max: None },
        ref_type: WasmRefType {
            nullable: true,
            heap_type,
        },
    }
}

#[test]
fn any_extern_and_exn_tables_are_gc_reference_tables() {
    for heap_type in [
        WasmHeapType::Any,
        WasmHeapType::Eq,
        WasmHeapType::I31,
        WasmHeapType::Struct,
        WasmHeapType::None,
        WasmHeapType::Extern,
        WasmHeapType::NoExtern,
        WasmHeapType::Exn,
    ] {
        let table = GcRefTable::new_dynamic(&table_of(heap_type), None)
            .unwrap_or_else(|error| panic!("{heap_type}: {error}"));
        assert_eq!(table.size(), 3);
    }
}

#[test]
fn func_and_cont_tables_are_refused_without_asking_the_limiter() {
    for heap_type in [WasmHeapType::Func, WasmHeapType::NoFunc, WasmHeapType::Cont] {
        let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);

        let error = GcRefTable::new_dynamic(&table_of(heap_type), Some(&mut limiter)).unwrap_err();

        assert!(
            matches!(error, GcTableError::WrongElementKind { .. }),
            "{heap_type}: {error:?}"
        );
        assert!(limiter.calls.is_empty());
    }
    let error = GcRefTable::new_dynamic(&table_of(WasmHeapType::Func), None).unwrap_err();
    assert_eq!(
        error.to_string(),
        "a table of `funcref` elements is not a GC-reference table"
    );
}

#[test]
fn dynamic_table_reports_size_maximum_and_bytes_held() {
    let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);

    let table = GcRefTable::new_dynamic(&externref_table(5, None), Some(&mut limiter)).unwrap();

    assert_eq!(table.size(), 5);
    assert_eq!(table.maximum(), Some(u32::MAX as usize));
    assert!(!table.is_static());
    assert_eq!(table.bytes_held(), 5 * 4);
    assert_eq!(table.vmtable().current_elements, 5);
    assert_eq!(
        limiter.calls,
        [LimiterCall::Growing {
            current: 0,
            desired: 5,
            maximum: Some(u32::MAX as usize),
            answer: Some(true)
        }]
    );
}

#[test]
fn static_table_lives_in_the_given_memory() {
    let memory = StaticMemory::new(10 * 4, 4);

    // SAFETY: zeroed, outlives the table, touched by nothing else.
    let table =
        unsafe { GcRefTable::new_static(&externref_table(2, Some(100)), memory.memory(), None) }
            .unwrap();

    assert!(table.is_static());
    assert_eq!(table.size(), 2);
    assert_eq!(table.maximum(), Some(10));
    assert_eq!(table.bytes_held(), 40);
    assert_eq!(table.vmtable().base, memory.memory().cast::<u8>().as_ptr());
}

#[test]
fn static_table_in_too_little_memory_names_both_numbers() {
    let memory = StaticMemory::new(8, 4);

    // SAFETY: zeroed, outlives the attempt, touched by nothing else.
    let error = unsafe { GcRefTable::new_static(&externref_table(3, None), memory.memory(), None) }
        .unwrap_err();

    assert!(matches!(
        error,
        GcTableError::Table(TableError::StaticMemoryTooSmall {
            bytes: 8,
            minimum: 3,
            required: 12
        })
    ));
}

#[test]
fn refused_minimum_is_a_limits_error() {
    let mut limiter = RecordingLimiter::new(LimiterPolicy::Refuse);

    let error = GcRefTable::new_dynamic(&externref_table(7, None), Some(&mut limiter)).unwrap_err();

    assert_eq!(
        error.to_string(),
        "table minimum size of 7 elements exceeds table limits"
    );
}

#[test]
fn async_constructors_build_both_storages() {
    let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);
    let dynamic = block_on(GcRefTable::new_dynamic_async(
        &externref_table(4, None),
        Some(&mut limiter),
    ))
    .unwrap();
    let memory = StaticMemory::new(16, 4);
    let ty = externref_table(4, None);
    // SAFETY: zeroed, outlives the table, touched by nothing else.
    let static_table =
        block_on(unsafe { GcRefTable::new_static_async(&ty, memory.memory(), Some(&mut limiter)) })
            .unwrap();
    let refused = block_on(GcRefTable::new_dynamic_async(
        &table_of(WasmHeapType::Func),
        Some(&mut limiter),
    ));

    assert_eq!((dynamic.size(), dynamic.is_static()), (4, false));
    assert_eq!((static_table.size(), static_table.is_static()), (4, true));
    assert!(matches!(
        refused,
        Err(GcTableError::WrongElementKind { .. })
    ));
    assert_eq!(limiter.calls.len(), 2);
}

#[test]
fn a_table_over_fresh_storage_holds_only_nulls() {
    let storage = TableStorage::<GcRefSlot>::new_dynamic(TableLimits::new(3, Some(3))).unwrap();

    let table = GcRefTable::from_storage(storage);

    assert_eq!(common::raw_slots(&table), [0, 0, 0]);
    assert_eq!(table.gc_roots().count(), 0);
}
