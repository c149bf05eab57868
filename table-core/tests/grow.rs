//! The grow procedure (`docs/semantics.md` §5, steps 1-6) on both storages.

use std::mem::size_of;
use table_core::Bits;
use table_core::wasmtime_environ::error::{Error, OutOfMemory};
use table_core::{GrowFailure, LimiterError, TableError, TableLimiter, TableLimits, TableStorage};
use table_testkit::{
    LimiterCall, LimiterPolicy, LimiterRefusal, RecordingLimiter, StorageFixture, TestSlot,
    block_on,
};

fn grow_failed(message: &str) -> LimiterCall {
    LimiterCall::GrowFailed(message.to_string())
}

fn growing(current: usize, desired: usize, maximum: usize, answer: bool) -> LimiterCall {
    LimiterCall::Growing {
        current,
        desired,
        maximum: Some(maximum),
        answer: Some(answer),
    }
}

/// Both storages with 2 slots and a maximum (and static capacity) of 8.
fn small() -> [StorageFixture<TestSlot>; 2] {
    StorageFixture::storages(TableLimits::new(2, Some(8)), 8)
}

#[test]
fn grow_by_zero_returns_the_size_without_consulting_the_limiter() {
    for mut fixture in small() {
        let mut limiter = RecordingLimiter::new(LimiterPolicy::Refuse);
        assert_eq!(
            fixture
                .grow(0, TestSlot(0), Some(&mut limiter), Bits)
                .unwrap(),
            Some(2)
        );
        assert!(limiter.calls.is_empty());
    }
}

#[test]
fn grow_returns_the_old_size_and_exposes_empty_slots() {
    for mut fixture in small() {
        fixture.slots_mut().fill(TestSlot(7));
        let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);
        assert_eq!(
            fixture
                .grow(3, TestSlot(0), Some(&mut limiter), Bits)
                .unwrap(),
            Some(2)
        );
        let slots: Vec<u64> = fixture.slots().iter().map(|s| s.0).collect();
        assert_eq!(slots, [7, 7, 0, 0, 0], "{:?}", fixture.kind);
        assert_eq!(limiter.calls, [growing(2, 5, 8, true)]);
    }
}

#[test]
fn overflowing_new_size_reports_overflow_to_the_limiter() {
    for mut fixture in small() {
        let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);
        assert_eq!(
            fixture
                .grow(u64::MAX, TestSlot(0), Some(&mut limiter), Bits)
                .unwrap(),
            None
        );
        // Wasmtime's message, word for word.
        assert_eq!(
            limiter.calls,
            [grow_failed("overflow calculating new table size")]
        );
        assert_eq!(fixture.size(), 2);
    }
}

#[test]
fn refusing_limiter_means_no_growth_and_no_grow_failed() {
    for mut fixture in small() {
        let mut limiter = RecordingLimiter::new(LimiterPolicy::Refuse);
        assert_eq!(
            fixture
                .grow(1, TestSlot(0), Some(&mut limiter), Bits)
                .unwrap(),
            None
        );
        assert_eq!(limiter.calls, [growing(2, 3, 8, false)]);
        assert_eq!(fixture.size(), 2);
    }
}

#[test]
fn grow_past_maximum_reports_failure_to_limiter() {
    for mut fixture in small() {
        let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);
        assert_eq!(
            fixture
                .grow(7, TestSlot(0), Some(&mut limiter), Bits)
                .unwrap(),
            None
        );
        assert_eq!(
            limiter.calls,
            [
                growing(2, 9, 8, true),
                grow_failed("Table maximum size exceeded")
            ]
        );
        assert_eq!(fixture.size(), 2);
    }
}

#[test]
fn grow_to_exactly_the_maximum_succeeds() {
    for mut fixture in small() {
        assert_eq!(fixture.grow(6, TestSlot(0), None, Bits).unwrap(), Some(2));
        assert_eq!(fixture.size(), 8);
        assert_eq!(fixture.grow(1, TestSlot(0), None, Bits).unwrap(), None);
    }
}

#[test]
fn limiter_error_from_table_growing_comes_back_unchanged() {
    for mut fixture in small() {
        let mut limiter = RecordingLimiter::new(LimiterPolicy::Fail);
        let error = fixture
            .grow(1, TestSlot(0), Some(&mut limiter), Bits)
            .unwrap_err();
        let error = error.into_limiter_error().unwrap();
        assert!(error.is::<LimiterRefusal>());
        assert_eq!(fixture.size(), 2);
    }
}

#[test]
fn limiter_error_from_table_grow_failed_comes_back_unchanged() {
    for mut fixture in small() {
        let mut limiter = RecordingLimiter::new(LimiterPolicy::FailOnGrowFailed);
        let error = fixture
            .grow(100, TestSlot(0), Some(&mut limiter), Bits)
            .unwrap_err();
        assert!(matches!(&error, TableError::Limiter(inner) if inner.is::<LimiterRefusal>()));
    }
}

/// A limiter that keeps what `table_grow_failed` is told, as the errors Wasmtime's limiter would
/// get, to check their types.
#[derive(Default)]
struct KeepingLimiter {
    failures: Vec<Error>,
}

impl TableLimiter for KeepingLimiter {
    fn table_growing(
        &mut self,
        _: usize,
        _: usize,
        _: Option<usize>,
    ) -> Result<bool, LimiterError> {
        Ok(true)
    }

