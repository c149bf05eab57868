//! Static storage: a fixed block of memory handed in by a pooling allocator.

use crate::element::assert_element_contract;
use crate::{TableElement, TableError, TableLimits};
use core::mem::{align_of, size_of};
use core::ptr::NonNull;

/// Table slots in caller-provided memory that the table never frees, moves or clears.
///
/// Capacity is the number of whole elements in the memory, capped by the table's maximum.
/// Growth only raises the size over memory that is already zero.
/// `repr(C)` with `base` and `size` first, as in the other storage (see `Slots`).
#[repr(C)]
pub struct StaticStorage<T> {
    base: NonNull<T>,
    size: usize,
    capacity: usize,
}

// SAFETY: the creation contract gives the storage exclusive access to its memory, so it behaves
// like an owned `[T]`: sending it sends the slots.
unsafe impl<T: Send> Send for StaticStorage<T> {}
// SAFETY: shared access only hands out `&[T]`, which is sound to share when `T: Sync`.
unsafe impl<T: Sync> Sync for StaticStorage<T> {}

impl<T> core::fmt::Debug for StaticStorage<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("StaticStorage")
            .field("base", &self.base)
            .field("size", &self.size)
            .field("capacity", &self.capacity)
            .finish()
    }
}

impl<T: TableElement> StaticStorage<T> {
    /// Places a table with `limits` in `memory`, without writing to it.
    ///
    /// The capacity is the number of whole elements that fit in `memory` (trailing bytes that
    /// do not make a whole element are never used), capped by `limits.maximum`. So a pool that
    /// sizes its slots for 8-byte elements can hold a table of 16-byte elements with half the
    /// count. A table whose capacity is zero never addresses a slot, so its memory may have any
    /// alignment (including an empty memory at any address).
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
    /// accessed other than through this storage (and the [`VMTableDefinition`](crate::VMTableDefinition)
    /// it hands out) during that time, and every byte of it must be zero.
    ///
    /// The zero promise covers the whole memory, not only the minimum: growth exposes slots
    /// without writing them (creation and growth cost no per-slot work), so a pool that hands
    /// back memory without re-zeroing it would give the table stale words, which a GC table
    /// would later release a second time. Debug builds check the bytes each growth exposes and
    /// panic on a non-zero one; release builds trust the promise.
    pub unsafe fn new(memory: NonNull<[u8]>, limits: TableLimits) -> Result<Self, TableError> {
        const { assert_element_contract::<T>() };
        limits.check()?;
        let element_size = size_of::<T>();
        let bytes = memory.len();
        let fits = bytes / element_size;
        if fits < limits.minimum {
            return Err(TableError::StaticMemoryTooSmall {
                bytes,
                minimum: limits.minimum,
                // `fits < minimum`, so this may exceed `usize` only for minimums no memory
                // could hold.
                required: limits.minimum.saturating_mul(element_size),
            });
        }
        // `minimum <= fits` and (checked above) `minimum <= maximum`, so `minimum <= capacity`.
        let capacity = limits.maximum.map_or(fits, |maximum| fits.min(maximum));
        let address = memory.cast::<u8>().as_ptr().addr();
        let base = if address.is_multiple_of(align_of::<T>()) {
            memory.cast()
        } else if capacity == 0 {
            // No slot is ever addressed; an aligned dangling pointer keeps the (empty) slices
            // this storage hands out valid.
            NonNull::dangling()
        } else {
            return Err(TableError::StaticMemoryMisaligned {
                address,
                align: align_of::<T>(),
            });
        };
        Ok(StaticStorage {
            base,
            size: limits.minimum,
            capacity,
        })
    }

    /// The slots currently in the table.
    #[inline]
    pub fn as_slice(&self) -> &[T] {
        // SAFETY: `new`'s contract makes `[base, base + capacity)` valid, exclusively ours and
        // initialised (zero is a valid `T` by `TableElement`), and `size <= capacity`.
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

    /// The most slots this storage can hold.
    #[inline]
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The bytes of static memory the table may use: capacity times element size.
    pub fn bytes_held(&self) -> usize {
        self.capacity * size_of::<T>()
    }

    /// The address of slot 0, with the provenance of the memory handed to [`StaticStorage::new`]
    /// (not of a borrow of `self`), so it stays valid for the storage's whole life.
    #[inline]
    pub(crate) fn base(&self) -> NonNull<T> {
        self.base
    }

    /// Raises the size to `new_size` over memory that is already zero.
    #[inline]
    pub(crate) fn grow_to(&mut self, new_size: usize) -> Result<(), TableError> {
        if new_size > self.capacity {
            // The grow procedure checks the maximum (our capacity) first, so this is only
            // reachable by a direct caller; report it like any other failed growth.
            return Err(TableError::StaticMemoryTooSmall {
                bytes: self.bytes_held(),
                minimum: new_size,
                required: new_size.saturating_mul(size_of::<T>()),
            });
        }
        if new_size > self.size {
            #[cfg(debug_assertions)]
            self.assert_zero(self.size..new_size);
            self.size = new_size;
        }
        Ok(())
    }

    /// Panics if any byte of the slots in `range` (all below `capacity`) is not zero: the
    /// creation contract promised they are, and a GC table would read stale words as owned
    /// references.
    #[cfg(debug_assertions)]
    fn assert_zero(&self, range: core::ops::Range<usize>) {
        let bytes = (range.end - range.start) * size_of::<T>();
        // SAFETY: `range.end <= capacity`, so the bytes lie in the memory handed to `new`, which
        // is valid for reads; no slot past `size` has been handed out, so nothing else accesses
        // them, and every byte is initialised (the caller handed in initialised memory).
        let exposed = unsafe {
            core::slice::from_raw_parts(self.base.as_ptr().add(range.start).cast::<u8>(), bytes)
        };
        if let Some(offset) = exposed.iter().position(|&byte| byte != 0) {
            panic!(
                "static table memory is not zero at slot {}: the memory handed to \
                 `StaticStorage::new` must be all zero (was it re-zeroed after its last use?)",
                range.start + offset / size_of::<T>()
            );
        }
    }
}
