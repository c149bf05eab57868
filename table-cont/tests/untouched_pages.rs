//! A huge continuation table costs no page touches at creation (`docs/semantics.md` §3).
//!
//! Alone in its test binary so no other test's allocations move the resident-set figure.

mod support;

use support::cont_type;
use table_cont::table_core::{TableElement, TableLimits, TableStorage};
use table_cont::{ContSlot, ContTable, VMContObj};
use table_testkit::{StaticMemory, resident_bytes};

const ELEMENTS: usize = 10_000_000;
/// Far below the 160 MB the slots span on 64-bit hosts.
const ALLOWED_GROWTH: usize = 16 << 20;

fn assert_all_null(table: &ContTable) {
    assert_eq!(table.size(), ELEMENTS);
    assert!(table.elements().all(|element| element.is_none()));
    assert_eq!(table.get(0).unwrap(), None);
    assert_eq!(table.get(ELEMENTS as u64 - 1).unwrap(), None);
}

#[test]
fn ten_million_element_tables_are_created_without_touching_their_pages() {
    let limits = TableLimits::for_table(&cont_type(ELEMENTS as u64, None), None).unwrap();

    let before = resident_bytes();
    let table =
        ContTable::from_storage(TableStorage::new_dynamic(limits, ContSlot::EMPTY, None).unwrap());
    let growth = resident_bytes().saturating_sub(before);
    assert!(
        growth < ALLOWED_GROWTH,
        "dynamic creation touched {growth} bytes"
    );
    assert_all_null(&table);
    drop(table);

    let memory = StaticMemory::new(
        ELEMENTS * <ContSlot as TableElement>::SIZE,
        align_of::<VMContObj>(),
    );
    let before = resident_bytes();
    // SAFETY: zeroed memory used by no one else that outlives the table.
    let table = ContTable::from_storage(
        unsafe { TableStorage::new_static(memory.memory(), limits) }.unwrap(),
    );
    let growth = resident_bytes().saturating_sub(before);
    assert!(
        growth < ALLOWED_GROWTH,
        "static creation touched {growth} bytes"
    );
    assert_all_null(&table);
}
