//! Wrapping storage: a GC-reference table over fresh storage of either kind, and the queries it
//! answers from it. (Creation from a table type, limiters and static memory are table-core's and
//! the facade's, and tested there.)

mod common;

use common::{STORAGES, Storage, externref_table, raw_slots};
use table_core::TableLimits;
use table_gcref::GcRefTable;
use table_testkit::Fixture;

#[test]
fn a_table_reports_size_maximum_bytes_held_and_its_definition() {
    for storage in STORAGES {
        let limits = TableLimits::for_table(&externref_table(5, None), None).unwrap();
        let table = Fixture::new(storage, limits, 10, GcRefTable::from_storage);

        assert_eq!(table.size(), 5);
        let maximum = if storage == Storage::Static {
            10
        } else {
            u32::MAX as usize
        };
        assert_eq!(table.maximum(), Some(maximum));
        assert_eq!(table.is_static(), storage == Storage::Static);
        assert_eq!(table.vmtable().current_elements, 5);
        let held = if storage == Storage::Static { 10 } else { 5 };
        assert_eq!(table.bytes_held(), held * 4, "{storage:?}");
    }
}

#[test]
fn a_table_over_fresh_storage_holds_only_nulls() {
    for storage in STORAGES {
        let table = Fixture::new(
            storage,
            TableLimits::new(3, Some(3)),
            3,
            GcRefTable::from_storage,
        );

        assert_eq!(raw_slots(&table), [0, 0, 0]);
        assert_eq!(table.gc_roots().count(), 0);
    }
}
