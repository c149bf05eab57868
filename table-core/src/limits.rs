//! The creation-limits procedure: from a table type (and a limiter's approval) to the minimum and
//! maximum that storage is built with.

use crate::TableError;
use crate::block_on::complete_now;
use crate::limiter::{AsyncTableLimiter, SyncLimiterAdapter, TableLimiter};
use wasmtime_environ::{IndexType, Table};

/// What `table_grow_failed` is told when `size + delta` does not fit.
pub(crate) const GROW_OVERFLOW: &str = "overflow calculating new table size";
/// What `table_grow_failed` is told when growth would pass the table's maximum.
pub(crate) const GROW_MAXIMUM_EXCEEDED: &str = "Table maximum size exceeded";

/// A table type's limits converted to host sizes and approved by the limiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableLimits {
    /// The number of slots the table starts with.
    pub minimum: usize,
    /// The most slots the table may grow to; `None` when the declared maximum does not fit in
    /// `usize`. An undeclared maximum is `u32::MAX` for 32-bit tables and `u64::MAX` (as `usize`)
    /// for table64.
    pub maximum: Option<usize>,
}

impl TableLimits {
    /// Limits with no limiter involved, for tables built outside a module's instantiation.
    pub fn new(minimum: usize, maximum: Option<usize>) -> Self {
        TableLimits { minimum, maximum }
    }

    /// Checks that the limits can describe a table: the minimum may not exceed the maximum.
    /// Both storages run this check first, so they agree on such limits.
    ///
    /// # Errors
    ///
    /// [`TableError::MinimumExceedsLimits`] when `minimum > maximum`.
    pub fn check(&self) -> Result<(), TableError> {
        match self.maximum {
            Some(maximum) if self.minimum > maximum => Err(TableError::MinimumExceedsLimits {
                minimum: self.minimum as u64,
            }),
            _ => Ok(()),
        }
    }

    /// Computes the limits of `ty` and asks `limiter` to approve the minimum.
    ///
    /// # Errors
    ///
    /// [`TableError::MinimumExceedsLimits`] when the limiter refuses, when the minimum does not
    /// fit in `usize`, or when it exceeds the maximum; [`TableError::Limiter`] with the limiter's
    /// own error.
    pub fn for_table(
        ty: &Table,
        limiter: Option<&mut dyn TableLimiter>,
    ) -> Result<Self, TableError> {
        let mut adapter = limiter.map(SyncLimiterAdapter);
        complete_now(Self::for_table_async(ty, adapter.as_mut()))
    }

    /// [`TableLimits::for_table`] with an asynchronous limiter.
    ///
    /// # Errors
    ///
    /// As for [`TableLimits::for_table`].
    pub async fn for_table_async<L: AsyncTableLimiter + ?Sized>(
        ty: &Table,
        limiter: Option<&mut L>,
    ) -> Result<Self, TableError> {
        let declared_minimum = ty.limits.min;
        let minimum = usize::try_from(declared_minimum).ok();
        let maximum = match ty.limits.max {
            Some(max) => usize::try_from(max).ok(),
            None => Some(match ty.idx_type {
                IndexType::I32 => u32::MAX as usize,
                IndexType::I64 => u64::MAX as usize,
            }),
        };
        let exceeds = || TableError::MinimumExceedsLimits {
            minimum: declared_minimum,
        };

        // The limiter is asked before an overflowing minimum fails, and sees `usize::MAX` for it.
        if let Some(limiter) = limiter {
            let approved = limiter
                .table_growing(0, minimum.unwrap_or(usize::MAX), maximum)
                .await
                .map_err(TableError::Limiter)?;
            if !approved {
                return Err(exceeds());
            }
        }
        let limits = TableLimits {
            minimum: minimum.ok_or_else(exceeds)?,
            maximum,
        };
        limits.check()?;
        Ok(limits)
    }
}
