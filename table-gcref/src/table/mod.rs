//! [`GcRefTable`]: a table of GC references over either storage.

mod access;
mod bulk;
mod grow;
mod roots;

use crate::GcRefSlot;
use table_core::{StorageBacked, TableStorage};

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
}

impl GcRefTable {
    /// A table over `storage` (created by `table-core`).
    ///
    /// Storage holds only null slots until a table writes to it (the only [`GcRefSlot`] a user
    /// can build is the empty one), so the table starts out owning no heap references.
    pub fn from_storage(storage: TableStorage<GcRefSlot>) -> Self {
        GcRefTable { storage }
    }
}

impl StorageBacked<GcRefSlot> for GcRefTable {
    fn storage(&self) -> &TableStorage<GcRefSlot> {
        &self.storage
    }
}
