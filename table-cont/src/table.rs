//! The continuation table: `table-core` storage of [`ContSlot`]s with element-typed operations.

use crate::{ContSlot, ContTableError, VMContObj};
use core::future::Future;
use core::mem::size_of;
use core::ptr::NonNull;
use static_assertions::assert_impl_all;
use table_core::wasmtime_environ::{Table, WasmHeapTopType};
use table_core::{AsyncTableLimiter, TableLimiter, TableStorage};

/// A WebAssembly table of continuation references (`contref`), in dynamic or static storage.
///
/// Every operation forwards to [`TableStorage`], which checks bounds (as `u64`, before anything
/// is written) and runs the creation and grow procedures with their limiter calls. Values are
/// stored as they are given: a continuation's revision is never changed by a table. Bulk
/// operations are single slice operations.
#[derive(Debug)]
pub struct ContTable {
    storage: TableStorage<ContSlot>,
}

assert_impl_all!(ContTable: Send, Sync);

impl ContTable {
    table_core::storage_queries!(storage);

    /// Wraps existing storage, for embedders that build [`TableStorage`] themselves.
    pub fn from_storage(storage: TableStorage<ContSlot>) -> Self {
        ContTable { storage }
    }

    /// Creates a table of type `ty` in owned memory, with `ty.limits.min` null slots.
    ///
    /// # Errors
    ///
    /// [`ContTableError::WrongElementKind`] when `ty`'s elements are not continuations (the
    /// limiter is then not asked); otherwise the creation errors of
    /// [`TableStorage::dynamic_for`].
    pub fn new_dynamic(
        ty: &Table,
        limiter: Option<&mut dyn TableLimiter>,
    ) -> Result<Self, ContTableError> {
        Ok(Self::from_storage(TableStorage::dynamic_for(
            continuation_type(ty)?,
            limiter,
        )?))
    }

    /// [`ContTable::new_dynamic`] with an asynchronous limiter.
    ///
    /// # Errors
    ///
    /// As for [`ContTable::new_dynamic`].
    pub async fn new_dynamic_async<L: AsyncTableLimiter + ?Sized>(
        ty: &Table,
        limiter: Option<&mut L>,
    ) -> Result<Self, ContTableError> {
        let storage = TableStorage::dynamic_for_async(continuation_type(ty)?, limiter);
        Ok(Self::from_storage(storage.await?))
    }

    /// Creates a table of type `ty` in caller-provided `memory` (a pooling allocator's slot),
    /// without writing to it.
    ///
    /// # Errors
    ///
    /// [`ContTableError::WrongElementKind`] when `ty`'s elements are not continuations (the
    /// limiter is then not asked); otherwise the creation errors of
    /// [`TableStorage::static_for`] (misaligned or too small memory, refused limits).
    ///
    /// # Safety
    ///
    /// As for [`TableStorage::static_for`]: `memory` is valid for reads and writes, used only
    /// through this table, and all zero, for as long as the table lives.
    pub unsafe fn new_static(
        ty: &Table,
        memory: NonNull<[u8]>,
        limiter: Option<&mut dyn TableLimiter>,
    ) -> Result<Self, ContTableError> {
        let ty = continuation_type(ty)?;
        // SAFETY: the caller's promises are exactly `TableStorage::static_for`'s.
        Ok(Self::from_storage(unsafe {
            TableStorage::static_for(ty, memory, limiter)
        }?))
    }

