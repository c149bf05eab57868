//! `fill`, `init`, `copy_within` and `copy_from`: barrier bookkeeping, overlap, the bit-moving
//! fast path, and all-or-nothing failure.

mod common;

#[allow(unused_imports, reason = "not every test file uses each")]
use common::new_table;

use common::{
    STORAGES, Storage, assert_counts, check_copy_within_like_memmove, load, raw, raw_slots,
    release_all,
};
use table_core::wasmtime_environ::Trap;
use table_gcref::testing::CountingStore;
use table_gcref::{GcOperation, GcTableError, I31, StoreNeed, VMGcRef};

fn i31(value: u32) -> VMGcRef {
    VMGcRef::from_i31(I31::wrapping_u32(value))
}

#[test]
fn fill_over_heap_references_drops_each_old_one_once() {
    for storage in STORAGES {
        let mut store = CountingStore::new();
        let mut fixture = new_table(storage, 6, 6);
        let (a, b) = (store.allocate(), store.allocate());
        let small = i31(7);
        load(
            &mut fixture,
            &[Some(&a), Some(&a), Some(&b), Some(&small), None, Some(&b)],
            &mut store,
        );
        let drops = store.drops();

        fixture.fill(0, Some(&small), 5, Some(&mut store)).unwrap();

        assert_eq!(store.drops() - drops, 3, "{storage:?}");
        assert_eq!(store.live_count(&a), 1);
        assert_eq!(store.live_count(&b), 2);
        assert_eq!(raw_slots(&fixture)[..5], [small.as_raw_u32(); 5]);
        release_all(&mut store, vec![a, b], &mut [&mut *fixture]);
    }
}

#[test]
fn fill_with_a_heap_reference_clones_it_once_per_slot() {
    for storage in STORAGES {
        let mut store = CountingStore::new();
        let mut fixture = new_table(storage, 6, 6);
        let heap = store.allocate();

        fixture.fill(1, Some(&heap), 4, Some(&mut store)).unwrap();

        assert_eq!(store.clones(), 4, "{storage:?}");
        assert_eq!(store.live_count(&heap), 5);
        let r = heap.as_raw_u32();
        assert_eq!(raw_slots(&fixture), [0, r, r, r, r, 0]);
        release_all(&mut store, vec![heap], &mut [&mut *fixture]);
    }
}

#[test]
fn fill_of_null_and_i31_over_null_and_i31_needs_no_store() {
    let mut fixture = new_table(Storage::Dynamic, 4, 4);
    let small = i31(3);
    fixture.fill(0, Some(&small), 4, None).unwrap();

    fixture.fill(1, None, 2, None).unwrap();

    let r = small.as_raw_u32();
    assert_eq!(raw_slots(&fixture), [r, 0, 0, r]);
}

#[test]
fn fill_without_a_store_over_a_heap_reference_fails_and_changes_nothing() {
    let mut store = CountingStore::new();
    let mut fixture = new_table(Storage::Static, 5, 5);
    let heap = store.allocate();
    fixture.set(3, Some(&heap), Some(&mut store)).unwrap();
    let before = raw_slots(&fixture);

    let error = fixture.fill(0, None, 5, None).unwrap_err();

    assert!(matches!(
        error,
        GcTableError::GcStoreRequired {
            operation: GcOperation::Fill,
            need: StoreNeed::Overwrite,
            index: 3
        }
    ));
    assert_eq!(raw_slots(&fixture), before);
    release_all(&mut store, vec![heap], &mut [&mut *fixture]);
}

#[test]
fn fill_of_zero_slots_with_a_heap_reference_needs_no_store() {
    let mut store = CountingStore::new();
    let mut fixture = new_table(Storage::Dynamic, 2, 2);
    let heap = store.allocate();

    fixture.fill(2, Some(&heap), 0, None).unwrap();

    assert_eq!(store.clones(), 0);
    release_all(&mut store, vec![heap], &mut [&mut *fixture]);
}

#[test]
fn out_of_bounds_fill_traps_before_writing() {
    let mut store = CountingStore::new();
    let mut fixture = new_table(Storage::Dynamic, 4, 4);
    let heap = store.allocate();

    let error = fixture
        .fill(2, Some(&heap), 3, Some(&mut store))
        .unwrap_err();

    assert_eq!(error.as_trap(), Some(Trap::TableOutOfBounds));
    assert_eq!(raw_slots(&fixture), [0; 4]);
    assert_eq!(store.clones(), 0);
    release_all(&mut store, vec![heap], &mut [&mut *fixture]);
}

