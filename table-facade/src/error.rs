//! The errors of facade operations.

use crate::TableElementType;
use wasmtime_environ::Trap;

/// Everything that can go wrong with a [`Table`](crate::Table).
///
/// A WebAssembly program observes only traps ([`FacadeError::as_trap`]); the other variants are
/// embedder-facing failures or embedder bugs.
///
/// One fact arrives by one route: every storage, bounds, limits or growth error is
/// [`FacadeError::Core`], whichever per-kind table reported it (the `From` impls unwrap the
/// per-kind `Table(..)` variants; continuation tables report `table-core`'s errors directly), so a
/// caller matches traps and limiter errors in one place. The per-kind variants carry only what is
/// particular to that kind.
///
/// Examples: [`Table::set`](crate::Table::set) (the trap an error stands for),
/// [`Table::copy`](crate::Table::copy) (a copy between kinds).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FacadeError {
    /// A storage, bounds, limits or growth error from `table-core`.
    #[error(transparent)]
    Core(#[from] table_core::TableError),

    /// An error particular to funcref tables (an uninitialised slot without a resolver).
    #[cfg(feature = "func")]
    #[error(transparent)]
    Func(table_func::FuncTableError),

    /// An error particular to GC-reference tables (a missing GC store, an invalid heap index).
    #[cfg(feature = "gc")]
    #[error(transparent)]
    GcRef(table_gcref::GcTableError),

    /// The table type's element kind is compiled out of this build.
    #[error("{kind} tables need the `{feature}` feature of table-facade, which is disabled")]
    KindDisabled {
        /// The element kind of the table type.
        kind: TableElementType,
        /// The cargo feature that compiles it in.
        feature: &'static str,
    },

    /// A value (or element segment) of one kind was given to a table of another.
    #[error("a {value} value cannot be stored in a {table} table")]
    WrongValueKind {
        /// The table's element kind.
        table: TableElementType,
        /// The value's element kind.
        value: TableElementType,
    },

    /// A typed accessor asked for a kind the table is not.
    #[error("the table is a {actual} table, not a {requested} table")]
    WrongTableKind {
        /// The kind the caller asked for.
        requested: TableElementType,
        /// The table's element kind.
        actual: TableElementType,
    },

    /// `table.copy` between tables of different element kinds.
    #[error("cannot copy from a {src} table into a {dst} table")]
    CopyBetweenKinds {
        /// The destination table's element kind.
        dst: TableElementType,
        /// The source table's element kind.
        src: TableElementType,
    },
}

impl FacadeError {
    /// The trap a WebAssembly program observes for this error, if it is one.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "cont")] {
    /// use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// use table_facade::wasmtime_environ::Trap;
    /// use table_facade::{Table, TableContext, TableValue};
    ///
    /// let ty = TableType {
    ///     idx_type: IndexType::I32,
    ///     limits: Limits { min: 1, max: None },
    ///     ref_type: WasmRefType { nullable: true, heap_type: WasmHeapType::Cont },
    /// };
    /// let mut table = Table::new_dynamic(&ty, &Tunables::default_host(), None)?;
    /// let error = table.fill(0, &TableValue::Cont(None), 2, &mut TableContext::new()).unwrap_err();
    /// // What the WebAssembly program sees: the trap `table.fill` raises.
    /// assert_eq!(error.as_trap(), Some(Trap::TableOutOfBounds));
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
    pub fn as_trap(&self) -> Option<Trap> {
        match self {
            FacadeError::Core(error) => error.as_trap(),
            _ => None,
        }
    }
}

#[cfg(feature = "func")]
impl From<table_func::FuncTableError> for FacadeError {
    fn from(error: table_func::FuncTableError) -> Self {
        match error {
            table_func::FuncTableError::Table(core) => FacadeError::Core(core),
            other => FacadeError::Func(other),
        }
    }
}

#[cfg(feature = "gc")]
impl From<table_gcref::GcTableError> for FacadeError {
    fn from(error: table_gcref::GcTableError) -> Self {
        match error {
            table_gcref::GcTableError::Table(core) => FacadeError::Core(core),
            other => FacadeError::GcRef(other),
        }
    }
}
