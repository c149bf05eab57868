//! The write barrier: when a write needs the GC store, and how a slot is written through it.

use crate::{GcRefSlot, GcStore, VMGcRef};
use table_core::{SlotWriter, SlowPathError, SlowSlots};

/// Writes `new` into `slot`: as plain bits when neither is a heap reference, otherwise through
/// `store`, which retains the new value before releasing the old.
#[inline]
pub(crate) fn write_through<S: GcStore + ?Sized>(
    slot: &mut GcRefSlot,
    new: Option<&VMGcRef>,
    store: &mut S,
) {
    if slot.holds_heap() || new.is_some_and(VMGcRef::is_heap) {
        store.write_gc_ref(slot.as_gc_ref_mut(), new);
    } else {
        *slot = GcRefSlot::unchecked_from(new);
    }
}

/// The GC store as the writer of a table write: slots that hold or receive a heap reference go
/// through its barrier, and a fill with a heap reference through its own loop
/// ([`GcStore::fill_gc_refs`]), one call for the whole range.
pub(crate) struct StoreBarrier<'a, S: GcStore + ?Sized>(pub(crate) &'a mut S);

impl<S: GcStore + ?Sized> SlotWriter<GcRefSlot> for StoreBarrier<'_, S> {
    type Error = SlowPathError;
    const SLOW_SLOTS: SlowSlots<SlowPathError> = SlowSlots::Barrier;

    #[inline]
    fn write(&mut self, slot: &mut GcRefSlot, value: GcRefSlot) {
        write_through(slot, value.as_gc_ref(), self.0);
    }

    #[inline]
    fn fill(&mut self, slots: &mut [GcRefSlot], value: GcRefSlot) {
        self.0
            .fill_gc_refs(GcRefSlot::as_gc_refs_mut(slots), value.as_gc_ref());
    }
}
