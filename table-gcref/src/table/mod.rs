//! [`GcRefTable`]: a table of GC references over either storage.

mod access;
mod bulk;
mod grow;
mod roots;

use crate::{GcRefSlot, GcTableError};
use core::ptr::NonNull;
use table_core::{TableElement, TableLimits, TableStorage};

/// A WebAssembly table whose elements are GC references (`anyref`, `externref`, `exnref` and
/// their subtypes).
///
/// Every write that stores or overwrites a heap reference goes through a
/// [`GcStore`](crate::GcStore); operations take it as `Option<&mut dyn GcStore>` and fail with
/// [`GcTableError::GcStoreRequired`](crate::GcTableError::GcStoreRequired) before writing anything when they need one and get `None`.
/// Dropping the table releases nothing: a runtime empties it through the store first (for
/// example with [`GcRefTable::fill`] of null), or drops it together with its whole GC heap.
#[derive(Debug)]
pub struct GcRefTable {
    storage: TableStorage<GcRefSlot>,
    heap_summary: bool,
}

impl GcRefTable {
    /// A table of `limits.minimum` null slots in owned memory.
    ///
    /// # Errors
    ///
    /// As for [`TableStorage::new_dynamic`].
    pub fn new_dynamic(limits: TableLimits) -> Result<Self, GcTableError> {
        Ok(Self::from_storage(TableStorage::new_dynamic(
            limits,
            GcRefSlot::EMPTY,
            None,
        )?))
    }

    /// A table of `limits.minimum` null slots in caller-provided `memory` (a pooling
    /// allocator's).
    ///
    /// # Errors
    ///
    /// As for [`TableStorage::new_static`].
    ///
    /// # Safety
    ///
    /// [`TableStorage::new_static`]'s contract for `memory`.
    pub unsafe fn new_static(
        memory: NonNull<[u8]>,
        limits: TableLimits,
    ) -> Result<Self, GcTableError> {
        // SAFETY: forwarded from this function's contract.
        Ok(Self::from_storage(unsafe {
            TableStorage::new_static(memory, limits)
        }?))
    }

    /// A table over `storage` (created by `table-core`).
    ///
    /// Storage holds only null slots until a table writes to it (the only [`GcRefSlot`] a user
    /// can build is the empty one), so the table starts out owning no heap references.
    pub fn from_storage(storage: TableStorage<GcRefSlot>) -> Self {
        GcRefTable {
            storage,
            heap_summary: false,
        }
    }

    /// A table over `storage` that keeps a *heap-reference summary*: a conservative range
    /// outside which no slot holds a heap reference, maintained by every write the table makes
    /// (`set`, `fill`, `init`, the copies, `grow`; [`GcRefTable::gc_refs_mut`] widens it to the
    /// whole table). Bulk operations then move ranges outside it with one `memset`/`memmove`,
    /// without reading the slots they overwrite.
    ///
    /// The embedder promises that nothing writes a heap reference into the table behind its
    /// back: compiled code must not store through the [`vmtable`](table_core::TableStorage::vmtable)
    /// definition (an interpreter that runs every `table.set` through this API keeps it). A heap
    /// reference stored that way outside the summary would be overwritten without its release.
    /// Without the summary (the default) every bulk write reads the slots it overwrites, so
    /// compiled code may write anything the barrier allows.
    pub fn with_heap_summary(mut storage: TableStorage<GcRefSlot>) -> Self {
        storage.track_slow_slots();
        GcRefTable {
            storage,
            heap_summary: true,
        }
    }

    /// Whether the table keeps a heap-reference summary ([`GcRefTable::with_heap_summary`]).
    pub fn has_heap_summary(&self) -> bool {
        self.heap_summary
    }
}

impl GcRefTable {
    table_core::storage_queries!(storage);
}
