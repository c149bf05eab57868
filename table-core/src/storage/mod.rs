//! Table storage: the slots of one table, owned (dynamic storage) or borrowed from a pooling
//! allocator (static storage), behind the one type element crates use ([`TableStorage`]). The two
//! storages are private: a runtime chooses between them only when it creates a table.

mod bulk;
mod dynamic;
mod grow;
mod slow;
mod static_storage;

use dynamic::DynamicStorage;
use static_storage::StaticStorage;

use crate::GrowFailure;
use crate::range::check_index;
use crate::{
    OutOfBounds, SlotWriter, SlowPathError, SlowSlots, TableElement, TableError, TableLimiter,
    TableLimits, VMTableDefinition,
};
use core::ops::Range;
use core::ptr::NonNull;
use slow::SlowBound;

/// The slots of a table, in either kind of storage.
///
/// All slot access is bounds-checked here with `u64` indices and lengths, so element crates only
/// translate values. Bulk operations check their whole range before writing anything. Slots that
/// need the element kind's slow path ([`TableElement::needs_slow_path`]) are found and written
/// here too: every write takes a [`SlotWriter`] that says how to write them, and
/// [`TableStorage::track_slow_slots`] keeps a bound on where they are.
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
    /// Allocates owned storage with `limits.minimum` slots holding `init`: one zeroing
    /// allocation (none for zero slots), so a huge table of empty slots costs no per-slot writes,
    /// then `init` written as bits when it is not empty (a table created with a non-null
    /// initial value, as `(table 10 funcref (ref.func 0))` or a host API's `Table::new(ty, init)`
    /// asks for). Growth reallocates and may move the slots; spare capacity never exceeds the
    /// maximum.
    ///
    /// An allocation failure is told to `limiter` (as a [`GrowFailure::OutOfMemory`]) before it
    /// is returned, the order a limiter that approved the minimum ([`TableLimits::approve`])
    /// expects. `init` is written as bits: an element kind whose `init` needs its slow path (a GC
    /// heap reference) writes it itself, through its barrier.
    ///
    /// # Errors
    ///
    /// [`TableError::MinimumExceedsLimits`] when `limits.minimum > limits.maximum`;
    /// [`TableError::ElementBytesOverflow`] when the size in bytes does not fit in an
    /// allocation; [`TableError::OutOfMemory`] when the allocator fails; [`TableError::Limiter`]
    /// when the limiter answers the failure with an error of its own.
    #[inline]
    pub fn new_dynamic(
        limits: TableLimits,
        init: T,
        limiter: Option<&mut dyn TableLimiter>,
    ) -> Result<Self, TableError> {
        let mut storage = match DynamicStorage::new(limits) {
            Ok(storage) => Self::over(Slots::Dynamic(storage), limits),
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
            bulk::fill_bits(storage.slots_in_place(), init);
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
    /// rewrites roots in place. Writes through it are behind the storage's back, like writes
    /// through [`vmtable`](TableStorage::vmtable): a storage that tracks slow slots
    /// ([`TableStorage::track_slow_slots`]) stops assuming anything about where they are.
    #[inline]
    pub fn slots_mut(&mut self) -> &mut [T] {
        if self.slow.is_tracked() {
            self.slow = SlowBound::Tracked(0..self.size());
        }
        self.slots_in_place()
    }

    /// The slots, mutably, for the engine's own writes (which keep the bound).
    #[inline]
    fn slots_in_place(&mut self) -> &mut [T] {
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

    /// Writes `value` into slot `index` as `writer` says ([`SlotWriter`]): a slow value or
    /// overwritten slot goes through a [`SlowSlots::Barrier`] writer's
    /// [`write`](SlotWriter::write), out of line, or is refused by a [`SlowSlots::Refused`] one.
    /// A slow value is recorded when the storage tracks slow slots; a fast one leaves the bound as
    /// it is (it stays true), so a `table.set` is the bounds check and the store.
    ///
    /// # Errors
    ///
    /// Out of bounds when `index >= size`, or the writer's refusal; nothing is written.
    #[inline]
    pub fn set<W: SlotWriter<T>>(
        &mut self,
        index: u64,
        value: T,
        mut writer: W,
    ) -> Result<(), W::Error> {
        let slots = self.slots_in_place();
        let at = check_index(slots.len(), index)?;
        writer.charge(1)?;
        let slot = &mut slots[at];
        let slow = value.needs_slow_path();
        match W::SLOW_SLOTS {
            SlowSlots::AsBits => *slot = value,
            SlowSlots::Barrier if slow | slot.needs_slow_path() => {
                write_slow(slot, value, writer);
            }
            SlowSlots::Barrier => {
                // The common case: no slow slot written or overwritten, so the store is the
                // whole write, and the bound stays true.
                *slot = value;
                return Ok(());
            }
            SlowSlots::Refused(refuse) => {
                if slow || slot.needs_slow_path() {
                    let overwritten = !slow;
                    return Err(refuse(SlowPathError::Unavailable { index, overwritten }));
                }
                *slot = value;
                return Ok(());
            }
        }
        if slow {
            self.note_written(at..at + 1, true);
        }
        Ok(())
    }
}

/// A single write through the barrier, out of line: the common `table.set` writes bits. The
/// writer is moved in (it is a register or two) rather than borrowed, so a caller's loop does not
/// keep it in memory for a call that rarely happens.
#[cold]
#[inline(never)]
fn write_slow<T: TableElement>(slot: &mut T, value: T, mut writer: impl SlotWriter<T>) {
    writer.write(slot, value);
}
