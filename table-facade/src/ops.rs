//! The WebAssembly table operations, dispatched by element kind.
//!
//! Errors come in the order the WebAssembly spec gives them, so a program that would trap never
//! sees an embedder error instead: bounds first (both ranges of a copy), then the kind of the
//! value or of the other table, then what the context must lend (a GC store, a funcref
//! resolver). The per-kind tables check bounds before they write anything; where the facade
//! itself refuses an operation (a value of another kind, a copy without a resolver), it checks
//! the bounds first.

use crate::{ElementSegment, FacadeError, Table, TableContext, TableElementType, TableValue};
use table_core::{AsyncTableLimiter, TableError, TableLimiter, check_range};

#[cfg(feature = "func")]
use table_func::{FuncRef, FuncSlotValue, FuncTableError};

// Which operations use the context depends on the kinds compiled in: GC writes need the store,
// lazy funcref reads and copies the resolver.
#[cfg_attr(not(all(feature = "func", feature = "gc")), allow(unused_variables))]
impl Table {
    /// Reads element `index` (`table.get`).
    ///
    /// A GC reference comes back cloned through the context's GC store; the caller owns it. An
    /// uninitialised slot of a lazy funcref table is resolved through the context's funcref
    /// resolver and written back.
    ///
    /// # Errors
    ///
    /// A `TableOutOfBounds` trap when `index >= size`; a missing GC store or resolver where one
    /// is needed.
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
    /// // A lazily initialised slot is resolved on first read: the runtime says what the module's
    /// // initial elements put there (here: nothing).
    /// let mut initial_element = |_index: u64| None;
    /// let mut cx = TableContext::new().with_func_resolver(&mut initial_element);
    /// assert_eq!(table.get(3, &mut cx)?, TableValue::Func(None));
    /// assert!(table.get(4, &mut cx).is_err()); // out of bounds: a trap
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
    #[inline]
    pub fn get(
        &mut self,
        index: u64,
        cx: &mut TableContext<'_>,
    ) -> Result<TableValue, FacadeError> {
        // A resolved lazy funcref slot is written back; everything else is `read`.
        #[cfg(feature = "func")]
        #[allow(
            irrefutable_let_patterns,
            reason = "irrefutable when only `func` is enabled"
        )]
        if let Table::Func(table) = self {
            let value = match func_value(table.read(index)?, index, cx)? {
                (value, Resolved::Now) => table.write_resolved(index, value)?,
                (value, Resolved::Before) => value,
            };
            return Ok(TableValue::Func(value));
        }
        self.read(index, cx)
    }

    /// Reads element `index` through a shared borrow: as [`Table::get`], except that an
    /// uninitialised slot of a lazy funcref table is resolved through the context's resolver
    /// without being written back (so the table is only read). A runtime that holds its tables
    /// behind shared references reads them this way.
    ///
    /// # Errors
    ///
    /// As for [`Table::get`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "cont")] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use table_facade::{Table, TableContext, TableValue};
    ///
    /// let table = Table::new_dynamic(&ty(WasmHeapType::Cont), &Tunables::default_host(), None)?;
    /// let shared = &table;
    /// assert_eq!(shared.read(0, &mut TableContext::new())?, TableValue::Cont(None));
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
    #[inline]
    pub fn read(&self, index: u64, cx: &mut TableContext<'_>) -> Result<TableValue, FacadeError> {
        Ok(match self {
            #[cfg(feature = "func")]
            Table::Func(table) => TableValue::Func(func_value(table.read(index)?, index, cx)?.0),
            #[cfg(feature = "gc")]
            Table::GcRef(table) => TableValue::GcRef(table.get_cloned(index, cx.gc_store())?),
            #[cfg(feature = "cont")]
            Table::Cont(table) => TableValue::Cont(table.get(index)?),
        })
    }

    /// Writes `value` into element `index` (`table.set`).
    ///
    /// # Errors
    ///
    /// [`FacadeError::WrongValueKind`]; a `TableOutOfBounds` trap when `index >= size`; a
    /// missing GC store where a heap reference is written or overwritten. Nothing is written on
    /// error.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "gc")] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use table_facade::{I31, Table, TableContext, TableValue, VMGcRef};
    /// use table_facade::wasmtime_environ::Trap;
    ///
    /// let mut table = Table::new_dynamic(&ty(WasmHeapType::Extern), &Tunables::default_host(), None)?;
    /// let mut cx = TableContext::new(); // `i31ref`s and nulls need no GC store
    /// let seven = TableValue::GcRef(Some(VMGcRef::from_i31(I31::wrapping_i32(7))));
    /// table.set(1, &seven, &mut cx)?;
    /// assert_eq!(table.get(1, &mut cx)?, seven);
    /// let error = table.set(9, &seven, &mut cx).unwrap_err();
    /// assert_eq!(error.as_trap(), Some(Trap::TableOutOfBounds));
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
    #[inline]
    pub fn set(
        &mut self,
        index: u64,
        value: &TableValue,
        cx: &mut TableContext<'_>,
    ) -> Result<(), FacadeError> {
        match (self, value) {
            #[cfg(feature = "func")]
            (Table::Func(table), TableValue::Func(value)) => table.set(index, *value)?,
            #[cfg(feature = "gc")]
            (Table::GcRef(table), TableValue::GcRef(value)) => {
                table.set(index, value.as_ref(), cx.gc_store())?
            }
            #[cfg(feature = "cont")]
            (Table::Cont(table), TableValue::Cont(value)) => table.set(index, *value)?,
            #[allow(unreachable_patterns, reason = "reachable with several kinds enabled")]
            (table, value) => return Err(table.wrong_value_for(index, 1, value.element_type())),
        }
        Ok(())
    }

    /// Writes `value` into every element of `[dst, dst + len)` (`table.fill`).
    ///
    /// # Errors
    ///
    /// As for [`Table::set`], for the whole range.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "cont")] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use table_facade::{Table, TableContext, TableValue};
    ///
    /// let mut table = Table::new_dynamic(&ty(WasmHeapType::Cont), &Tunables::default_host(), None)?;
    /// let mut cx = TableContext::new();
    /// table.fill(1, &TableValue::Cont(None), 3, &mut cx)?;
    /// // The whole range is checked first: a fill past the end writes nothing.
    /// assert!(table.fill(2, &TableValue::Cont(None), 3, &mut cx).is_err());
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
    #[inline]
    pub fn fill(
        &mut self,
        dst: u64,
        value: &TableValue,
        len: u64,
        cx: &mut TableContext<'_>,
    ) -> Result<(), FacadeError> {
        match (self, value) {
            #[cfg(feature = "func")]
            (Table::Func(table), TableValue::Func(value)) => table.fill(dst, *value, len)?,
            #[cfg(feature = "gc")]
            (Table::GcRef(table), TableValue::GcRef(value)) => {
                table.fill(dst, value.as_ref(), len, cx.gc_store())?
            }
            #[cfg(feature = "cont")]
            (Table::Cont(table), TableValue::Cont(value)) => table.fill(dst, *value, len)?,
            #[allow(unreachable_patterns, reason = "reachable with several kinds enabled")]
            (table, value) => return Err(table.wrong_value_for(dst, len, value.element_type())),
        }
        Ok(())
    }

    /// Grows the table by `delta` elements holding `init` (`table.grow`), asking `limiter`.
    ///
    /// Returns the old size, or `None` for "no growth" (`table.grow` returns -1): refused by the
    /// limiter, past the maximum, an overflowing size, or memory that could not be allocated. Re-read
    /// [`Table::vmtable`] afterwards either way.
    ///
    /// # Errors
    ///
    /// [`FacadeError::WrongValueKind`]; the limiter's own error; a missing GC store for a heap
    /// reference `init`. A failed grow changes nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "func")] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use table_facade::LimiterError;
    /// use table_facade::{Table, TableContext, TableLimiter, TableValue};
    ///
    /// /// Refuses every table above 6 elements.
    /// struct AtMostSix;
    /// impl TableLimiter for AtMostSix {
    ///     fn table_growing(&mut self, _: usize, desired: usize, _: Option<usize>) -> Result<bool, LimiterError> {
    ///         Ok(desired <= 6)
    ///     }
    /// }
    ///
    /// let mut table = Table::new_dynamic(&ty(WasmHeapType::Func), &Tunables::default_host(), None)?;
    /// let (null, mut cx) = (TableValue::Func(None), TableContext::new());
    /// assert_eq!(table.grow(2, &null, Some(&mut AtMostSix), &mut cx)?, Some(4)); // the old size
    /// assert_eq!(table.grow(1, &null, Some(&mut AtMostSix), &mut cx)?, None); // `table.grow` -> -1
    /// assert_eq!(table.size(), 6);
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
    #[inline]
    pub fn grow(
        &mut self,
        delta: u64,
        init: &TableValue,
        limiter: Option<&mut dyn TableLimiter>,
        cx: &mut TableContext<'_>,
    ) -> Result<Option<usize>, FacadeError> {
        Ok(match (self, init) {
            #[cfg(feature = "func")]
            (Table::Func(table), TableValue::Func(init)) => table.grow(delta, *init, limiter)?,
            #[cfg(feature = "gc")]
            (Table::GcRef(table), TableValue::GcRef(init)) => {
                table.grow(delta, init.as_ref(), limiter, cx.gc_store())?
            }
            #[cfg(feature = "cont")]
            (Table::Cont(table), TableValue::Cont(init)) => table.grow(delta, *init, limiter)?,
            #[allow(unreachable_patterns, reason = "reachable with several kinds enabled")]
            (table, init) => return Err(table.wrong_value(init.element_type())),
        })
    }

    /// [`Table::grow`] with an asynchronous limiter.
    ///
    /// # Errors
    ///
    /// As for [`Table::grow`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "cont")] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use core::pin::pin;
    /// use core::task::{Context, Poll, Waker};
    /// use table_facade::{NoLimiter, Table, TableContext, TableValue};
    ///
    /// let mut table = Table::new_dynamic(&ty(WasmHeapType::Cont), &Tunables::default_host(), None)?;
    /// let (null, mut cx, mut limiter) = (TableValue::Cont(None), TableContext::new(), NoLimiter);
    /// let mut growing = pin!(table.grow_async(3, &null, Some(&mut limiter), &mut cx));
    /// let Poll::Ready(old_size) = growing.as_mut().poll(&mut Context::from_waker(Waker::noop())) else {
    ///     unreachable!("the limiter does not suspend");
    /// };
    /// assert_eq!(old_size?, Some(4));
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
    pub async fn grow_async<L: AsyncTableLimiter + ?Sized>(
        &mut self,
        delta: u64,
        init: &TableValue,
        limiter: Option<&mut L>,
        cx: &mut TableContext<'_>,
    ) -> Result<Option<usize>, FacadeError> {
        Ok(match (self, init) {
            #[cfg(feature = "func")]
            (Table::Func(table), TableValue::Func(init)) => {
                table.grow_async(delta, *init, limiter).await?
            }
            #[cfg(feature = "gc")]
            (Table::GcRef(table), TableValue::GcRef(init)) => {
                table
                    .grow_async(delta, init.as_ref(), limiter, cx.gc_store_send())
                    .await?
            }
            #[cfg(feature = "cont")]
            (Table::Cont(table), TableValue::Cont(init)) => {
                table.grow_async(delta, *init, limiter).await?
            }
            #[allow(unreachable_patterns, reason = "reachable with several kinds enabled")]
            (table, init) => return Err(table.wrong_value(init.element_type())),
        })
    }

    /// Writes an element segment's values into `[dst, dst + segment.len())` (`table.init`).
    ///
    /// # Errors
    ///
    /// [`FacadeError::WrongValueKind`]; a `TableOutOfBounds` trap when the range is out of bounds;
    /// a missing GC store for heap references. Nothing is written on error.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "gc")] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use table_facade::{ElementSegment, I31, Table, TableContext, TableValue, VMGcRef};
    ///
    /// let mut table = Table::new_dynamic(&ty(WasmHeapType::Any), &Tunables::default_host(), None)?;
    /// let one = VMGcRef::from_i31(I31::wrapping_i32(1));
    /// let segment = [Some(one.unchecked_copy()), None];
    /// table.init(2, ElementSegment::GcRef(&segment), &mut TableContext::new())?;
    /// assert_eq!(table.get(2, &mut TableContext::new())?, TableValue::GcRef(Some(one)));
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
    #[inline]
    pub fn init(
        &mut self,
        dst: u64,
        segment: ElementSegment<'_>,
        cx: &mut TableContext<'_>,
    ) -> Result<(), FacadeError> {
        match (self, segment) {
            #[cfg(feature = "func")]
            (Table::Func(table), ElementSegment::Func(values)) => table.init(dst, values)?,
            #[cfg(feature = "gc")]
            (Table::GcRef(table), ElementSegment::GcRef(values)) => {
                table.init(dst, values, cx.gc_store())?
            }
            #[cfg(feature = "cont")]
            (Table::Cont(table), ElementSegment::Cont(slots)) => table.init_slots(dst, slots)?,
            #[allow(unreachable_patterns, reason = "reachable with several kinds enabled")]
            (table, segment) => {
                let len = segment.len() as u64;
                return Err(table.wrong_value_for(dst, len, segment.element_type()));
            }
        }
        Ok(())
    }

    /// Copies `[src, src + len)` to `[dst, dst + len)` within this table (`table.copy` with one
    /// table); overlapping ranges behave like `memmove`.
    ///
    /// # Errors
    ///
    /// A `TableOutOfBounds` trap when either range is out of bounds; a missing GC store or
    /// funcref resolver where one is needed. Nothing is written on error.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "gc")] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use table_facade::{I31, Table, TableContext, TableValue, VMGcRef};
    ///
    /// let mut table = Table::new_dynamic(&ty(WasmHeapType::Extern), &Tunables::default_host(), None)?;
    /// let mut cx = TableContext::new();
    /// let value = |n| TableValue::GcRef(Some(VMGcRef::from_i31(I31::wrapping_i32(n))));
    /// table.set(0, &value(10), &mut cx)?;
    /// table.set(1, &value(11), &mut cx)?;
    /// // Overlapping ranges move like `memmove`.
    /// table.copy_within(1, 0, 2, &mut cx)?;
    /// assert_eq!(table.get(2, &mut cx)?, value(11));
    /// assert_eq!(table.get(1, &mut cx)?, value(10));
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
    #[inline]
    pub fn copy_within(
        &mut self,
        dst: u64,
        src: u64,
        len: u64,
        cx: &mut TableContext<'_>,
    ) -> Result<(), FacadeError> {
        match self {
            #[cfg(feature = "func")]
            Table::Func(table) if cx.sources_initialized() => {
                table.copy_slots_within(dst, src, len)?
            }
            #[cfg(feature = "func")]
            Table::Func(table) => table.copy_within(dst, src, len, cx.func_resolver())?,
            #[cfg(feature = "gc")]
            Table::GcRef(table) => table.copy_within(dst, src, len, cx.gc_store())?,
            #[cfg(feature = "cont")]
            Table::Cont(table) => table.copy_within(dst, src, len)?,
        }
        Ok(())
    }

    /// Copies `[src_index, src_index + len)` of `src` to `[dst_index, dst_index + len)` of `dst`
    /// (`table.copy` between two tables). `src` is only read: a lazy funcref source's
    /// uninitialised slots in the range are copied as what the context's resolver says they
    /// hold, and stay uninitialised in `src`.
    ///
    /// # Errors
    ///
    /// [`FacadeError::CopyBetweenKinds`]; otherwise as for [`Table::copy_within`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(all(feature = "func", feature = "gc"))] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use table_facade::{FacadeError, Table, TableContext, TableElementType};
    ///
    /// let tunables = Tunables::default_host();
    /// let mut dst = Table::new_dynamic(&ty(WasmHeapType::Func), &tunables, None)?;
    /// let src = Table::new_dynamic(&ty(WasmHeapType::Func), &tunables, None)?;
    /// let externs = Table::new_dynamic(&ty(WasmHeapType::Extern), &tunables, None)?;
    /// // A lazy source's uninitialised slots are copied as what the resolver says they hold.
    /// let mut initial_element = |_index: u64| None;
    /// let mut cx = TableContext::new().with_func_resolver(&mut initial_element);
    /// Table::copy(&mut dst, &src, 0, 2, 2, &mut cx)?;
    /// let error = Table::copy(&mut dst, &externs, 0, 0, 1, &mut cx).unwrap_err();
    /// assert!(matches!(
    ///     error,
    ///     FacadeError::CopyBetweenKinds { dst: TableElementType::Func, src: TableElementType::GcRef }
    /// ));
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
    #[inline]
    pub fn copy(
        dst: &mut Table,
        src: &Table,
        dst_index: u64,
        src_index: u64,
        len: u64,
        cx: &mut TableContext<'_>,
    ) -> Result<(), FacadeError> {
        match (dst, src) {
            #[cfg(feature = "func")]
            (Table::Func(dst), Table::Func(src)) if cx.sources_initialized() => {
                dst.copy_slots_from(src, dst_index, src_index, len)?
            }
            #[cfg(feature = "func")]
            (Table::Func(dst), Table::Func(src)) => {
                dst.copy_from(src, dst_index, src_index, len, cx.func_resolver())?
            }
            #[cfg(feature = "gc")]
            (Table::GcRef(dst), Table::GcRef(src)) => {
                dst.copy_from(src, dst_index, src_index, len, cx.gc_store())?
            }
            #[cfg(feature = "cont")]
            (Table::Cont(dst), Table::Cont(src)) => {
                dst.copy_from(src, dst_index, src_index, len)?
            }
            #[allow(unreachable_patterns, reason = "reachable with several kinds enabled")]
            (dst, src) => {
                check_range(dst.size(), dst_index, len).map_err(TableError::from)?;
                check_range(src.size(), src_index, len).map_err(TableError::from)?;
                return Err(FacadeError::CopyBetweenKinds {
                    dst: dst.element_type(),
                    src: src.element_type(),
                });
            }
        }
        Ok(())
    }

    /// Visits every slot of a GC-reference table that holds a heap reference, mutably, so a
    /// tracing collector can mark it and a moving collector can rewrite it. Tables of other
    /// kinds hold no GC roots.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "gc")] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use table_facade::{GcStore, Table, TableContext, TableValue, VMGcRef};
    ///
    /// /// A collector that keeps no counts.
    /// struct Tracing;
    /// impl GcStore for Tracing {
    ///     fn clone_gc_ref(&mut self, gc_ref: &VMGcRef) -> VMGcRef {
    ///         gc_ref.unchecked_copy()
    ///     }
    ///     fn drop_gc_ref(&mut self, _: VMGcRef) {}
    /// }
    ///
    /// let mut table = Table::new_dynamic(&ty(WasmHeapType::Any), &Tunables::default_host(), None)?;
    /// let mut store = Tracing;
    /// let mut cx = TableContext::new().with_gc_store(&mut store);
    /// table.fill(0, &TableValue::GcRef(Some(VMGcRef::from_heap_index(16).unwrap())), 2, &mut cx)?;
    /// // A moving collector rewrites each root in place.
    /// table.visit_gc_roots(&mut |root| *root = VMGcRef::from_heap_index(32).unwrap());
    /// assert_eq!(table.get(1, &mut cx)?, TableValue::GcRef(Some(VMGcRef::from_heap_index(32).unwrap())));
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
    #[cfg(feature = "gc")]
    pub fn visit_gc_roots(&mut self, visit: &mut dyn FnMut(&mut table_gcref::VMGcRef)) {
        #[allow(
            irrefutable_let_patterns,
            reason = "irrefutable when only `gc` is enabled"
        )]
        if let Table::GcRef(table) = self {
            table.gc_roots_mut().for_each(visit);
        }
    }

    pub(crate) fn wrong_value(&self, value: TableElementType) -> FacadeError {
        FacadeError::WrongValueKind {
            table: self.element_type(),
            value,
        }
    }

    /// The error for a `value` of another kind written to `[dst, dst + len)`: the
    /// out-of-bounds trap if the range is out of bounds (the spec checks bounds first),
    /// [`FacadeError::WrongValueKind`] otherwise.
    fn wrong_value_for(&self, dst: u64, len: u64, value: TableElementType) -> FacadeError {
        match check_range(self.size(), dst, len) {
            Err(trap) => TableError::from(trap).into(),
            Ok(_) => self.wrong_value(value),
        }
    }
}

/// Whether a funcref value was resolved by [`func_value`] or held by the slot already.
#[cfg(feature = "func")]
enum Resolved {
    Now,
    Before,
}

/// The value of funcref slot `index` as read: an uninitialised one resolved through the
/// context's resolver (which it must then have).
#[cfg(feature = "func")]
fn func_value(
    slot: FuncSlotValue,
    index: u64,
    cx: &mut TableContext<'_>,
) -> Result<(Option<FuncRef>, Resolved), FacadeError> {
    Ok(match slot {
        FuncSlotValue::Null => (None, Resolved::Before),
        FuncSlotValue::Func(func) => (Some(func), Resolved::Before),
        FuncSlotValue::Uninitialized => {
            let resolve = cx
                .func_resolver()
                .ok_or(FuncTableError::Uninitialized { index })?;
            (resolve(index), Resolved::Now)
        }
    })
}
