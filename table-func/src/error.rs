//! The errors a funcref table operation can return.

use table_core::{OutOfBounds, TableError};
use wasmtime_environ::Trap;

/// Everything that can go wrong with a [`FuncTable`](crate::FuncTable).
///
/// Storage failures (out-of-bounds traps, creation limits, static memory, limiter errors) come
/// from `table-core` unchanged in [`FuncTableError::Table`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FuncTableError {
    /// A storage, bounds or limits failure.
    #[error(transparent)]
    Table(#[from] TableError),

    /// A convenience read found a lazy table's slot not yet initialised.
    #[error(
        "funcref table slot {index} is not initialised yet; resolve the module's initial element first"
    )]
    Uninitialized {
        /// The slot that was read.
        index: u64,
    },
}

impl From<OutOfBounds> for FuncTableError {
    fn from(OutOfBounds: OutOfBounds) -> Self {
        FuncTableError::Table(TableError::OutOfBounds)
    }
}

impl FuncTableError {
    /// The trap a WebAssembly program observes for this error, if it is one.
    pub fn as_trap(&self) -> Option<Trap> {
        match self {
            FuncTableError::Table(error) => error.as_trap(),
            _ => None,
        }
    }
}
