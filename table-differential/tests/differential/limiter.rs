//! One limiter behaviour on both sides: the facade gets a `RecordingLimiter` directly, Wasmtime
//! gets the same recorder behind its `ResourceLimiter` trait, so both answer by the same policy
//! and record calls in the same form.

use proptest::prelude::*;
use table_core::TableLimiter;
use table_testkit::{LimiterCall, LimiterPolicy, LimiterRefusal, RecordingLimiter};

/// Wasmtime's store-level limiter, answering table requests through a [`RecordingLimiter`].
/// Memory requests (a GC heap's, for instance) are allowed and not recorded.
pub struct OracleLimiter(pub RecordingLimiter);

impl wasmtime::ResourceLimiter for OracleLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        _desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(true)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        <RecordingLimiter as TableLimiter>::table_growing(&mut self.0, current, desired, maximum)
            .map_err(wasmtime::Error::from)
    }

    fn table_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.0
            .record_grow_failed(error.to_string())
            .map_err(wasmtime::Error::from)
    }
}

/// The calls recorded since the last drain.
pub fn drain(limiter: &mut RecordingLimiter) -> Vec<LimiterCall> {
    std::mem::take(&mut limiter.calls)
}

/// Whether `error` (or anything in its chain) is the recording limiter's own error.
pub fn is_limiter_refusal(error: &wasmtime::Error) -> bool {
    error
        .chain()
        .any(|cause| cause.downcast_ref::<LimiterRefusal>().is_some())
}

/// Whether `policy` approves growing to `desired` elements (an error counts as no).
pub fn approves(policy: LimiterPolicy, desired: u64) -> bool {
    match policy {
        LimiterPolicy::Allow | LimiterPolicy::FailOnGrowFailed => true,
        LimiterPolicy::Refuse | LimiterPolicy::Fail => false,
        LimiterPolicy::AllowUpTo(cap) => desired <= cap as u64,
    }
}

/// Policies weighted towards a small cap, which is where growth is interesting.
pub fn policy() -> impl Strategy<Value = LimiterPolicy> {
    prop_oneof![
        6 => (0usize..40).prop_map(LimiterPolicy::AllowUpTo),
        2 => Just(LimiterPolicy::Allow),
        1 => Just(LimiterPolicy::Refuse),
        1 => Just(LimiterPolicy::Fail),
        1 => Just(LimiterPolicy::FailOnGrowFailed),
    ]
}

/// Policies for the start of a case, mostly ones that let both tables be created (later
/// `SetPolicy` steps switch to any policy).
pub fn creation_policy() -> impl Strategy<Value = LimiterPolicy> {
    prop_oneof![
        8 => (6usize..40).prop_map(LimiterPolicy::AllowUpTo),
        1 => (0usize..6).prop_map(LimiterPolicy::AllowUpTo),
        2 => Just(LimiterPolicy::Allow),
        1 => Just(LimiterPolicy::Refuse),
        1 => Just(LimiterPolicy::Fail),
        1 => Just(LimiterPolicy::FailOnGrowFailed),
    ]
}
