//! `table.grow` with an init value: table-core grows and writes the new slots, cloning a heap
//! init value into each through the barrier.

use super::GcRefTable;
use crate::barrier::StoreBarrier;
use crate::{GcOperation, GcRefSlot, GcStore, GcTableError, StoreNeed, VMGcRef};
use table_core::{AsyncTableLimiter, Bits, TableLimiter};

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
        store: Option<&mut dyn GcStore>,
    ) -> Result<Option<usize>, GcTableError> {
        let init = self.grow_init(delta, init, store.is_some())?;
        Ok(match store {
            Some(store) => self.storage.grow(delta, init, limiter, StoreBarrier(store)),
            // `grow_init` made sure `init` is no heap reference.
            None => self.storage.grow(delta, init, limiter, Bits),
        }?)
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
        store: Option<&mut (dyn GcStore + Send)>,
    ) -> Result<Option<usize>, GcTableError> {
        let init = self.grow_init(delta, init, store.is_some())?;
        let storage = &mut self.storage;
        Ok(match store {
            Some(store) => {
                let writer = StoreBarrier(store);
                storage.grow_async(delta, init, limiter, writer).await
            }
            // `grow_init` made sure `init` is no heap reference.
            None => storage.grow_async(delta, init, limiter, Bits).await,
        }?)
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
