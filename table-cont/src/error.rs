//! The errors continuation tables return.

use table_core::TableError;
use table_core::wasmtime_environ::{Trap, WasmRefType};

/// Everything a continuation-table operation can fail with.
///
/// Storage failures, out-of-bounds traps and limiter errors come from `table-core` unchanged in
/// [`ContTableError::Table`]; a WebAssembly program observes only the trap ([`Self::as_trap`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ContTableError {
    /// A storage, bounds or limits failure (see [`TableError`]).
    #[error(transparent)]
    Table(#[from] TableError),

    /// A table type whose elements are not continuations.
    #[error("a table of `{ref_type}` elements is not a continuation table")]
    WrongElementKind {
        /// The element type of the table type given.
        ref_type: WasmRefType,
    },
}

impl ContTableError {
    /// The trap a WebAssembly program observes for this error, if it is one.
    pub fn as_trap(&self) -> Option<Trap> {
        match self {
            ContTableError::Table(error) => error.as_trap(),
            ContTableError::WrongElementKind { .. } => None,
        }
    }
}

impl From<Trap> for ContTableError {
    fn from(trap: Trap) -> Self {
        ContTableError::Table(TableError::from(trap))
    }
}
