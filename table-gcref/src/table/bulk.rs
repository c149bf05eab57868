//! Range operations: `table.fill`, `table.init` and `table.copy`.
//!
//! table-core checks the ranges and schedules the writes: with a GC store, a block of slots that
//! holds no heap reference (the common case: tables of nulls and `i31ref`s) moves with a slice
//! operation and the others go through the barrier; without one, the whole range is scanned
//! first, so a heap reference is reported before anything is written.

use super::GcRefTable;
use crate::barrier::StoreBarrier;
use crate::{GcOperation, GcRefSlot, GcStore, GcTableError, VMGcRef};
use table_core::{AsSlots, Refuse};

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
            Some(store) => self.storage.fill(dst, value, len, StoreBarrier(store)),
            None => self.storage.fill(dst, value, len, Refuse),
        }
        .map_err(|error| GcTableError::of_bulk(GcOperation::Fill, error))
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
        match store {
            Some(store) => self.storage.init(dst, values, AsSlots, StoreBarrier(store)),
            None => self.storage.init(dst, values, AsSlots, Refuse),
        }
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
        match store {
            Some(store) => self.storage.copy_within(dst, src, len, StoreBarrier(store)),
            None => self.storage.copy_within(dst, src, len, Refuse),
        }
        .map_err(|error| GcTableError::of_bulk(GcOperation::Copy, error))
    }

    /// Copies `[src_index, src_index + len)` of `src` to `[dst_index, dst_index + len)` of this table: each
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
        dst_index: u64,
        src_index: u64,
        len: u64,
        store: Option<&mut dyn GcStore>,
    ) -> Result<(), GcTableError> {
        let from = &src.storage;
        match store {
            Some(store) => {
                self.storage
                    .copy_from(from, dst_index, src_index, len, StoreBarrier(store))
            }
            None => self
                .storage
                .copy_from(from, dst_index, src_index, len, Refuse),
        }
        .map_err(|error| GcTableError::of_bulk(GcOperation::Copy, error))
    }
}
