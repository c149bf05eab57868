//! The resource limiter a runtime uses to approve table creation and growth.
//!
//! The signatures mirror Wasmtime's `ResourceLimiter` table methods, so an embedder's existing
//! limiter logic carries over. Both a synchronous and an asynchronous trait exist; the procedures
//! that call them are written once against [`AsyncTableLimiter`].

use core::future::{Future, ready};
use wasmtime_environ::error::Error;

/// A synchronous resource limiter for tables.
pub trait TableLimiter {
    /// Asked before a table is created (`current == 0`) or grown.
    ///
    /// `desired` is the size the table would have; `maximum` is the table's maximum, if it has
    /// one. Return `Ok(false)` to refuse: creation then fails and growth reports "no growth".
    ///
    /// # Errors
    ///
    /// An error is passed through unchanged to the caller of the table operation.
    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> Result<bool, Error>;

    /// Told why a growth the limiter did not refuse failed anyway (overflow, maximum exceeded,
    /// allocation failure). The default ignores it, and growth then reports "no growth".
    ///
    /// The three causes are told apart by type and message:
    /// - the new size overflows: a message error, "overflow calculating new table size";
    /// - the new size passes the maximum: "Table maximum size exceeded";
    /// - the memory could not be allocated (or its size in bytes does not fit an allocation):
    ///   a [`wasmtime_environ::error::OutOfMemory`] naming the bytes requested, so
    ///   `error.is::<OutOfMemory>()` (the check Wasmtime's own code runs) recognises it and
    ///   [`TableError::from`](crate::TableError#impl-From<OutOfMemory>-for-TableError) turns it
    ///   back into [`TableError::OutOfMemory`](crate::TableError::OutOfMemory). Building it
    ///   allocates nothing, which matters when memory has just run out.
    ///
    /// # Errors
    ///
    /// An error is passed through unchanged to the caller of `grow`.
    fn table_grow_failed(&mut self, error: Error) -> Result<(), Error> {
        let _ = error;
        Ok(())
    }
}

/// An asynchronous resource limiter for tables: [`TableLimiter`] whose answers may take time.
pub trait AsyncTableLimiter {
    /// Asynchronous [`TableLimiter::table_growing`].
    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> impl Future<Output = Result<bool, Error>> + Send;

    /// Asynchronous [`TableLimiter::table_grow_failed`].
    fn table_grow_failed(
        &mut self,
        error: Error,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        let _ = error;
        ready(Ok(()))
    }
}

/// A limiter that allows everything, for callers of the async entry points that have no limiter
/// but must still name a limiter type.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoLimiter;

impl TableLimiter for NoLimiter {
    fn table_growing(&mut self, _: usize, _: usize, _: Option<usize>) -> Result<bool, Error> {
        Ok(true)
    }
}

impl AsyncTableLimiter for NoLimiter {
    fn table_growing(
        &mut self,
        _: usize,
        _: usize,
        _: Option<usize>,
    ) -> impl Future<Output = Result<bool, Error>> + Send {
        ready(Ok(true))
    }
}

/// Presents a synchronous limiter as an asynchronous one whose futures are already complete.
pub(crate) struct SyncLimiterAdapter<'a>(pub(crate) &'a mut dyn TableLimiter);

impl AsyncTableLimiter for SyncLimiterAdapter<'_> {
    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> impl Future<Output = Result<bool, Error>> + Send {
        ready(self.0.table_growing(current, desired, maximum))
    }

    fn table_grow_failed(
        &mut self,
        error: Error,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        ready(self.0.table_grow_failed(error))
    }
}