/// Runs `copy_within(dst, src, len)` over a table holding heap references, `i31ref`s and nulls,
/// and checks the result against `memmove` on the raw bits and the counts against the store.
fn check_overlapping_copy(dst: u64, src: u64, len: u64) {
    for storage in STORAGES {
        let mut store = CountingStore::new();
        let mut fixture = new_table(storage, 8, 8);
        let heaps: Vec<VMGcRef> = (0..4).map(|_| store.allocate()).collect();
        let small = i31(9);
        load(
            &mut fixture,
            &[
                Some(&heaps[0]),
                Some(&heaps[1]),
                None,
                Some(&small),
                Some(&heaps[2]),
                Some(&heaps[1]),
                Some(&heaps[3]),
                None,
            ],
            &mut store,
        );
        check_copy_within_like_memmove(
            &mut fixture,
            &mut store,
            heaps,
            [dst, src, len],
            &format!("{storage:?}"),
        );
    }
}

#[test]
fn overlapping_copy_towards_higher_slots_behaves_like_memmove() {
    check_overlapping_copy(2, 0, 6);
}

#[test]
fn overlapping_copy_towards_lower_slots_behaves_like_memmove() {
    check_overlapping_copy(0, 2, 6);
}

#[test]
fn overlapping_copy_by_one_slot_in_both_directions_behaves_like_memmove() {
    check_overlapping_copy(1, 0, 7);
    check_overlapping_copy(0, 1, 7);
}

#[test]
fn copy_within_of_nulls_and_i31s_moves_bits_without_a_store() {
    let mut fixture = new_table(Storage::Static, 6, 6);
    let (x, y) = (i31(1), i31(2));
    fixture.set(0, Some(&x), None).unwrap();
    fixture.set(1, Some(&y), None).unwrap();

    fixture.copy_within(2, 0, 4, None).unwrap();

    let (x, y) = (x.as_raw_u32(), y.as_raw_u32());
    assert_eq!(raw_slots(&fixture), [x, y, x, y, 0, 0]);
}

#[test]
fn copy_within_without_a_store_fails_on_a_heap_source_or_destination() {
    let mut store = CountingStore::new();
    let mut fixture = new_table(Storage::Dynamic, 6, 6);
    let heap = store.allocate();
    fixture.set(1, Some(&heap), Some(&mut store)).unwrap();
    let before = raw_slots(&fixture);

    let from_heap = fixture.copy_within(4, 0, 2, None).unwrap_err();
    let onto_heap = fixture.copy_within(0, 3, 3, None).unwrap_err();

    assert!(matches!(
        from_heap,
        GcTableError::GcStoreRequired {
            operation: GcOperation::Copy,
            need: StoreNeed::Write,
            index: 5
        }
    ));
    assert!(matches!(
        onto_heap,
        GcTableError::GcStoreRequired {
            operation: GcOperation::Copy,
            need: StoreNeed::Overwrite,
            index: 1
        }
    ));
    assert_eq!(raw_slots(&fixture), before);
    release_all(&mut store, vec![heap], &mut [&mut *fixture]);
}

#[test]
fn copy_within_checks_both_ranges_before_writing() {
    let mut store = CountingStore::new();
    let mut fixture = new_table(Storage::Dynamic, 4, 4);
    let heap = store.allocate();
    fixture.fill(0, Some(&heap), 4, Some(&mut store)).unwrap();
    let before = raw_slots(&fixture);

    for (dst, src, len) in [(0, 2, 3), (2, 0, 3), (0, u64::MAX, 2), (5, 0, 0)] {
        let error = fixture
            .copy_within(dst, src, len, Some(&mut store))
            .unwrap_err();
        assert_eq!(
            error.as_trap(),
            Some(Trap::TableOutOfBounds),
            "{dst} {src} {len}"
        );
    }
    assert_eq!(raw_slots(&fixture), before);
    release_all(&mut store, vec![heap], &mut [&mut *fixture]);
}

#[test]
fn copy_between_tables_clones_each_copied_reference_and_drops_each_overwritten_one() {
    for src_storage in STORAGES {
        for dst_storage in STORAGES {
            let case = format!("{src_storage:?} -> {dst_storage:?}");
            let mut store = CountingStore::new();
            let mut src = new_table(src_storage, 5, 5);
            let mut dst = new_table(dst_storage, 4, 4);
            let heaps: Vec<VMGcRef> = (0..3).map(|_| store.allocate()).collect();
            let small = i31(5);
            load(
                &mut src,
                &[Some(&heaps[0]), Some(&small), None, Some(&heaps[1]), None],
                &mut store,
            );
            load(&mut dst, &[Some(&heaps[2]); 4], &mut store);
            let (clones, drops) = (store.clones(), store.drops());

            dst.copy_from(&src, 0, 1, 4, Some(&mut store)).unwrap();

            let expected: Vec<u32> = raw_slots(&src)[1..].to_vec();
            assert_eq!(raw_slots(&dst), expected, "{case}");
            assert_eq!(store.clones() - clones, 1, "{case}");
            assert_eq!(store.drops() - drops, 4, "{case}");
            let held: Vec<&VMGcRef> = heaps.iter().collect();
            assert_counts(&store, &held, &[&*src, &*dst]);
            release_all(&mut store, heaps, &mut [&mut *src, &mut *dst]);
        }
    }
}

