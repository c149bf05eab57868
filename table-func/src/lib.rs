//! Funcref tables for WebAssembly runtimes, with Wasmtime's lazy-initialisation tagging.
//!
//! A funcref table's slots hold pointers to [`VMFuncRef`] records, laid out exactly as
//! `wasmtime-environ` tells compiled code. A table is created *eager* (a slot holds null or a plain
//! pointer) or *lazy* (a zero slot means "not yet initialised" and every written slot carries
//! [`FUNCREF_INIT_BIT`](wasmtime_environ::FUNCREF_INIT_BIT)); [`FuncSlot`] is that encoding and
//! [`FuncTable`] the table built on `table-core`'s storage, which owns every bounds check, the
//! growth procedure and the limiter calls. The table never dereferences a function reference.
//!
//! Architecture invariant: this crate names no other element kind.
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]

extern crate alloc;

mod access;
mod copy;
mod error;
mod lazy;
mod slot;
mod table;
mod vm_func_ref;

pub use error::FuncTableError;
pub use slot::{FuncSlot, FuncSlotValue};
pub use table::FuncTable;
pub use vm_func_ref::{FuncRef, VMFuncRef};

/// The storage crate this crate builds on, re-exported so users name one version.
pub use table_core;
