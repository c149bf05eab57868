//! The grow procedure (DESIGN section 5), written once and driven either synchronously or
//! asynchronously.

use super::TableStorage;
use crate::block_on::complete_now;
use crate::limiter::{AsyncTableLimiter, SyncLimiterAdapter, TableLimiter};
use crate::limits::{GROW_MAXIMUM_EXCEEDED, GROW_OVERFLOW};
use crate::{TableElement, TableError};
use wasmtime_environ::error::Error;

impl<T: TableElement> TableStorage<T> {
    /// Grows the table by `delta` zeroed (empty) slots, consulting `limiter`.
    ///
    /// Returns the old size on success and `Ok(None)` when growth is refused ("no growth", which
    /// `table.grow` reports as -1): by the limiter, because the new size overflows or passes the
    /// maximum, or because memory could not be allocated. Every refusal that the limiter did not
    /// decide itself is reported to [`TableLimiter::table_grow_failed`]. A refused growth leaves
    /// the table unchanged. The caller writes the grow's init value into the new slots.
    ///
    /// # Errors
    ///
    /// [`TableError::Limiter`] when the limiter returns an error.
    pub fn grow(
        &mut self,
        delta: u64,
        limiter: Option<&mut dyn TableLimiter>,
    ) -> Result<Option<usize>, TableError> {
        let mut adapter = limiter.map(SyncLimiterAdapter);
        complete_now(self.grow_async(delta, adapter.as_mut()))
    }

    /// Grows like [`TableStorage::grow`], then writes `init` into the new slots. An empty `init`
    /// (the all-zero value) writes nothing: the new slots are already zero.
    ///
    /// # Errors
    ///
    /// As for [`TableStorage::grow`].
    pub fn grow_filled(
        &mut self,
        delta: u64,
        init: T,
        limiter: Option<&mut dyn TableLimiter>,
    ) -> Result<Option<usize>, TableError>
    where
        T: Copy + PartialEq,
    {
        let mut adapter = limiter.map(SyncLimiterAdapter);
        complete_now(self.grow_filled_async(delta, init, adapter.as_mut()))
    }

    /// [`TableStorage::grow_filled`] with an asynchronous limiter.
    ///
    /// # Errors
    ///
    /// As for [`TableStorage::grow`].
    pub async fn grow_filled_async<L: AsyncTableLimiter + ?Sized>(
        &mut self,
        delta: u64,
        init: T,
        limiter: Option<&mut L>,
    ) -> Result<Option<usize>, TableError>
    where
        T: Copy + PartialEq,
    {
        let grown = self.grow_async(delta, limiter).await?;
        if let Some(old_size) = grown
            && init != T::zeroed()
        {
            self.as_mut_slice()[old_size..].fill(init);
        }
        Ok(grown)
    }

    /// [`TableStorage::grow`] with an asynchronous limiter.
    ///
    /// # Errors
    ///
    /// As for [`TableStorage::grow`].
    pub async fn grow_async<L: AsyncTableLimiter + ?Sized>(
        &mut self,
        delta: u64,
        mut limiter: Option<&mut L>,
    ) -> Result<Option<usize>, TableError> {
        let old_size = self.size();
        if delta == 0 {
            return Ok(Some(old_size));
        }
        let new_size = (old_size as u64)
            .checked_add(delta)
            .and_then(|size| usize::try_from(size).ok());
        let Some(new_size) = new_size else {
            report_failure(limiter, Error::msg(GROW_OVERFLOW)).await?;
            return Ok(None);
        };

        let maximum = self.maximum();
        if let Some(limiter) = limiter.as_deref_mut() {
            let approved = limiter
                .table_growing(old_size, new_size, maximum)
                .await
                .map_err(TableError::Limiter)?;
            if !approved {
                return Ok(None);
            }
        }
        if maximum.is_some_and(|maximum| new_size > maximum) {
            report_failure(limiter, Error::msg(GROW_MAXIMUM_EXCEEDED)).await?;
            return Ok(None);
        }

        let grown = match self {
            TableStorage::Static(storage) => storage.grow_to(new_size),
            TableStorage::Dynamic(storage) => storage.grow_to(new_size),
        };
        match grown {
            Ok(()) => Ok(Some(old_size)),
            // Running out of memory is "no growth", not a trap or an abort: the spec lets
            // `table.grow` fail for any reason, and a program must see -1.
            Err(error) => {
                report_failure(limiter, Error::new(error)).await?;
                Ok(None)
            }
        }
    }
}

/// Tells the limiter, if any, why growth failed; its error replaces the "no growth" outcome.
async fn report_failure<L: AsyncTableLimiter + ?Sized>(
    limiter: Option<&mut L>,
    error: Error,
) -> Result<(), TableError> {
    match limiter {
        Some(limiter) => limiter
            .table_grow_failed(error)
            .await
            .map_err(TableError::Limiter),
        None => Ok(()),
    }
}
