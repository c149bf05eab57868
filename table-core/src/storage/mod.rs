//! Table storage: the slots of one table, owned (dynamic storage) or borrowed from a pooling
//! allocator (static storage), behind the one type element crates use ([`TableStorage`]). The two
//! storages are private: a runtime chooses between them only when it creates a table.

mod dynamic;
mod grow;
mod static_storage;

use dynamic::DynamicStorage;
use static_storage::StaticStorage;

use crate::range::{check_index, check_range};
use crate::{
    AsyncTableLimiter, TableElement, TableError, TableLimiter, TableLimits, VMTableDefinition,
};
use core::future::Future;
use core::ptr::NonNull;
use wasmtime_environ::Table;
use wasmtime_environ::Trap;

/// Static memory on its way into a table, carried across the await of an async creation.
struct ExclusiveMemory(NonNull<[u8]>);

// SAFETY: the creation contract (`TableStorage::new_static`) gives the table exclusive use of the
// memory from the call on, so moving the pointer to another thread with the creation future
// moves no access anyone else has.
unsafe impl Send for ExclusiveMemory {}

impl ExclusiveMemory {
    fn into_inner(self) -> NonNull<[u8]> {
        self.0
    }
}

/// The slots of a table, in either kind of storage.
///
/// All slot access is bounds-checked here with `u64` indices and lengths, so element crates only
/// translate values. Bulk operations check their whole range before writing anything.
#[derive(Debug)]
pub struct TableStorage<T: TableElement>(Slots<T>);

/// Where the slots of a [`TableStorage`] live.
#[derive(Debug)]
enum Slots<T: TableElement> {
    /// Fixed-capacity memory handed in by the embedder; never moves.
    Static(StaticStorage<T>),
    /// Owned heap memory; may move when it grows.
    Dynamic(DynamicStorage<T>),
}

impl<T: TableElement> TableStorage<T> {
    /// Allocates owned storage with `limits.minimum` empty slots: one zeroing allocation (none
    /// for zero slots), so a huge table costs no per-slot writes. Growth reallocates and may move
    /// the slots; spare capacity never exceeds the maximum.
    ///
    /// # Errors
    ///
    /// [`TableError::MinimumExceedsLimits`] when `limits.minimum > limits.maximum`;
    /// [`TableError::ElementBytesOverflow`] when the size in bytes does not fit in an
    /// allocation; [`TableError::OutOfMemory`] when the allocator fails.
    pub fn new_dynamic(limits: TableLimits) -> Result<Self, TableError> {
        DynamicStorage::new(limits).map(|storage| TableStorage(Slots::Dynamic(storage)))
    }

    /// Places storage with `limits.minimum` empty slots in caller-provided `memory`, without
    /// writing to it. The storage never frees, moves or clears the memory.
    ///
    /// The capacity is the number of whole elements that fit in `memory` (trailing bytes that do
    /// not make a whole element are never used), capped by `limits.maximum`. So a pool that sizes
    /// its slots for 8-byte elements can hold a table of 16-byte elements with half the count. A
    /// table whose capacity is zero never addresses a slot, so its memory may have any alignment
    /// (including an empty memory at any address).
    ///
    /// # Errors
    ///
    /// [`TableError::MinimumExceedsLimits`] when `limits.minimum > limits.maximum` (as for
    /// dynamic storage), [`TableError::StaticMemoryTooSmall`] or
    /// [`TableError::StaticMemoryMisaligned`], each naming the numbers that disagree.
    ///
    /// # Safety
    ///
    /// `memory` must be valid for reads and writes for as long as the storage lives, must not be
    /// accessed other than through this storage (and the [`VMTableDefinition`] it hands out)
    /// during that time, and every byte of it must be zero.
    ///
    /// The zero promise covers the whole memory, not only the minimum: growth exposes slots
    /// without writing them (creation and growth cost no per-slot work), so a pool that hands
    /// back memory without re-zeroing it would give the table stale words, which a GC table
    /// would later release a second time. Debug builds check the bytes each growth exposes and
    /// panic on a non-zero one; release builds trust the promise.
    pub unsafe fn new_static(
        memory: NonNull<[u8]>,
        limits: TableLimits,
    ) -> Result<Self, TableError> {
        // SAFETY: the caller's promises are exactly `StaticStorage::new`'s.
        unsafe { StaticStorage::new(memory, limits) }
            .map(|storage| TableStorage(Slots::Static(storage)))
    }

