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

    /// Writes `new` into every slot of `slots`, as [`GcStore::write_gc_ref`] would one slot at
    /// a time (which the default does).
    ///
    /// Tables call this for a fill whose value is a heap reference, once per fill instead of
    /// once per slot. A runtime whose barrier is a generic method of its own overrides it with
    /// the same loop over that method, so the loop is compiled for its store and no dynamic
    /// call is left per slot (the Wasmtime adapter does).
    fn fill_gc_refs(&mut self, slots: &mut [Option<VMGcRef>], new: Option<&VMGcRef>) {
        for slot in slots {
            self.write_gc_ref(slot, new);
        }
    }
}
