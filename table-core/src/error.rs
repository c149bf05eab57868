//! The errors a table operation can return.

use wasmtime_environ::Trap;
use wasmtime_environ::error::{Error, OutOfMemory};

/// Everything that can go wrong in table storage, with the numbers a caller needs.
///
/// A WebAssembly program observes only [`TableError::Trap`] (see [`TableError::as_trap`]); the
/// other variants are embedder-facing failures. A resource limiter's own error is carried unchanged
/// in [`TableError::Limiter`] so the caller can downcast it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TableError {
    /// An access outside the table: `table.get`/`set`/`fill`/`copy`/`init` out of range.
    #[error("{0}")]
    Trap(Trap),

    /// The table type's minimum cannot be satisfied: a limiter refused it, it does not fit in
    /// `usize`, or it is larger than the maximum.
    #[error("table minimum size of {minimum} elements exceeds table limits")]
    MinimumExceedsLimits {
        /// The declared minimum, in elements.
        minimum: u64,
    },

    /// Static memory does not start at an address aligned for the element.
    #[error(
        "static table memory at {address:#x} is not aligned to the element alignment of {align} bytes"
    )]
    StaticMemoryMisaligned {
        /// The address of the memory handed in.
        address: usize,
        /// The alignment an element needs, in bytes.
        align: usize,
    },

    /// Static memory is too small to hold the table type's minimum.
    #[error(
        "static table memory of {bytes} bytes is too small for the minimum of {minimum} elements ({required} bytes)"
    )]
    StaticMemoryTooSmall {
        /// The length of the memory handed in, in bytes.
        bytes: usize,
        /// The table type's minimum, in elements.
        minimum: usize,
        /// The bytes the minimum needs.
        required: usize,
    },

    /// The allocator could not provide memory for the table.
    #[error("failed to allocate {bytes} bytes for table storage")]
    OutOfMemory {
        /// The size of the allocation that failed, in bytes.
        bytes: usize,
    },

    /// A number of elements whose size in bytes does not fit in an allocation.
    #[error("{elements} elements of {element_size} bytes exceed the largest possible allocation")]
    ElementBytesOverflow {
        /// The number of elements requested.
        elements: usize,
        /// The size of one element, in bytes.
        element_size: usize,
    },

    /// A resource limiter returned an error; it is passed through unchanged.
    #[error("{0}")]
    Limiter(Error),
}

impl TableError {
    /// The trap a WebAssembly program observes for this error, if it is one.
    pub fn as_trap(&self) -> Option<Trap> {
        match self {
            TableError::Trap(trap) => Some(*trap),
            _ => None,
        }
    }

    /// The [`OutOfMemory`] error a runtime built on Wasmtime recognises for a storage that
    /// could not grow: the bytes of [`TableError::OutOfMemory`], or of the oversized request of
    /// [`TableError::ElementBytesOverflow`] (saturated). The grow procedure asks this only of
    /// storage failures; anything else would be a request of 0 bytes.
    pub(crate) fn out_of_memory(&self) -> OutOfMemory {
        OutOfMemory::new(match self {
            TableError::OutOfMemory { bytes } => *bytes,
            TableError::ElementBytesOverflow {
                elements,
                element_size,
            } => elements.saturating_mul(*element_size),
            _ => 0,
        })
    }

    /// The limiter's own error, if this error came from a limiter.
    pub fn into_limiter_error(self) -> Result<Error, Self> {
        match self {
            TableError::Limiter(error) => Ok(error),
            other => Err(other),
        }
    }
}

impl From<Trap> for TableError {
    fn from(trap: Trap) -> Self {
        TableError::Trap(trap)
    }
}

impl From<OutOfMemory> for TableError {
    fn from(oom: OutOfMemory) -> Self {
        TableError::OutOfMemory {
            bytes: oom.requested_allocation_size(),
        }
    }
}

/// The failure of an operation on slots that may need the element kind's slow path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SlowPathError {
    /// An access outside the table; nothing was written.
    #[error("{0}")]
    Trap(Trap),

    /// A slot needed the slow path and the operation had no way to take it (a bulk write given
    /// no writer, or a conversion of a slot still to be resolved); nothing was written.
    #[error("slot {index} needs the element kind's slow path")]
    Unavailable {
        /// The table index of the first such slot: of the destination when a value to be written
        /// is slow, or when `overwritten`, the slot that would be overwritten.
        index: u64,
        /// Whether it is a slot that would be overwritten (rather than a value to be written).
        overwritten: bool,
    },
}

impl From<Trap> for SlowPathError {
    fn from(trap: Trap) -> Self {
        SlowPathError::Trap(trap)
    }
}
