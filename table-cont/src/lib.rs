#![doc = include_str!("../README.md")]
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
