//! Range operations: `table.fill`, `table.init` and `table.copy`.
//!
//! table-core checks the ranges and schedules the writes: with a GC store, a block of slots that
//! holds no heap reference (the common case: tables of nulls and `i31ref`s) moves with a slice
//! operation and the others go through the barrier; without one, the whole range is scanned
//! first, so a heap reference is reported before anything is written.

use super::GcRefTable;
use crate::barrier::write_through;
use crate::{GcOperation, GcRefSlot, GcStore, GcTableError, VMGcRef};

impl GcRefTable {
    /// Writes an owned copy of `value` into each slot of `[dst, dst + len)`, releasing what each
    /// slot held.
    ///
    /// # Errors
    ///
    /// `TableOutOfBounds` when the range is out of bounds; [`GcTableError::GcStoreRequired`] when
    /// `value` or an overwritten slot is a heap reference and `store` is `None`. Nothing is
    /// written on error.
    pub fn fill(
        &mut self,
        dst: u64,
        value: Option<&VMGcRef>,
        len: u64,
        store: Option<&mut dyn GcStore>,
    ) -> Result<(), GcTableError> {
        let value = GcRefSlot::unchecked_from(value);
        match store {
            // Every slot goes through the barrier: the store's own loop over its barrier.
            Some(store) if value.holds_heap() => Ok(self.storage.fill_slow(dst, len, |slots| {
                store.fill_gc_refs(GcRefSlot::as_gc_refs_mut(slots), value.as_gc_ref());
            })?),
            store => self
                .storage
                .fill_through(dst, value, len, store.map(barrier))
                .map_err(|error| GcTableError::of_bulk(GcOperation::Fill, error)),
        }
    }

    /// Writes an owned copy of each of `values` (an element segment's references) into the
    /// slots starting at `dst`, releasing what each slot held.
    ///
    /// The values are borrowed, so whoever passes them (the element segment) must own them: a
    /// value kept alive only by a slot this call overwrites may be released before it is copied.
    ///
    /// # Errors
    ///
    /// `TableOutOfBounds` when `[dst, dst + values.len())` is out of bounds;
    /// [`GcTableError::GcStoreRequired`] when a value or an overwritten slot is a heap reference
    /// and `store` is `None`. Nothing is written on error.
    pub fn init(
        &mut self,
        dst: u64,
        values: &[Option<VMGcRef>],
        store: Option<&mut dyn GcStore>,
    ) -> Result<(), GcTableError> {
        let values = GcRefSlot::slice_of(values);
        self.storage
            .init_through(dst, values, store.map(barrier))
            .map_err(|error| GcTableError::of_bulk(GcOperation::Init, error))
    }

    /// Copies `[src, src + len)` to `[dst, dst + len)` within this table, as `memmove` would:
    /// each destination slot ends up with an owned copy of the source slot's original value, and
    /// what it held is released.
    ///
    /// # Errors
    ///
    /// `TableOutOfBounds` when either range is out of bounds; [`GcTableError::GcStoreRequired`]
    /// when a copied or overwritten slot is a heap reference and `store` is `None`. Nothing is
    /// written on error.
    pub fn copy_within(
        &mut self,
        dst: u64,
        src: u64,
        len: u64,
        store: Option<&mut dyn GcStore>,
    ) -> Result<(), GcTableError> {
        self.storage
            .copy_within_through(dst, src, len, store.map(barrier))
            .map_err(|error| GcTableError::of_bulk(GcOperation::Copy, error))
    }

    /// Copies `[src_index, src_index + len)` of `src` to `[dst, dst + len)` of this table: each
    /// destination slot gets an owned copy of the source slot's value and releases what it held.
    ///
    /// # Errors
    ///
    /// `TableOutOfBounds` when either range is out of bounds; [`GcTableError::GcStoreRequired`]
    /// when a copied or overwritten slot is a heap reference and `store` is `None`. Nothing is
    /// written on error.
    pub fn copy_from(
        &mut self,
        src: &GcRefTable,
        dst: u64,
        src_index: u64,
        len: u64,
        store: Option<&mut dyn GcStore>,
    ) -> Result<(), GcTableError> {
        self.storage
            .copy_from_through(&src.storage, dst, src_index, len, store.map(barrier))
            .map_err(|error| GcTableError::of_bulk(GcOperation::Copy, error))
    }
}

/// The writer table-core calls for a slot on the slow path: the write barrier through `store`.
/// The value written stays owned by where it came from; the barrier clones it before the slot's
/// old value is released.
#[inline]
fn barrier(store: &mut dyn GcStore) -> impl FnMut(&mut GcRefSlot, GcRefSlot) + '_ {
    move |slot, value| write_through(slot, value.as_gc_ref(), store)
}
