//! Root enumeration: the table's heap references as a collector sees them.

use super::GcRefTable;
use crate::{GcRefSlot, VMGcRef};

impl GcRefTable {
    /// Every heap reference in the table, in slot order; nulls and `i31ref`s are skipped.
    ///
    /// A tracing collector marks from these.
    pub fn gc_roots(&self) -> impl Iterator<Item = &VMGcRef> {
        self.storage
            .slots()
            .iter()
            .filter_map(|slot| slot.as_gc_ref().filter(|gc_ref| gc_ref.is_heap()))
    }

    /// Every heap reference in the table, mutably, in slot order; nulls and `i31ref`s are skipped.
    ///
    /// A moving collector rewrites each to the object's new location. The table's ownership of
    /// the reference carries over to whatever is written: no clone or drop happens here.
    pub fn gc_roots_mut(&mut self) -> impl Iterator<Item = &mut VMGcRef> {
        self.storage.slots_mut().iter_mut().filter_map(|slot| {
            slot.as_gc_ref_mut()
                .as_mut()
                .filter(|gc_ref| gc_ref.is_heap())
        })
    }

    /// Every slot of the table, mutably, as the `Option<VMGcRef>` it holds: nulls, `i31ref`s
    /// and heap references, in slot order.
    ///
    /// For collectors that record where each root lives (a moving collector keeps a pointer to
    /// the slot and rewrites it later), as Wasmtime's root tracing does. Like
    /// [`GcRefTable::gc_roots_mut`], writes through the slice bypass the barrier: the table's
    /// ownership of a reference carries over to whatever is written, and no clone or drop
    /// happens. The slots stay where they are until the table grows. A table with a heap summary
    /// assumes afterwards that any slot may hold a heap reference.
    pub fn gc_refs_mut(&mut self) -> &mut [Option<VMGcRef>] {
        GcRefSlot::as_gc_refs_mut(self.storage.slots_mut())
    }
}
