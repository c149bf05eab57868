//! The uniform table handle: construction, queries and typed access.

use crate::{FacadeError, TableElementType};
use core::future::Future;
use core::ptr::NonNull;
use table_core::{
    AsyncTableLimiter, StorageBacked, TableElement, TableLimiter, TableLimits, TableStorage,
    VMTableDefinition,
};
use wasmtime_environ::{Table as TableType, Tunables};

#[cfg(feature = "cont")]
use table_cont::ContTable;
#[cfg(feature = "func")]
use table_func::FuncTable;
#[cfg(feature = "gc")]
use table_gcref::GcRefTable;

#[cfg(not(any(feature = "func", feature = "gc", feature = "cont")))]
compile_error!("table-facade needs at least one of the features `func`, `gc` and `cont`");

/// A WebAssembly table of any element kind, in dynamic or static storage.
#[derive(Debug)]
pub enum Table {
    /// A funcref table (eager or lazily initialised).
    #[cfg(feature = "func")]
    Func(FuncTable),
    /// A GC-reference table (`externref`, `anyref`, `exnref`).
    #[cfg(feature = "gc")]
    GcRef(GcRefTable),
    /// A continuation table.
    #[cfg(feature = "cont")]
    Cont(ContTable),
}

static_assertions::assert_impl_all!(Table: Send, Sync);

/// Runs `$body` with `$table` bound to the per-kind table, whatever the kind.
macro_rules! each_kind {
    ($self:expr, $table:ident => $body:expr) => {
        match $self {
            #[cfg(feature = "func")]
            Table::Func($table) => $body,
            #[cfg(feature = "gc")]
            Table::GcRef($table) => $body,
            #[cfg(feature = "cont")]
            Table::Cont($table) => $body,
        }
    };
}

/// Where a new table's slots live.
#[derive(Clone, Copy)]
enum Placement {
    Dynamic,
    /// Caller-provided memory, under `Table::new_static`'s safety contract.
    Static(NonNull<[u8]>),
}

// SAFETY: `Table::new_static`'s contract gives the table exclusive use of static memory from the
// call on, so moving a placement to another thread (inside `new_static_async`'s future) moves no
// access anyone else has; dynamic placement carries nothing.
unsafe impl Send for Placement {}

impl Table {
    /// Creates a table of type `ty` in owned memory, lazily initialised if it is a funcref table
    /// and `tunables.table_lazy_init` is set. The limiter is asked to approve the minimum.
    ///
    /// # Errors
    ///
    /// [`FacadeError::KindDisabled`] when the type's element kind is compiled out (the limiter is
    /// not asked); otherwise the creation errors of `table-core` (refused or overflowing
    /// minimum, allocation failure).
    pub fn new_dynamic(
        ty: &TableType,
        tunables: &Tunables,
        limiter: Option<&mut dyn TableLimiter>,
    ) -> Result<Self, FacadeError> {
        let kind = enabled_kind(ty)?;
        let limits = TableLimits::for_table(ty, limiter)?;
        // SAFETY: dynamic placement carries no caller memory.
        unsafe { Self::place(kind, tunables, Placement::Dynamic, limits) }
    }

    /// [`Table::new_dynamic`] with an asynchronous limiter.
    ///
    /// # Errors
    ///
    /// As for [`Table::new_dynamic`].
    pub async fn new_dynamic_async<L: AsyncTableLimiter + ?Sized>(
        ty: &TableType,
        tunables: &Tunables,
        limiter: Option<&mut L>,
    ) -> Result<Self, FacadeError> {
        let kind = enabled_kind(ty)?;
        let limits = TableLimits::for_table_async(ty, limiter).await?;
        // SAFETY: dynamic placement carries no caller memory.
        unsafe { Self::place(kind, tunables, Placement::Dynamic, limits) }
    }

    /// Creates a table of type `ty` in `memory` handed in by a pooling allocator. The table never
    /// frees, moves or clears the memory; its capacity is the whole elements that fit, capped by
    /// the type's maximum.
    ///
    /// # Errors
    ///
    /// As for [`Table::new_dynamic`], plus misaligned or too small memory.
    ///
    /// # Safety
    ///
    /// `memory` must be valid for reads and writes for as long as the table lives, must not be
    /// accessed other than through the table (and the [`VMTableDefinition`] it hands out) during
    /// that time, and every byte of it must be zero.
    pub unsafe fn new_static(
        ty: &TableType,
        tunables: &Tunables,
        memory: NonNull<[u8]>,
        limiter: Option<&mut dyn TableLimiter>,
    ) -> Result<Self, FacadeError> {
        let kind = enabled_kind(ty)?;
        let limits = TableLimits::for_table(ty, limiter)?;
        // SAFETY: the caller's promises about `memory` are `place`'s.
        unsafe { Self::place(kind, tunables, Placement::Static(memory), limits) }
    }

