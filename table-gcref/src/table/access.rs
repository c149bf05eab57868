//! Single-slot access: `table.get` and `table.set`.

use super::GcRefTable;
use crate::barrier::{require_no_heap, write_through};
use crate::{GcOperation, GcRefSlot, GcStore, GcTableError, StoreNeed, VMGcRef};

impl GcRefTable {
    /// The reference in slot `index`, borrowed from the table (`None` is null).
    ///
    /// # Errors
    ///
    /// `TableOutOfBounds` when `index >= size`.
    #[inline]
    pub fn get(&self, index: u64) -> Result<Option<&VMGcRef>, GcTableError> {
        Ok(self.storage.get(index)?.as_gc_ref())
    }

    /// An owned copy of the reference in slot `index`: cloned through `store` when it is a heap
    /// reference, copied as bits when it is null or an `i31ref`.
    ///
    /// # Errors
    ///
    /// `TableOutOfBounds` when `index >= size`; [`GcTableError::GcStoreRequired`] when the slot
    /// holds a heap reference and `store` is `None`.
    pub fn get_cloned(
        &self,
        index: u64,
        store: Option<&mut dyn GcStore>,
    ) -> Result<Option<VMGcRef>, GcTableError> {
        let Some(gc_ref) = self.storage.get(index)?.as_gc_ref() else {
            return Ok(None);
        };
        if gc_ref.is_i31() {
            return Ok(Some(gc_ref.unchecked_copy()));
        }
        match store {
            Some(store) => Ok(Some(store.clone_gc_ref(gc_ref))),
            None => Err(GcTableError::GcStoreRequired {
                operation: GcOperation::Get,
                need: StoreNeed::Clone,
                index,
            }),
        }
    }

    /// Writes an owned copy of `value` into slot `index` and releases what the slot held.
    ///
    /// The store is needed only when `value` or the slot's old value is a heap reference; it
    /// retains the new value before releasing the old one, so writing a slot's own value back
    /// frees nothing.
    ///
    /// # Errors
    ///
    /// `TableOutOfBounds` when `index >= size`; [`GcTableError::GcStoreRequired`] when a heap
    /// reference is involved and `store` is `None`. Nothing is written on error.
    #[inline]
    pub fn set(
        &mut self,
        index: u64,
        value: Option<&VMGcRef>,
        store: Option<&mut dyn GcStore>,
    ) -> Result<(), GcTableError> {
        let slot = self.storage.get_mut(index)?;
        let new = GcRefSlot::unchecked_from(value);
        // The common case, kept small enough to inline into a runtime's `table.set`: no heap
        // reference is written or overwritten, so the bits are the whole write (and a heap
        // summary stays true).
        if !(new.holds_heap() | slot.holds_heap()) {
            *slot = new;
            return Ok(());
        }
        self.set_through_barrier(index, new, store)
    }

    /// The rest of [`GcRefTable::set`]: a heap reference is written or overwritten, so the
    /// write goes through `store` (and is recorded in the heap summary), or fails without one.
    ///
    /// Out of line and given the whole table, so the common case holds nothing live across
    /// it: a caller's `table.set` loop reloads the table's base and size (two loads at fixed
    /// offsets) instead of keeping the barrier's arguments and the summary in registers. The
    /// value comes as bits, not as the caller's reference, so the caller's value does not escape
    /// into the call and its test can stay in a register for the whole loop.
    #[cold]
    #[inline(never)]
    fn set_through_barrier(
        &mut self,
        index: u64,
        new: GcRefSlot,
        store: Option<&mut dyn GcStore>,
    ) -> Result<(), GcTableError> {
        let value = new.as_gc_ref();
        let slot = self.storage.get_mut(index)?;
        match store {
            Some(store) => write_through(slot, value, store),
            None => {
                let written = new.holds_heap().then_some(0);
                require_no_heap(GcOperation::Set, index, written, || {
                    slot.holds_heap().then_some(0)
                })?;
                *slot = new;
            }
        }
        if new.holds_heap() {
            self.storage.note_slow_write(index);
        }
        Ok(())
    }
}
