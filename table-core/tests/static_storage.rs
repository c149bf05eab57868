//! Static storage over caller-provided memory (DESIGN section 3).

use std::mem::size_of;
use table_core::testing::{StaticMemory, TestSlot};
use table_core::{TableError, TableLimits, TableStorage};

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
    assert_eq!(storage.grow(7, None).unwrap(), Some(3));
    assert_eq!(storage.grow(1, None).unwrap(), None);
}

#[test]
fn static_capacity_is_capped_by_the_maximum() {
    let memory = StaticMemory::new(10 * SLOT, 8);
    let mut storage = place(&memory, TableLimits::new(2, Some(4))).unwrap();
    assert_eq!(storage.maximum(), Some(4));
    assert_eq!(storage.bytes_held(), 4 * SLOT);
    assert_eq!(storage.grow(3, None).unwrap(), None);
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
fn odd_length_memory_is_rejected() {
    let memory = StaticMemory::new(3 * SLOT + 5, 8);
    let error = place(&memory, TableLimits::new(1, None)).unwrap_err();
    assert!(matches!(
        error,
        TableError::StaticMemoryOddLength {
            bytes: 29,
            element_size: 8
        }
    ));
}

#[test]
fn empty_memory_holds_an_empty_table_only() {
    let memory = StaticMemory::new(0, 8);
    let mut storage = place(&memory, TableLimits::new(0, None)).unwrap();
    assert_eq!(storage.size(), 0);
    assert_eq!(storage.grow(1, None).unwrap(), None);
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
fn minimum_beyond_capped_capacity_is_rejected_naming_both() {
    let memory = StaticMemory::new(10 * SLOT, 8);
    let error = place(&memory, TableLimits::new(6, Some(5))).unwrap_err();
    assert!(matches!(
        error,
        TableError::MinimumExceedsStaticCapacity {
            minimum: 6,
            capacity: 5
        }
    ));
    assert_eq!(
        error.to_string(),
        "initial table size of 6 exceeds the static capacity of 5 elements"
    );
}

#[test]
fn creation_and_growth_never_write_to_the_memory() {
    let memory = StaticMemory::new(4 * SLOT, 8);
    let pattern = [0x11u8; 4 * SLOT];
    // SAFETY: the block is 4 slots long and not yet shared with any storage.
    unsafe {
        memory
            .memory()
            .cast::<u8>()
            .as_ptr()
            .copy_from(pattern.as_ptr(), pattern.len())
    };
    let mut storage = place(&memory, TableLimits::new(1, None)).unwrap();
    assert_eq!(storage.grow(3, None).unwrap(), Some(1));
    assert!(
        storage
            .as_slice()
            .iter()
            .all(|s| s.0 == 0x1111_1111_1111_1111)
    );
}

#[test]
fn static_storage_never_moves() {
    let memory = StaticMemory::new(8 * SLOT, 8);
    let mut storage = place(&memory, TableLimits::new(1, None)).unwrap();
    let before = storage.vmtable();
    assert_eq!(before.base, memory.memory().cast::<u8>().as_ptr());
    storage.grow(7, None).unwrap();
    let after = storage.vmtable();
    assert_eq!(after.base, before.base);
    assert_eq!(after.current_elements, 8);
}
