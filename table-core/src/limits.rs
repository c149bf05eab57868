//! The creation-limits procedure: from a table type's limits (and a limiter's approval) to the
//! minimum, maximum and size limit that storage is built with.

use crate::TableError;
use crate::complete_now::complete_now;
use crate::limiter::{AsyncTableLimiter, SyncLimiterAdapter, TableLimiter};

/// A table type's limits converted to host sizes and approved by the limiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableLimits {
    /// The number of slots the table starts with.
    pub minimum: usize,
    /// The most slots the table may grow to; `None` for no maximum (or one that does not fit in
    /// `usize`). Checked after the limiter approves a growth. Limits built from a Wasmtime table
    /// type ([`TableLimits::for_table`]) give an undeclared maximum as `u32::MAX` for 32-bit
    /// tables and `u64::MAX` (as `usize`) for table64, as Wasmtime does.
    pub maximum: Option<usize>,
    /// The size past which growth overflows: such a growth fails like one whose size does not
    /// fit in `usize`, before the limiter is asked ([`GrowFailure::Overflow`]). `usize::MAX`
    /// (no limit of its own) unless set with [`TableLimits::with_size_limit`], for a runtime that
    /// checks the index type's range before its limiter (wasmi: `u32::MAX` for 32-bit tables).
    ///
    /// [`GrowFailure::Overflow`]: crate::GrowFailure::Overflow
    pub size_limit: usize,
}

impl TableLimits {
    /// Limits with no limiter involved, for tables built outside a module's instantiation.
    pub fn new(minimum: usize, maximum: Option<usize>) -> Self {
        TableLimits {
            minimum,
            maximum,
            size_limit: usize::MAX,
        }
    }

    /// These limits with growth past `size_limit` failing as an overflow, before the limiter is
    /// asked.
    #[must_use]
    pub fn with_size_limit(self, size_limit: usize) -> Self {
        TableLimits { size_limit, ..self }
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

    /// Asks `limiter` to approve a table of `minimum` slots under `maximum`: the creation
    /// procedure (`docs/semantics.md` §4) for any runtime's table type.
    ///
    /// The limiter is asked `table_growing(0, minimum, maximum)` first, and sees `usize::MAX`
    /// for a minimum that does not fit in `usize`; then that minimum fails, then one above the
    /// maximum.
    ///
    /// # Errors
    ///
    /// [`TableError::MinimumExceedsLimits`] when the limiter refuses, when the minimum does not
    /// fit in `usize`, or when it exceeds the maximum; [`TableError::Limiter`] with the limiter's
    /// own error.
    pub fn approve(
        minimum: u64,
        maximum: Option<usize>,
        limiter: Option<&mut dyn TableLimiter>,
    ) -> Result<Self, TableError> {
        let mut adapter = limiter.map(SyncLimiterAdapter);
        complete_now(Self::approve_async(minimum, maximum, adapter.as_mut()))
    }

    /// [`TableLimits::approve`] with an asynchronous limiter.
    ///
    /// # Errors
    ///
    /// As for [`TableLimits::approve`].
    pub async fn approve_async<L: AsyncTableLimiter + ?Sized>(
        declared_minimum: u64,
        maximum: Option<usize>,
        limiter: Option<&mut L>,
    ) -> Result<Self, TableError> {
        let minimum = usize::try_from(declared_minimum).ok();
        let exceeds = || TableError::MinimumExceedsLimits {
            minimum: declared_minimum,
        };
        if let Some(limiter) = limiter {
            let approved = limiter
                .table_growing(0, minimum.unwrap_or(usize::MAX), maximum)
                .await?;
            if !approved {
                return Err(exceeds());
            }
        }
        let limits = TableLimits::new(minimum.ok_or_else(exceeds)?, maximum);
        limits.check()?;
        Ok(limits)
    }
}
