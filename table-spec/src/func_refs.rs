//! The `VMFuncRef` record of every function instance, as funcref tables store them.
//!
//! A VM gives each function one record (entry points, canonical type index, callee context)
//! and stores pointers to it in tables. This interpreter calls functions by store address, so
//! the entry points and context are markers that are never called; the records give each
//! function a stable identity that survives tagging, copying and lazy resolution in the tables,
//! and map back to the function on the way out.

use std::collections::HashMap;
use std::ffi::c_void;
use std::ptr::NonNull;

use table_facade::wasmtime_environ::VMSharedTypeIndex;
use table_facade::{FuncRef, VMFuncRef};
use wasmtime_environ::wasmparser::types::CoreTypeId;

use crate::value::FuncAddr;

/// What a record's entry points and context point at: no code runs through them here.
static NOT_CALLED_THROUGH_RECORDS: u64 = 0;

/// Every function's record, and the engine-wide type indices they carry.
#[derive(Debug, Default)]
pub struct FuncRefs {
    /// Records allocated with `Box::into_raw`, so their addresses never change and no `Box`
    /// asserts unique access while tables hold pointers to them; freed on drop.
    records: Vec<FuncRef>,
    by_address: HashMap<usize, FuncAddr>,
    shared_types: HashMap<CoreTypeId, VMSharedTypeIndex>,
}

impl FuncRefs {
    /// The engine-wide index of a canonical type (assigned on first use).
    pub fn shared_type(&mut self, ty: CoreTypeId) -> VMSharedTypeIndex {
        let next = u32::try_from(self.shared_types.len()).unwrap_or(u32::MAX - 1);
        *self
            .shared_types
            .entry(ty)
            .or_insert_with(|| VMSharedTypeIndex::new(next))
    }

    /// Creates the record of function `addr` (addresses are registered in order).
    pub fn register(&mut self, addr: FuncAddr, ty: CoreTypeId) {
        let marker = NonNull::from(&NOT_CALLED_THROUGH_RECORDS).cast::<c_void>();
        let record = NonNull::from(Box::leak(Box::new(VMFuncRef {
            array_call: marker,
            wasm_call: None,
            type_index: self.shared_type(ty),
            vmctx: marker,
        })));
        self.by_address.insert(record.as_ptr().addr(), addr);
        debug_assert_eq!(self.records.len(), addr);
        self.records.push(record);
    }

    /// The pointer a table stores for function `addr`.
    pub fn func_ref(&self, addr: FuncAddr) -> Option<FuncRef> {
        self.records.get(addr).copied()
    }

    /// The function a table's pointer refers to.
    pub fn func_of(&self, func_ref: FuncRef) -> Option<FuncAddr> {
        self.by_address.get(&func_ref.as_ptr().addr()).copied()
    }
}

impl Drop for FuncRefs {
    fn drop(&mut self) {
        for record in self.records.drain(..) {
            // SAFETY: every record came from `Box::leak` in `register` and is freed only here,
            // once; the tables that held pointers to it belong to the same store and are
            // dropped with it (never read through these pointers in any case).
            drop(unsafe { Box::from_raw(record.as_ptr()) });
        }
    }
}