    fn table_grow_failed(&mut self, failure: GrowFailure<'_>) -> Result<(), LimiterError> {
        self.failures.push(Error::from(failure));
        Ok(())
    }
}

#[test]
fn allocation_failure_is_no_growth_reported_to_the_limiter_as_out_of_memory() {
    // 2^40 slots of 8 bytes (8 TiB) cannot be allocated on any test machine.
    let mut storage =
        TableStorage::<TestSlot>::new_dynamic(TableLimits::new(1, None), TestSlot(0), None)
            .unwrap();
    storage.slots_mut()[0] = TestSlot(5);
    let mut limiter = KeepingLimiter::default();
    assert_eq!(
        storage
            .grow(1 << 40, TestSlot(0), Some(&mut limiter), Bits)
            .unwrap(),
        None
    );
    let [error] = &limiter.failures[..] else {
        panic!(
            "one table_grow_failed call expected: {:?}",
            limiter.failures
        );
    };
    // Recognisable by type, as Wasmtime's own code checks for it, and convertible back.
    assert!(error.is::<OutOfMemory>(), "{error:?}");
    let oom = *error.downcast_ref::<OutOfMemory>().unwrap();
    let bytes = ((1 << 40) + 1) * size_of::<TestSlot>();
    assert_eq!(oom.requested_allocation_size(), bytes);
    assert!(matches!(TableError::from(oom), TableError::OutOfMemory { bytes: b } if b == bytes));
    assert!(error.to_string().contains("out of memory"), "{error}");
    // Unchanged and still usable.
    assert_eq!(storage.slots(), [TestSlot(5)]);
    assert_eq!(storage.grow(1, TestSlot(0), None, Bits).unwrap(), Some(1));
}

#[test]
fn slot_count_beyond_any_allocation_is_reported_to_the_limiter_as_out_of_memory() {
    let mut storage =
        TableStorage::<TestSlot>::new_dynamic(TableLimits::new(0, None), TestSlot(0), None)
            .unwrap();
    let mut limiter = KeepingLimiter::default();
    assert_eq!(
        storage
            .grow(1 << 62, TestSlot(0), Some(&mut limiter), Bits)
            .unwrap(),
        None
    );
    let [error] = &limiter.failures[..] else {
        panic!(
            "one table_grow_failed call expected: {:?}",
            limiter.failures
        );
    };
    assert!(error.is::<OutOfMemory>(), "{error:?}");
    assert_eq!(storage.size(), 0);
}

#[test]
fn dynamic_growth_keeps_contents_and_caps_spare_capacity_at_the_maximum() {
    let mut storage =
        TableStorage::<TestSlot>::new_dynamic(TableLimits::new(0, Some(100)), TestSlot(0), None)
            .unwrap();
    for i in 0..100u64 {
        assert_eq!(
            storage.grow(1, TestSlot(0), None, Bits).unwrap(),
            Some(i as usize)
        );
        storage.slots_mut()[i as usize] = TestSlot(i);
        assert!(storage.bytes_held() <= 100 * 8);
    }
    assert!(
        storage
            .slots()
            .iter()
            .enumerate()
            .all(|(i, s)| s.0 == i as u64)
    );
    assert_eq!(storage.bytes_held(), 100 * 8);
}

#[test]
fn grow_filled_writes_the_init_value_into_new_slots_only() {
    for mut fixture in small() {
        fixture.slots_mut().fill(TestSlot(1));
        assert_eq!(fixture.grow(3, TestSlot(9), None, Bits).unwrap(), Some(2));
        assert_eq!(fixture.grow(1, TestSlot(0), None, Bits).unwrap(), Some(5));
        let slots: Vec<u64> = fixture.slots().iter().map(|s| s.0).collect();
        assert_eq!(slots, [1, 1, 9, 9, 9, 0]);
        // A refused grow writes nothing.
        assert_eq!(fixture.grow(3, TestSlot(9), None, Bits).unwrap(), None);
        assert_eq!(fixture.size(), 6);
    }
}

#[test]
fn async_limiter_gives_the_same_results() {
    let deltas = [0, 1, 3, 0, u64::MAX, 10, 2, 1];
    for policy in [
        LimiterPolicy::Allow,
        LimiterPolicy::Refuse,
        LimiterPolicy::AllowUpTo(5),
        LimiterPolicy::Fail,
        LimiterPolicy::FailOnGrowFailed,
    ] {
        let [mut sync_static, mut sync_dynamic] = small();
        let [mut async_static, mut async_dynamic] = small();
        for (sync, asynchronous) in [
            (&mut sync_static, &mut async_static),
            (&mut sync_dynamic, &mut async_dynamic),
        ] {
            let mut sync_limiter = RecordingLimiter::new(policy);
            let mut async_limiter = RecordingLimiter::new(policy);
            for delta in deltas {
                let expected = sync.grow(delta, TestSlot(0), Some(&mut sync_limiter), Bits);
                let actual = block_on(asynchronous.grow_async(
                    delta,
                    TestSlot(0),
                    Some(&mut async_limiter),
                    Bits,
                ));
                assert_eq!(format!("{expected:?}"), format!("{actual:?}"), "{policy:?}");
                assert_eq!(sync.size(), asynchronous.size());
            }
            assert_eq!(sync_limiter.calls, async_limiter.calls, "{policy:?}");
        }
    }
}
