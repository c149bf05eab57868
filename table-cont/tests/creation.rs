//! Creating continuation tables: element-type check, limits, limiter calls, static memory.

mod support;

use support::{Storage, cont, cont_type};
use table_cont::table_core::TableError;
use table_cont::table_core::testing::{
    LimiterCall, LimiterPolicy, RecordingLimiter, StaticMemory, block_on,
};
use table_cont::table_core::wasmtime_environ::{
    EngineOrModuleTypeIndex, IndexType, Limits, Table, VMSharedTypeIndex, WasmHeapType, WasmRefType,
};
use table_cont::{ContTable, ContTableError, VMContObj};

fn funcref_type() -> Table {
    Table {
        idx_type: IndexType::I32,
        limits: Limits { min: 1, max: None },
        ref_type: WasmRefType::FUNCREF,
    }
}

fn static_memory(elements: usize) -> StaticMemory {
    StaticMemory::new(
        elements * ContTable::element_size(),
        align_of::<VMContObj>(),
    )
}

#[test]
fn non_continuation_table_types_are_rejected_before_the_limiter_is_asked() {
    let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);
    let error = ContTable::new_dynamic(&funcref_type(), Some(&mut limiter)).unwrap_err();
    assert!(
        matches!(error, ContTableError::WrongElementKind { ref_type } if ref_type == WasmRefType::FUNCREF)
    );
    assert!(
        error.to_string().contains("not a continuation table"),
        "{error}"
    );
    assert!(limiter.calls.is_empty());

    let memory = static_memory(4);
    // SAFETY: zeroed memory used by no one else that outlives the (not created) table.
    let result = unsafe { ContTable::new_static(&funcref_type(), memory.memory(), None) };
    assert!(matches!(
        result,
        Err(ContTableError::WrongElementKind { .. })
    ));
}

#[test]
fn concrete_and_bottom_continuation_types_are_accepted() {
    let concrete =
        WasmHeapType::ConcreteCont(EngineOrModuleTypeIndex::Engine(VMSharedTypeIndex::new(3)));
    for heap_type in [concrete, WasmHeapType::NoCont] {
        let mut ty = cont_type(1, None);
        ty.ref_type = WasmRefType {
            nullable: true,
            heap_type,
        };
        assert_eq!(ContTable::new_dynamic(&ty, None).unwrap().size(), 1);
    }
}

#[test]
fn creation_asks_the_limiter_for_the_minimum() {
    let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);
    let table = ContTable::new_dynamic(&cont_type(4, Some(10)), Some(&mut limiter)).unwrap();
    assert_eq!(table.size(), 4);
    assert_eq!(
        limiter.calls,
        [LimiterCall::Growing {
            current: 0,
            desired: 4,
            maximum: Some(10),
            answer: Some(true),
        }]
    );
}

#[test]
fn refused_creation_reports_the_minimum_for_both_storages() {
    for storage in support::BOTH {
        let ty = cont_type(4, Some(10));
        let mut limiter = RecordingLimiter::new(LimiterPolicy::Refuse);
        let memory = static_memory(10);
        let result = match storage {
            Storage::Dynamic => ContTable::new_dynamic(&ty, Some(&mut limiter)),
            // SAFETY: zeroed memory used by no one else that outlives the table.
            Storage::Static => unsafe {
                ContTable::new_static(&ty, memory.memory(), Some(&mut limiter))
            },
        };
        let error = result.unwrap_err();
        assert!(
            matches!(
                error,
                ContTableError::Table(TableError::MinimumExceedsLimits { minimum: 4 })
            ),
            "{storage:?}: {error}"
        );
        assert_eq!(
            error.to_string(),
            "table minimum size of 4 elements exceeds table limits"
        );
        assert_eq!(error.as_trap(), None);
    }
}

