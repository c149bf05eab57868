#![doc = include_str!("../README.md")]
//!
//! Architecture invariant: this crate never names an element kind, and without its `wasmtime`
//! feature it names nothing of Wasmtime's.
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]

extern crate alloc;

mod complete_now;
mod cpu;
mod element;
mod error;
mod limiter;
mod limits;
mod meter;
mod range;
mod scan;
mod storage;
mod storage_queries;
mod vmtable;
#[cfg(feature = "wasmtime")]
mod wasmtime;
mod writer;

pub use element::TableElement;
pub use error::{GrowFailure, MeteredError, OutOfBounds, SlowPathError, TableError};
pub use limiter::{AsyncTableLimiter, LimiterError, NoLimiter, TableLimiter};
pub use limits::TableLimits;
pub use meter::TableMeter;
pub use range::check_range;
pub use storage::TableStorage;
pub use vmtable::VMTableDefinition;
pub use writer::{AsSlots, Barrier, Bits, Encode, Metered, Refuse, SlotWriter, SlowSlots};

/// The vocabulary shared with Wasmtime, re-exported so element crates and users name one version.
#[cfg(feature = "wasmtime")]
pub use wasmtime_environ;