    /// [`Table::new_static`] with an asynchronous limiter.
    ///
    /// # Errors
    ///
    /// As for [`Table::new_static`].
    ///
    /// # Safety
    ///
    /// As for [`Table::new_static`].
    pub unsafe fn new_static_async<'a, L: AsyncTableLimiter + ?Sized>(
        ty: &'a TableType,
        tunables: &'a Tunables,
        memory: NonNull<[u8]>,
        limiter: Option<&'a mut L>,
    ) -> impl Future<Output = Result<Self, FacadeError>> + 'a {
        let placement = Placement::Static(memory);
        async move {
            let kind = enabled_kind(ty)?;
            let limits = TableLimits::for_table_async(ty, limiter).await?;
            // SAFETY: the caller's promises about `memory` are `place`'s.
            unsafe { Self::place(kind, tunables, placement, limits) }
        }
    }

    /// Builds the per-kind table over storage with approved `limits`.
    ///
    /// # Safety
    ///
    /// For `Placement::Static(memory)`, `memory` meets [`Table::new_static`]'s contract.
    #[cfg_attr(not(feature = "func"), allow(unused_variables))]
    unsafe fn place(
        kind: TableElementType,
        tunables: &Tunables,
        placement: Placement,
        limits: TableLimits,
    ) -> Result<Self, FacadeError> {
        Ok(match kind {
            #[cfg(feature = "func")]
            TableElementType::Func => Table::Func(FuncTable::from_storage(
                // SAFETY: forwarded from this function's contract.
                unsafe { storage(placement, limits) }?,
                tunables.table_lazy_init,
            )),
            #[cfg(feature = "gc")]
            TableElementType::GcRef => Table::GcRef(GcRefTable::from_storage(
                // SAFETY: forwarded from this function's contract.
                unsafe { storage(placement, limits) }?,
            )),
            #[cfg(feature = "cont")]
            TableElementType::Cont => Table::Cont(ContTable::from_storage(
                // SAFETY: forwarded from this function's contract.
                unsafe { storage(placement, limits) }?,
            )),
            #[allow(unreachable_patterns, reason = "reachable when a kind is compiled out")]
            kind => return Err(disabled(kind)),
        })
    }

    /// The element kind of this table.
    pub fn element_type(&self) -> TableElementType {
        match self {
            #[cfg(feature = "func")]
            Table::Func(_) => TableElementType::Func,
            #[cfg(feature = "gc")]
            Table::GcRef(_) => TableElementType::GcRef,
            #[cfg(feature = "cont")]
            Table::Cont(_) => TableElementType::Cont,
        }
    }

    /// The number of elements in the table.
    pub fn size(&self) -> usize {
        each_kind!(self, table => table.size())
    }

    /// The most elements the table can hold: the static capacity, or the type's maximum
    /// (`u32::MAX` for an unbounded 32-bit table; `None` when it does not fit in `usize`).
    pub fn maximum(&self) -> Option<usize> {
        each_kind!(self, table => table.maximum())
    }

    /// Whether the table lives in static (pooling-allocator) memory.
    pub fn is_static(&self) -> bool {
        each_kind!(self, table => table.is_static())
    }

    /// The bytes of memory the table holds: its allocated or static capacity times the element
    /// size.
    pub fn bytes_held(&self) -> usize {
        each_kind!(self, table => table.bytes_held())
    }

    /// The definition compiled code reads. Re-read it after every `grow`, failed or not: a
    /// dynamic table may move. Accesses through it follow the aliasing contract of
    /// [`VMTableDefinition`].
    pub fn vmtable(&self) -> VMTableDefinition {
        each_kind!(self, table => table.vmtable())
    }

    fn wrong_kind(&self, requested: TableElementType) -> FacadeError {
        FacadeError::WrongTableKind {
            requested,
            actual: self.element_type(),
        }
    }
}

