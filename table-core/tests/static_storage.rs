//! Static storage over caller-provided memory (`docs/semantics.md` §3).

use std::mem::size_of;
use table_core::Bits;
use table_core::{TableError, TableLimits, TableStorage};
use table_testkit::{StaticMemory, TestSlot};

const SLOT: usize = size_of::<TestSlot>();

fn place(memory: &StaticMemory, limits: TableLimits) -> Result<TableStorage<TestSlot>, TableError> {
    // SAFETY: test memory is zeroed, outlives the storage at every call site, and is used only
    // through the storage.
    unsafe { TableStorage::new_static(memory.memory(), limits) }
}

#[test]
fn capacity_is_the_number_of_whole_elements_in_memory() {
    let memory = StaticMemory::new(10 * SLOT, 8);
    let mut storage = place(&memory, TableLimits::new(3, None)).unwrap();
    assert_eq!(storage.maximum(), Some(10));
    assert_eq!(storage.bytes_held(), 10 * SLOT);
    assert_eq!(storage.grow(7, TestSlot(0), None, Bits).unwrap(), Some(3));
    assert_eq!(storage.grow(1, TestSlot(0), None, Bits).unwrap(), None);
}

#[test]
fn static_capacity_is_capped_by_the_maximum() {
    let memory = StaticMemory::new(10 * SLOT, 8);
    let mut storage = place(&memory, TableLimits::new(2, Some(4))).unwrap();
    assert_eq!(storage.maximum(), Some(4));
    assert_eq!(storage.bytes_held(), 4 * SLOT);
    assert_eq!(storage.grow(3, TestSlot(0), None, Bits).unwrap(), None);
}

#[test]
fn misaligned_memory_is_rejected_naming_address_and_alignment() {
    let memory = StaticMemory::with_offset(4 * SLOT, 8, 4);
    let error = place(&memory, TableLimits::new(1, None)).unwrap_err();
    let address = memory.memory().cast::<u8>().as_ptr().addr();
    assert!(matches!(
        error,
        TableError::StaticMemoryMisaligned { address: a, align: 8 } if a == address
    ));
    assert!(
        error
            .to_string()
            .contains("aligned to the element alignment of 8 bytes")
    );
}

#[test]
fn short_memory_is_rejected_naming_both_sizes() {
    let memory = StaticMemory::new(3 * SLOT, 8);
    let error = place(&memory, TableLimits::new(4, None)).unwrap_err();
    assert!(matches!(
        error,
        TableError::StaticMemoryTooSmall {
            bytes: 24,
            minimum: 4,
            required: 32
        }
    ));
    assert_eq!(
        error.to_string(),
        "static table memory of 24 bytes is too small for the minimum of 4 elements (32 bytes)"
    );
}

#[test]
fn trailing_bytes_that_make_no_whole_element_are_not_capacity() {
    let memory = StaticMemory::new(3 * SLOT + 5, 8);
    let mut storage = place(&memory, TableLimits::new(1, None)).unwrap();
    assert_eq!(storage.maximum(), Some(3));
    assert_eq!(storage.bytes_held(), 3 * SLOT);
    assert_eq!(storage.grow(2, TestSlot(0), None, Bits).unwrap(), Some(1));
    assert_eq!(storage.grow(1, TestSlot(0), None, Bits).unwrap(), None);
}

#[test]
fn empty_memory_at_any_alignment_holds_a_zero_capacity_table() {
    for offset in 0..8 {
        let memory = StaticMemory::with_offset(0, 8, offset);
        let mut storage = place(&memory, TableLimits::new(0, None)).unwrap();
        assert_eq!(storage.maximum(), Some(0));
        assert!(storage.slots().is_empty());
        assert_eq!(storage.vmtable().current_elements, 0);
        assert_eq!(storage.grow(1, TestSlot(0), None, Bits).unwrap(), None);
    }
}

