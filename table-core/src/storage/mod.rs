//! Table storage: the slots of one table, owned (dynamic storage) or borrowed from a pooling
//! allocator (static storage), behind the one type element crates use ([`TableStorage`]). The two
//! storages are private: a runtime chooses between them only when it creates a table.

mod bulk;
mod dynamic;
mod grow;
mod metered;
mod slow;
mod static_storage;

use dynamic::DynamicStorage;
use static_storage::StaticStorage;

use crate::GrowFailure;
use crate::range::{check_index, check_range};
use crate::{OutOfBounds, TableElement, TableError, TableLimiter, TableLimits, VMTableDefinition};
use core::ops::Range;
use core::ptr::NonNull;
use slow::SlowBound;

pub use metered::Metered;

/// The slots of a table, in either kind of storage.
///
/// All slot access is bounds-checked here with `u64` indices and lengths, so element crates only
/// translate values. Bulk operations check their whole range before writing anything. Slots that
/// need the element kind's slow path ([`TableElement::needs_slow_path`]) are found and written
/// here too: see [`TableStorage::track_slow_slots`] and the `*_through` operations.
#[derive(Debug)]
pub struct TableStorage<T: TableElement> {
    slots: Slots<T>,
    slow: SlowBound,
    /// [`TableLimits::size_limit`]: growth past it overflows.
    size_limit: usize,
}

