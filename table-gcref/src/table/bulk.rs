//! Range operations: `table.fill`, `table.init` and `table.copy`.
//!
//! Each checks its ranges through table-core first, then scans the values it writes and the slots
//! it overwrites for heap references. With none (the common case: tables of nulls and `i31ref`s)
//! it moves bits with one slice operation; otherwise it writes element by element through the
//! store.

use super::GcRefTable;
use crate::barrier::{WritePlan, write_slots, write_through};
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
        let written = (value.is_some_and(VMGcRef::is_heap) && !slots.is_empty()).then_some(0);
        let overwritten = || first_heap_ref(slots);
        match WritePlan::decide(store, GcOperation::Fill, dst, written, overwritten)? {
            WritePlan::Bits => slots.fill(GcRefSlot::unchecked_from(value)),
            WritePlan::Barrier(store) => {
                for slot in slots {
                    write_through(slot, value, store);
                }
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
        let written = first_heap_ref(&slots[src_range.clone()]);
        let overwritten = || first_heap_ref(&slots[dst_range.clone()]);
        match WritePlan::decide(store, GcOperation::Copy, dst, written, overwritten)? {
            WritePlan::Bits => slots.copy_within(src_range, dst_range.start),
            WritePlan::Barrier(store) => {
                let pairs = dst_range.zip(src_range);
                // Like `memmove`: when the destination starts after the source, copy from the
                // end, so no source slot is overwritten before it is read.
                if dst > src {
                    for (to, from) in pairs.rev() {
                        copy_slot(slots, to, from, store);
                    }
                } else {
                    for (to, from) in pairs {
                        copy_slot(slots, to, from, store);
                    }
                }
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

/// Copies slot `from` to slot `to` of `slots` through the barrier.
#[inline]
fn copy_slot(slots: &mut [GcRefSlot], to: usize, from: usize, store: &mut dyn GcStore) {
    // The value stays owned by slot `from`; the barrier clones it before `to`'s old value goes.
    let value = slots[from];
    write_through(&mut slots[to], value.as_gc_ref(), store);
}
