//! Single-slot access: `table.get` and `table.set`.

use super::GcRefTable;
use crate::barrier::StoreBarrier;
use crate::{GcOperation, GcRefSlot, GcStore, GcTableError, StoreNeed, VMGcRef};
use table_core::{Bits, Refuse};

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
        // The common case, small enough to inline into a runtime's `table.set`: no heap
        // reference is written or overwritten, so the bits are the whole write (and a heap
        // summary stays true). The second bounds check folds into the first.
        let new = GcRefSlot::unchecked_from(value);
        let old = *self.storage.get(index)?;
        if !(new.holds_heap() | old.holds_heap()) {
            return Ok(self.storage.set(index, new, Bits)?);
        }
        self.set_through_barrier(index, new, store)
    }

    /// [`GcRefTable::set`] of a slot where a heap reference is written or overwritten.
    #[cold]
    #[inline(never)]
    fn set_through_barrier(
        &mut self,
        index: u64,
        new: GcRefSlot,
        store: Option<&mut dyn GcStore>,
    ) -> Result<(), GcTableError> {
        match store {
            Some(store) => self.storage.set(index, new, StoreBarrier(store)),
            None => self.storage.set(index, new, Refuse),
        }
        .map_err(|error| GcTableError::of_bulk(GcOperation::Set, error))
    }
}
