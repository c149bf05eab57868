//! `table.grow` on continuation tables: init values, refusals, limiter calls, async.

mod support;

use support::{BOTH, cont};
use table_cont::ContSlot;
use table_testkit::{LimiterCall, LimiterPolicy, RecordingLimiter, block_on};

#[test]
fn grow_fills_new_slots_with_init_and_keeps_old_ones() {
    for storage in BOTH {
        let mut fixture = support::new_fixture(storage, 2, Some(10));
        let old = cont(1, usize::MAX);
        fixture.set(1, Some(old)).unwrap();
        let init = cont(9, usize::MAX - 1);
        assert_eq!(
            fixture.grow(3, Some(init), None).unwrap(),
            Some(2),
            "{storage:?}"
        );
        assert_eq!(
            fixture.elements().collect::<Vec<_>>(),
            &[None, Some(old), Some(init), Some(init), Some(init)],
            "{storage:?}"
        );
        assert_eq!(fixture.vmtable().current_elements, 5);
    }
}

#[test]
fn grow_with_null_init_exposes_null_slots() {
    for storage in BOTH {
        let mut fixture = support::new_fixture(storage, 1, Some(10));
        fixture.set(0, Some(cont(3, 3))).unwrap();
        assert_eq!(fixture.grow(4, None, None).unwrap(), Some(1));
        assert_eq!(
            fixture.elements().collect::<Vec<_>>(),
            &[Some(cont(3, 3)), None, None, None, None],
            "{storage:?}"
        );
    }
}

#[test]
fn grow_by_zero_returns_the_size_without_asking_the_limiter() {
    for storage in BOTH {
        let mut fixture = support::new_fixture(storage, 3, Some(10));
        let mut limiter = RecordingLimiter::new(LimiterPolicy::Refuse);
        assert_eq!(
            fixture
                .grow(0, Some(cont(1, 1)), Some(&mut limiter))
                .unwrap(),
            Some(3)
        );
        assert!(limiter.calls.is_empty(), "{storage:?}");
        assert_eq!(fixture.elements().collect::<Vec<_>>(), &[None; 3]);
    }
}

#[test]
fn grow_past_maximum_is_no_growth_and_tells_the_limiter() {
    for storage in BOTH {
        let mut fixture = support::new_fixture(storage, 3, Some(4));
        let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);
        let grown = fixture
            .grow(2, Some(cont(1, 1)), Some(&mut limiter))
            .unwrap();
        assert_eq!(grown, None, "{storage:?}");
        assert_eq!(fixture.size(), 3);
        assert_eq!(
            limiter.calls,
            [
                LimiterCall::Growing {
                    current: 3,
                    desired: 5,
                    maximum: Some(4),
                    answer: Some(true),
                },
                LimiterCall::GrowFailed("Table maximum size exceeded".into()),
            ],
            "{storage:?}"
        );
    }
}

#[test]
fn grow_refused_by_the_limiter_changes_nothing() {
    for storage in BOTH {
        let mut fixture = support::new_fixture(storage, 2, Some(10));
        fixture.set(0, Some(cont(5, 5))).unwrap();
        let mut limiter = RecordingLimiter::new(LimiterPolicy::AllowUpTo(3));
        assert_eq!(
            fixture
                .grow(2, Some(cont(1, 1)), Some(&mut limiter))
                .unwrap(),
            None
        );
        assert_eq!(
            fixture.elements().collect::<Vec<_>>(),
            &[Some(cont(5, 5)), None],
            "{storage:?}"
        );
        assert_eq!(
            fixture
                .grow(1, Some(cont(1, 1)), Some(&mut limiter))
                .unwrap(),
            Some(2)
        );
        assert_eq!(fixture.get(2).unwrap(), Some(cont(1, 1)));
    }
}

#[test]
fn grow_with_overflowing_delta_is_no_growth() {
    for storage in BOTH {
        let mut fixture = support::new_fixture(storage, 2, None);
        let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);
        let grown = fixture.grow(u64::MAX, None, Some(&mut limiter)).unwrap();
        assert_eq!(grown, None, "{storage:?}");
        assert_eq!(
            limiter.calls,
            [LimiterCall::GrowFailed(
                "overflow calculating new table size".into()
            )]
        );
        assert_eq!(fixture.size(), 2);
    }
}

#[test]
fn limiter_errors_propagate_from_grow() {
    for storage in BOTH {
        let mut fixture = support::new_fixture(storage, 2, Some(10));
        let mut limiter = RecordingLimiter::new(LimiterPolicy::Fail);
        let error = fixture.grow(1, None, Some(&mut limiter)).unwrap_err();
        assert!(error.to_string().contains("test limiter"), "{error}");
        assert_eq!(fixture.size(), 2, "{storage:?}");
    }
}

#[test]
fn grow_async_fills_new_slots_and_consults_the_async_limiter() {
    for storage in BOTH {
        let mut fixture = support::new_fixture(storage, 1, Some(6));
        let mut limiter = RecordingLimiter::new(LimiterPolicy::AllowUpTo(4));
        let init = cont(8, 1 << (usize::BITS - 1));
        let grown = block_on(fixture.grow_async(3, Some(init), Some(&mut limiter)));
        assert_eq!(grown.unwrap(), Some(1), "{storage:?}");
        assert_eq!(
            fixture.elements().collect::<Vec<_>>(),
            &[None, Some(init), Some(init), Some(init)]
        );
        let refused = block_on(fixture.grow_async(1, Some(init), Some(&mut limiter)));
        assert_eq!(refused.unwrap(), None);
        assert_eq!(fixture.size(), 4);
    }
}

#[test]
fn growing_a_dynamic_table_moves_slots_and_updates_vmtable() {
    let mut fixture = support::new_fixture(support::Storage::Dynamic, 1, None);
    fixture.set(0, Some(cont(1, 11))).unwrap();
    for round in 0..5 {
        fixture.grow(100, Some(cont(round, round)), None).unwrap();
    }
    let definition = fixture.vmtable();
    assert_eq!(definition.current_elements, 501);
    // The definition follows the storage through every reallocation: its first slot is the
    // table's.
    // SAFETY: the definition describes the live table's 501 slots, and nothing writes them.
    let first = unsafe { definition.base.cast::<ContSlot>().read() };
    assert_eq!(first, ContSlot::from(Some(cont(1, 11))));
    assert_eq!(fixture.get(0).unwrap(), Some(cont(1, 11)));
    assert_eq!(fixture.get(500).unwrap(), Some(cont(4, 4)));
}
