//! The uniform table handle: construction, queries and typed access.

use crate::{FacadeError, TableElementType};
use core::future::Future;
use core::ptr::NonNull;
use table_core::{
    AsyncTableLimiter, TableElement, TableLimiter, TableLimits, TableStorage, VMTableDefinition,
};
use wasmtime_environ::{Table as TableType, Tunables};

#[cfg(feature = "cont")]
use table_cont::ContTable;
#[cfg(feature = "func")]
use table_func::{FuncInit, FuncTable};
#[cfg(feature = "gc")]
use table_gcref::GcRefTable;

#[cfg(not(any(feature = "func", feature = "gc", feature = "cont")))]
compile_error!("table-facade needs at least one of the features `func`, `gc` and `cont`");

/// A WebAssembly table of any element kind, in dynamic or static storage.
///
/// The crate documentation opens with an example of a VM using tables of two kinds; each
/// operation has its own example ([`Table::new_dynamic`], [`Table::get`], [`Table::grow`],
/// [`Table::copy`], ...).
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
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "func")] {
    /// use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// use table_facade::Table;
    ///
    /// // `(table 1 100 funcref)`, with no resource limiter.
    /// let ty = TableType {
    ///     idx_type: IndexType::I32,
    ///     limits: Limits { min: 1, max: Some(100) },
    ///     ref_type: WasmRefType { nullable: true, heap_type: WasmHeapType::Func },
    /// };
    /// let table = Table::new_dynamic(&ty, &Tunables::default_host(), None)?;
    /// assert_eq!((table.size(), table.maximum()), (1, Some(100)));
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "gc")] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use core::pin::pin;
    /// use core::task::{Context, Poll, Waker};
    /// use table_facade::{NoLimiter, Table};
    ///
    /// // An asynchronous limiter may suspend; this one never does, so one poll completes.
    /// let (table_type, tunables, mut limiter) = (ty(WasmHeapType::Extern), Tunables::default_host(), NoLimiter);
    /// let mut creating = pin!(Table::new_dynamic_async(&table_type, &tunables, Some(&mut limiter)));
    /// let Poll::Ready(table) = creating.as_mut().poll(&mut Context::from_waker(Waker::noop())) else {
    ///     unreachable!("the limiter does not suspend");
    /// };
    /// assert_eq!(table?.size(), 4);
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "cont")] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use core::ptr::NonNull;
    /// use table_facade::Table;
    ///
    /// // A pooling allocator's zeroed slot: 128 bytes, room for 8 continuation references.
    /// let mut pool = vec![0u64; 16];
    /// let memory = NonNull::slice_from_raw_parts(NonNull::from(&mut pool[..]).cast::<u8>(), 128);
    /// // SAFETY: the memory is zero, outlives the table and is used only through it.
    /// let table = unsafe { Table::new_static(&ty(WasmHeapType::Cont), &Tunables::default_host(), memory, None)? };
    /// assert!(table.is_static());
    /// assert_eq!((table.size(), table.maximum()), (4, Some(8)));
    /// assert_eq!(table.vmtable().base, memory.cast::<u8>().as_ptr());
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "gc")] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use core::pin::pin;
    /// use core::ptr::NonNull;
    /// use core::task::{Context, Poll, Waker};
    /// use table_facade::{NoLimiter, Table};
    ///
    /// let mut pool = vec![0u32; 8];
    /// let memory = NonNull::slice_from_raw_parts(NonNull::from(&mut pool[..]).cast::<u8>(), 32);
    /// let tunables = Tunables::default_host();
    /// let (heap_type, mut limiter) = (ty(WasmHeapType::Extern), NoLimiter);
    /// // SAFETY: the memory is zero, outlives the table and is used only through it.
    /// let mut creating = pin!(unsafe {
    ///     Table::new_static_async(&heap_type, &tunables, memory, Some(&mut limiter))
    /// });
    /// let Poll::Ready(table) = creating.as_mut().poll(&mut Context::from_waker(Waker::noop())) else {
    ///     unreachable!("the limiter does not suspend");
    /// };
    /// assert_eq!(table?.bytes_held(), 32);
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
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
    #[inline]
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
                FuncInit::lazy_if(tunables.table_lazy_init),
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
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "cont")] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use table_facade::{Table, TableElementType};
    ///
    /// let table = Table::new_dynamic(&ty(WasmHeapType::Cont), &Tunables::default_host(), None)?;
    /// assert_eq!(table.element_type(), TableElementType::Cont);
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "func")] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use table_facade::{Table, TableContext, TableValue};
    ///
    /// let mut table = Table::new_dynamic(&ty(WasmHeapType::Func), &Tunables::default_host(), None)?;
    /// assert_eq!(table.size(), 4); // the type's minimum
    /// table.grow(2, &TableValue::Func(None), None, &mut TableContext::new())?;
    /// assert_eq!(table.size(), 6);
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
    pub fn size(&self) -> usize {
        each_kind!(self, table => table.size())
    }

    /// The most elements the table can hold: the static capacity, or the type's maximum
    /// (`u32::MAX` for an unbounded 32-bit table; `None` when it does not fit in `usize`).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "gc")] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use table_facade::Table;
    ///
    /// let table = Table::new_dynamic(&ty(WasmHeapType::Any), &Tunables::default_host(), None)?;
    /// assert_eq!(table.maximum(), Some(8)); // the type's declared maximum
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
    pub fn maximum(&self) -> Option<usize> {
        each_kind!(self, table => table.maximum())
    }

    /// Whether the table lives in static (pooling-allocator) memory.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "gc")] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use table_facade::Table;
    ///
    /// let table = Table::new_dynamic(&ty(WasmHeapType::Exn), &Tunables::default_host(), None)?;
    /// assert!(!table.is_static()); // owned memory; `Table::new_static` places it in a pool's
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
    pub fn is_static(&self) -> bool {
        each_kind!(self, table => table.is_static())
    }

    /// The bytes of memory the table holds: its allocated or static capacity times the element
    /// size.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "gc")] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use table_facade::Table;
    ///
    /// let table = Table::new_dynamic(&ty(WasmHeapType::Extern), &Tunables::default_host(), None)?;
    /// assert_eq!(table.bytes_held(), 4 * 4); // four 32-bit GC references
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
    pub fn bytes_held(&self) -> usize {
        each_kind!(self, table => table.bytes_held())
    }

    /// The definition compiled code reads. Re-read it after every `grow`, failed or not: a
    /// dynamic table may move. Accesses through it follow the aliasing contract of
    /// [`VMTableDefinition`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "func")] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use table_facade::{Table, TableContext, TableValue};
    ///
    /// let mut table = Table::new_dynamic(&ty(WasmHeapType::Func), &Tunables::default_host(), None)?;
    /// let before = table.vmtable();
    /// assert_eq!(before.current_elements, 4);
    /// // Compiled code reads `base` and `current_elements` at the offsets `VMOffsets` gives; after a
    /// // grow it must read them again, since the table may have moved.
    /// table.grow(4, &TableValue::Func(None), None, &mut TableContext::new())?;
    /// assert_eq!(table.vmtable().current_elements, 8);
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
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

