//! The write barrier: when a write needs the GC store, and how a slot is written through it.

use crate::{GcOperation, GcRefSlot, GcStore, GcTableError, StoreNeed, VMGcRef};

/// Checks, for an operation given no GC store, that it writes and overwrites no heap reference.
///
/// `written` is the offset of the first heap reference among the values to be written;
/// `overwritten` finds the first heap reference among the slots to be overwritten, and is only
/// scanned when the values hold none. Callers run this over their whole range before writing,
/// so a refused operation changes nothing.
///
/// # Errors
///
/// [`GcTableError::GcStoreRequired`] naming the first slot (table index `first_slot` plus the
/// offset) where a heap reference would be written or, failing that, overwritten.
#[inline]
pub(crate) fn require_no_heap(
    operation: GcOperation,
    first_slot: u64,
    written: Option<usize>,
    overwritten: impl FnOnce() -> Option<usize>,
) -> Result<(), GcTableError> {
    let need = match written {
        Some(offset) => Some((StoreNeed::Write, offset)),
        None => overwritten().map(|offset| (StoreNeed::Overwrite, offset)),
    };
    match need {
        None => Ok(()),
        Some((need, offset)) => Err(GcTableError::GcStoreRequired {
            operation,
            need,
            index: first_slot + offset as u64,
        }),
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
