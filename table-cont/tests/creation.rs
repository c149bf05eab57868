//! Wrapping storage: continuation tables over static memory sized in 16-byte slots, and the
//! queries they answer. (Creation from a table type, limiters and static memory errors are
//! table-core's and the facade's, and tested there.)

mod support;

use support::cont_type;
use table_cont::table_core::{TableElement, TableLimits, TableStorage};
use table_cont::{ContSlot, ContTable, VMContObj};
use table_testkit::{StaticMemory, StorageKind};

/// A continuation table of `cont_type(1, max)` in `memory`.
fn in_memory(memory: &StaticMemory, max: Option<u64>) -> ContTable {
    let limits = TableLimits::for_table(&cont_type(1, max), None).unwrap();
    // SAFETY: zeroed memory used by no one else that outlives the table.
    ContTable::from_storage(unsafe { TableStorage::new_static(memory.memory(), limits) }.unwrap())
}

#[test]
fn static_maximum_is_the_capacity_capped_by_the_type() {
    let memory = StaticMemory::new(10 * ContSlot::SIZE, align_of::<VMContObj>());
    let table = in_memory(&memory, Some(6));
    assert_eq!(table.maximum(), Some(6));
    assert_eq!(table.bytes_held(), 6 * ContSlot::SIZE);
    drop(table);
    assert_eq!(in_memory(&memory, None).maximum(), Some(10));
}

/// A pool whose slots are sized for 8-byte elements (5 of them here) holds a continuation table
/// of 16-byte elements with half the count; the trailing 8 bytes are never used.
#[test]
fn memory_sized_for_eight_byte_slots_holds_half_as_many_continuations() {
    let memory = StaticMemory::new(5 * 8, align_of::<VMContObj>());
    let mut table = in_memory(&memory, None);
    assert_eq!(table.maximum(), Some(2));
    assert_eq!(table.bytes_held(), 2 * ContSlot::SIZE);
    assert_eq!(table.grow(1, None, None).unwrap(), Some(1));
    assert_eq!(table.grow(1, None, None).unwrap(), None);
}

#[test]
fn a_table_over_fresh_storage_holds_only_nulls() {
    for kind in StorageKind::BOTH {
        let fixture = support::new_fixture(kind, 3, Some(3));
        assert!(
            fixture.elements().all(|element| element.is_none()),
            "{kind:?}"
        );
        assert_eq!(fixture.size(), 3);
    }
}