#[cfg(feature = "func")]
impl From<FuncTable> for Table {
    /// A facade table over a funcref table built by hand (from storage of one's own, say).
    fn from(table: FuncTable) -> Self {
        Table::Func(table)
    }
}

#[cfg(feature = "gc")]
impl From<GcRefTable> for Table {
    /// A facade table over a GC-reference table built by hand (with a heap summary, say).
    fn from(table: GcRefTable) -> Self {
        Table::GcRef(table)
    }
}

#[cfg(feature = "cont")]
impl From<ContTable> for Table {
    /// A facade table over a continuation table built by hand.
    fn from(table: ContTable) -> Self {
        Table::Cont(table)
    }
}

/// Typed access to the per-kind table.
impl Table {
    /// The table as a [`FuncTable`].
    ///
    /// # Errors
    ///
    /// [`FacadeError::WrongTableKind`] when the table is of another kind.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "func")] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use table_facade::{Table};
    ///
    /// let table = Table::new_dynamic(&ty(WasmHeapType::Func), &Tunables::default_host(), None)?;
    /// let typed = table.as_func()?; // the per-kind table, for what the facade does not wrap
    /// assert_eq!(typed.size(), 4);
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "func")] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use table_facade::Table;
    ///
    /// let mut table = Table::new_dynamic(&ty(WasmHeapType::Func), &Tunables::default_host(), None)?;
    /// // The per-kind table: here, resolving a lazy table's uninitialised slots in bulk.
    /// let funcs = table.as_func_mut()?;
    /// let resolved = funcs.resolve_range(0, 4, &mut |_| None)?;
    /// assert_eq!(resolved, if funcs.is_lazy() { 4 } else { 0 });
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "gc")] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use table_facade::{Table};
    ///
    /// let table = Table::new_dynamic(&ty(WasmHeapType::Extern), &Tunables::default_host(), None)?;
    /// let typed = table.as_gc_ref()?; // the per-kind table, for what the facade does not wrap
    /// assert_eq!(typed.size(), 4);
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "gc")] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use table_facade::{I31, Table, VMGcRef};
    ///
    /// let mut table = Table::new_dynamic(&ty(WasmHeapType::Any), &Tunables::default_host(), None)?;
    /// let gc_refs = table.as_gc_ref_mut()?;
    /// gc_refs.set(0, Some(&VMGcRef::from_i31(I31::wrapping_i32(7))), None)?;
    /// assert!(gc_refs.get(0)?.is_some_and(VMGcRef::is_i31));
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "cont")] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use table_facade::{Table};
    ///
    /// let table = Table::new_dynamic(&ty(WasmHeapType::Cont), &Tunables::default_host(), None)?;
    /// let typed = table.as_cont()?; // the per-kind table, for what the facade does not wrap
    /// assert_eq!(typed.size(), 4);
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "cont")] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use table_facade::Table;
    ///
    /// let mut table = Table::new_dynamic(&ty(WasmHeapType::Cont), &Tunables::default_host(), None)?;
    /// let conts = table.as_cont_mut()?;
    /// conts.fill(0, None, 4)?;
    /// assert!(conts.elements().all(|element| element.is_none()));
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
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
        let storage = TableStorage::new_dynamic(
            TableLimits::new(0, Some(0)),
            table_func::FuncSlot::EMPTY,
            None,
        )
        .expect("a zero-element dynamic table allocates nothing");
        Table::Func(FuncTable::from_storage(storage, FuncInit::Eager))
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
#[inline]
unsafe fn storage<T: TableElement>(
    placement: Placement,
    limits: TableLimits,
) -> Result<TableStorage<T>, FacadeError> {
    Ok(match placement {
        Placement::Dynamic => TableStorage::new_dynamic(limits, T::EMPTY, None)?,
        // SAFETY: forwarded from this function's contract.
        Placement::Static(memory) => unsafe { TableStorage::new_static(memory, limits) }?,
    })
}
