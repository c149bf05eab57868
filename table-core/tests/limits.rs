//! The creation-limits procedure (`docs/semantics.md` §4).

use table_core::wasmtime_environ::{IndexType, Limits, Table, WasmRefType};
use table_core::{TableError, TableLimits};
use table_testkit::{LimiterCall, LimiterPolicy, LimiterRefusal, RecordingLimiter, block_on};

fn table(idx_type: IndexType, min: u64, max: Option<u64>) -> Table {
    Table {
        idx_type,
        limits: Limits { min, max },
        ref_type: WasmRefType::FUNCREF,
    }
}

#[test]
fn creation_asks_the_limiter_for_the_minimum() {
    let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);
    let limits =
        TableLimits::for_table(&table(IndexType::I32, 3, Some(9)), Some(&mut limiter)).unwrap();
    assert_eq!(limits, TableLimits::new(3, Some(9)));
    assert_eq!(
        limiter.calls,
        [LimiterCall::Growing {
            current: 0,
            desired: 3,
            maximum: Some(9),
            answer: Some(true),
        }]
    );
}

#[test]
fn creation_refused_by_the_limiter_names_the_minimum() {
    let mut limiter = RecordingLimiter::new(LimiterPolicy::Refuse);
    let error =
        TableLimits::for_table(&table(IndexType::I32, 12, None), Some(&mut limiter)).unwrap_err();
    assert!(matches!(
        error,
        TableError::MinimumExceedsLimits { minimum: 12 }
    ));
    assert_eq!(
        error.to_string(),
        "table minimum size of 12 elements exceeds table limits"
    );
}

#[test]
fn creation_limiter_error_comes_back_unchanged() {
    let mut limiter = RecordingLimiter::new(LimiterPolicy::Fail);
    let error =
        TableLimits::for_table(&table(IndexType::I32, 1, None), Some(&mut limiter)).unwrap_err();
    let limiter_error = error.into_limiter_error().unwrap();
    assert_eq!(
        limiter_error.downcast_ref::<LimiterRefusal>(),
        Some(&LimiterRefusal)
    );
}

#[test]
fn implicit_maximum_is_u32_max_for_32_bit_tables() {
    let limits = TableLimits::for_table(&table(IndexType::I32, 0, None), None).unwrap();
    assert_eq!(limits.maximum, Some(u32::MAX as usize));
}

#[test]
fn implicit_maximum_is_u64_max_for_table64() {
    let limits = TableLimits::for_table(&table(IndexType::I64, 0, None), None).unwrap();
    assert_eq!(limits.maximum, Some(u64::MAX as usize));
}

#[test]
fn declared_maximum_is_kept() {
    let limits = TableLimits::for_table(&table(IndexType::I64, 2, Some(1 << 40)), None).unwrap();
    assert_eq!(limits, TableLimits::new(2, Some(1 << 40)));
}

#[test]
fn minimum_above_maximum_fails_creation() {
    for ty in [
        table(IndexType::I32, 10, Some(5)),
        // A 32-bit table cannot start with 2^32 elements: its implicit maximum is u32::MAX.
        table(IndexType::I32, 1 << 32, None),
    ] {
        let error = TableLimits::for_table(&ty, None).unwrap_err();
        assert!(
            matches!(error, TableError::MinimumExceedsLimits { minimum } if minimum == ty.limits.min)
        );
    }
}

#[cfg(target_pointer_width = "32")]
#[test]
fn overflowing_minimum_is_offered_to_the_limiter_as_usize_max_then_fails() {
    let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);
    let error = TableLimits::for_table(&table(IndexType::I64, 1 << 40, None), Some(&mut limiter))
        .unwrap_err();
    assert!(matches!(error, TableError::MinimumExceedsLimits { minimum } if minimum == 1 << 40));
    assert!(matches!(
        limiter.calls[..],
        [LimiterCall::Growing {
            desired: usize::MAX,
            ..
        }]
    ));
}

#[test]
fn async_creation_gives_the_same_results() {
    for policy in [
        LimiterPolicy::Allow,
        LimiterPolicy::Refuse,
        LimiterPolicy::Fail,
    ] {
        for ty in [
            table(IndexType::I32, 3, Some(9)),
            table(IndexType::I64, 7, None),
            table(IndexType::I32, 10, Some(5)),
        ] {
            let mut sync_limiter = RecordingLimiter::new(policy);
            let mut async_limiter = RecordingLimiter::new(policy);
            let sync = TableLimits::for_table(&ty, Some(&mut sync_limiter));
            let asynchronous =
                block_on(TableLimits::for_table_async(&ty, Some(&mut async_limiter)));
            assert_eq!(
                format!("{sync:?}"),
                format!("{asynchronous:?}"),
                "{policy:?} {ty:?}"
            );
            assert_eq!(sync_limiter.calls, async_limiter.calls);
        }
    }
}
