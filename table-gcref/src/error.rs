//! The errors a GC-reference table operation can return.

use table_core::{OutOfBounds, SlowPathError, TableError};
use wasmtime_environ::Trap;

/// Everything that can go wrong with a GC-reference table.
///
/// A WebAssembly program observes only out-of-bounds traps ([`GcTableError::as_trap`]); the other
/// variants are embedder bugs or embedder-facing failures.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GcTableError {
    /// A storage, bounds, limits or growth error from `table-core`.
    #[error(transparent)]
    Table(#[from] TableError),

    /// An operation had to copy, write or overwrite a heap reference but was given no
    /// [`GcStore`](crate::GcStore). Nothing was written.
    #[error("{operation} {need} in table slot {index}, which needs a GC store, but none was given")]
    GcStoreRequired {
        /// The operation that was refused.
        operation: GcOperation,
        /// What the operation would have done to a heap reference.
        need: StoreNeed,
        /// The first table slot where it would have done so.
        index: u64,
    },

    /// A heap index that is zero or odd: those bit patterns mean null and `i31ref`.
    #[error("{index:#x} is not a GC heap index: heap indices are even and non-zero")]
    InvalidHeapIndex {
        /// The index given.
        index: u32,
    },
}

impl GcTableError {
    /// The trap a WebAssembly program observes for this error, if it is one.
    pub fn as_trap(&self) -> Option<Trap> {
        match self {
            GcTableError::Table(error) => error.as_trap(),
            _ => None,
        }
    }
}

impl GcTableError {
    /// The error of a bulk `operation` that table-core refused: a trap, or a heap reference to
    /// write or overwrite without a store.
    pub(crate) fn of_bulk(operation: GcOperation, error: SlowPathError) -> Self {
        match error {
            SlowPathError::OutOfBounds => OutOfBounds.into(),
            SlowPathError::Unavailable { index, overwritten } => GcTableError::GcStoreRequired {
                operation,
                need: if overwritten {
                    StoreNeed::Overwrite
                } else {
                    StoreNeed::Write
                },
                index,
            },
        }
    }
}

impl From<OutOfBounds> for GcTableError {
    fn from(OutOfBounds: OutOfBounds) -> Self {
        GcTableError::Table(TableError::OutOfBounds)
    }
}

/// The table operation named in [`GcTableError::GcStoreRequired`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GcOperation {
    /// [`GcRefTable::get_cloned`](crate::GcRefTable::get_cloned).
    Get,
    /// [`GcRefTable::set`](crate::GcRefTable::set).
    Set,
    /// [`GcRefTable::fill`](crate::GcRefTable::fill).
    Fill,
    /// [`GcRefTable::grow`](crate::GcRefTable::grow).
    Grow,
    /// [`GcRefTable::init`](crate::GcRefTable::init).
    Init,
    /// [`GcRefTable::copy_within`](crate::GcRefTable::copy_within) and
    /// [`GcRefTable::copy_from`](crate::GcRefTable::copy_from).
    Copy,
}

impl core::fmt::Display for GcOperation {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            GcOperation::Get => "table.get",
            GcOperation::Set => "table.set",
            GcOperation::Fill => "table.fill",
            GcOperation::Grow => "table.grow",
            GcOperation::Init => "table.init",
            GcOperation::Copy => "table.copy",
        })
    }
}

/// What an operation would have done to a heap reference, in [`GcTableError::GcStoreRequired`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreNeed {
    /// Hand out an owned copy of the heap reference in a slot.
    Clone,
    /// Write a heap reference into a slot.
    Write,
    /// Overwrite the heap reference a slot holds.
    Overwrite,
}

impl core::fmt::Display for StoreNeed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            StoreNeed::Clone => "clones a heap reference",
            StoreNeed::Write => "writes a heap reference",
            StoreNeed::Overwrite => "overwrites a heap reference",
        })
    }
}
