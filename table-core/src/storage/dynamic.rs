//! Dynamic storage: slots in owned, zero-initialised heap memory that may move when it grows.

use crate::element::assert_element_contract;
use crate::{TableElement, TableError, TableLimits};
use alloc::alloc::{Layout, alloc_zeroed, dealloc, realloc};
use core::mem::size_of;
use core::ptr::NonNull;

/// How far past the size [`DynamicStorage::expose`] zeroes at least: a page.
const ZERO_AHEAD_BYTES: usize = 4096;

/// Table slots in memory the table owns.
///
/// Creation is one zeroing allocation (none at all for zero slots), so a huge table costs no
/// per-slot writes and, for large sizes, no touched pages. Growth reallocates (or takes a fresh
/// zeroed block when the table more than doubles); room added by a reallocation is zeroed only
/// when the size grows into it, as a `Vec` writes its elements only when it is pushed to, so
/// the spare half of a doubled block costs no writes. The spare capacity never exceeds the
/// maximum.
/// All allocation is fallible.
/// `repr(C)` with `base` and `size` first, as in the other storage (see `Slots`).
#[repr(C)]
pub struct DynamicStorage<T> {
    base: NonNull<T>,
    size: usize,
    /// Slots allocated.
    capacity: usize,
    /// The end of the slots known to hold values: `size <= zeroed <= capacity`, the slots of
    /// `[size, zeroed)` are zero and those of `[zeroed, capacity)` are unwritten memory.
    zeroed: usize,
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
            .field("zeroed", &self.zeroed)
            .field("maximum", &self.maximum)
            .finish()
    }
}

impl<T: TableElement> DynamicStorage<T> {
    /// Allocates `limits.minimum` empty slots.
    ///
    /// # Errors
    ///
    /// [`TableError::MinimumExceedsLimits`] when `limits.minimum > limits.maximum` (as for
    /// static storage); [`TableError::ElementBytesOverflow`] when the size in bytes does not fit
    /// in an allocation; [`TableError::OutOfMemory`] when the allocator fails.
    pub fn new(limits: TableLimits) -> Result<Self, TableError> {
        const { assert_element_contract::<T>() };
        limits.check()?;
        let base = allocate_zeroed::<T>(limits.minimum)?;
        Ok(DynamicStorage {
            base,
            size: limits.minimum,
            capacity: limits.minimum,
            zeroed: limits.minimum,
            maximum: limits.maximum,
        })
    }

    /// The slots currently in the table.
    #[inline]
    pub fn as_slice(&self) -> &[T] {
        // SAFETY: `base` is dangling-but-aligned with `capacity == 0`, or an allocation of
        // `capacity` slots of which the first `zeroed >= size` are zero-initialised or written.
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

    /// The address of slot 0, with the provenance of the allocation itself (not of a borrow of
    /// `self`), so it stays valid until the storage reallocates or is dropped.
    #[inline]
    pub(crate) fn base(&self) -> NonNull<T> {
        self.base
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
    #[inline]
    pub(crate) fn grow_to(&mut self, new_size: usize) -> Result<(), TableError> {
        if new_size <= self.capacity {
            // The common case of many small grows: the spare room is already there.
            self.expose(new_size);
            return Ok(());
        }
        self.grow_capacity(new_size)
    }

    /// Raises the size to `new_size <= capacity`, zeroing the slots it exposes that were never
    /// written. Zeroes at least a page's worth ahead (within the capacity), so growing one slot
    /// at a time zeroes in page-sized runs rather than calling `memset` per grow.
    #[inline]
    fn expose(&mut self, new_size: usize) {
        debug_assert!(new_size <= self.capacity);
        if new_size > self.zeroed {
            let ahead = (ZERO_AHEAD_BYTES / size_of::<T>()).max(1);
            let end = new_size.max(self.zeroed + ahead).min(self.capacity);
            // SAFETY: `zeroed <= new_size <= end <= capacity`, so `[zeroed, end)` is inside the
            // allocation of `capacity` slots, and all-zero bytes are a valid slot
            // (`TableElement: Zeroable`).
            unsafe {
                self.base
                    .as_ptr()
                    .add(self.zeroed)
                    .write_bytes(0, end - self.zeroed);
            }
            self.zeroed = end;
        }
        self.size = self.size.max(new_size);
    }

    /// [`DynamicStorage::grow_to`] past the capacity: reallocates. Out of line, so the common
    /// case inlines into the grow procedure without it.
    #[inline(never)]
    fn grow_capacity(&mut self, new_size: usize) -> Result<(), TableError> {
        // Amortised doubling for many small grows, never past the maximum.
        let doubled = self
            .capacity
            .saturating_mul(2)
            .min(self.maximum.unwrap_or(usize::MAX));
        let wanted = doubled.max(new_size);
        let capacity = match self.reserve(wanted) {
            Ok(()) => wanted,
            // The spare room is a nicety; retry with exactly what was asked for.
            Err(_) if wanted > new_size => {
                self.reserve(new_size)?;
                new_size
            }
            Err(error) => return Err(error),
        };
        debug_assert_eq!(self.capacity, capacity);
        self.expose(new_size);
        Ok(())
    }

    /// Moves the slots to a block of `capacity` slots. On failure the storage is unchanged.
    fn reserve(&mut self, capacity: usize) -> Result<(), TableError> {
        let added = capacity - self.capacity;
        if self.capacity == 0 || added > self.size {
            // Mostly new room: a fresh zeroing allocation (for large blocks, untouched zero pages)
            // plus copying the few live slots beats zeroing the room as it is exposed.
            let base = allocate_zeroed::<T>(capacity)?;
            // SAFETY: both blocks hold at least `size` slots and are distinct allocations; slots
            // move bitwise by the `TableElement` contract.
            unsafe { core::ptr::copy_nonoverlapping(self.base.as_ptr(), base.as_ptr(), self.size) };
            self.release();
            self.base = base;
            self.zeroed = capacity;
        } else {
            // Mostly live slots: `realloc` may extend in place or remap pages instead of copying.
            // The added room stays unwritten until the size grows into it (`expose`).
            let new_layout = array_layout::<T>(capacity)?;
            // SAFETY: `base` was allocated with `Layout::array::<T>(self.capacity)` (non-zero
            // capacity here), and the new size is non-zero and a valid layout size.
            let block = unsafe {
                realloc(
                    self.base.as_ptr().cast(),
                    Layout::array::<T>(self.capacity).unwrap_unchecked(),
                    new_layout.size(),
                )
            };
            let base = NonNull::new(block.cast::<T>()).ok_or(TableError::OutOfMemory {
                bytes: new_layout.size(),
            })?;
            self.base = base;
        }
        self.capacity = capacity;
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

/// The layout of `count` slots.
fn array_layout<T>(count: usize) -> Result<Layout, TableError> {
    Layout::array::<T>(count).map_err(|_| TableError::ElementBytesOverflow {
        elements: count,
        element_size: size_of::<T>(),
    })
}

/// One zeroing allocation of `count` slots; a dangling, aligned pointer for zero.
fn allocate_zeroed<T>(count: usize) -> Result<NonNull<T>, TableError> {
    if count == 0 {
        return Ok(NonNull::dangling());
    }
    let layout = array_layout::<T>(count)?;
    // SAFETY: `count != 0` and elements are not zero-sized (`assert_element_contract`), so the
    // layout has a non-zero size.
    let block = unsafe { alloc_zeroed(layout) };
    NonNull::new(block.cast()).ok_or(TableError::OutOfMemory {
        bytes: layout.size(),
    })
}
