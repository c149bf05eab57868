//! Helpers shared by the integration tests: function records to point at, table types, and
//! tables over either storage.
#![allow(dead_code)]

use core::ffi::c_void;
use core::mem::align_of;
use core::ops::{Deref, DerefMut};
use core::ptr::NonNull;
use table_core::testing::StaticMemory;
use table_func::{FuncRef, FuncSlot, FuncTable, VMFuncRef, element_size};
use wasmtime_environ::{IndexType, Limits, Table, VMSharedTypeIndex, WasmRefType};

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

/// The storage a test table lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    Dynamic,
    Static,
}

pub const STORAGES: [Storage; 2] = [Storage::Dynamic, Storage::Static];
pub const LAZY: [bool; 2] = [false, true];

/// A 32-bit funcref table type.
pub fn funcref_type(min: u64, max: Option<u64>) -> Table {
    Table {
        idx_type: IndexType::I32,
        limits: Limits { min, max },
        ref_type: WasmRefType::FUNCREF,
    }
}

/// A table and, for static storage, the memory it lives in (dropped after the table).
///
/// The table is reached only through `Deref`, so it cannot be moved out of the memory's owner.
pub struct TestTable {
    table: FuncTable,
    _memory: Option<StaticMemory>,
}

impl TestTable {
    /// A table with `min` slots that can grow to `capacity` (the declared maximum of dynamic
    /// tables, the memory size of static ones).
    pub fn new(storage: Storage, lazy_init: bool, min: u64, capacity: usize) -> Self {
        let ty = funcref_type(min, Some(capacity as u64));
        match storage {
            Storage::Dynamic => TestTable {
                table: FuncTable::new_dynamic(&ty, lazy_init, None).expect("dynamic table"),
                _memory: None,
            },
            Storage::Static => {
                let memory = StaticMemory::new(capacity * element_size(), align_of::<FuncSlot>());
                // SAFETY: the memory is zeroed, owned by this `TestTable`, outlives the table
                // (fields drop in order) and is reached only through the table.
                let table = unsafe { FuncTable::new_static(&ty, lazy_init, memory.memory(), None) }
                    .expect("static table");
                TestTable {
                    table,
                    _memory: Some(memory),
                }
            }
        }
    }
}

impl Deref for TestTable {
    type Target = FuncTable;

    fn deref(&self) -> &FuncTable {
        &self.table
    }
}

impl DerefMut for TestTable {
    fn deref_mut(&mut self) -> &mut FuncTable {
        &mut self.table
    }
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
