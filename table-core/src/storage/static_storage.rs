//! Static storage: a fixed block of memory handed in by a pooling allocator.

use crate::element::assert_element_contract;
use crate::{TableElement, TableError, TableLimits};
use core::mem::{align_of, size_of};
use core::ptr::NonNull;

/// Table slots in caller-provided memory that the table never frees, moves or clears.
///
/// Capacity is the number of whole elements in the memory, capped by the table's maximum.
/// Growth only raises the size over memory that is already zero.
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
    /// # Errors
    ///
    /// [`TableError::StaticMemoryMisaligned`], [`TableError::StaticMemoryOddLength`],
    /// [`TableError::StaticMemoryTooSmall`] or [`TableError::MinimumExceedsStaticCapacity`], each
    /// naming the numbers that disagree.
    ///
    /// # Safety
    ///
    /// `memory` must be valid for reads and writes for as long as the storage lives, must not be
    /// accessed other than through this storage (and the [`VMTableDefinition`](crate::VMTableDefinition)
    /// it hands out) during that time, and every byte of it must be zero.
    pub unsafe fn new(memory: NonNull<[u8]>, limits: TableLimits) -> Result<Self, TableError> {
        const { assert_element_contract::<T>() };
        let element_size = size_of::<T>();
        let bytes = memory.len();
        let address = memory.cast::<u8>().as_ptr().addr();
        if !address.is_multiple_of(align_of::<T>()) {
            return Err(TableError::StaticMemoryMisaligned {
                address,
                align: align_of::<T>(),
            });
        }
        if !bytes.is_multiple_of(element_size) {
            return Err(TableError::StaticMemoryOddLength {
                bytes,
                element_size,
            });
        }
        let fits = bytes / element_size;
        if fits < limits.minimum {
            return Err(TableError::StaticMemoryTooSmall {
                bytes,
                minimum: limits.minimum,
                // `fits < minimum` and `fits * element_size == bytes`, so this may exceed
                // `usize` only for minimums no memory could hold.
                required: limits.minimum.saturating_mul(element_size),
            });
        }
        let capacity = limits.maximum.map_or(fits, |maximum| fits.min(maximum));
        if limits.minimum > capacity {
            return Err(TableError::MinimumExceedsStaticCapacity {
                minimum: limits.minimum,
                capacity,
            });
        }
        Ok(StaticStorage {
            base: memory.cast(),
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

    /// Raises the size to `new_size` over memory that is already zero.
    pub(crate) fn grow_to(&mut self, new_size: usize) -> Result<(), TableError> {
        if new_size > self.capacity {
            // The grow procedure checks the maximum (our capacity) first, so this is only
            // reachable by a direct caller; report it like any other failed growth.
            return Err(TableError::MinimumExceedsStaticCapacity {
                minimum: new_size,
                capacity: self.capacity,
            });
        }
        self.size = self.size.max(new_size);
        Ok(())
    }
}
