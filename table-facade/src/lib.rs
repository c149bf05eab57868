//! One WebAssembly table type over every element kind, for VMs.
//!
//! A VM keeps tables of several element kinds side by side, hands their [`VMTableDefinition`]s to
//! compiled code and runs `table.*` instructions on them without caring which kind each is.
//! [`Table`] is that uniform handle: an enum with one variant per element kind, each behind a
//! cargo feature (`func`, `gc`, `cont`; all on by default), built from a
//! `wasmtime_environ::Table` type and `Tunables`, with the operations of the WebAssembly spec
//! dispatched by kind. Typed access (`as_func_mut`, ...) reaches the per-kind table for work the
//! facade does not wrap.
//!
//! After every `grow` — failed or not — re-read [`Table::vmtable`]: a dynamic table may move.
//!
//! Architecture invariant: this is the only crate that matches over element kinds.
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]

extern crate alloc;

mod context;
mod element_type;
mod error;
mod ops;
mod table;
mod value;

pub use context::TableContext;
pub use element_type::{NOMINAL_MAX_TABLE_ELEMENT_SIZE, TableElementType};
pub use error::FacadeError;
pub use table::Table;
pub use value::{ElementSegment, TableValue};

#[cfg(feature = "cont")]
pub use table_cont::{self, ContSlot, ContTable, VMContObj, VMContRef};
pub use table_core::{
    self, AsyncTableLimiter, NoLimiter, TableLimiter, VMTableDefinition, wasmtime_environ,
};
#[cfg(feature = "func")]
pub use table_func::{self, FuncRef, FuncTable, VMFuncRef};
#[cfg(feature = "gc")]
pub use table_gcref::{self, GcRefTable, GcStore, VMGcRef};
