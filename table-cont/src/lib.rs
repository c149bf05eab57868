//! Continuation tables: WebAssembly tables whose elements are `contref`s (stack switching).
//!
//! A continuation reference is a [`VMContObj`]: a non-null pointer to a runtime-owned
//! [`VMContRef`] plus the revision counter that tells a live continuation from a resumed one. A
//! slot holds `Option<VMContObj>`, whose all-zero bit pattern is the empty (null) element, so new
//! tables and grown slots come zeroed from `table-core` with no per-slot writes.
//!
//! This crate adds only what is true of the element: its layout (checked against what
//! `wasmtime-environ` tells compiled code) and the slot type [`ContSlot`]. Storage, bounds checks,
//! limits and growth are `table-core`'s, reached through [`ContTable`].
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]

extern crate alloc;

mod cont_obj;
mod slot;
mod table;

pub use cont_obj::{VMContObj, VMContRef};
pub use slot::ContSlot;
pub use table::ContTable;

/// The storage crate this one builds on, re-exported so users name one version.
pub use table_core;
