//! Table storage: the slots of one table, owned ([`DynamicStorage`]) or borrowed from a pooling
//! allocator ([`StaticStorage`]), behind one type element crates use ([`TableStorage`]).

mod dynamic;
mod grow;
mod static_storage;

pub use dynamic::DynamicStorage;
pub use static_storage::StaticStorage;

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

// SAFETY: the creation contract (`StaticStorage::new`) gives the table exclusive use of the
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
pub enum TableStorage<T: TableElement> {
    /// Fixed-capacity memory handed in by the embedder; never moves.
    Static(StaticStorage<T>),
    /// Owned heap memory; may move when it grows.
    Dynamic(DynamicStorage<T>),
}

impl<T: TableElement> TableStorage<T> {
    /// Allocates owned storage with `limits.minimum` empty slots.
    ///
    /// # Errors
    ///
    /// As for [`DynamicStorage::new`].
    pub fn new_dynamic(limits: TableLimits) -> Result<Self, TableError> {
        DynamicStorage::new(limits).map(TableStorage::Dynamic)
    }

    /// Places storage with `limits.minimum` empty slots in caller-provided `memory`.
    ///
    /// # Errors
    ///
    /// As for [`StaticStorage::new`].
    ///
    /// # Safety
    ///
    /// As for [`StaticStorage::new`].
    pub unsafe fn new_static(
        memory: NonNull<[u8]>,
        limits: TableLimits,
    ) -> Result<Self, TableError> {
        // SAFETY: the caller's promises are exactly `StaticStorage::new`'s.
        unsafe { StaticStorage::new(memory, limits) }.map(TableStorage::Static)
    }

    /// Creates owned storage for a table of type `ty`, after the creation-limits procedure
    /// ([`TableLimits::for_table`]).
    ///
    /// # Errors
    ///
    /// As for [`TableLimits::for_table`] and [`DynamicStorage::new`].
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
    /// As for [`TableLimits::for_table`] and [`StaticStorage::new`].
    ///
    /// # Safety
    ///
    /// As for [`StaticStorage::new`].
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
    /// As for [`StaticStorage::new`].
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
        match self {
            TableStorage::Static(storage) => storage.as_slice(),
            TableStorage::Dynamic(storage) => storage.as_slice(),
        }
    }

    /// The slots currently in the table, mutably.
    #[inline]
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        match self {
            TableStorage::Static(storage) => storage.as_mut_slice(),
            TableStorage::Dynamic(storage) => storage.as_mut_slice(),
        }
    }

    /// The number of slots in the table.
    #[inline]
    pub fn size(&self) -> usize {
        match self {
            TableStorage::Static(storage) => storage.size(),
            TableStorage::Dynamic(storage) => storage.size(),
        }
    }

    /// The most slots the table can ever hold: the capacity for static storage, the table type's
    /// maximum for dynamic storage (`None` when it does not fit in `usize`).
    #[inline]
    pub fn maximum(&self) -> Option<usize> {
        match self {
            TableStorage::Static(storage) => Some(storage.capacity()),
            TableStorage::Dynamic(storage) => storage.maximum(),
        }
    }

    /// Whether the table lives in static memory.
    #[inline]
    pub fn is_static(&self) -> bool {
        matches!(self, TableStorage::Static(_))
    }

    /// The bytes of memory this table holds: its allocated or static capacity times the element
    /// size.
    pub fn bytes_held(&self) -> usize {
        match self {
            TableStorage::Static(storage) => storage.bytes_held(),
            TableStorage::Dynamic(storage) => storage.bytes_held(),
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
        let (base, current_elements) = match self {
            TableStorage::Static(storage) => (storage.base(), storage.size()),
            TableStorage::Dynamic(storage) => (storage.base(), storage.size()),
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

    /// Writes `value` into every slot of `[start, start + len)` (one slice fill).
    ///
    /// # Errors
    ///
    /// [`Trap::TableOutOfBounds`] when the range is out of bounds; nothing is written.
    #[inline]
    pub fn fill(&mut self, start: u64, len: u64, value: T) -> Result<(), Trap>
    where
        T: Copy,
    {
        self.range_mut(start, len)?.fill(value);
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
