//! Dynamic storage: zeroing allocation, accounting and the table definition
//! (`docs/semantics.md` §3 and §7).

use std::mem::size_of;
use table_core::Bits;
use table_core::{TableLimits, TableStorage};
use table_testkit::{TestSlot, resident_bytes};

#[test]
fn hundred_million_slot_table_is_created_without_touching_its_pages() {
    const SLOTS: usize = 100_000_000;
    let before = resident_bytes();
    let storage =
        TableStorage::<TestSlot>::new_dynamic(TableLimits::new(SLOTS, None), TestSlot(0), None)
            .unwrap();
    let grown = resident_bytes().saturating_sub(before);
    assert!(grown < 16 << 20, "creation made {grown} bytes resident");
    assert_eq!(storage.size(), SLOTS);
    assert_eq!(storage.bytes_held(), SLOTS * size_of::<TestSlot>());
    assert!(storage.slots().iter().all(|slot| *slot == TestSlot(0)));
}

#[test]
fn zero_minimum_allocates_nothing() {
    let storage =
        TableStorage::<TestSlot>::new_dynamic(TableLimits::new(0, None), TestSlot(0), None)
            .unwrap();
    assert_eq!(storage.bytes_held(), 0);
    assert_eq!(storage.vmtable().current_elements, 0);
}

#[test]
fn bytes_held_is_capacity_times_element_size() {
    let mut storage =
        TableStorage::<TestSlot>::new_dynamic(TableLimits::new(3, None), TestSlot(0), None)
            .unwrap();
    assert_eq!(storage.bytes_held(), 3 * 8);
    storage.grow(1, TestSlot(0), None, Bits).unwrap();
    // Doubling leaves spare capacity, and it is counted.
    assert_eq!(storage.bytes_held(), 6 * 8);
}

#[test]
fn vmtable_is_refreshed_after_growth_moves_the_table() {
    let mut storage =
        TableStorage::<TestSlot>::new_dynamic(TableLimits::new(2, None), TestSlot(0), None)
            .unwrap();
    storage.slots_mut()[1] = TestSlot(42);
    storage.grow(1000, TestSlot(0), None, Bits).unwrap();
    let definition = storage.vmtable();
    assert_eq!(definition.current_elements, 1002);
    assert_eq!(definition.base, storage.slots_mut().as_mut_ptr().cast());
    // SAFETY: `base` points at 1002 live slots of the storage, which is not otherwise borrowed.
    let second = unsafe { *definition.base.cast::<TestSlot>().add(1) };
    assert_eq!(second, TestSlot(42));
}

#[test]
fn dynamic_maximum_is_the_declared_one() {
    let storage =
        TableStorage::<TestSlot>::new_dynamic(TableLimits::new(1, Some(7)), TestSlot(0), None)
            .unwrap();
    assert_eq!(storage.maximum(), Some(7));
    assert!(!storage.is_static());
}

#[test]
fn oversized_minimum_fails_with_an_error_naming_the_sizes() {
    let error = TableStorage::<TestSlot>::new_dynamic(
        TableLimits::new(usize::MAX / 4, None),
        TestSlot(0),
        None,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{} elements of 8 bytes exceed the largest possible allocation",
            usize::MAX / 4
        )
    );
    let error =
        TableStorage::<TestSlot>::new_dynamic(TableLimits::new(1 << 40, None), TestSlot(0), None)
            .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("failed to allocate {} bytes for table storage", 8u64 << 40)
    );
}
