//! WebAssembly tables of GC references: `anyref`, `externref` and `exnref` tables.
//!
//! A slot holds an `Option<VMGcRef>`: zero is null, an odd value is an unboxed `i31ref` that needs
//! no bookkeeping, and an even value indexes an object in the runtime's GC heap. Writing a heap
//! reference into a slot, or overwriting one, goes through the runtime's collector, which this
//! crate reaches through the [`GcStore`] trait: the new value is retained before the old one is
//! released. Every operation takes the store as an `Option`; when neither the old nor the new
//! values are heap references the store is not needed and bits move with plain slice operations
//! (with a store, range operations do so a block at a time, so one pass both checks and moves).
//!
//! Storage, bounds checks, creation limits and growth come from `table-core`; this crate adds only
//! the reference representation ([`VMGcRef`], [`I31`], [`GcRefSlot`]) and the barriers
//! ([`GcRefTable`]).
//!
//! Architecture invariant: this crate never names another element kind's crate.
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]

extern crate alloc;

mod barrier;
mod error;
mod gc_ref;
mod i31;
mod slot;
mod store;
mod table;

#[cfg(feature = "test-support")]
pub mod testing;

pub use error::{GcOperation, GcTableError, StoreNeed};
pub use gc_ref::VMGcRef;
pub use i31::I31;
pub use slot::GcRefSlot;
pub use store::GcStore;
pub use table::GcRefTable;

/// The storage layer this crate builds on, re-exported so users name one version.
pub use table_core;
