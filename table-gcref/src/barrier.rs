//! The write barrier: when a write needs the GC store, and how a slot is written through it.

use crate::slot::first_heap_ref;
use crate::{GcOperation, GcRefSlot, GcStore, GcTableError, StoreNeed, VMGcRef};

/// How an operation writes its slots, decided before anything is written.
pub(crate) enum WritePlan<'s> {
    /// No heap reference is written or overwritten: move bits with slice operations.
    Bits,
    /// Some slot involves a heap reference: write element by element through the store.
    Barrier(&'s mut dyn GcStore),
}

impl<'s> WritePlan<'s> {
    /// Decides how `operation` writes the slots starting at table index `first_slot`.
    ///
    /// `written` is the offset of the first heap reference among the values to be written;
    /// `overwritten` finds the first heap reference among the slots to be overwritten, and is
    /// only scanned when the values hold none.
    ///
    /// # Errors
    ///
    /// [`GcTableError::GcStoreRequired`] when a heap reference is involved and `store` is `None`,
    /// naming the first slot where it is.
    #[inline]
    pub(crate) fn decide(
        store: Option<&'s mut dyn GcStore>,
        operation: GcOperation,
        first_slot: u64,
        written: Option<usize>,
        overwritten: impl FnOnce() -> Option<usize>,
    ) -> Result<Self, GcTableError> {
        let need = match written {
            Some(offset) => Some((StoreNeed::Write, offset)),
            None => overwritten().map(|offset| (StoreNeed::Overwrite, offset)),
        };
        match (need, store) {
            (None, _) => Ok(WritePlan::Bits),
            (Some(_), Some(store)) => Ok(WritePlan::Barrier(store)),
            (Some((need, offset)), None) => Err(GcTableError::GcStoreRequired {
                operation,
                need,
                index: first_slot + offset as u64,
            }),
        }
    }
}

/// Writes `new` into `slot`: as plain bits when neither is a heap reference, otherwise through
/// `store`, which retains the new value before releasing the old.
#[inline]
pub(crate) fn write_through(slot: &mut GcRefSlot, new: Option<&VMGcRef>, store: &mut dyn GcStore) {
    if slot.holds_heap() || new.is_some_and(VMGcRef::is_heap) {
        store.write_gc_ref(slot.as_gc_ref_mut(), new);
    } else {
        *slot = GcRefSlot::unchecked_from(new);
    }
}

/// Writes each of `values` into the slot at the same position of `slots` (table index
/// `first_slot` on): one slice copy when no heap reference is involved, otherwise element by
/// element through the store. The slices do not overlap.
///
/// # Errors
///
/// As for [`WritePlan::decide`]; nothing is written on error.
pub(crate) fn write_slots(
    slots: &mut [GcRefSlot],
    values: &[GcRefSlot],
    store: Option<&mut dyn GcStore>,
    operation: GcOperation,
    first_slot: u64,
) -> Result<(), GcTableError> {
    let written = first_heap_ref(values);
    let overwritten = || first_heap_ref(slots);
    match WritePlan::decide(store, operation, first_slot, written, overwritten)? {
        WritePlan::Bits => slots.copy_from_slice(values),
        WritePlan::Barrier(store) => {
            for (slot, value) in slots.iter_mut().zip(values) {
                write_through(slot, value.as_gc_ref(), store);
            }
        }
    }
    Ok(())
}
