//! Wrapping storage: a funcref table reads the slots of the storage it is given in its mode.
//! (Creation from a table type, limiters and static memory are table-core's and the facade's,
//! and tested there.)

mod common;

use common::{LAZY, STORAGES};
use table_core::TableLimits;
use table_func::{FuncInit, FuncSlotValue, FuncTable};
use table_testkit::Fixture;

#[test]
fn from_storage_reads_fresh_slots_in_the_given_mode() {
    for storage in STORAGES {
        for lazy in LAZY {
            let limits = TableLimits::new(2, Some(2));
            let table = Fixture::new(storage, limits, 2, |slots| {
                FuncTable::from_storage(slots, FuncInit::lazy_if(lazy))
            });
            let expected = if lazy {
                FuncSlotValue::Uninitialized
            } else {
                FuncSlotValue::Null
            };
            assert_eq!(table.read(1).unwrap(), expected);
            assert_eq!(table.is_lazy(), lazy);
            assert_eq!(table.is_static(), storage == common::Storage::Static);
        }
    }
}
