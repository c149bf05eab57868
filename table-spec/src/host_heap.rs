//! The GC store for host values: the project's counting store (`table_gcref::testing`), whose
//! objects carry the host values scripts write as `ref.extern N`.
//!
//! GC-reference tables reach it through [`GcStore`]: every write into a slot clones the new
//! reference and releases the overwritten one, so an object lives exactly as long as some table
//! slot (or a reference the runner holds for the length of one operation) refers to it. One host
//! value has at most one live object, so equal host values are equal references.

use std::collections::HashMap;

use table_facade::{GcStore, VMGcRef};
use table_gcref::testing::CountingStore;

/// The host-value heap.
#[derive(Debug, Default)]
pub struct HostHeap {
    store: CountingStore,
    /// The object each host value was last given; dead once its count reaches zero.
    by_host: HashMap<u32, u32>,
}

impl HostHeap {
    /// An owned reference to the object holding `host`, created if no live one exists.
    pub fn new_ref(&mut self, host: u32) -> VMGcRef {
        let live = self
            .by_host
            .get(&host)
            .and_then(|raw| VMGcRef::from_raw_u32(*raw))
            .filter(|gc_ref| self.store.value_of(gc_ref) == Some(host));
        match live {
            Some(gc_ref) => self.store.clone_gc_ref(&gc_ref),
            None => {
                let gc_ref = self.store.allocate_value(host);
                self.by_host.insert(host, gc_ref.as_raw_u32());
                gc_ref
            }
        }
    }

    /// The host value a reference refers to.
    pub fn host_of(&self, gc_ref: &VMGcRef) -> Option<u32> {
        self.store.value_of(gc_ref)
    }

    /// Checks every live object's count against `references` (heap index -> references found
    /// in tables): equal counts, no live object nobody refers to, and no misuse of the store.
    ///
    /// # Errors
    ///
    /// The first mismatch.
    pub fn check_counts(&self, references: &HashMap<u32, u32>) -> Result<(), String> {
        if let Some(violation) = self.store.violations().first() {
            return Err(violation.to_string());
        }
        for (raw, count) in self.store.live() {
            let found = references.get(&raw).copied().unwrap_or(0);
            if u64::from(found) != count {
                return Err(format!(
                    "heap object {raw:#x} has {count} references counted but {found} in tables"
                ));
            }
        }
        match references
            .keys()
            .find(|raw| !self.store.live().any(|(live, _)| live == **raw))
        {
            Some(raw) => Err(format!("a table refers to freed heap index {raw:#x}")),
            None => Ok(()),
        }
    }

    /// Number of live objects.
    pub fn live_objects(&self) -> usize {
        self.store.live().count()
    }
}

impl GcStore for HostHeap {
    fn clone_gc_ref(&mut self, gc_ref: &VMGcRef) -> VMGcRef {
        self.store.clone_gc_ref(gc_ref)
    }

    fn drop_gc_ref(&mut self, gc_ref: VMGcRef) {
        self.store.drop_gc_ref(gc_ref);
    }
}
