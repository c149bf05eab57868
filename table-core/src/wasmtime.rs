//! The `wasmtime` feature: table-core's vocabulary converted to and from `wasmtime-environ`'s,
//! so a runtime built on Wasmtime speaks its own types to the engine and back.

use crate::{AsyncTableLimiter, TableLimiter};
use crate::{GrowFailure, LimiterError, OutOfBounds, TableError, TableLimits};
use wasmtime_environ::error::{Error, OutOfMemory};
use wasmtime_environ::{IndexType, Table, Trap};

impl From<OutOfBounds> for Trap {
    fn from(OutOfBounds: OutOfBounds) -> Self {
        Trap::TableOutOfBounds
    }
}

impl From<OutOfMemory> for TableError {
    fn from(oom: OutOfMemory) -> Self {
        TableError::OutOfMemory {
            bytes: oom.requested_allocation_size(),
        }
    }
}

/// A Wasmtime error inside a [`LimiterError`], so it comes back out unchanged.
struct WasmtimeError(Error);

impl core::fmt::Debug for WasmtimeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Debug::fmt(&self.0, f)
    }
}

impl core::fmt::Display for WasmtimeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Display::fmt(&self.0, f)
    }
}

impl core::error::Error for WasmtimeError {}

/// What the Wasmtime error inside `error`, if it holds one, downcasts to.
pub(crate) fn downcast_ref<'a, E: core::error::Error + Send + Sync + 'static>(
    error: &'a (dyn core::error::Error + Send + Sync + 'static),
) -> Option<&'a E> {
    error
        .downcast_ref::<WasmtimeError>()
        .and_then(|WasmtimeError(error)| error.downcast_ref::<E>())
}

impl From<Error> for LimiterError {
    /// Carries a Wasmtime limiter's error; [`Error::from`] gives the same error back.
    fn from(error: Error) -> Self {
        LimiterError::new(WasmtimeError(error))
    }
}

impl From<LimiterError> for Error {
    /// The Wasmtime error a limiter returned, unchanged; any other limiter error boxed.
    fn from(error: LimiterError) -> Self {
        match error.downcast::<WasmtimeError>() {
            Ok(WasmtimeError(error)) => error,
            Err(other) => Error::from_boxed(other.into_inner()),
        }
    }
}

impl From<GrowFailure<'_>> for Error {
    /// What Wasmtime's own table tells its limiter for the same failure: a message error for an
    /// overflow ("overflow calculating new table size") or a maximum passed ("Table maximum size
    /// exceeded"), an [`OutOfMemory`] naming the bytes for an allocation failure (what
    /// `error.is::<OutOfMemory>()` checks for; built without allocating), and the charge's own
    /// error for a refused charge.
    fn from(failure: GrowFailure<'_>) -> Self {
        match failure {
            GrowFailure::Overflow => Error::msg(crate::error::GROW_OVERFLOW),
            GrowFailure::MaximumExceeded => Error::msg(crate::error::GROW_MAXIMUM_EXCEEDED),
            GrowFailure::ChargeRefused(error) => Error::msg(alloc::format!("{error}")),
            GrowFailure::OutOfMemory { bytes } => Error::from(OutOfMemory::new(bytes)),
        }
    }
}

impl TableLimits {
    /// Computes the limits of a Wasmtime table type and asks `limiter` to approve the minimum
    /// ([`TableLimits::approve`]). An undeclared maximum is the index type's largest size, as
    /// Wasmtime reports it.
    ///
    /// # Errors
    ///
    /// As for [`TableLimits::approve`].
    pub fn for_table(
        ty: &Table,
        limiter: Option<&mut dyn TableLimiter>,
    ) -> Result<Self, TableError> {
        Self::approve(ty.limits.min, declared_maximum(ty), limiter)
    }

    /// [`TableLimits::for_table`] with an asynchronous limiter.
    ///
    /// # Errors
    ///
    /// As for [`TableLimits::approve`].
    pub async fn for_table_async<L: AsyncTableLimiter + ?Sized>(
        ty: &Table,
        limiter: Option<&mut L>,
    ) -> Result<Self, TableError> {
        Self::approve_async(ty.limits.min, declared_maximum(ty), limiter).await
    }
}

/// The maximum of `ty` as Wasmtime reports it: the declared one (`None` when it does not fit in
/// `usize`), or the index type's largest size.
fn declared_maximum(ty: &Table) -> Option<usize> {
    match ty.limits.max {
        Some(max) => usize::try_from(max).ok(),
        None => Some(match ty.idx_type {
            IndexType::I32 => u32::MAX as usize,
            IndexType::I64 => u64::MAX as usize,
        }),
    }
}
