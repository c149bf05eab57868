//! `table.grow` with an init value: table-core grows, this crate clones the init value into the
//! new slots.

use super::GcRefTable;
use crate::barrier::write_through;
use crate::{GcOperation, GcRefSlot, GcStore, GcTableError, StoreNeed, VMGcRef};
use table_core::{AsyncTableLimiter, TableLimiter};

impl GcRefTable {
    /// Grows the table by `delta` slots holding owned copies of `init` (one clone per new slot),
    /// consulting `limiter` as table-core's grow procedure does.
    ///
    /// Returns the old size, or `Ok(None)` when growth is refused (`table.grow` returns -1). A
    /// null or `i31ref` init needs no store; a heap init needs one unless `delta` is 0, which
    /// clones nothing. The store is checked before the limiter is asked, so a refused call
    /// changes nothing.
    ///
    /// # Errors
    ///
    /// [`GcTableError::GcStoreRequired`] when `init` is a heap reference, `delta > 0` and `store`
    /// is `None`; a limiter's own error, as for [`table_core::TableStorage::grow`].
    #[inline]
    pub fn grow(
        &mut self,
        delta: u64,
        init: Option<&VMGcRef>,
        store: Option<&mut dyn GcStore>,
        limiter: Option<&mut dyn TableLimiter>,
    ) -> Result<Option<usize>, GcTableError> {
        if let Some(bits) = self.grow_init_bits(delta, init, store.is_some())? {
            return Ok(self.storage.grow_filled(delta, bits, limiter)?);
        }
        let grown = self.storage.grow(delta, limiter)?;
        if let (Some(old_size), Some(store)) = (grown, store) {
            self.clone_into_slots_from(old_size, init, store);
        }
        Ok(grown)
    }

    /// [`GcRefTable::grow`] with an asynchronous limiter.
    ///
    /// The store is `Send` so that the returned future is `Send` when the limiter is.
    ///
    /// # Errors
    ///
    /// As for [`GcRefTable::grow`].
    pub async fn grow_async<L: AsyncTableLimiter + ?Sized>(
        &mut self,
        delta: u64,
        init: Option<&VMGcRef>,
        store: Option<&mut (dyn GcStore + Send)>,
        limiter: Option<&mut L>,
    ) -> Result<Option<usize>, GcTableError> {
        if let Some(bits) = self.grow_init_bits(delta, init, store.is_some())? {
            return Ok(self.storage.grow_filled_async(delta, bits, limiter).await?);
        }
        let grown = self.storage.grow_async(delta, limiter).await?;
        if let (Some(old_size), Some(store)) = (grown, store) {
            self.clone_into_slots_from(old_size, init, store);
        }
        Ok(grown)
    }

    /// The slot value to grow with when no new slot receives a heap reference (so table-core can
    /// fill the new slots with bits), or `None` when each new slot needs a clone from the store.
    fn grow_init_bits(
        &self,
        delta: u64,
        init: Option<&VMGcRef>,
        has_store: bool,
    ) -> Result<Option<GcRefSlot>, GcTableError> {
        match init {
            Some(gc_ref) if gc_ref.is_heap() && delta > 0 => match has_store {
                true => Ok(None),
                false => Err(GcTableError::GcStoreRequired {
                    operation: GcOperation::Grow,
                    need: StoreNeed::Write,
                    index: self.size() as u64,
                }),
            },
            // Growing by 0 writes no slot, so a heap init is not even copied as bits.
            Some(gc_ref) if gc_ref.is_heap() => Ok(Some(GcRefSlot::unchecked_from(None))),
            _ => Ok(Some(GcRefSlot::unchecked_from(init))),
        }
    }

    /// Writes an owned copy of `init` into every slot from `first` on (the new, empty slots).
    fn clone_into_slots_from(
        &mut self,
        first: usize,
        init: Option<&VMGcRef>,
        store: &mut dyn GcStore,
    ) {
        for slot in &mut self.storage.as_mut_slice()[first..] {
            write_through(slot, init, store);
        }
    }
}