/// Where the slots of a [`TableStorage`] live.
///
/// Both storages are `repr(C)` and start with the same two fields (base, size), and the enum is
/// `repr(u8)`, so the base and size sit at the same offsets whichever storage it is: reading
/// the slots is two loads with no branch on the storage, which matters in a caller's loop that
/// must reload them (around a call that may write the table).
#[derive(Debug)]
#[repr(u8)]
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
        DynamicStorage::new(limits).map(|storage| Self::over(Slots::Dynamic(storage), limits))
    }

    /// Allocates owned storage like [`TableStorage::new_dynamic`] and writes `init` into every
    /// slot, as bits (an empty `init` writes nothing: the slots are already zero): a table
    /// created with a non-null initial value, as `(table 10 funcref (ref.func 0))` or a host
    /// API's `Table::new(ty, init)` asks for. An allocation failure is told to `limiter` (as a
    /// [`GrowFailure::OutOfMemory`]) before it is returned, the order a limiter that approved
    /// the minimum ([`TableLimits::approve`]) expects.
    ///
    /// `init` is written as bits: an element kind whose `init` needs its slow path (a GC heap
    /// reference) writes it itself, through its barrier.
    ///
    /// # Errors
    ///
    /// As for [`TableStorage::new_dynamic`]; [`TableError::Limiter`] when the limiter answers
    /// the failure with an error of its own.
    pub fn new_dynamic_filled(
        limits: TableLimits,
        init: T,
        limiter: Option<&mut dyn TableLimiter>,
    ) -> Result<Self, TableError> {
        let mut storage = match Self::new_dynamic(limits) {
            Ok(storage) => storage,
            Err(
                error @ (TableError::OutOfMemory { .. } | TableError::ElementBytesOverflow { .. }),
            ) => {
                if let Some(limiter) = limiter {
                    limiter.table_grow_failed(GrowFailure::OutOfMemory {
                        bytes: error.bytes_requested(),
                    })?;
                }
                return Err(error);
            }
            Err(error) => return Err(error),
        };
        if init != T::EMPTY {
            storage.slots_mut().fill(init);
        }
        Ok(storage)
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
            .map(|storage| Self::over(Slots::Static(storage), limits))
    }

    /// Records that `written` now holds slots of which some need the slow path (`slow`) or
    /// none does, when the storage tracks them. A kind without a slow path
    /// ([`TableElement::HAS_SLOW_PATH`] false) records nothing: its writes are the stores alone.
    #[inline]
    fn note_written(&mut self, written: Range<usize>, slow: bool) {
        debug_assert!(
            T::HAS_SLOW_PATH || !slow,
            "a slot needs the slow path, but its kind declares none (TableElement::HAS_SLOW_PATH)"
        );
        if T::HAS_SLOW_PATH {
            self.slow.written(written, slow);
        }
    }

    fn over(slots: Slots<T>, limits: TableLimits) -> Self {
        TableStorage {
            slots,
            slow: SlowBound::Untracked,
            size_limit: limits.size_limit,
        }
    }

    /// The slots currently in the table: a whole-table view, for a collector's root scan or a
    /// snapshot. Operations on ranges are this type's methods.
    #[inline]
    pub fn slots(&self) -> &[T] {
        match &self.slots {
            Slots::Static(storage) => storage.as_slice(),
            Slots::Dynamic(storage) => storage.as_slice(),
        }
    }

    /// The slots currently in the table, mutably: a whole-table view, for a collector that
    /// rewrites roots in place. Writes through it, like writes through
    /// [`vmtable`](TableStorage::vmtable), must not store a slot that needs the slow path
    /// while the storage tracks such slots ([`TableStorage::track_slow_slots`]).
    #[inline]
    pub fn slots_mut(&mut self) -> &mut [T] {
        match &mut self.slots {
            Slots::Static(storage) => storage.as_mut_slice(),
            Slots::Dynamic(storage) => storage.as_mut_slice(),
        }
    }

    /// The number of slots in the table.
    #[inline]
    pub fn size(&self) -> usize {
        match &self.slots {
            Slots::Static(storage) => storage.size(),
            Slots::Dynamic(storage) => storage.size(),
        }
    }

    /// The most slots the table can ever hold: the capacity for static storage, the table type's
    /// maximum for dynamic storage (`None` when it does not fit in `usize`).
    #[inline]
    pub fn maximum(&self) -> Option<usize> {
        match &self.slots {
            Slots::Static(storage) => Some(storage.capacity()),
            Slots::Dynamic(storage) => storage.maximum(),
        }
    }

    /// Whether the table lives in static memory.
    #[inline]
    pub fn is_static(&self) -> bool {
        matches!(self.slots, Slots::Static(_))
    }

    /// The bytes of memory this table holds: its allocated or static capacity times the element
    /// size.
    pub fn bytes_held(&self) -> usize {
        match &self.slots {
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
        let (base, current_elements) = match &self.slots {
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
    /// [`OutOfBounds`] when `index >= size`.
    #[inline]
    pub fn get(&self, index: u64) -> Result<&T, OutOfBounds> {
        let slots = self.slots();
        Ok(&slots[check_index(slots.len(), index)?])
    }

    /// The slot at `index`, mutably, for a write the element kind makes itself (through a
    /// barrier, say). Like writes through [`slots_mut`](TableStorage::slots_mut), it must not
    /// store a slot that needs the slow path while the storage tracks such slots; use
    /// [`TableStorage::set`] for that.
    ///
    /// # Errors
    ///
    /// [`OutOfBounds`] when `index >= size`.
    #[inline]
    pub fn get_mut(&mut self, index: u64) -> Result<&mut T, OutOfBounds> {
        let slots = self.slots_mut();
        let index = check_index(slots.len(), index)?;
        Ok(&mut slots[index])
    }

    /// Writes `value` into slot `index`; a slot that needs the slow path is recorded when the
    /// storage tracks them.
    ///
    /// # Errors
    ///
    /// [`OutOfBounds`] when `index >= size`; nothing is written.
    #[inline]
    pub fn set(&mut self, index: u64, value: T) -> Result<(), OutOfBounds> {
        let slot = self.get_mut(index)?;
        *slot = value;
        // `get_mut` checked `index < size`, so it fits in `usize`.
        let index = index as usize;
        self.note_written(index..index + 1, value.needs_slow_path());
        Ok(())
    }

    /// The slots `[start, start + len)`, mutably, and where they are.
    #[inline]
    fn range_mut(&mut self, start: u64, len: u64) -> Result<(&mut [T], Range<usize>), OutOfBounds> {
        let slots = self.slots_mut();
        let range = check_range(slots.len(), start, len)?;
        Ok((&mut slots[range.clone()], range))
    }

    /// Writes `value` into every slot of `[dst, dst + len)` (one slice fill), as bits: for
    /// values and slots that need no slow path, or kinds that have none. The arguments come in
    /// the spec's order for `table.fill`, as in every layer above.
    ///
    /// # Errors
    ///
    /// [`OutOfBounds`] when the range is out of bounds; nothing is written.
    #[inline]
    pub fn fill(&mut self, dst: u64, value: T, len: u64) -> Result<(), OutOfBounds> {
        let range = check_range(self.size(), dst, len)?;
        self.fill_checked(range, value);
        Ok(())
    }

    /// [`TableStorage::fill`] of a checked range.
    #[inline]
    fn fill_checked(&mut self, range: Range<usize>, value: T) {
        self.slots_mut()[range.clone()].fill(value);
        self.note_written(range, value.needs_slow_path());
    }

    /// Moves `[src, src + len)` to `[dst, dst + len)` within this table as bits; overlapping
    /// ranges behave like `memmove`. Slots that need the slow path move as they are.
    ///
    /// # Errors
    ///
    /// [`OutOfBounds`] when either range is out of bounds; nothing is written.
    #[inline]
    pub fn copy_within(&mut self, dst: u64, src: u64, len: u64) -> Result<(), OutOfBounds> {
        let src = check_range(self.size(), src, len)?;
        let dst = check_range(self.size(), dst, len)?;
        self.move_within(src, dst.start);
        Ok(())
    }

    /// [`TableStorage::copy_within`] of checked ranges.
    #[inline]
    fn move_within(&mut self, src: Range<usize>, dst: usize) {
        self.slots_mut().copy_within(src.clone(), dst);
        let carries_slow = self.slow.may_hold(src.clone());
        self.note_written(dst..dst + src.len(), carries_slow);
    }

    /// Copies `[src_index, src_index + len)` of `src` to `[dst, dst + len)` of this table as
    /// bits. Slots that need the slow path move as they are.
    ///
    /// # Errors
    ///
    /// [`OutOfBounds`] when either range is out of bounds; nothing is written.
    #[inline]
    pub fn copy_from(
        &mut self,
        src: &Self,
        dst: u64,
        src_index: u64,
        len: u64,
    ) -> Result<(), OutOfBounds> {
        let from = check_range(src.size(), src_index, len)?;
        let to = check_range(self.size(), dst, len)?;
        self.copy_checked(src, from, to);
        Ok(())
    }

    /// [`TableStorage::copy_from`] of checked ranges.
    #[inline]
    fn copy_checked(&mut self, src: &Self, from: Range<usize>, to: Range<usize>) {
        let values = &src.slots()[from.clone()];
        self.slots_mut()[to.clone()].copy_from_slice(values);
        if self.slow.is_tracked() {
            self.note_written(to, src.may_hold_slow(from.start as u64, values));
        }
    }

    /// Writes `slots` (an element segment already in slot form) into the slots starting at
    /// `dst`, as one slice copy.
    ///
    /// # Errors
    ///
    /// [`OutOfBounds`] when `[dst, dst + slots.len())` is out of bounds; nothing is
    /// written.
    #[inline]
    pub fn write_slots(&mut self, dst: u64, slots: &[T]) -> Result<(), OutOfBounds> {
        let range = check_range(self.size(), dst, slots.len() as u64)?;
        self.write_checked(range, slots);
        Ok(())
    }

    /// [`TableStorage::write_slots`] of a checked range as long as `slots`.
    #[inline]
    fn write_checked(&mut self, range: Range<usize>, slots: &[T]) {
        self.slots_mut()[range.clone()].copy_from_slice(slots);
        if self.slow.is_tracked() {
            self.note_written(range, T::block_needs_slow_path(slots));
        }
    }

    /// Writes `encode(value)` for each of `values` into the slots starting at `dst`, as
    /// `table.init` does with an element segment. The whole range is checked first.
    ///
    /// # Errors
    ///
    /// [`OutOfBounds`] when `[dst, dst + values.len())` is out of bounds; nothing is
    /// written.
    #[inline]
    pub fn init<U>(
        &mut self,
        dst: u64,
        values: &[U],
        mut encode: impl FnMut(&U) -> T,
    ) -> Result<(), OutOfBounds> {
        let (slots, range) = self.range_mut(dst, values.len() as u64)?;
        let mut carries_slow = false;
        for (slot, value) in slots.iter_mut().zip(values) {
            *slot = encode(value);
            carries_slow |= slot.needs_slow_path();
        }
        self.note_written(range, carries_slow);
        Ok(())
    }
}
