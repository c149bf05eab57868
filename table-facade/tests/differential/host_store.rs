//! The facade side's GC heap: a reference-counting [`GcStore`] whose objects are plain host values,
//! standing in for Wasmtime's `externref` host data.

use std::collections::BTreeMap;
use table_facade::{GcStore, VMGcRef};

/// One heap object: the host value it carries and how many references own it.
#[derive(Debug)]
struct HostObject {
    value: u32,
    count: u64,
}

/// A GC store mapping heap indices to host values, counting clones and drops.
///
/// Misuse (cloning or dropping a dead or unknown reference, calling it with an `i31ref`) is
/// recorded rather than panicking, so a test can report it together with the operation sequence.
#[derive(Debug, Default)]
pub struct HostValueStore {
    objects: BTreeMap<u32, HostObject>,
    next_index: u32,
    misuse: Vec<String>,
}

impl HostValueStore {
    /// A new heap object carrying `value`, owned once by the caller.
    pub fn allocate(&mut self, value: u32) -> VMGcRef {
        // Heap indices are even and non-zero: 2, 4, 6, ...
        self.next_index += 2;
        self.objects
            .insert(self.next_index, HostObject { value, count: 1 });
        VMGcRef::from_heap_index(self.next_index).expect("even, non-zero heap index")
    }

    /// The host value `gc_ref` refers to, if it is a live heap object of this store.
    pub fn host_value(&self, gc_ref: &VMGcRef) -> Option<u32> {
        let index = gc_ref.as_heap_index()?.get();
        self.objects
            .get(&index)
            .filter(|object| object.count > 0)
            .map(|object| object.value)
    }

    /// The number of owned references to `gc_ref`'s object.
    pub fn count(&self, gc_ref: &VMGcRef) -> u64 {
        gc_ref
            .as_heap_index()
            .and_then(|index| self.objects.get(&index.get()))
            .map_or(0, |object| object.count)
    }

    /// Every misuse so far.
    pub fn misuse(&self) -> &[String] {
        &self.misuse
    }

    fn object_mut(&mut self, gc_ref: &VMGcRef, what: &str) -> Option<&mut HostObject> {
        let raw = gc_ref.as_raw_u32();
        match gc_ref.as_heap_index() {
            None => {
                self.misuse.push(format!("{what} of the i31ref {raw:#x}"));
                None
            }
            Some(index) => match self.objects.get_mut(&index.get()) {
                Some(object) if object.count > 0 => Some(object),
                _ => {
                    self.misuse
                        .push(format!("{what} of dead or unknown heap reference {raw:#x}"));
                    None
                }
            },
        }
    }
}

impl GcStore for HostValueStore {
    fn clone_gc_ref(&mut self, gc_ref: &VMGcRef) -> VMGcRef {
        if let Some(object) = self.object_mut(gc_ref, "clone") {
            object.count += 1;
        }
        gc_ref.unchecked_copy()
    }

    fn drop_gc_ref(&mut self, gc_ref: VMGcRef) {
        if let Some(object) = self.object_mut(&gc_ref, "drop") {
            object.count -= 1;
        }
    }
}
