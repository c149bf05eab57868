#![doc = include_str!("../README.md")]
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