#[test]
fn misaligned_memory_is_accepted_only_when_no_slot_can_be_addressed() {
    let memory = StaticMemory::with_offset(4 * SLOT, 8, 3);
    let storage = place(&memory, TableLimits::new(0, Some(0))).unwrap();
    assert_eq!(storage.maximum(), Some(0));
    assert!(matches!(
        place(&memory, TableLimits::new(0, Some(1))),
        Err(TableError::StaticMemoryMisaligned { align: 8, .. })
    ));
}

#[test]
fn minimum_above_maximum_is_refused_like_dynamic_storage() {
    let memory = StaticMemory::new(10 * SLOT, 8);
    let statically = place(&memory, TableLimits::new(5, Some(2))).unwrap_err();
    let dynamically =
        TableStorage::<TestSlot>::new_dynamic(TableLimits::new(5, Some(2)), TestSlot(0), None)
            .unwrap_err();
    for error in [statically, dynamically] {
        assert!(
            matches!(error, TableError::MinimumExceedsLimits { minimum: 5 }),
            "{error}"
        );
        assert_eq!(
            error.to_string(),
            "table minimum size of 5 elements exceeds table limits"
        );
    }
}

#[test]
fn empty_memory_holds_an_empty_table_only() {
    let memory = StaticMemory::new(0, 8);
    let mut storage = place(&memory, TableLimits::new(0, None)).unwrap();
    assert_eq!(storage.size(), 0);
    assert_eq!(storage.grow(1, TestSlot(0), None, Bits).unwrap(), None);
    assert!(matches!(
        place(&memory, TableLimits::new(1, None)),
        Err(TableError::StaticMemoryTooSmall {
            bytes: 0,
            minimum: 1,
            ..
        })
    ));
}

#[test]
fn creation_and_growth_never_write_to_the_memory() {
    let memory = StaticMemory::new(4 * SLOT, 8);
    let pattern = [0x11u8; SLOT];
    // SAFETY: the block is 4 slots long and not yet shared with any storage.
    unsafe {
        memory
            .memory()
            .cast::<u8>()
            .as_ptr()
            .copy_from(pattern.as_ptr(), pattern.len())
    };
    let mut storage = place(&memory, TableLimits::new(1, None)).unwrap();
    assert_eq!(storage.grow(3, TestSlot(0), None, Bits).unwrap(), Some(1));
    let slots: Vec<u64> = storage.slots().iter().map(|s| s.0).collect();
    assert_eq!(slots, [0x1111_1111_1111_1111, 0, 0, 0]);
}

/// Memory handed back by a pool that forgot to re-zero it: the words growth would expose are
/// stale, and debug builds stop there instead of handing them to the table.
#[cfg(debug_assertions)]
#[test]
#[should_panic(expected = "static table memory is not zero at slot 2")]
fn growth_over_memory_that_is_not_zero_panics_in_debug_builds() {
    let memory = StaticMemory::new(4 * SLOT, 8);
    // SAFETY: byte 0 of slot 2 is inside the block, which no storage uses yet.
    unsafe {
        memory
            .memory()
            .cast::<u8>()
            .as_ptr()
            .add(2 * SLOT)
            .write(0x5a)
    };
    let mut storage = place(&memory, TableLimits::new(1, None)).unwrap();
    assert_eq!(storage.grow(1, TestSlot(0), None, Bits).unwrap(), Some(1));
    let _ = storage.grow(2, TestSlot(0), None, Bits);
}

#[test]
fn static_storage_never_moves() {
    let memory = StaticMemory::new(8 * SLOT, 8);
    let mut storage = place(&memory, TableLimits::new(1, None)).unwrap();
    let before = storage.vmtable();
    assert_eq!(before.base, memory.memory().cast::<u8>().as_ptr());
    storage.grow(7, TestSlot(0), None, Bits).unwrap();
    let after = storage.vmtable();
    assert_eq!(after.base, before.base);
    assert_eq!(after.current_elements, 8);
}