#[test]
fn copy_between_tables_of_i31s_needs_no_store() {
    let mut src = new_table(Storage::Static, 3, 3);
    let mut dst = new_table(Storage::Dynamic, 3, 3);
    let small = i31(11);
    src.fill(0, Some(&small), 3, None).unwrap();

    dst.copy_from(&src, 1, 0, 2, None).unwrap();

    let r = small.as_raw_u32();
    assert_eq!(raw_slots(&dst), [0, r, r]);
}

#[test]
fn copy_between_tables_without_a_store_fails_and_changes_nothing() {
    let mut store = CountingStore::new();
    let mut src = new_table(Storage::Static, 3, 3);
    let mut dst = new_table(Storage::Dynamic, 3, 3);
    let heap = store.allocate();
    src.set(2, Some(&heap), Some(&mut store)).unwrap();

    let error = dst.copy_from(&src, 0, 0, 3, None).unwrap_err();

    assert!(matches!(
        error,
        GcTableError::GcStoreRequired {
            operation: GcOperation::Copy,
            need: StoreNeed::Write,
            index: 2
        }
    ));
    assert_eq!(raw_slots(&dst), [0; 3]);
    release_all(&mut store, vec![heap], &mut [&mut *src, &mut *dst]);
}

#[test]
fn copy_between_tables_out_of_bounds_traps_before_writing() {
    let mut store = CountingStore::new();
    let src = new_table(Storage::Static, 3, 3);
    let mut dst = new_table(Storage::Dynamic, 3, 3);

    for (dst_index, src_index, len) in [(0, 1, 3), (1, 0, 3), (4, 0, 0)] {
        let error = dst
            .copy_from(&src, dst_index, src_index, len, Some(&mut store))
            .unwrap_err();
        assert_eq!(error.as_trap(), Some(Trap::TableOutOfBounds));
    }
}

#[test]
fn init_clones_each_segment_value_and_drops_each_overwritten_one() {
    for storage in STORAGES {
        let mut store = CountingStore::new();
        let mut fixture = new_table(storage, 5, 5);
        let (a, b) = (store.allocate(), store.allocate());
        load(&mut fixture, &[Some(&b); 5], &mut store);
        let segment = [
            Some(a.unchecked_copy()),
            None,
            Some(i31(4)),
            Some(a.unchecked_copy()),
        ];
        let drops = store.drops();

        fixture.init(1, &segment, Some(&mut store)).unwrap();

        let expected: Vec<u32> = [b.as_raw_u32()]
            .into_iter()
            .chain(segment.iter().map(|value| raw(value.as_ref())))
            .collect();
        assert_eq!(raw_slots(&fixture), expected, "{storage:?}");
        assert_eq!(store.clones(), 5 + 2);
        assert_eq!(store.drops() - drops, 4);
        assert_counts(&store, &[&a, &b], &[&*fixture]);
        release_all(&mut store, vec![a, b], &mut [&mut *fixture]);
    }
}

#[test]
fn init_of_nulls_and_i31s_needs_no_store() {
    let mut fixture = new_table(Storage::Static, 4, 4);
    let segment = [Some(i31(1)), None, Some(i31(2))];

    fixture.init(1, &segment, None).unwrap();

    let expected: Vec<u32> = [0]
        .into_iter()
        .chain(segment.iter().map(|value| raw(value.as_ref())))
        .collect();
    assert_eq!(raw_slots(&fixture), expected);
}

#[test]
fn init_without_a_store_fails_on_a_heap_value_and_changes_nothing() {
    let mut store = CountingStore::new();
    let mut fixture = new_table(Storage::Dynamic, 4, 4);
    let heap = store.allocate();
    let segment = [Some(i31(1)), Some(heap.unchecked_copy())];

    let error = fixture.init(2, &segment, None).unwrap_err();

    assert!(matches!(
        error,
        GcTableError::GcStoreRequired {
            operation: GcOperation::Init,
            need: StoreNeed::Write,
            index: 3
        }
    ));
    assert_eq!(raw_slots(&fixture), [0; 4]);
    let out_of_bounds = fixture.init(3, &segment, Some(&mut store)).unwrap_err();
    assert_eq!(out_of_bounds.as_trap(), Some(Trap::TableOutOfBounds));
    assert_eq!(store.clones(), 0);
    release_all(&mut store, vec![heap], &mut [&mut *fixture]);
}
