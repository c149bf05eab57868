//! The GC store for host values: a reference-counted heap whose objects wrap the host values
//! scripts write as `ref.extern N`.
//!
//! GC-reference tables reach it through [`GcStore`]: every write into a slot clones the new
//! reference and releases the overwritten one, so an object lives exactly as long as some table
//! slot (or a reference the runner holds for the length of one operation) refers to it. One host
//! value has at most one live object, so equal host values are equal references.

use std::collections::HashMap;
use std::num::NonZeroU32;

use table_facade::{GcStore, VMGcRef};

/// One heap object.
#[derive(Debug)]
struct HostObject {
    host: u32,
    count: u32,
}

/// The host-value heap.
#[derive(Debug, Default)]
pub struct HostHeap {
    /// Objects by slot; the heap index of slot `i` is `2 * (i + 1)` (even and non-zero, as a
    /// heap `VMGcRef` must be).
    objects: Vec<Option<HostObject>>,
    free: Vec<usize>,
    by_host: HashMap<u32, usize>,
}

/// The heap index of object slot `slot`, if it fits the 32-bit reference.
fn index_of(slot: usize) -> Option<u32> {
    slot.checked_add(1)
        .and_then(|n| n.checked_mul(2))
        .and_then(|index| u32::try_from(index).ok())
}

fn slot_of(gc_ref: &VMGcRef) -> Option<usize> {
    let index = gc_ref.as_heap_index().map(NonZeroU32::get)?;
    (index as usize / 2).checked_sub(1)
}

impl HostHeap {
    /// An owned reference to the object holding `host`, created if it does not exist; `None`
    /// when the heap has no index left (2^31 objects).
    pub fn new_ref(&mut self, host: u32) -> Option<VMGcRef> {
        let slot = match self.by_host.get(&host) {
            Some(slot) => *slot,
            None => {
                let object = Some(HostObject { host, count: 0 });
                let slot = match self.free.pop() {
                    Some(slot) => {
                        self.objects[slot] = object;
                        slot
                    }
                    None => {
                        index_of(self.objects.len())?;
                        self.objects.push(object);
                        self.objects.len() - 1
                    }
                };
                self.by_host.insert(host, slot);
                slot
            }
        };
        if let Some(object) = &mut self.objects[slot] {
            object.count += 1;
        }
        index_of(slot).and_then(VMGcRef::from_raw_u32)
    }

    /// The host value a reference refers to.
    pub fn host_of(&self, gc_ref: &VMGcRef) -> Option<u32> {
        let slot = slot_of(gc_ref)?;
        self.objects.get(slot)?.as_ref().map(|object| object.host)
    }

    /// Checks every live object's count against `references` (heap index -> references found
    /// in tables): equal counts, and no live object nobody refers to.
    ///
    /// # Errors
    ///
    /// The first mismatch.
    pub fn check_counts(&self, references: &HashMap<u32, u32>) -> Result<(), String> {
        for (slot, object) in self.objects.iter().enumerate() {
            let Some(object) = object else { continue };
            let found = index_of(slot)
                .and_then(|index| references.get(&index))
                .copied()
                .unwrap_or(0);
            if found != object.count {
                return Err(format!(
                    "host value {} has {} references counted but {found} in tables",
                    object.host, object.count
                ));
            }
        }
        for index in references.keys() {
            let live = VMGcRef::from_raw_u32(*index)
                .and_then(|r| slot_of(&r))
                .and_then(|slot| self.objects.get(slot))
                .is_some_and(Option::is_some);
            if !live {
                return Err(format!("a table refers to freed heap index {index}"));
            }
        }
        Ok(())
    }

    /// Number of live objects.
    pub fn live_objects(&self) -> usize {
        self.objects
            .iter()
            .filter(|object| object.is_some())
            .count()
    }
}

impl GcStore for HostHeap {
    fn clone_gc_ref(&mut self, gc_ref: &VMGcRef) -> VMGcRef {
        if let Some(object) = slot_of(gc_ref).and_then(|slot| self.objects.get_mut(slot)?.as_mut())
        {
            object.count += 1;
        }
        gc_ref.unchecked_copy()
    }

    fn drop_gc_ref(&mut self, gc_ref: VMGcRef) {
        let Some(slot) = slot_of(&gc_ref) else { return };
        let Some(Some(object)) = self.objects.get_mut(slot) else {
            return;
        };
        object.count = object.count.saturating_sub(1);
        if object.count == 0 {
            self.by_host.remove(&object.host);
            self.objects[slot] = None;
            self.free.push(slot);
        }
    }
}
