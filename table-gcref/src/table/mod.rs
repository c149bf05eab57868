//! [`GcRefTable`]: a table of GC references over either storage, with its creation and the
//! accessors that forward to storage.

mod access;
mod bulk;
mod grow;
mod roots;

use crate::{GcRefSlot, GcTableError};
use core::future::Future;
use core::ptr::NonNull;
use static_assertions::assert_impl_all;
use table_core::{AsyncTableLimiter, TableLimiter, TableStorage};
use wasmtime_environ::{Table, WasmHeapTopType};

/// A WebAssembly table whose elements are GC references (`anyref`, `externref`, `exnref` and
/// their subtypes).
///
/// Every write that stores or overwrites a heap reference goes through a
/// [`GcStore`](crate::GcStore); operations take it as `Option<&mut dyn GcStore>` and fail with
/// [`GcTableError::GcStoreRequired`] before writing anything when they need one and get `None`.
/// Dropping the table releases nothing: a runtime empties it through the store first (for
/// example with [`GcRefTable::fill`] of null), or drops it together with its whole GC heap.
#[derive(Debug)]
pub struct GcRefTable {
    storage: TableStorage<GcRefSlot>,
}

assert_impl_all!(GcRefTable: Send, Sync);

impl GcRefTable {
    table_core::storage_queries!(storage);

    /// Wraps storage created by `table-core`.
    ///
    /// Storage holds only null slots until a table writes to it (the only [`GcRefSlot`] a user
    /// can build is the empty one), so the table starts out owning no heap references.
    pub fn from_storage(storage: TableStorage<GcRefSlot>) -> Self {
        GcRefTable { storage }
    }

    /// Creates a table of type `ty` that owns its memory, after asking `limiter` to approve the
    /// minimum.
    ///
    /// # Errors
    ///
    /// [`GcTableError::WrongElementKind`] when `ty`'s elements are not GC references (the limiter
    /// is not asked); otherwise as for [`TableStorage::dynamic_for`].
    pub fn new_dynamic(
        ty: &Table,
        limiter: Option<&mut dyn TableLimiter>,
    ) -> Result<Self, GcTableError> {
        check_element_type(ty)?;
        Ok(Self::from_storage(TableStorage::dynamic_for(ty, limiter)?))
    }

    /// [`GcRefTable::new_dynamic`] with an asynchronous limiter.
    ///
    /// # Errors
    ///
    /// As for [`GcRefTable::new_dynamic`].
    pub async fn new_dynamic_async<L: AsyncTableLimiter + ?Sized>(
        ty: &Table,
        limiter: Option<&mut L>,
    ) -> Result<Self, GcTableError> {
        check_element_type(ty)?;
        Ok(Self::from_storage(
            TableStorage::dynamic_for_async(ty, limiter).await?,
        ))
    }

    /// Creates a table of type `ty` in caller-provided `memory`, after asking `limiter` to
    /// approve the minimum.
    ///
    /// # Errors
    ///
    /// [`GcTableError::WrongElementKind`] when `ty`'s elements are not GC references (the limiter
    /// is not asked); otherwise as for [`TableStorage::static_for`].
    ///
    /// # Safety
    ///
    /// As for [`table_core::TableStorage::new_static`]: `memory` is valid, zeroed and used only through
    /// this table for as long as it lives.
    pub unsafe fn new_static(
        ty: &Table,
        memory: NonNull<[u8]>,
        limiter: Option<&mut dyn TableLimiter>,
    ) -> Result<Self, GcTableError> {
        check_element_type(ty)?;
        // SAFETY: the caller's promises are exactly `TableStorage::new_static`'s.
        let storage = unsafe { TableStorage::static_for(ty, memory, limiter) }?;
        Ok(Self::from_storage(storage))
    }

    /// [`GcRefTable::new_static`] with an asynchronous limiter.
    ///
    /// # Errors
    ///
    /// As for [`GcRefTable::new_static`].
    ///
    /// # Safety
    ///
    /// As for [`GcRefTable::new_static`].
    pub unsafe fn new_static_async<'a, L: AsyncTableLimiter + ?Sized>(
        ty: &'a Table,
        memory: NonNull<[u8]>,
        limiter: Option<&'a mut L>,
    ) -> impl Future<Output = Result<Self, GcTableError>> + 'a {
        // SAFETY: the caller's promises are exactly `TableStorage::new_static`'s. Nothing runs until
        // the future is polled, so the element type is still checked first.
        let storage = unsafe { TableStorage::static_for_async(ty, memory, limiter) };
        async move {
            check_element_type(ty)?;
            Ok(Self::from_storage(storage.await?))
        }
    }
}

/// Accepts the table types whose element kind is "GC reference": the tops `any`, `extern` and
/// `exn`.
fn check_element_type(ty: &Table) -> Result<(), GcTableError> {
    match ty.ref_type.heap_type.top() {
        WasmHeapTopType::Any | WasmHeapTopType::Extern | WasmHeapTopType::Exn => Ok(()),
        WasmHeapTopType::Func | WasmHeapTopType::Cont => Err(GcTableError::WrongElementKind {
            ref_type: ty.ref_type,
        }),
    }
}