    /// Creates owned storage for a table of type `ty`, after the creation-limits procedure
    /// ([`TableLimits::for_table`]).
    ///
    /// # Errors
    ///
    /// As for [`TableLimits::for_table`] and [`TableStorage::new_dynamic`].
    pub fn dynamic_for(
        ty: &Table,
        limiter: Option<&mut dyn TableLimiter>,
    ) -> Result<Self, TableError> {
        Self::new_dynamic(TableLimits::for_table(ty, limiter)?)
    }

    /// [`TableStorage::dynamic_for`] with an asynchronous limiter.
    ///
    /// # Errors
    ///
    /// As for [`TableStorage::dynamic_for`].
    pub async fn dynamic_for_async<L: AsyncTableLimiter + ?Sized>(
        ty: &Table,
        limiter: Option<&mut L>,
    ) -> Result<Self, TableError> {
        Self::new_dynamic(TableLimits::for_table_async(ty, limiter).await?)
    }

    /// Places storage for a table of type `ty` in `memory`, after the creation-limits procedure
    /// ([`TableLimits::for_table`]).
    ///
    /// # Errors
    ///
    /// As for [`TableLimits::for_table`] and [`TableStorage::new_static`].
    ///
    /// # Safety
    ///
    /// As for [`TableStorage::new_static`].
    pub unsafe fn static_for(
        ty: &Table,
        memory: NonNull<[u8]>,
        limiter: Option<&mut dyn TableLimiter>,
    ) -> Result<Self, TableError> {
        let limits = TableLimits::for_table(ty, limiter)?;
        // SAFETY: the caller's promises are exactly `StaticStorage::new`'s.
        unsafe { Self::new_static(memory, limits) }
    }