#[test]
fn async_creation_works_for_both_storages() {
    let ty = cont_type(3, Some(8));
    let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);
    let dynamic = block_on(ContTable::new_dynamic_async(&ty, Some(&mut limiter))).unwrap();
    assert_eq!((dynamic.size(), dynamic.is_static()), (3, false));

    let memory = static_memory(8);
    // SAFETY: zeroed memory used by no one else that outlives the table.
    let mut table =
        block_on(unsafe { ContTable::new_static_async(&ty, memory.memory(), Some(&mut limiter)) })
            .unwrap();
    assert_eq!((table.size(), table.is_static()), (3, true));
    assert_eq!(table.maximum(), Some(8));
    table.set(2, Some(cont(2, usize::MAX))).unwrap();
    assert_eq!(table.get(2).unwrap(), Some(cont(2, usize::MAX)));
    assert_eq!(limiter.calls.len(), 2);

    let mut refusing = RecordingLimiter::new(LimiterPolicy::Refuse);
    let error = block_on(ContTable::new_dynamic_async(&ty, Some(&mut refusing))).unwrap_err();
    assert!(matches!(
        error,
        ContTableError::Table(TableError::MinimumExceedsLimits { minimum: 3 })
    ));
}

#[test]
fn static_memory_too_small_for_the_minimum_names_both_numbers() {
    let memory = static_memory(2);
    // SAFETY: zeroed memory used by no one else that outlives the (not created) table.
    let error =
        unsafe { ContTable::new_static(&cont_type(3, None), memory.memory(), None) }.unwrap_err();
    assert!(matches!(
        error,
        ContTableError::Table(TableError::StaticMemoryTooSmall { minimum: 3, .. })
    ));
    let size = ContTable::element_size();
    assert_eq!(
        error.to_string(),
        format!(
            "static table memory of {} bytes is too small for the minimum of 3 elements ({} bytes)",
            2 * size,
            3 * size
        )
    );
}

#[test]
fn misaligned_static_memory_is_rejected() {
    let memory = StaticMemory::with_offset(4 * ContTable::element_size(), 16, 4);
    // SAFETY: zeroed memory used by no one else that outlives the (not created) table.
    let error =
        unsafe { ContTable::new_static(&cont_type(1, None), memory.memory(), None) }.unwrap_err();
    assert!(matches!(
        error,
        ContTableError::Table(TableError::StaticMemoryMisaligned { .. })
    ));
}

#[test]
fn static_maximum_is_the_capacity_capped_by_the_type() {
    let memory = static_memory(10);
    // SAFETY: zeroed memory used by no one else that outlives the table.
    let table =
        unsafe { ContTable::new_static(&cont_type(1, Some(6)), memory.memory(), None) }.unwrap();
    assert_eq!(table.maximum(), Some(6));
    assert_eq!(table.bytes_held(), 6 * ContTable::element_size());
    // SAFETY: as above.
    let table =
        unsafe { ContTable::new_static(&cont_type(1, None), memory.memory(), None) }.unwrap();
    assert_eq!(table.maximum(), Some(10));
}

/// A pool whose slots are sized for 8-byte elements (5 of them here) holds a continuation table
/// of 16-byte elements with half the count; the trailing 8 bytes are never used.
#[test]
fn memory_sized_for_eight_byte_slots_holds_half_as_many_continuations() {
    let memory = StaticMemory::new(5 * 8, align_of::<VMContObj>());
    // SAFETY: zeroed memory used by no one else that outlives the table.
    let mut table =
        unsafe { ContTable::new_static(&cont_type(1, None), memory.memory(), None) }.unwrap();
    assert_eq!(table.maximum(), Some(2));
    assert_eq!(table.bytes_held(), 2 * ContTable::element_size());
    assert_eq!(table.grow(1, None, None).unwrap(), Some(1));
    assert_eq!(table.grow(1, None, None).unwrap(), None);
}

#[test]
fn unbounded_dynamic_tables_report_the_index_type_maximum() {
    let table = ContTable::new_dynamic(&cont_type(0, None), None).unwrap();
    assert_eq!(table.maximum(), Some(u32::MAX as usize));
    let mut ty = cont_type(0, None);
    ty.idx_type = IndexType::I64;
    let table = ContTable::new_dynamic(&ty, None).unwrap();
    assert_eq!(table.maximum(), Some(u64::MAX as usize));
}
