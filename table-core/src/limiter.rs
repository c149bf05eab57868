//! The resource limiter a runtime uses to approve table creation and growth, and the error it
//! may answer with.
//!
//! The methods are those runtimes' own limiters have (Wasmtime's and wasmi's `ResourceLimiter`
//! table methods: asked before, told after), so an embedder's existing limiter logic carries
//! over through a thin impl. Both a synchronous and an asynchronous trait exist; the procedures
//! that call them are written once against [`AsyncTableLimiter`].

use crate::GrowFailure;
use alloc::boxed::Box;
use core::future::{Future, ready};

/// A resource limiter's own error, carried through table operations unchanged.
///
/// Any error type of the embedder's fits (`core::error::Error + Send + Sync`); the caller gets it
/// back with [`LimiterError::downcast`]. Boxing costs an allocation only when a limiter does
/// fail, and keeps every table type free of a limiter type parameter. With the `wasmtime`
/// feature, `wasmtime_environ::error::Error` converts both ways without loss: the error a
/// Wasmtime limiter returns is the error its caller gets back.
pub struct LimiterError(Box<dyn core::error::Error + Send + Sync + 'static>);

impl LimiterError {
    /// Wraps a limiter's error.
    pub fn new<E: core::error::Error + Send + Sync + 'static>(error: E) -> Self {
        LimiterError(Box::new(error))
    }

    /// Whether the limiter's error is an `E` (with the `wasmtime` feature: or a Wasmtime error
    /// that [`is`](wasmtime_environ::error::Error::is) one).
    pub fn is<E: core::error::Error + Send + Sync + 'static>(&self) -> bool {
        self.downcast_ref::<E>().is_some()
    }

    /// The limiter's error, if it is an `E` (with the `wasmtime` feature: or what a Wasmtime
    /// error [`downcast_ref`](wasmtime_environ::error::Error::downcast_ref)s to).
    pub fn downcast_ref<E: core::error::Error + Send + Sync + 'static>(&self) -> Option<&E> {
        let direct = self.0.downcast_ref::<E>();
        #[cfg(feature = "wasmtime")]
        let direct = direct.or_else(|| crate::wasmtime::downcast_ref(&*self.0));
        direct
    }

    /// The limiter's error, if it is an `E` itself (a Wasmtime error converts back with
    /// `Error::from` instead).
    ///
    /// # Errors
    ///
    /// `self`, unchanged, when it is not an `E`.
    pub fn downcast<E: core::error::Error + 'static>(self) -> Result<E, Self> {
        self.0
            .downcast::<E>()
            .map(|error| *error)
            .map_err(LimiterError)
    }

    /// The limiter's error as a trait object.
    pub fn into_inner(self) -> Box<dyn core::error::Error + Send + Sync + 'static> {
        self.0
    }
}

impl core::fmt::Debug for LimiterError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Debug::fmt(&self.0, f)
    }
}

impl core::fmt::Display for LimiterError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Display::fmt(&self.0, f)
    }
}

/// A synchronous resource limiter for tables.
///
/// The grow procedure (`docs/semantics.md` §5) calls it in this order: a size that overflows
/// is told to [`table_grow_failed`](TableLimiter::table_grow_failed) without asking; otherwise
/// [`table_growing`](TableLimiter::table_growing) approves; then the maximum is checked,
/// [`table_growth_charge`](TableLimiter::table_growth_charge) is charged and the memory is
/// allocated, and the first of those that fails is told to `table_grow_failed`.
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
    ) -> Result<bool, LimiterError>;

    /// Charged for an approved growth of `delta` slots that is within the maximum, before any
    /// memory is allocated: where a runtime that meters execution (fuel) charges for the slots
    /// the growth writes. The default charges nothing.
    ///
    /// # Errors
    ///
    /// An error refuses the growth: the limiter is told ([`GrowFailure::ChargeRefused`]) and the
    /// growth then fails with this error, the table unchanged.
    fn table_growth_charge(&mut self, delta: usize) -> Result<(), LimiterError> {
        let _ = delta;
        Ok(())
    }

    /// Told why a growth or creation the limiter did not refuse failed anyway (overflow, maximum
    /// exceeded, a refused charge, allocation failure). The default ignores it, and growth then
    /// reports "no growth". Building the [`GrowFailure`] allocates nothing, which matters when
    /// memory has just run out.
    ///
    /// # Errors
    ///
    /// An error is passed through unchanged to the caller of `grow`.
    fn table_grow_failed(&mut self, failure: GrowFailure<'_>) -> Result<(), LimiterError> {
        let _ = failure;
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
    ) -> impl Future<Output = Result<bool, LimiterError>> + Send;

    /// [`TableLimiter::table_growth_charge`]; charging does not suspend.
    ///
    /// # Errors
    ///
    /// As for [`TableLimiter::table_growth_charge`].
    fn table_growth_charge(&mut self, delta: usize) -> Result<(), LimiterError> {
        let _ = delta;
        Ok(())
    }

    /// Asynchronous [`TableLimiter::table_grow_failed`].
    fn table_grow_failed(
        &mut self,
        failure: GrowFailure<'_>,
    ) -> impl Future<Output = Result<(), LimiterError>> + Send {
        let _ = failure;
        ready(Ok(()))
    }
}

/// A limiter that allows everything, for callers of the async entry points that have no limiter
/// but must still name a limiter type.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoLimiter;

impl TableLimiter for NoLimiter {
    fn table_growing(
        &mut self,
        _: usize,
        _: usize,
        _: Option<usize>,
    ) -> Result<bool, LimiterError> {
        Ok(true)
    }
}

impl AsyncTableLimiter for NoLimiter {
    fn table_growing(
        &mut self,
        _: usize,
        _: usize,
        _: Option<usize>,
    ) -> impl Future<Output = Result<bool, LimiterError>> + Send {
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
    ) -> impl Future<Output = Result<bool, LimiterError>> + Send {
        ready(self.0.table_growing(current, desired, maximum))
    }

    fn table_growth_charge(&mut self, delta: usize) -> Result<(), LimiterError> {
        self.0.table_growth_charge(delta)
    }

    fn table_grow_failed(
        &mut self,
        failure: GrowFailure<'_>,
    ) -> impl Future<Output = Result<(), LimiterError>> + Send {
        ready(self.0.table_grow_failed(failure))
    }
}