/// Typed access to the per-kind table.
impl Table {
    /// The table as a [`FuncTable`].
    ///
    /// # Errors
    ///
    /// [`FacadeError::WrongTableKind`] when the table is of another kind.
    #[cfg(feature = "func")]
    pub fn as_func(&self) -> Result<&FuncTable, FacadeError> {
        match self {
            Table::Func(table) => Ok(table),
            #[allow(unreachable_patterns, reason = "reachable with other kinds enabled")]
            _ => Err(self.wrong_kind(TableElementType::Func)),
        }
    }

    /// The table as a mutable [`FuncTable`].
    ///
    /// # Errors
    ///
    /// [`FacadeError::WrongTableKind`] when the table is of another kind.
    #[cfg(feature = "func")]
    pub fn as_func_mut(&mut self) -> Result<&mut FuncTable, FacadeError> {
        match self {
            Table::Func(table) => Ok(table),
            #[allow(unreachable_patterns, reason = "reachable with other kinds enabled")]
            other => Err(other.wrong_kind(TableElementType::Func)),
        }
    }

    /// The table as a [`GcRefTable`].
    ///
    /// # Errors
    ///
    /// [`FacadeError::WrongTableKind`] when the table is of another kind.
    #[cfg(feature = "gc")]
    pub fn as_gc_ref(&self) -> Result<&GcRefTable, FacadeError> {
        match self {
            Table::GcRef(table) => Ok(table),
            #[allow(unreachable_patterns, reason = "reachable with other kinds enabled")]
            _ => Err(self.wrong_kind(TableElementType::GcRef)),
        }
    }

    /// The table as a mutable [`GcRefTable`].
    ///
    /// # Errors
    ///
    /// [`FacadeError::WrongTableKind`] when the table is of another kind.
    #[cfg(feature = "gc")]
    pub fn as_gc_ref_mut(&mut self) -> Result<&mut GcRefTable, FacadeError> {
        match self {
            Table::GcRef(table) => Ok(table),
            #[allow(unreachable_patterns, reason = "reachable with other kinds enabled")]
            other => Err(other.wrong_kind(TableElementType::GcRef)),
        }
    }

    /// The table as a [`ContTable`].
    ///
    /// # Errors
    ///
    /// [`FacadeError::WrongTableKind`] when the table is of another kind.
    #[cfg(feature = "cont")]
    pub fn as_cont(&self) -> Result<&ContTable, FacadeError> {
        match self {
            Table::Cont(table) => Ok(table),
            #[allow(unreachable_patterns, reason = "reachable with other kinds enabled")]
            _ => Err(self.wrong_kind(TableElementType::Cont)),
        }
    }

    /// The table as a mutable [`ContTable`].
    ///
    /// # Errors
    ///
    /// [`FacadeError::WrongTableKind`] when the table is of another kind.
    #[cfg(feature = "cont")]
    pub fn as_cont_mut(&mut self) -> Result<&mut ContTable, FacadeError> {
        match self {
            Table::Cont(table) => Ok(table),
            #[allow(unreachable_patterns, reason = "reachable with other kinds enabled")]
            other => Err(other.wrong_kind(TableElementType::Cont)),
        }
    }
}

/// An empty funcref table that cannot grow (maximum 0), as a placeholder a VM can hold before it
/// instantiates anything.
#[cfg(feature = "func")]
impl Default for Table {
    fn default() -> Self {
        let storage = TableStorage::new_dynamic(TableLimits::new(0, Some(0)))
            .expect("a zero-element dynamic table allocates nothing");
        Table::Func(FuncTable::from_storage(storage, false))
    }
}

/// The element kind of `ty`, if this build holds it.
fn enabled_kind(ty: &TableType) -> Result<TableElementType, FacadeError> {
    let kind = TableElementType::of(&ty.ref_type);
    if kind.is_enabled() {
        Ok(kind)
    } else {
        Err(disabled(kind))
    }
}

fn disabled(kind: TableElementType) -> FacadeError {
    FacadeError::KindDisabled {
        kind,
        feature: kind.feature(),
    }
}

/// Storage of slot type `T` with `limits`, placed as asked.
///
/// # Safety
///
/// For `Placement::Static(memory)`, `memory` meets [`Table::new_static`]'s contract.
unsafe fn storage<T: TableElement>(
    placement: Placement,
    limits: TableLimits,
) -> Result<TableStorage<T>, FacadeError> {
    Ok(match placement {
        Placement::Dynamic => TableStorage::new_dynamic(limits)?,
        // SAFETY: forwarded from this function's contract.
        Placement::Static(memory) => unsafe { TableStorage::new_static(memory, limits) }?,
    })
}
