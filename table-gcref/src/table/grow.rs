//! `table.grow` with an init value: table-core grows and writes the new slots, cloning a heap
//! init value into each through the barrier.

use super::GcRefTable;
use crate::barrier::write_through;
use crate::{GcOperation, GcRefSlot, GcStore, GcTableError, StoreNeed, VMGcRef};
use table_core::{AsyncTableLimiter, TableLimiter};

impl GcRefTable {
    /// Grows the table by `delta` slots holding owned copies of `init` (one clone per new slot),
    /// consulting `limiter` as table-core's grow procedure does. The store comes last, as in
    /// every operation of this table.
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
        limiter: Option<&mut dyn TableLimiter>,
        mut store: Option<&mut dyn GcStore>,
    ) -> Result<Option<usize>, GcTableError> {
        let init = self.grow_init(delta, init, store.is_some())?;
        let writer = |slot: &mut GcRefSlot, value| clone_into(slot, value, store.as_deref_mut());
        Ok(self.storage.grow_through(delta, init, writer, limiter)?)
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
        limiter: Option<&mut L>,
        mut store: Option<&mut (dyn GcStore + Send)>,
    ) -> Result<Option<usize>, GcTableError> {
        let init = self.grow_init(delta, init, store.is_some())?;
        let writer = move |slot: &mut GcRefSlot, value| {
            let store = store.as_deref_mut().map(|store| store as &mut dyn GcStore);
            clone_into(slot, value, store);
        };
        Ok(self
            .storage
            .grow_through_async(delta, init, writer, limiter)
            .await?)
    }

    /// The slot to grow with, after checking that a heap init (which each new slot clones) comes
    /// with a store. Growing by 0 writes no slot, so a heap init is not even copied as bits.
    fn grow_init(
        &self,
        delta: u64,
        init: Option<&VMGcRef>,
        has_store: bool,
    ) -> Result<GcRefSlot, GcTableError> {
        match init {
            Some(gc_ref) if gc_ref.is_heap() && delta == 0 => Ok(GcRefSlot::unchecked_from(None)),
            Some(gc_ref) if gc_ref.is_heap() && !has_store => Err(GcTableError::GcStoreRequired {
                operation: GcOperation::Grow,
                need: StoreNeed::Write,
                index: self.storage.size() as u64,
            }),
            _ => Ok(GcRefSlot::unchecked_from(init)),
        }
    }
}

/// Writes `value` into a new (empty) slot: through the barrier when there is a store, as bits
/// otherwise (a heap value always comes with a store, see `grow_init`).
#[inline]
fn clone_into(slot: &mut GcRefSlot, value: GcRefSlot, store: Option<&mut (dyn GcStore + '_)>) {
    match store {
        Some(store) => write_through(slot, value.as_gc_ref(), store),
        None => *slot = value,
    }
}
