//! Element-agnostic storage for WebAssembly tables.
//!
//! `table-core` owns everything about a table that does not depend on what its slots hold:
//! the memory (owned and growable, or fixed and handed in by a pooling allocator), overflow-safe
//! bounds checks, the creation-limits and grow procedures with their resource-limiter calls, the
//! errors those produce, and the [`VMTableDefinition`] that compiled code reads.
//!
//! Element crates (`table-func`, `table-gcref`, `table-cont`) wrap a [`TableStorage`] of their own
//! slot type and add only what is true of their element: representation, tagging and barriers.
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