    /// [`ContTable::new_static`] with an asynchronous limiter.
    ///
    /// # Errors
    ///
    /// As for [`ContTable::new_static`].
    ///
    /// # Safety
    ///
    /// As for [`ContTable::new_static`].
    pub unsafe fn new_static_async<'a, L: AsyncTableLimiter + ?Sized>(
        ty: &'a Table,
        memory: NonNull<[u8]>,
        limiter: Option<&'a mut L>,
    ) -> impl Future<Output = Result<Self, ContTableError>> + 'a {
        // SAFETY: the caller's promises are exactly `TableStorage::static_for_async`'s. Nothing
        // runs until the future is polled, so the element type is still checked first.
        let storage = unsafe { TableStorage::static_for_async(ty, memory, limiter) };
        async move {
            continuation_type(ty)?;
            Ok(Self::from_storage(storage.await?))
        }
    }

    /// The size of one stored element in bytes (two pointer-sized words).
    pub const fn element_size() -> usize {
        size_of::<ContSlot>()
    }

    /// The underlying storage.
    pub fn storage(&self) -> &TableStorage<ContSlot> {
        &self.storage
    }

    /// Unwraps the underlying storage.
    pub fn into_storage(self) -> TableStorage<ContSlot> {
        self.storage
    }

    /// All slots, in order, as stored.
    #[inline]
    pub fn slots(&self) -> &[ContSlot] {
        self.storage.as_slice()
    }

    /// All elements, in order.
    pub fn elements(&self) -> impl ExactSizeIterator<Item = Option<VMContObj>> + '_ {
        self.storage.as_slice().iter().map(|slot| slot.get())
    }

    /// The element at `index`.
    ///
    /// # Errors
    ///
    /// A `TableOutOfBounds` trap when `index >= size`.
    #[inline]
    pub fn get(&self, index: u64) -> Result<Option<VMContObj>, ContTableError> {
        Ok(self.storage.get(index)?.get())
    }

    /// Stores `value` at `index`.
    ///
    /// # Errors
    ///
    /// A `TableOutOfBounds` trap when `index >= size`; nothing is written.
    #[inline]
    pub fn set(&mut self, index: u64, value: Option<VMContObj>) -> Result<(), ContTableError> {
        *self.storage.get_mut(index)? = ContSlot::from(value);
        Ok(())
    }

    /// Stores `value` in every slot of `[dst, dst + len)` (`table.fill`).
    ///
    /// # Errors
    ///
    /// A `TableOutOfBounds` trap when the range is out of bounds; nothing is written.
    #[inline]
    pub fn fill(
        &mut self,
        dst: u64,
        value: Option<VMContObj>,
        len: u64,
    ) -> Result<(), ContTableError> {
        Ok(self.storage.fill(dst, ContSlot::from(value), len)?)
    }

    /// Grows the table by `delta` slots holding `init` (`table.grow`).
    ///
    /// Returns the old size, or `None` when growth was refused (by the limiter, the maximum, an
    /// overflowing size or failed allocation); a refused growth changes nothing. A null `init`
    /// writes nothing: new slots are already zero.
    ///
    /// # Errors
    ///
    /// The limiter's own error, as a [`table_core::TableError::Limiter`].
    #[inline]
    pub fn grow(
        &mut self,
        delta: u64,
        init: Option<VMContObj>,
        limiter: Option<&mut dyn TableLimiter>,
    ) -> Result<Option<usize>, ContTableError> {
        Ok(self
            .storage
            .grow_filled(delta, ContSlot::from(init), limiter)?)
    }

    /// [`ContTable::grow`] with an asynchronous limiter.
    ///
    /// The future is `Send` when the limiter is: `init` is encoded into a slot before it is
    /// created, so it holds no raw pointer.
    ///
    /// # Errors
    ///
    /// As for [`ContTable::grow`].
    pub fn grow_async<'a, L: AsyncTableLimiter + ?Sized>(
        &'a mut self,
        delta: u64,
        init: Option<VMContObj>,
        limiter: Option<&'a mut L>,
    ) -> impl Future<Output = Result<Option<usize>, ContTableError>> + 'a {
        let slot = ContSlot::from(init);
        async move { Ok(self.storage.grow_filled_async(delta, slot, limiter).await?) }
    }

    /// Writes an element segment's pre-encoded `slots` into the table starting at `dst`
    /// (`table.init`): one slice copy. A runtime encodes a segment once, at instantiation, with
    /// `ContSlot::from`, so each `table.init` moves memory at `memcpy` speed.
    ///
    /// # Errors
    ///
    /// A `TableOutOfBounds` trap when `[dst, dst + slots.len())` is out of bounds; nothing is
    /// written.
    #[inline]
    pub fn init(&mut self, dst: u64, slots: &[ContSlot]) -> Result<(), ContTableError> {
        self.storage
            .range_mut(dst, slots.len() as u64)?
            .copy_from_slice(slots);
        Ok(())
    }

    /// [`ContTable::init`] from element values, encoding each on the way.
    ///
    /// # Errors
    ///
    /// As for [`ContTable::init`].
    pub fn init_elements(
        &mut self,
        dst: u64,
        values: &[Option<VMContObj>],
    ) -> Result<(), ContTableError> {
        Ok(self
            .storage
            .init(dst, values, |value| ContSlot::from(*value))?)
    }

    /// Moves `[src, src + len)` to `[dst, dst + len)` within this table (`table.copy` with one
    /// table); overlapping ranges behave like `memmove`.
    ///
    /// # Errors
    ///
    /// A `TableOutOfBounds` trap when either range is out of bounds; nothing is written.
    #[inline]
    pub fn copy_within(&mut self, dst: u64, src: u64, len: u64) -> Result<(), ContTableError> {
        Ok(self.storage.copy_within(dst, src, len)?)
    }

    /// Copies `[src_index, src_index + len)` of `src` to `[dst, dst + len)` of this table
    /// (`table.copy` between two tables).
    ///
    /// # Errors
    ///
    /// A `TableOutOfBounds` trap when either range is out of bounds; nothing is written.
    #[inline]
    pub fn copy_from(
        &mut self,
        src: &ContTable,
        dst: u64,
        src_index: u64,
        len: u64,
    ) -> Result<(), ContTableError> {
        Ok(self.storage.copy_from(&src.storage, dst, src_index, len)?)
    }
}

/// Passes `ty` on if its elements are continuations (`cont`, a concrete continuation type or
/// `nocont`); checked before any limiter is asked.
fn continuation_type(ty: &Table) -> Result<&Table, ContTableError> {
    match ty.ref_type.heap_type.top() {
        WasmHeapTopType::Cont => Ok(ty),
        _ => Err(ContTableError::WrongElementKind {
            ref_type: ty.ref_type,
        }),
    }
}
