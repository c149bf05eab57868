//! The errors a table operation can return, and what a resource limiter is told when growth fails.

use crate::LimiterError;

/// An access outside the table: the trap `table.get`/`set`/`fill`/`copy`/`init` raise for an
/// index or range past the table's size (the spec's "out of bounds table access").
///
/// A runtime turns it into its own trap; with the `wasmtime` feature it converts into
/// `wasmtime_environ::Trap::TableOutOfBounds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OutOfBounds;

impl core::fmt::Display for OutOfBounds {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("out of bounds table access")
    }
}

impl core::error::Error for OutOfBounds {}

/// Everything that can go wrong in table storage, with the numbers a caller needs.
///
/// A WebAssembly program observes only [`TableError::OutOfBounds`] (a trap); the other variants
/// are embedder-facing failures. A resource limiter's own error is carried unchanged in
/// [`TableError::Limiter`] so the caller can downcast it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TableError {
    /// An access outside the table: `table.get`/`set`/`fill`/`copy`/`init` out of range.
    #[error("{}", OutOfBounds)]
    OutOfBounds,

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
    Limiter(LimiterError),
}

impl TableError {
    /// Whether this is the out-of-bounds trap a WebAssembly program observes.
    pub fn is_out_of_bounds(&self) -> bool {
        matches!(self, TableError::OutOfBounds)
    }

    /// The trap a WebAssembly program observes for this error, if it is one.
    #[cfg(feature = "wasmtime")]
    pub fn as_trap(&self) -> Option<wasmtime_environ::Trap> {
        self.is_out_of_bounds()
            .then_some(wasmtime_environ::Trap::TableOutOfBounds)
    }

    /// The bytes a storage that could not grow asked for: those of
    /// [`TableError::OutOfMemory`], or the oversized request of
    /// [`TableError::ElementBytesOverflow`] (saturated). The grow procedure asks this only of
    /// storage failures; anything else would be a request of 0 bytes.
    pub(crate) fn bytes_requested(&self) -> usize {
        match self {
            TableError::OutOfMemory { bytes } => *bytes,
            TableError::ElementBytesOverflow {
                elements,
                element_size,
            } => elements.saturating_mul(*element_size),
            _ => 0,
        }
    }

    /// The limiter's own error, if this error came from a limiter.
    ///
    /// # Errors
    ///
    /// `self`, when it did not come from a limiter.
    pub fn into_limiter_error(self) -> Result<LimiterError, Self> {
        match self {
            TableError::Limiter(error) => Ok(error),
            other => Err(other),
        }
    }
}

impl From<OutOfBounds> for TableError {
    fn from(OutOfBounds: OutOfBounds) -> Self {
        TableError::OutOfBounds
    }
}

impl From<LimiterError> for TableError {
    fn from(error: LimiterError) -> Self {
        TableError::Limiter(error)
    }
}

/// Why a growth failed after the limiter, if any, was asked: what
/// [`TableLimiter::table_grow_failed`](crate::TableLimiter::table_grow_failed) is told. Each
/// leaves the table unchanged and the growth reports "no growth" (the spec's -1), unless the
/// limiter answers the news with an error of its own.
///
/// A limiter's refusal (`table_growing` answering `false`) is not reported back to it: it
/// decided that itself.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum GrowFailure<'a> {
    /// The new size does not fit in `usize`, or passes the table's size limit
    /// ([`TableLimits::size_limit`](crate::TableLimits::size_limit)). Told before the limiter
    /// is asked to approve anything.
    Overflow,
    /// The new size passes the table's maximum (or the capacity of static memory).
    MaximumExceeded,
    /// The limiter's [`table_growth_charge`](crate::TableLimiter::table_growth_charge) refused
    /// the growth with this error (a fuel-metered runtime out of fuel); the growth then fails
    /// with it.
    ChargeRefused(&'a LimiterError),
    /// The memory could not be allocated (or its size in bytes does not fit an allocation).
    OutOfMemory {
        /// The size of the allocation that failed, in bytes.
        bytes: usize,
    },
}

impl core::fmt::Display for GrowFailure<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            GrowFailure::Overflow => f.write_str(GROW_OVERFLOW),
            GrowFailure::MaximumExceeded => f.write_str(GROW_MAXIMUM_EXCEEDED),
            GrowFailure::ChargeRefused(error) => write!(f, "growth charge refused: {error}"),
            GrowFailure::OutOfMemory { bytes } => TableError::OutOfMemory { bytes: *bytes }.fmt(f),
        }
    }
}

/// What [`GrowFailure::Overflow`] displays as: the message Wasmtime's limiter is given.
pub(crate) const GROW_OVERFLOW: &str = "overflow calculating new table size";
/// What [`GrowFailure::MaximumExceeded`] displays as: the message Wasmtime's limiter is given.
pub(crate) const GROW_MAXIMUM_EXCEEDED: &str = "Table maximum size exceeded";

/// The failure of an operation on slots that may need the element kind's slow path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SlowPathError {
    /// An access outside the table; nothing was written.
    #[error("{}", OutOfBounds)]
    OutOfBounds,

    /// A slot needed the slow path and the operation had no way to take it (a write whose
    /// writer refuses slow slots, [`SlowSlots::Refused`](crate::SlowSlots::Refused)); nothing was
    /// written.
    #[error("slot {index} needs the element kind's slow path")]
    Unavailable {
        /// The table index of the first such slot: of the destination when a value to be written
        /// is slow, or when `overwritten`, the slot that would be overwritten.
        index: u64,
        /// Whether it is a slot that would be overwritten (rather than a value to be written).
        overwritten: bool,
    },
}

impl From<OutOfBounds> for SlowPathError {
    fn from(OutOfBounds: OutOfBounds) -> Self {
        SlowPathError::OutOfBounds
    }
}

/// The failure of a write charged to a meter ([`Metered`](crate::Metered)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeteredError<E> {
    /// An access outside the table; nothing was charged or written.
    OutOfBounds,
    /// The meter refused the charge with this error; nothing was written.
    Charge(E),
}

impl<E> From<OutOfBounds> for MeteredError<E> {
    fn from(OutOfBounds: OutOfBounds) -> Self {
        MeteredError::OutOfBounds
    }
}

impl<E: core::fmt::Display> core::fmt::Display for MeteredError<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            MeteredError::OutOfBounds => OutOfBounds.fmt(f),
            MeteredError::Charge(error) => error.fmt(f),
        }
    }
}

impl<E: core::error::Error> core::error::Error for MeteredError<E> {}
