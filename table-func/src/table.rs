//! The funcref table: creation and the questions a runtime asks about it.

use crate::uninitialized::UninitializedBound;
use crate::{FuncSlot, FuncTableError};
use core::future::Future;
use core::ptr::NonNull;
use table_core::{AsyncTableLimiter, TableLimiter, TableStorage};
use wasmtime_environ::{Table, WasmHeapTopType};

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
/// widens it. Compiled code (or anyone else) writing through the [`vmtable`](FuncTable::vmtable)
/// definition of a lazy table must store tagged words only, as Wasmtime's compiled code does
/// (`table.set`, `table.fill` and lazy initialisation all store `FUNCREF_INIT_BIT`-tagged words).
/// A zero word stored behind the table's back is not known to be uninitialised: a copy may move
/// it as it is, and [`first_uninitialized`](FuncTable::first_uninitialized) may not report it.
/// Store it with [`write_raw`](FuncTable::write_raw) instead.
#[derive(Debug)]
pub struct FuncTable {
    pub(crate) storage: TableStorage<FuncSlot>,
    pub(crate) lazy_init: bool,
    /// Every uninitialised slot of a lazy table lies in this bound; always empty when eager.
    pub(crate) maybe_uninitialized: UninitializedBound,
}

static_assertions::assert_impl_all!(FuncTable: Send, Sync);
static_assertions::assert_impl_all!(FuncSlot: Send, Sync);

impl FuncTable {
    table_core::storage_queries!(storage);

    /// A table over `storage`, whose slots are read in the given lazy-initialisation mode.
    ///
    /// Fresh storage is all zero: every slot of an eager table is null, every slot of a lazy
    /// table uninitialised. Storage that already holds words may be handed in too: a lazy table
    /// treats each of its zero slots as uninitialised.
    pub fn from_storage(storage: TableStorage<FuncSlot>, lazy_init: bool) -> Self {
        let maybe_uninitialized = if lazy_init {
            UninitializedBound::all(storage.size())
        } else {
            UninitializedBound::none()
        };
        FuncTable {
            storage,
            lazy_init,
            maybe_uninitialized,
        }
    }

    /// Creates a table of type `ty` in owned memory, asking `limiter` to approve its minimum.
    ///
    /// `lazy_init` is the engine's `Tunables::table_lazy_init`.
    ///
    /// # Errors
    ///
    /// [`FuncTableError::WrongElementKind`] when `ty` holds another kind of reference; otherwise
    /// as for [`TableStorage::dynamic_for`].
    pub fn new_dynamic(
        ty: &Table,
        lazy_init: bool,
        limiter: Option<&mut dyn TableLimiter>,
    ) -> Result<Self, FuncTableError> {
        check_element_type(ty)?;
        let storage = TableStorage::dynamic_for(ty, limiter)?;
        Ok(Self::from_storage(storage, lazy_init))
    }

    /// [`FuncTable::new_dynamic`] with an asynchronous limiter.
    ///
    /// # Errors
    ///
    /// As for [`FuncTable::new_dynamic`].
    pub async fn new_dynamic_async<L: AsyncTableLimiter + ?Sized>(
        ty: &Table,
        lazy_init: bool,
        limiter: Option<&mut L>,
    ) -> Result<Self, FuncTableError> {
        check_element_type(ty)?;
        let storage = TableStorage::dynamic_for_async(ty, limiter).await?;
        Ok(Self::from_storage(storage, lazy_init))
    }

    /// Creates a table of type `ty` in `memory` handed in by a pooling allocator, asking
    /// `limiter` to approve its minimum.
    ///
    /// # Errors
    ///
    /// [`FuncTableError::WrongElementKind`] when `ty` holds another kind of reference; otherwise
    /// as for [`TableStorage::static_for`] (misaligned or too small memory names both numbers).
    ///
    /// # Safety
    ///
    /// As for [`table_core::TableStorage::new_static`]: `memory` is valid for reads and writes for the
    /// table's whole life, is accessed only through this table, and is all zero.
    pub unsafe fn new_static(
        ty: &Table,
        lazy_init: bool,
        memory: NonNull<[u8]>,
        limiter: Option<&mut dyn TableLimiter>,
    ) -> Result<Self, FuncTableError> {
        check_element_type(ty)?;
        // SAFETY: our caller makes `TableStorage::new_static`'s promises about `memory`.
        let storage = unsafe { TableStorage::static_for(ty, memory, limiter) }?;
        Ok(Self::from_storage(storage, lazy_init))
    }

    /// [`FuncTable::new_static`] with an asynchronous limiter.
    ///
    /// # Errors
    ///
    /// As for [`FuncTable::new_static`].
    ///
    /// # Safety
    ///
    /// As for [`FuncTable::new_static`].
    pub unsafe fn new_static_async<'a, L: AsyncTableLimiter + ?Sized>(
        ty: &'a Table,
        lazy_init: bool,
        memory: NonNull<[u8]>,
        limiter: Option<&'a mut L>,
    ) -> impl Future<Output = Result<Self, FuncTableError>> + 'a {
        // SAFETY: our caller makes `TableStorage::new_static`'s promises about `memory`. Nothing runs
        // until the future is polled, so the element type is still checked first.
        let storage = unsafe { TableStorage::static_for_async(ty, memory, limiter) };
        async move {
            check_element_type(ty)?;
            Ok(Self::from_storage(storage.await?, lazy_init))
        }
    }

    /// Whether slots start uninitialised and written slots carry the init tag.
    #[inline]
    pub fn is_lazy(&self) -> bool {
        self.lazy_init
    }
}

/// Refuses table types whose elements are not function references.
fn check_element_type(ty: &Table) -> Result<(), FuncTableError> {
    if ty.ref_type.heap_type.top() == WasmHeapTopType::Func {
        Ok(())
    } else {
        Err(FuncTableError::WrongElementKind {
            ref_type: ty.ref_type,
        })
    }
}
