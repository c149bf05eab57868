//! Dynamic storage: slots in owned, zero-initialised heap memory that may move when it grows.

use crate::element::assert_element_contract;
use crate::{TableElement, TableError, TableLimits};
use alloc::alloc::{Layout, alloc_zeroed, dealloc};
use core::mem::size_of;
use core::ptr::NonNull;

/// Table slots in memory the table owns.
///
/// Creation is one zeroing allocation (none at all for zero slots), so a huge table costs no
/// per-slot writes and, for large sizes, no touched pages. Growth allocates a larger zeroed block
/// and moves the existing slots; the spare capacity is zero and never exceeds the maximum.
/// All allocation is fallible.
pub struct DynamicStorage<T> {
    base: NonNull<T>,
    size: usize,
    /// Slots allocated; `[size, capacity)` is always zero.
    capacity: usize,
    maximum: Option<usize>,
}

// SAFETY: the storage owns its slots like a `Vec<T>` does.
unsafe impl<T: Send> Send for DynamicStorage<T> {}
// SAFETY: shared access only hands out `&[T]`, which is sound to share when `T: Sync`.
unsafe impl<T: Sync> Sync for DynamicStorage<T> {}

impl<T> core::fmt::Debug for DynamicStorage<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DynamicStorage")
            .field("base", &self.base)
            .field("size", &self.size)
            .field("capacity", &self.capacity)
            .field("maximum", &self.maximum)
            .finish()
    }
}

impl<T: TableElement> DynamicStorage<T> {
    /// Allocates `limits.minimum` empty slots.
    ///
    /// # Errors
    ///
    /// [`TableError::ElementBytesOverflow`] when the size in bytes does not fit in an
    /// allocation; [`TableError::OutOfMemory`] when the allocator fails.
    pub fn new(limits: TableLimits) -> Result<Self, TableError> {
        const { assert_element_contract::<T>() };
        let base = allocate_zeroed::<T>(limits.minimum)?;
        Ok(DynamicStorage {
            base,
            size: limits.minimum,
            capacity: limits.minimum,
            maximum: limits.maximum,
        })
    }

    /// The slots currently in the table.
    #[inline]
    pub fn as_slice(&self) -> &[T] {
        // SAFETY: `base` is dangling-but-aligned with `capacity == 0`, or an allocation of
        // `capacity` zero-initialised-or-written slots; `size <= capacity`.
        unsafe { core::slice::from_raw_parts(self.base.as_ptr(), self.size) }
    }

    /// The slots currently in the table, mutably.
    #[inline]
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        // SAFETY: as in `as_slice`; `&mut self` makes the access unique.
        unsafe { core::slice::from_raw_parts_mut(self.base.as_ptr(), self.size) }
    }

    /// The number of slots in the table.
    #[inline]
    pub fn size(&self) -> usize {
        self.size
    }

    /// The number of slots allocated.
    #[inline]
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The most slots the table may grow to (`None` when the declared maximum does not fit in
    /// `usize`).
    #[inline]
    pub fn maximum(&self) -> Option<usize> {
        self.maximum
    }

    /// The bytes allocated: capacity times element size.
    pub fn bytes_held(&self) -> usize {
        self.capacity * size_of::<T>()
    }

    /// Raises the size to `new_size`, exposing zeroed slots; reallocates when the capacity is
    /// short. On failure the storage is unchanged.
    pub(crate) fn grow_to(&mut self, new_size: usize) -> Result<(), TableError> {
        if new_size <= self.capacity {
            self.size = self.size.max(new_size);
            return Ok(());
        }
        // Amortised doubling for many small grows, never past the maximum.
        let doubled = self
            .capacity
            .saturating_mul(2)
            .min(self.maximum.unwrap_or(usize::MAX));
        let (base, capacity) = match allocate_zeroed::<T>(doubled.max(new_size)) {
            Ok(base) => (base, doubled.max(new_size)),
            // The spare room is a nicety; retry with exactly what was asked for.
            Err(_) if doubled > new_size => (allocate_zeroed::<T>(new_size)?, new_size),
            Err(error) => return Err(error),
        };
        // SAFETY: both blocks hold at least `size` slots and are distinct allocations; slots
        // move bitwise by the `TableElement` contract.
        unsafe { core::ptr::copy_nonoverlapping(self.base.as_ptr(), base.as_ptr(), self.size) };
        self.release();
        self.base = base;
        self.capacity = capacity;
        self.size = new_size;
        Ok(())
    }
}

impl<T> DynamicStorage<T> {
    /// Frees the current block (if any). The caller replaces `base` and `capacity` at once, or
    /// is `drop`.
    fn release(&mut self) {
        if self.capacity != 0 {
            // SAFETY: `base` came from `allocate_zeroed::<T>(capacity)`, whose layout
            // `Layout::array::<T>(capacity)` succeeded then and is recomputed identically.
            unsafe {
                dealloc(
                    self.base.as_ptr().cast(),
                    Layout::array::<T>(self.capacity).unwrap_unchecked(),
                )
            };
        }
    }
}

impl<T> Drop for DynamicStorage<T> {
    fn drop(&mut self) {
        self.release();
    }
}

/// One zeroing allocation of `count` slots; a dangling, aligned pointer for zero.
fn allocate_zeroed<T>(count: usize) -> Result<NonNull<T>, TableError> {
    if count == 0 {
        return Ok(NonNull::dangling());
    }
    let layout = Layout::array::<T>(count).map_err(|_| TableError::ElementBytesOverflow {
        elements: count,
        element_size: size_of::<T>(),
    })?;
    // SAFETY: `count != 0` and elements are not zero-sized (`assert_element_contract`), so the
    // layout has a non-zero size.
    let block = unsafe { alloc_zeroed(layout) };
    NonNull::new(block.cast()).ok_or(TableError::OutOfMemory {
        bytes: layout.size(),
    })
}
