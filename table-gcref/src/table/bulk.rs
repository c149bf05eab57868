//! Range operations: `table.fill`, `table.init` and `table.copy`.
//!
//! Each checks its ranges through table-core first. With a GC store, the range is written a
//! block at a time ([`crate::blocks`]): blocks without heap references (the common case: tables
//! of nulls and `i31ref`s) move with slice operations, the others go through the barrier.
//! Without a store, the whole range is scanned first and then moved with one slice operation, so
//! a heap reference is reported before anything is written.

use super::GcRefTable;
use crate::barrier::require_no_heap;
use crate::blocks;
use crate::slot::first_heap_ref;
use crate::{GcOperation, GcRefSlot, GcStore, GcTableError, VMGcRef};
use table_core::check_range;

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
        let slots = self.storage.range_mut(dst, len)?;
        match store {
            Some(store) => blocks::fill(slots, value, store),
            None => {
                let written =
                    (value.is_some_and(VMGcRef::is_heap) && !slots.is_empty()).then_some(0);
                require_no_heap(GcOperation::Fill, dst, written, || first_heap_ref(slots))?;
                slots.fill(GcRefSlot::unchecked_from(value));
            }
        }
        Ok(())
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
        let slots = self.storage.range_mut(dst, values.len() as u64)?;
        let values = GcRefSlot::slice_of(values);
        write_slots(slots, values, store, GcOperation::Init, dst)
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
        let slots = self.storage.as_mut_slice();
        let src_range = check_range(slots.len(), src, len)?;
        let dst_range = check_range(slots.len(), dst, len)?;
        match store {
            Some(store) => {
                blocks::copy_within(
                    slots,
                    src_range.start,
                    dst_range.start,
                    src_range.len(),
                    store,
                );
            }
            None => {
                let written = first_heap_ref(&slots[src_range.clone()]);
                let overwritten = || first_heap_ref(&slots[dst_range.clone()]);
                require_no_heap(GcOperation::Copy, dst, written, overwritten)?;
                slots.copy_within(src_range, dst_range.start);
            }
        }
        Ok(())
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
        let values = src.storage.range(src_index, len)?;
        let slots = self.storage.range_mut(dst, len)?;
        write_slots(slots, values, store, GcOperation::Copy, dst)
    }
}

/// Writes each of `values` into the slot at the same position of `slots` (table index
/// `first_slot` on); the slices do not overlap. With a store, block by block; without one, after
/// checking that no heap reference is involved, with one slice copy.
///
/// # Errors
///
/// As for [`require_no_heap`]; nothing is written on error.
fn write_slots(
    slots: &mut [GcRefSlot],
    values: &[GcRefSlot],
    store: Option<&mut dyn GcStore>,
    operation: GcOperation,
    first_slot: u64,
) -> Result<(), GcTableError> {
    match store {
        Some(store) => blocks::copy(slots, values, store),
        None => {
            let overwritten = || first_heap_ref(slots);
            require_no_heap(operation, first_slot, first_heap_ref(values), overwritten)?;
            slots.copy_from_slice(values);
        }
    }
    Ok(())
}