    /// [`TableStorage::static_for`] with an asynchronous limiter.
    ///
    /// The future is `Send` when the limiter is, so a runtime can create static tables on an
    /// async executor that moves tasks between threads.
    ///
    /// # Errors
    ///
    /// As for [`TableStorage::static_for`].
    ///
    /// # Safety
    ///
    /// As for [`TableStorage::new_static`].
    pub unsafe fn static_for_async<'a, L: AsyncTableLimiter + ?Sized>(
        ty: &'a Table,
        memory: NonNull<[u8]>,
        limiter: Option<&'a mut L>,
    ) -> impl Future<Output = Result<Self, TableError>> + 'a {
        let memory = ExclusiveMemory(memory);
        async move {
            let limits = TableLimits::for_table_async(ty, limiter).await?;
            // SAFETY: the caller's promises are exactly `StaticStorage::new`'s.
            unsafe { Self::new_static(memory.into_inner(), limits) }
        }
    }

    /// The slots currently in the table.
    #[inline]
    pub fn as_slice(&self) -> &[T] {
        match &self.0 {
            Slots::Static(storage) => storage.as_slice(),
            Slots::Dynamic(storage) => storage.as_slice(),
        }
    }

    /// The slots currently in the table, mutably.
    #[inline]
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        match &mut self.0 {
            Slots::Static(storage) => storage.as_mut_slice(),
            Slots::Dynamic(storage) => storage.as_mut_slice(),
        }
    }

    /// The number of slots in the table.
    #[inline]
    pub fn size(&self) -> usize {
        match &self.0 {
            Slots::Static(storage) => storage.size(),
            Slots::Dynamic(storage) => storage.size(),
        }
    }

    /// The most slots the table can ever hold: the capacity for static storage, the table type's
    /// maximum for dynamic storage (`None` when it does not fit in `usize`).
    #[inline]
    pub fn maximum(&self) -> Option<usize> {
        match &self.0 {
            Slots::Static(storage) => Some(storage.capacity()),
            Slots::Dynamic(storage) => storage.maximum(),
        }
    }

    /// Whether the table lives in static memory.
    #[inline]
    pub fn is_static(&self) -> bool {
        matches!(self.0, Slots::Static(_))
    }

    /// The bytes of memory this table holds: its allocated or static capacity times the element
    /// size.
    pub fn bytes_held(&self) -> usize {
        match &self.0 {
            Slots::Static(storage) => storage.bytes_held(),
            Slots::Dynamic(storage) => storage.bytes_held(),
        }
    }

    /// The definition compiled code reads. Re-read it after every grow: dynamic storage may move.
    ///
    /// `base` is the storage's own pointer (the allocation, or the memory handed to
    /// [`TableStorage::new_static`]), never a pointer derived from a borrow of a slot slice, so
    /// later calls of the safe accessors do not invalidate it. See [`VMTableDefinition`] for the
    /// aliasing contract between accesses through `base` and this type's API.
    #[inline]
    pub fn vmtable(&self) -> VMTableDefinition {
        let (base, current_elements) = match &self.0 {
            Slots::Static(storage) => (storage.base(), storage.size()),
            Slots::Dynamic(storage) => (storage.base(), storage.size()),
        };
        VMTableDefinition {
            base: base.as_ptr().cast(),
            current_elements,
        }
    }

    /// The slot at `index`.
    ///
    /// # Errors
    ///
    /// [`Trap::TableOutOfBounds`] when `index >= size`.
    #[inline]
    pub fn get(&self, index: u64) -> Result<&T, Trap> {
        let slots = self.as_slice();
        Ok(&slots[check_index(slots.len(), index)?])
    }

    /// The slot at `index`, mutably.
    ///
    /// # Errors
    ///
    /// [`Trap::TableOutOfBounds`] when `index >= size`.
    #[inline]
    pub fn get_mut(&mut self, index: u64) -> Result<&mut T, Trap> {
        let slots = self.as_mut_slice();
        let index = check_index(slots.len(), index)?;
        Ok(&mut slots[index])
    }

    /// The slots `[start, start + len)`.
    ///
    /// # Errors
    ///
    /// [`Trap::TableOutOfBounds`] when the range overflows or ends past `size`.
    #[inline]
    pub fn range(&self, start: u64, len: u64) -> Result<&[T], Trap> {
        let slots = self.as_slice();
        Ok(&slots[check_range(slots.len(), start, len)?])
    }

    /// The slots `[start, start + len)`, mutably.
    ///
    /// # Errors
    ///
    /// [`Trap::TableOutOfBounds`] when the range overflows or ends past `size`.
    #[inline]
    pub fn range_mut(&mut self, start: u64, len: u64) -> Result<&mut [T], Trap> {
        let slots = self.as_mut_slice();
        let range = check_range(slots.len(), start, len)?;
        Ok(&mut slots[range])
    }

    /// Writes `value` into every slot of `[dst, dst + len)` (one slice fill). The arguments come
    /// in the spec's order for `table.fill`, as in every layer above.
    ///
    /// # Errors
    ///
    /// [`Trap::TableOutOfBounds`] when the range is out of bounds; nothing is written.
    #[inline]
    pub fn fill(&mut self, dst: u64, value: T, len: u64) -> Result<(), Trap>
    where
        T: Copy,
    {
        self.range_mut(dst, len)?.fill(value);
        Ok(())
    }

    /// Moves `[src, src + len)` to `[dst, dst + len)` within this table; overlapping ranges behave
    /// like `memmove`.
    ///
    /// # Errors
    ///
    /// [`Trap::TableOutOfBounds`] when either range is out of bounds; nothing is written.
    #[inline]
    pub fn copy_within(&mut self, dst: u64, src: u64, len: u64) -> Result<(), Trap>
    where
        T: Copy,
    {
        let slots = self.as_mut_slice();
        let src = check_range(slots.len(), src, len)?;
        let dst = check_range(slots.len(), dst, len)?;
        slots.copy_within(src, dst.start);
        Ok(())
    }

    /// Copies `[src_index, src_index + len)` of `src` to `[dst, dst + len)` of this table.
    ///
    /// # Errors
    ///
    /// [`Trap::TableOutOfBounds`] when either range is out of bounds; nothing is written.
    #[inline]
    pub fn copy_from(&mut self, src: &Self, dst: u64, src_index: u64, len: u64) -> Result<(), Trap>
    where
        T: Copy,
    {
        let src = src.range(src_index, len)?;
        self.range_mut(dst, len)?.copy_from_slice(src);
        Ok(())
    }

    /// Writes `encode(value)` for each of `values` into the slots starting at `dst`, as
    /// `table.init` does with an element segment. The whole range is checked first.
    ///
    /// # Errors
    ///
    /// [`Trap::TableOutOfBounds`] when `[dst, dst + values.len())` is out of bounds; nothing is
    /// written.
    #[inline]
    pub fn init<U>(
        &mut self,
        dst: u64,
        values: &[U],
        mut encode: impl FnMut(&U) -> T,
    ) -> Result<(), Trap> {
        let slots = self.range_mut(dst, values.len() as u64)?;
        for (slot, value) in slots.iter_mut().zip(values) {
            *slot = encode(value);
        }
        Ok(())
    }
}
