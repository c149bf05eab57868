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
use table_func::{FuncSlotValue, FuncTableError};

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
    #[inline]
    pub fn get(
        &mut self,
        index: u64,
        cx: &mut TableContext<'_>,
    ) -> Result<TableValue, FacadeError> {
        Ok(match self {
            #[cfg(feature = "func")]
            Table::Func(table) => TableValue::Func(match table.read(index)? {
                FuncSlotValue::Null => None,
                FuncSlotValue::Func(func) => Some(func),
                FuncSlotValue::Uninitialized => {
                    let resolve = cx
                        .func_resolver()
                        .ok_or(FuncTableError::Uninitialized { index })?;
                    let value = resolve(index);
                    table.write_resolved(index, value)?
                }
            }),
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
            (Table::Cont(table), ElementSegment::Cont(values)) => table.init(dst, values)?,
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
            Table::Func(table) => table.copy_within(dst, src, len, cx.func_resolver())?,
            #[cfg(feature = "gc")]
            Table::GcRef(table) => table.copy_within(dst, src, len, cx.gc_store())?,
            #[cfg(feature = "cont")]
            Table::Cont(table) => table.copy_within(dst, src, len)?,
        }
        Ok(())
    }

    /// Copies `[src_index, src_index + len)` of `src` to `[dst_index, dst_index + len)` of `dst`
    /// (`table.copy` between two tables). `src` is mutable because a lazy funcref source has its
    /// uninitialised slots in the range resolved and written back first.
    ///
    /// # Errors
    ///
    /// [`FacadeError::CopyBetweenKinds`]; otherwise as for [`Table::copy_within`].
    #[inline]
    pub fn copy(
        dst: &mut Table,
        src: &mut Table,
        dst_index: u64,
        src_index: u64,
        len: u64,
        cx: &mut TableContext<'_>,
    ) -> Result<(), FacadeError> {
        match (dst, src) {
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
