// The crate page opens with the README's example, which uses every element kind; builds with
// fewer kinds (the feature matrix) leave it out, as its code would not compile there.
#![cfg_attr(
    all(feature = "func", feature = "gc"),
    doc = include_str!("../README.md")
)]
//!
//! After every `grow` — failed or not — re-read [`Table::vmtable`]: a dynamic table may move.
//!
//! # Kinds, not types
//!
//! The table layer checks element *kinds* (funcref, GC reference, continuation): a value or
//! segment of another kind, or a copy between kinds, is a typed error. It does not check
//! reference *types* within a kind, as Wasmtime's own table module does not: that is the
//! validator's job for compiled code and the embedder's for host calls. So copying out of an
//! `externref` table into an `anyref` table succeeds, and a non-nullable `(ref func)` table is
//! created with null slots (a valid module always initialises them, with the table's init
//! expression or an active segment, before code can read them):
//!
//! ```
//! # #[cfg(all(feature = "func", feature = "gc"))] {
//! use table_facade::wasmtime_environ::{
//!     IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType,
//! };
//! use table_facade::{Table, TableContext, TableValue};
//!
//! let table_of = |heap_type, nullable| TableType {
//!     idx_type: IndexType::I32,
//!     limits: Limits { min: 2, max: None },
//!     ref_type: WasmRefType { nullable, heap_type },
//! };
//! let tunables = Tunables::default_host();
//! let mut externs = Table::new_dynamic(&table_of(WasmHeapType::Extern, true), &tunables, None)?;
//! let mut anys = Table::new_dynamic(&table_of(WasmHeapType::Any, true), &tunables, None)?;
//! // Both hold GC references: the copy is not refused, though `externref` is not an `anyref`.
//! Table::copy(&mut anys, &externs, 0, 0, 2, &mut TableContext::new())?;
//!
//! // A `(ref func)` table starts with null slots, like Wasmtime's before its init expression.
//! let mut funcs = Table::new_dynamic(&table_of(WasmHeapType::Func, false), &tunables, None)?;
//! let mut no_initial_elements = |_| None;
//! let cx = &mut TableContext::new().with_func_resolver(&mut no_initial_elements);
//! assert!(matches!(funcs.get(0, cx)?, TableValue::Func(None)));
//! # }
//! # Ok::<(), table_facade::FacadeError>(())
//! ```
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
    self, AsyncTableLimiter, GrowFailure, LimiterError, NoLimiter, TableLimiter, VMTableDefinition,
    wasmtime_environ,
};
#[cfg(feature = "func")]
pub use table_func::{self, FuncRef, FuncTable, VMFuncRef};
#[cfg(feature = "gc")]
pub use table_gcref::{self, GcRefTable, GcStore, I31, VMGcRef};
