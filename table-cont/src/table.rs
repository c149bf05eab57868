//! The continuation table: `table-core` storage of [`ContSlot`]s with element-typed operations.

use crate::{ContSlot, VMContObj};
use core::future::Future;
use core::ptr::NonNull;
use table_core::{
    AsSlots, AsyncTableLimiter, Bits, TableElement, TableError, TableLimiter, TableLimits,
    TableStorage,
};

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

impl ContTable {
    /// A table of `limits.minimum` null slots in owned memory.
    ///
    /// # Errors
    ///
    /// As for [`TableStorage::new_dynamic`].
    pub fn new_dynamic(limits: TableLimits) -> Result<Self, TableError> {
        Ok(Self::from_storage(TableStorage::new_dynamic(
            limits,
            ContSlot::EMPTY,
            None,
        )?))
    }

    /// A table of `limits.minimum` null slots in caller-provided `memory` (a pooling
    /// allocator's).
    ///
    /// # Errors
    ///
    /// As for [`TableStorage::new_static`].
    ///
    /// # Safety
    ///
    /// [`TableStorage::new_static`]'s contract for `memory`.
    pub unsafe fn new_static(
        memory: NonNull<[u8]>,
        limits: TableLimits,
    ) -> Result<Self, TableError> {
        // SAFETY: forwarded from this function's contract.
        Ok(Self::from_storage(unsafe {
            TableStorage::new_static(memory, limits)
        }?))
    }

    /// Wraps `storage` (created by `table-core`): every slot of fresh storage is null.
    pub fn from_storage(storage: TableStorage<ContSlot>) -> Self {
        ContTable { storage }
    }

    /// All elements, in order.
    pub fn elements(&self) -> impl ExactSizeIterator<Item = Option<VMContObj>> + '_ {
        self.storage.slots().iter().map(|slot| slot.get())
    }

    /// The element at `index`.
    ///
    /// # Errors
    ///
    /// A `TableOutOfBounds` trap when `index >= size`.
    #[inline]
    pub fn get(&self, index: u64) -> Result<Option<VMContObj>, TableError> {
        Ok(self.storage.get(index)?.get())
    }

    /// Stores `value` at `index`.
    ///
    /// # Errors
    ///
    /// A `TableOutOfBounds` trap when `index >= size`; nothing is written.
    #[inline]
    pub fn set(&mut self, index: u64, value: Option<VMContObj>) -> Result<(), TableError> {
        Ok(self.storage.set(index, ContSlot::from(value), Bits)?)
    }

    /// Stores `value` in every slot of `[dst, dst + len)` (`table.fill`).
    ///
    /// # Errors
    ///
    /// A `TableOutOfBounds` trap when the range is out of bounds; nothing is written.
    #[inline]
    pub fn fill(&mut self, dst: u64, value: Option<VMContObj>, len: u64) -> Result<(), TableError> {
        Ok(self.storage.fill(dst, ContSlot::from(value), len, Bits)?)
    }

    /// Grows the table by `delta` slots holding `init` (`table.grow`).
    ///
    /// Returns the old size, or `None` when growth was refused (by the limiter, the maximum, an
    /// overflowing size or failed allocation); a refused growth changes nothing. A null `init`
    /// writes nothing: new slots are already zero.
    ///
    /// # Errors
    ///
    /// The limiter's own error, as a [`TableError::Limiter`].
    #[inline]
    pub fn grow(
        &mut self,
        delta: u64,
        init: Option<VMContObj>,
        limiter: Option<&mut dyn TableLimiter>,
    ) -> Result<Option<usize>, TableError> {
        self.storage
            .grow(delta, ContSlot::from(init), limiter, Bits)
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
    ) -> impl Future<Output = Result<Option<usize>, TableError>> + 'a {
        let slot = ContSlot::from(init);
        self.storage.grow_async(delta, slot, limiter, Bits)
    }

    /// Writes an element segment's `values` into the table starting at `dst` (`table.init`),
    /// encoding each on the way.
    ///
    /// # Errors
    ///
    /// A `TableOutOfBounds` trap when `[dst, dst + values.len())` is out of bounds; nothing is
    /// written.
    pub fn init(&mut self, dst: u64, values: &[Option<VMContObj>]) -> Result<(), TableError> {
        Ok(self.storage.init(
            dst,
            values,
            |value: &Option<VMContObj>| ContSlot::from(*value),
            Bits,
        )?)
    }

    /// [`ContTable::init`] from a segment encoded once, at instantiation, with `ContSlot::from`:
    /// one slice copy, so each `table.init` moves memory at `memcpy` speed.
    ///
    /// # Errors
    ///
    /// As for [`ContTable::init`].
    #[inline]
    pub fn init_slots(&mut self, dst: u64, slots: &[ContSlot]) -> Result<(), TableError> {
        Ok(self.storage.init(dst, slots, AsSlots, Bits)?)
    }

    /// Moves `[src, src + len)` to `[dst, dst + len)` within this table (`table.copy` with one
    /// table); overlapping ranges behave like `memmove`.
    ///
    /// # Errors
    ///
    /// A `TableOutOfBounds` trap when either range is out of bounds; nothing is written.
    #[inline]
    pub fn copy_within(&mut self, dst: u64, src: u64, len: u64) -> Result<(), TableError> {
        Ok(self.storage.copy_within(dst, src, len, Bits)?)
    }

    /// Copies `[src_index, src_index + len)` of `src` to `[dst_index, dst_index + len)` of this table
    /// (`table.copy` between two tables).
    ///
    /// # Errors
    ///
    /// A `TableOutOfBounds` trap when either range is out of bounds; nothing is written.
    #[inline]
    pub fn copy_from(
        &mut self,
        src: &ContTable,
        dst_index: u64,
        src_index: u64,
        len: u64,
    ) -> Result<(), TableError> {
        Ok(self
            .storage
            .copy_from(&src.storage, dst_index, src_index, len, Bits)?)
    }
}

impl ContTable {
    table_core::storage_queries!(storage);
}
