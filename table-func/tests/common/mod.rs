//! Helpers shared by the integration tests: function records to point at, table types, and
//! tables over either storage.
#![allow(dead_code)]

use core::ffi::c_void;
use core::ptr::NonNull;
use table_core::TableLimits;
use table_func::{FuncInit, FuncRef, FuncTable, VMFuncRef};
use table_testkit::Fixture;
use wasmtime_environ::{Table, VMSharedTypeIndex, WasmHeapType};

/// A set of `VMFuncRef` records that live for the whole test, so their addresses can be stored.
pub struct Funcs {
    records: Box<[VMFuncRef]>,
}

impl Funcs {
    pub fn new(count: usize) -> Self {
        let records = (0..count)
            .map(|index| VMFuncRef {
                array_call: NonNull::<c_void>::dangling(),
                wasm_call: None,
                type_index: VMSharedTypeIndex::new(index as u32),
                vmctx: NonNull::<c_void>::dangling(),
            })
            .collect();
        Funcs { records }
    }

    /// The function reference for record `index`.
    pub fn get(&self, index: usize) -> FuncRef {
        NonNull::from(&self.records[index])
    }

    /// Which record `func` points to.
    pub fn id_of(&self, func: FuncRef) -> usize {
        let base = self.records.as_ptr().addr();
        (func.as_ptr().addr() - base) / core::mem::size_of::<VMFuncRef>()
    }
}

pub use table_testkit::StorageKind as Storage;

pub const STORAGES: [Storage; 2] = Storage::BOTH;
pub const LAZY: [bool; 2] = [false, true];

/// A 32-bit funcref table type.
pub fn funcref_type(min: u64, max: Option<u64>) -> Table {
    table_testkit::table_type(WasmHeapType::Func, min, max)
}

/// A table and, for static storage, the memory it lives in (dropped after the table).
pub type TestTable = Fixture<FuncTable>;

/// A table with `min` slots that can grow to `capacity` (the declared maximum of dynamic
/// tables, the memory size of static ones).
pub fn new_table(storage: Storage, lazy_init: bool, min: u64, capacity: usize) -> TestTable {
    let limits = TableLimits::new(min as usize, Some(capacity));
    Fixture::new(storage, limits, capacity, |slots| {
        FuncTable::from_storage(slots, FuncInit::lazy_if(lazy_init))
    })
}

/// Every (storage, lazy) combination.
pub fn combinations() -> impl Iterator<Item = (Storage, bool)> {
    STORAGES
        .into_iter()
        .flat_map(|storage| LAZY.into_iter().map(move |lazy| (storage, lazy)))
}

/// The raw address a slot holds.
pub fn word(table: &FuncTable, index: u64) -> usize {
    table.read_raw(index).expect("in bounds").into_raw().addr()
}

/// A resolver that must never be called.
pub fn no_resolve(index: u64) -> Option<FuncRef> {
    panic!("resolver called for initialised slot {index}")
}
