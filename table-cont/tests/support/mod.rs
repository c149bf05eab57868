//! Helpers shared by this crate's integration tests.
#![allow(dead_code)]

use core::num::NonZeroUsize;
use core::ptr::NonNull;
use table_cont::table_core::TableLimits;
use table_cont::table_core::wasmtime_environ::{Table, WasmHeapType};
use table_cont::{ContTable, VMContObj};

pub use table_testkit::StorageKind as Storage;

/// Both storages, for tests that run once per storage.
pub const BOTH: [Storage; 2] = Storage::BOTH;

/// Revisions at the edges of `usize`, which tables must store unchanged.
pub const REVISIONS: [usize; 5] = [0, 1, usize::MAX, usize::MAX / 2 + 1, 0x5a5a_a5a5];

/// A 32-bit continuation table type.
pub fn cont_type(min: u64, max: Option<u64>) -> Table {
    table_testkit::table_type(WasmHeapType::Cont, min, max)
}

/// A continuation reference to a made-up address; tables never dereference it.
pub fn cont(id: usize, revision: usize) -> VMContObj {
    let address = NonZeroUsize::new(0x1000 + id * 0x40).expect("non-zero address");
    VMContObj::new(NonNull::without_provenance(address), revision)
}

/// A table together with the static memory it may live in; the table is dropped first.
pub type Fixture = table_testkit::Fixture<ContTable>;

/// A table of type `cont_type(min, max)` in `storage`. Static memory holds `max` elements (or
/// `min + 16` without a maximum).
pub fn new_fixture(storage: Storage, min: u64, max: Option<u64>) -> Fixture {
    let limits = TableLimits::for_table(&cont_type(min, max), None).expect("table limits");
    let elements = max.unwrap_or(min + 16) as usize;
    Fixture::new(storage, limits, elements, ContTable::from_storage)
}
