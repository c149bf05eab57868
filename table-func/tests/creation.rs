//! Creating funcref tables: from table types, with limiters, over both storages.

mod common;

use common::{LAZY, funcref_type};
use core::mem::align_of;
use table_core::testing::{LimiterCall, LimiterPolicy, RecordingLimiter, StaticMemory, block_on};
use table_core::{TableError, TableLimits, TableStorage};
use table_func::{FuncSlot, FuncSlotValue, FuncTable, FuncTableError, element_size};
use wasmtime_environ::{IndexType, Limits, Table, WasmRefType};

fn externref_type() -> Table {
    Table {
        idx_type: IndexType::I32,
        limits: Limits { min: 1, max: None },
        ref_type: WasmRefType::EXTERNREF,
    }
}

#[test]
fn a_non_funcref_table_type_is_refused_by_every_constructor() {
    let ty = externref_type();
    let memory = StaticMemory::new(4 * element_size(), align_of::<FuncSlot>());
    let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);
    let results = [
        FuncTable::new_dynamic(&ty, true, Some(&mut limiter)),
        block_on(FuncTable::new_dynamic_async(&ty, true, Some(&mut limiter))),
        // SAFETY: the memory is zeroed, outlives the (never created) table and is not shared.
        unsafe { FuncTable::new_static(&ty, true, memory.memory(), Some(&mut limiter)) },
        // SAFETY: as above.
        block_on(unsafe {
            FuncTable::new_static_async(&ty, true, memory.memory(), Some(&mut limiter))
        }),
    ];
    for result in results {
        let error = result.unwrap_err();
        assert!(matches!(error, FuncTableError::WrongElementKind { .. }));
        assert!(error.to_string().contains("externref"), "{error}");
    }
    // The element type is checked before the limiter is consulted.
    assert!(limiter.calls.is_empty());
}

#[test]
fn creation_asks_the_limiter_for_the_minimum() {
    let ty = funcref_type(3, Some(7));
    let expected = vec![LimiterCall::Growing {
        current: 0,
        desired: 3,
        maximum: Some(7),
        answer: Some(true),
    }];
    let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);
    let table = FuncTable::new_dynamic(&ty, true, Some(&mut limiter)).unwrap();
    assert_eq!(table.size(), 3);
    assert_eq!(limiter.calls, expected);

    let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);
    let table = block_on(FuncTable::new_dynamic_async(&ty, false, Some(&mut limiter))).unwrap();
    assert_eq!((table.size(), table.is_lazy()), (3, false));
    assert_eq!(limiter.calls, expected);

    let memory = StaticMemory::new(5 * element_size(), align_of::<FuncSlot>());
    let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);
    // SAFETY: the memory is zeroed, outlives the table and is reached only through it.
    let future =
        unsafe { FuncTable::new_static_async(&ty, true, memory.memory(), Some(&mut limiter)) };
    let table = block_on(future).unwrap();
    assert_eq!((table.size(), table.maximum()), (3, Some(5)));
    assert_eq!(limiter.calls, expected);
}

#[test]
fn refused_minimum_fails_creation_with_the_number() {
    let ty = funcref_type(12, None);
    let mut limiter = RecordingLimiter::new(LimiterPolicy::Refuse);
    let error = FuncTable::new_dynamic(&ty, true, Some(&mut limiter)).unwrap_err();
    assert!(matches!(
        error,
        FuncTableError::Table(TableError::MinimumExceedsLimits { minimum: 12 })
    ));
    assert!(error.to_string().contains("12"), "{error}");
}

#[test]
fn static_memory_too_small_for_the_minimum_names_both_numbers() {
    let ty = funcref_type(4, None);
    let memory = StaticMemory::new(2 * element_size(), align_of::<FuncSlot>());
    // SAFETY: the memory is zeroed, outlives the (never created) table and is not shared.
    let error = unsafe { FuncTable::new_static(&ty, true, memory.memory(), None) }.unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains(&(2 * element_size()).to_string()),
        "{message}"
    );
    assert!(message.contains('4'), "{message}");
}

#[test]
fn misaligned_static_memory_is_refused() {
    let ty = funcref_type(1, None);
    let memory = StaticMemory::with_offset(2 * element_size(), align_of::<FuncSlot>(), 1);
    // SAFETY: the memory is zeroed, outlives the (never created) table and is not shared.
    let error = unsafe { FuncTable::new_static(&ty, false, memory.memory(), None) }.unwrap_err();
    assert!(matches!(
        error,
        FuncTableError::Table(TableError::StaticMemoryMisaligned { .. })
    ));
}

#[test]
fn from_storage_reads_fresh_slots_in_the_given_mode() {
    for lazy in LAZY {
        let storage = TableStorage::new_dynamic(TableLimits::new(2, Some(2))).unwrap();
        let table = FuncTable::from_storage(storage, lazy);
        let expected = if lazy {
            FuncSlotValue::Uninitialized
        } else {
            FuncSlotValue::Null
        };
        assert_eq!(table.read(1).unwrap(), expected);
        assert!(!table.is_static());
    }
}
