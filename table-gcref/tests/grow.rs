//! `grow` and `grow_async` with an init value: one clone per new slot, none for a grow by 0 or a
//! refused grow, and the store checked before anything happens.

mod common;

#[allow(unused_imports, reason = "not every test file uses each")]
use common::new_table;

use common::{STORAGES, Storage, raw_slots, release_all};
use table_gcref::testing::CountingStore;
use table_gcref::{GcOperation, GcStore, GcTableError, I31, StoreNeed, VMGcRef};
use table_testkit::{LimiterCall, LimiterPolicy, RecordingLimiter, block_on};

#[test]
fn grow_clones_a_heap_init_once_per_new_slot() {
    for storage in STORAGES {
        let mut store = CountingStore::new();
        let mut fixture = new_table(storage, 2, 8);
        let heap = store.allocate();

        let grown = fixture
            .grow(3, Some(&heap), None, Some(&mut store))
            .unwrap();

        assert_eq!(grown, Some(2), "{storage:?}");
        assert_eq!(store.clones(), 3);
        assert_eq!(store.live_count(&heap), 4);
        let r = heap.as_raw_u32();
        assert_eq!(raw_slots(&fixture), [0, 0, r, r, r]);
        release_all(&mut store, vec![heap], &mut [&mut *fixture]);
    }
}

#[test]
fn grow_by_zero_with_a_heap_init_clones_nothing_and_leaks_nothing() {
    for storage in STORAGES {
        for with_store in [true, false] {
            let mut store = CountingStore::new();
            let mut fixture = new_table(storage, 2, 8);
            let heap = store.allocate();
            let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);

            let grown = fixture.grow(
                0,
                Some(&heap),
                Some(&mut limiter),
                with_store.then_some(&mut store as &mut dyn GcStore),
            );

            assert_eq!(grown.unwrap(), Some(2), "{storage:?} store: {with_store}");
            assert_eq!(store.clones(), 0);
            assert_eq!(raw_slots(&fixture), [0, 0]);
            assert!(limiter.calls.is_empty());
            release_all(&mut store, vec![heap], &mut [&mut *fixture]);
        }
    }
}

#[test]
fn grow_with_a_heap_init_and_no_store_fails_before_asking_the_limiter() {
    for storage in STORAGES {
        let mut store = CountingStore::new();
        let mut fixture = new_table(storage, 2, 8);
        let heap = store.allocate();
        let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);

        let error = fixture
            .grow(2, Some(&heap), Some(&mut limiter), None)
            .unwrap_err();

        assert!(matches!(
            error,
            GcTableError::GcStoreRequired {
                operation: GcOperation::Grow,
                need: StoreNeed::Write,
                index: 2
            }
        ));
        assert_eq!(fixture.size(), 2, "{storage:?}");
        assert!(limiter.calls.is_empty());
        release_all(&mut store, vec![heap], &mut [&mut *fixture]);
    }
}

#[test]
fn refused_grow_with_a_heap_init_clones_nothing() {
    for storage in STORAGES {
        let mut store = CountingStore::new();
        let mut fixture = new_table(storage, 2, 4);
        let heap = store.allocate();
        let mut refusing = RecordingLimiter::new(LimiterPolicy::Refuse);

        let refused = fixture
            .grow(1, Some(&heap), Some(&mut refusing), Some(&mut store))
            .unwrap();
        let past_maximum = fixture
            .grow(3, Some(&heap), None, Some(&mut store))
            .unwrap();
        let overflowing = fixture
            .grow(u64::MAX, Some(&heap), None, Some(&mut store))
            .unwrap();

        assert_eq!((refused, past_maximum, overflowing), (None, None, None));
        assert_eq!(store.clones(), 0, "{storage:?}");
        assert_eq!(fixture.size(), 2);
        release_all(&mut store, vec![heap], &mut [&mut *fixture]);
    }
}

#[test]
fn grow_with_a_null_or_i31_init_needs_no_store() {
    for storage in STORAGES {
        let mut fixture = new_table(storage, 1, 8);
        let small = VMGcRef::from_i31(I31::wrapping_i32(-1));

        fixture.grow(2, Some(&small), None, None).unwrap();
        fixture.grow(1, None, None, None).unwrap();

        let r = small.as_raw_u32();
        assert_eq!(raw_slots(&fixture), [0, r, r, 0], "{storage:?}");
    }
}

#[test]
fn grow_asks_the_limiter_as_table_core_does() {
    let mut store = CountingStore::new();
    let mut fixture = new_table(Storage::Dynamic, 2, 8);
    let heap = store.allocate();
    let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);

    fixture
        .grow(4, Some(&heap), Some(&mut limiter), Some(&mut store))
        .unwrap();

    assert_eq!(
        limiter.calls,
        [LimiterCall::Growing {
            current: 2,
            desired: 6,
            maximum: Some(8),
            answer: Some(true)
        }]
    );
    release_all(&mut store, vec![heap], &mut [&mut *fixture]);
}

#[test]
fn dynamic_grow_moves_the_vmtable_base_and_keeps_the_contents() {
    let mut store = CountingStore::new();
    let mut fixture = new_table(Storage::Dynamic, 1, 1 << 20);
    let heap = store.allocate();
    fixture.set(0, Some(&heap), Some(&mut store)).unwrap();

    fixture.grow(1 << 16, None, None, None).unwrap();

    let definition = fixture.vmtable();
    assert_eq!(definition.current_elements, (1 << 16) + 1);
    assert_eq!(fixture.get(0).unwrap(), Some(&heap));
    release_all(&mut store, vec![heap], &mut [&mut *fixture]);
}

#[test]
fn grow_async_clones_once_per_new_slot_with_an_async_limiter() {
    for storage in STORAGES {
        let mut store = CountingStore::new();
        let mut fixture = new_table(storage, 1, 8);
        let heap = store.allocate();
        let mut limiter = RecordingLimiter::new(LimiterPolicy::AllowUpTo(4));

        let grown =
            block_on(fixture.grow_async(3, Some(&heap), Some(&mut limiter), Some(&mut store)))
                .unwrap();
        let refused =
            block_on(fixture.grow_async(1, Some(&heap), Some(&mut limiter), Some(&mut store)))
                .unwrap();

        assert_eq!((grown, refused), (Some(1), None), "{storage:?}");
        assert_eq!(store.clones(), 3);
        release_all(&mut store, vec![heap], &mut [&mut *fixture]);
    }
}

#[test]
fn grow_async_with_a_heap_init_and_no_store_fails_before_asking_the_limiter() {
    let mut store = CountingStore::new();
    let mut fixture = new_table(Storage::Static, 1, 8);
    let heap = store.allocate();
    let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);

    let result = block_on(fixture.grow_async(2, Some(&heap), Some(&mut limiter), None));

    assert!(matches!(
        result,
        Err(GcTableError::GcStoreRequired {
            operation: GcOperation::Grow,
            ..
        })
    ));
    assert!(limiter.calls.is_empty());
    assert_eq!(fixture.size(), 1);
    release_all(&mut store, vec![heap], &mut [&mut *fixture]);
}

#[test]
fn grow_async_future_is_send() {
    fn assert_send<T: Send>(_: &T) {}
    let mut store = CountingStore::new();
    let mut fixture = new_table(Storage::Dynamic, 1, 8);
    let heap = store.allocate();
    let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);

    let future = fixture.grow_async(1, Some(&heap), Some(&mut limiter), Some(&mut store));
    assert_send(&future);
    assert_eq!(block_on(future).unwrap(), Some(1));

    release_all(&mut store, vec![heap], &mut [&mut *fixture]);
}
