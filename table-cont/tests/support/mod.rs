//! Helpers shared by this crate's integration tests.
#![allow(dead_code)]

use core::num::NonZeroUsize;
use core::ptr::NonNull;
use table_cont::table_core::testing::StaticMemory;
use table_cont::table_core::wasmtime_environ::{
    IndexType, Limits, Table, WasmHeapType, WasmRefType,
};
use table_cont::{ContTable, VMContObj};

/// The two kinds of storage every operation is tested on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    Dynamic,
    Static,
}

/// Both storages, for tests that run once per storage.
pub const BOTH: [Storage; 2] = [Storage::Dynamic, Storage::Static];

/// Revisions at the edges of `usize`, which tables must store unchanged.
pub const REVISIONS: [usize; 5] = [0, 1, usize::MAX, usize::MAX / 2 + 1, 0x5a5a_a5a5];

/// A 32-bit continuation table type.
pub fn cont_type(min: u64, max: Option<u64>) -> Table {
    Table {
        idx_type: IndexType::I32,
        limits: Limits { min, max },
        ref_type: WasmRefType {
            nullable: true,
            heap_type: WasmHeapType::Cont,
        },
    }
}

/// A continuation reference to a made-up address; tables never dereference it.
pub fn cont(id: usize, revision: usize) -> VMContObj {
    let address = NonZeroUsize::new(0x1000 + id * 0x40).expect("non-zero address");
    VMContObj::new(NonNull::without_provenance(address), revision)
}

/// A table together with the static memory it may live in; the table is dropped first.
pub struct Fixture {
    pub table: ContTable,
    memory: Option<StaticMemory>,
}

impl Fixture {
    /// A table of type `cont_type(min, max)` in `storage`. Static memory holds `max` elements
    /// (or `min + 16` without a maximum).
    pub fn new(storage: Storage, min: u64, max: Option<u64>) -> Self {
        let ty = cont_type(min, max);
        match storage {
            Storage::Dynamic => Fixture {
                table: ContTable::new_dynamic(&ty, None).expect("dynamic table"),
                memory: None,
            },
            Storage::Static => {
                let elements = max.unwrap_or(min + 16) as usize;
                let memory = StaticMemory::new(
                    elements * ContTable::element_size(),
                    align_of::<VMContObj>(),
                );
                // SAFETY: the memory is zeroed, used only by this table, and outlives it (the
                // fixture drops `table` before `memory`).
                let table = unsafe { ContTable::new_static(&ty, memory.memory(), None) }
                    .expect("static table");
                Fixture {
                    table,
                    memory: Some(memory),
                }
            }
        }
    }
}
