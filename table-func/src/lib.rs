#![doc = include_str!("../README.md")]
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
pub use table::{FuncInit, FuncTable};
pub use vm_func_ref::{FuncRef, VMFuncRef};

/// The storage crate this crate builds on, re-exported so users name one version.
pub use table_core;
