//! The collector interface a runtime implements so tables can keep its bookkeeping right.

use crate::VMGcRef;

/// The runtime's garbage collector, as GC-reference tables see it.
///
/// Tables call the store only for heap references: an `i31ref` or null is copied and discarded
/// as plain bits. A reference-counting collector counts in [`GcStore::clone_gc_ref`] and
/// [`GcStore::drop_gc_ref`]; a tracing collector may make both trivial and find table contents
/// through [`GcRefTable::gc_roots_mut`](crate::GcRefTable::gc_roots_mut) instead.
pub trait GcStore {
    /// Returns a new owned reference to the heap object `gc_ref` refers to.
    ///
    /// Only called with heap references ([`VMGcRef::is_heap`]).
    fn clone_gc_ref(&mut self, gc_ref: &VMGcRef) -> VMGcRef;

    /// Releases an owned heap reference.
    ///
    /// Only called with heap references ([`VMGcRef::is_heap`]).
    fn drop_gc_ref(&mut self, gc_ref: VMGcRef);

    /// Stores an owned copy of `new` in `slot` and releases the reference `slot` held.
    ///
    /// Tables call this for every write in which the old or the new value is a heap reference.
    /// The default retains the new value before releasing the old one, so writing a slot's own
    /// value back (or a value whose only other owner is the slot) never frees the object. A
    /// runtime overrides it to add its own barrier work (a remembered set, say) and must keep that
    /// order.
    fn write_gc_ref(&mut self, slot: &mut Option<VMGcRef>, new: Option<&VMGcRef>) {
        let new = new.map(|gc_ref| {
            if gc_ref.is_heap() {
                self.clone_gc_ref(gc_ref)
            } else {
                gc_ref.unchecked_copy()
            }
        });
        if let Some(old) = core::mem::replace(slot, new)
            && old.is_heap()
        {
            self.drop_gc_ref(old);
        }
    }
}
