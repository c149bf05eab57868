//! The funcref table: creation and the questions a runtime asks about it.

use crate::{FuncSlot, FuncTableError};
use core::ptr::NonNull;
use table_core::{TableElement, TableLimits, TableStorage};

/// How a funcref table's slots start out (the engine's `Tunables::table_lazy_init`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FuncInit {
    /// Every slot starts null; slots are plain pointers.
    Eager,
    /// Every slot starts uninitialised (standing for the module's initial element, resolved on
    /// first use); written slots carry the init tag.
    Lazy,
}

impl FuncInit {
    /// `Lazy` when `lazy` (a runtime's flag, as Wasmtime's `Tunables::table_lazy_init`), else
    /// `Eager`.
    #[inline]
    pub fn lazy_if(lazy: bool) -> Self {
        if lazy {
            FuncInit::Lazy
        } else {
            FuncInit::Eager
        }
    }
}

/// A WebAssembly table of function references, eager or lazily initialised, over static or
/// dynamic storage.
///
/// Indices and lengths are `u64` (table64 ready); every operation checks its whole range before
/// writing, so a failing operation changes nothing.
///
/// # Writes through `vmtable()`
///
/// A lazy table keeps a conservative bound on where its uninitialised (all-zero) slots can be, so
/// a copy out of an initialised range skips the scan for them and runs at `memmove` speed. The
/// table's own writes keep the bound; a [`write_raw`](FuncTable::write_raw) of the empty word
/// widens it. Compiled code (or anyone else) writing through the [`vmtable`](table_core::TableStorage::vmtable)
/// definition of a lazy table must store tagged words only, as Wasmtime's compiled code does
/// (`table.set`, `table.fill` and lazy initialisation all store `FUNCREF_INIT_BIT`-tagged words).
/// A zero word stored behind the table's back is not known to be uninitialised: a copy may move
/// it as it is, and [`first_uninitialized`](FuncTable::first_uninitialized) may not report it.
/// Store it with [`write_raw`](FuncTable::write_raw) instead.
#[derive(Debug)]
pub struct FuncTable {
    pub(crate) storage: TableStorage<FuncSlot>,
    pub(crate) lazy_init: bool,
}

static_assertions::assert_impl_all!(FuncTable: Send, Sync);
static_assertions::assert_impl_all!(FuncSlot: Send, Sync);

impl FuncTable {
    table_core::storage_queries!(storage);
}

impl FuncTable {
    /// A table of `limits.minimum` slots in owned memory: all null, or all uninitialised when
    /// `init` is [`FuncInit::Lazy`].
    ///
    /// # Errors
    ///
    /// As for [`TableStorage::new_dynamic`].
    pub fn new_dynamic(limits: TableLimits, init: FuncInit) -> Result<Self, FuncTableError> {
        let storage = TableStorage::new_dynamic(limits, FuncSlot::EMPTY, None)?;
        Ok(FuncTable::from_storage(storage, init))
    }

    /// A table of `limits.minimum` slots in caller-provided `memory` (a pooling allocator's),
    /// all null or all uninitialised as `init` says.
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
        init: FuncInit,
    ) -> Result<Self, FuncTableError> {
        // SAFETY: forwarded from this function's contract.
        let storage = unsafe { TableStorage::new_static(memory, limits) }?;
        Ok(FuncTable::from_storage(storage, init))
    }

    /// A table over `storage` (created by `table-core`), whose slots are read as `init` says.
    ///
    /// Fresh storage is all zero: every slot of an eager table is null, every slot of a lazy
    /// table uninitialised. Storage that already holds words may be handed in too: a lazy table
    /// treats each of its zero slots as uninitialised. A lazy table has the storage track where
    /// uninitialised slots can be ([`TableStorage::track_slow_slots`]).
    pub fn from_storage(mut storage: TableStorage<FuncSlot>, init: FuncInit) -> Self {
        let lazy_init = init == FuncInit::Lazy;
        if lazy_init {
            storage.track_slow_slots();
        }
        FuncTable { storage, lazy_init }
    }

    /// Whether slots start uninitialised and written slots carry the init tag.
    #[inline]
    pub fn is_lazy(&self) -> bool {
        self.lazy_init
    }
}
