#![doc = include_str!("../README.md")]
//!
//! Architecture invariant: this crate never names an element kind.
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]

extern crate alloc;

mod block_on;
mod element;
mod error;
mod forward;
mod limiter;
mod limits;
mod range;
mod scan;
mod storage;
mod vmtable;

pub use element::TableElement;
pub use error::{SlowPathError, TableError};
pub use forward::StorageBacked;
pub use limiter::{AsyncTableLimiter, NoLimiter, TableLimiter};
pub use limits::TableLimits;
pub use range::check_range;
pub use storage::TableStorage;
pub use vmtable::VMTableDefinition;

/// The vocabulary shared with Wasmtime, re-exported so element crates and users name one version.
pub use wasmtime_environ;
