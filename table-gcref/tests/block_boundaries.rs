//! Range operations over ranges many blocks long: with a GC store, `fill`, `init`, `copy_from`
//! and `copy_within` scan and write a short block at a time, moving bits for blocks free of heap
//! references and going through the barrier for the others. These tests put heap references in
//! late blocks, on block edges and among bit-moving blocks, start ranges mid-block, and check the
//! result bits and every reference count against the counting store.
//!
//! The ranges here are a thousand slots or more, many blocks for any block size the crate would
//! reasonably use (it uses a few cache lines).

mod common;

#[allow(unused_imports, reason = "not every test file uses each")]
use common::new_table;

use common::{
    STORAGES, Storage, TestTable, assert_counts, check_copy_within_like_memmove, raw_slots,
    release_all,
};
use table_gcref::testing::CountingStore;
use table_gcref::{GcOperation, GcRefTable, GcTableError, I31, StoreNeed, VMGcRef};

/// Slots in each table of these tests.
const SIZE: u64 = 1200;

/// Slot positions on and next to the edges of blocks of 16 to 512 slots, late in the table.
const LATE_POSITIONS: [u64; 6] = [1023, 1024, 1025, 1087, 1151, 1199];

fn i31(value: u32) -> VMGcRef {
    VMGcRef::from_i31(I31::wrapping_u32(value))
}

/// A table of `SIZE` slots holding the `i31ref` 1, except for `heap` at each of `positions`.
fn i31_table_with_heap_at(
    storage: Storage,
    heap: &VMGcRef,
    positions: &[u64],
    store: &mut CountingStore,
) -> TestTable {
    let mut fixture = new_table(storage, SIZE, SIZE);
    fixture.fill(0, Some(&i31(1)), SIZE, None).unwrap();
    for &position in positions {
        fixture.set(position, Some(heap), Some(store)).unwrap();
    }
    fixture
}

/// Writes a mix into every slot of `table`: mostly `i31ref`s and nulls, and every 13th slot one of
/// `heaps` (so heap references land in some blocks and not others, and on some block edges).
fn load_mixed(table: &mut GcRefTable, heaps: &[VMGcRef], store: &mut CountingStore) {
    for index in 0..table.size() as u64 {
        let value = match index % 13 {
            0 => Some(heaps[(index / 13) as usize % heaps.len()].unchecked_copy()),
            5 | 9 => None,
            _ => Some(i31(index as u32)),
        };
        table.set(index, value.as_ref(), Some(store)).unwrap();
    }
}

#[test]
fn fill_of_many_blocks_releases_a_heap_reference_in_a_late_block_once() {
    for storage in STORAGES {
        for position in LATE_POSITIONS {
            let case = format!("{storage:?}, heap at {position}");
            let mut store = CountingStore::new();
            let heap = store.allocate();
            let mut fixture = i31_table_with_heap_at(storage, &heap, &[position], &mut store);
            let (clones, drops) = (store.clones(), store.drops());
            let small = i31(2);

            fixture
                .fill(0, Some(&small), SIZE, Some(&mut store))
                .unwrap();

            assert_eq!(store.clones() - clones, 0, "{case}");
            assert_eq!(store.drops() - drops, 1, "{case}");
            assert_eq!(store.live_count(&heap), 1, "{case}");
            assert_eq!(raw_slots(&fixture), vec![small.as_raw_u32(); SIZE as usize]);
            release_all(&mut store, vec![heap], &mut [&mut *fixture]);
        }
    }
}

#[test]
fn fill_of_a_range_starting_mid_block_leaves_the_slots_outside_it_alone() {
    for storage in STORAGES {
        let mut store = CountingStore::new();
        let heap = store.allocate();
        // Heap references just outside the range on both sides, and two inside, late.
        let positions = [4, 1050, 1099, 1100, 1150];
        let mut fixture = i31_table_with_heap_at(storage, &heap, &positions, &mut store);
        let mut expected = raw_slots(&fixture);

        fixture.fill(5, None, 1095, Some(&mut store)).unwrap();

        expected[5..1100].fill(0);
        assert_eq!(raw_slots(&fixture), expected, "{storage:?}");
        assert_eq!(store.live_count(&heap), 1 + 3, "{storage:?}");
        assert_counts(&store, &[&heap], &[&*fixture]);
        release_all(&mut store, vec![heap], &mut [&mut *fixture]);
    }
}

#[test]
fn fill_of_many_blocks_with_a_heap_value_clones_it_per_slot_and_drops_each_old_one() {
    for storage in STORAGES {
        let mut store = CountingStore::new();
        let (old, new) = (store.allocate(), store.allocate());
        let mut fixture = i31_table_with_heap_at(storage, &old, &LATE_POSITIONS, &mut store);
        let (clones, drops) = (store.clones(), store.drops());

        fixture
            .fill(3, Some(&new), SIZE - 3, Some(&mut store))
            .unwrap();

        assert_eq!(store.clones() - clones, SIZE - 3, "{storage:?}");
        assert_eq!(store.drops() - drops, LATE_POSITIONS.len() as u64);
        assert_eq!(store.live_count(&old), 1);
        assert_counts(&store, &[&old, &new], &[&*fixture]);
        release_all(&mut store, vec![old, new], &mut [&mut *fixture]);
    }
}

#[test]
fn copy_between_tables_over_many_blocks_counts_heap_references_in_late_blocks() {
    for src_storage in STORAGES {
        for dst_storage in STORAGES {
            let case = format!("{src_storage:?} -> {dst_storage:?}");
            let mut store = CountingStore::new();
            let (copied, overwritten) = (store.allocate(), store.allocate());
            let mut src = i31_table_with_heap_at(src_storage, &copied, &[1040, 1100], &mut store);
            // Overwritten heap references in other blocks than the copied ones.
            let mut dst = i31_table_with_heap_at(dst_storage, &overwritten, &[20, 900], &mut store);
            let (clones, drops) = (store.clones(), store.drops());

            // Offsets that are not multiples of any block size, so source and destination
            // blocks do not line up with the table's.
            dst.copy_from(&src, 7, 3, 1150, Some(&mut store)).unwrap();

            let mut expected = raw_slots(&dst);
            expected[7..1157].copy_from_slice(&raw_slots(&src)[3..1153]);
            assert_eq!(raw_slots(&dst), expected, "{case}");
            assert_eq!(store.clones() - clones, 2, "{case}");
            assert_eq!(store.drops() - drops, 2, "{case}");
            assert_counts(&store, &[&copied, &overwritten], &[&*src, &*dst]);
            release_all(
                &mut store,
                vec![copied, overwritten],
                &mut [&mut *src, &mut *dst],
            );
        }
    }
}

#[test]
fn init_of_a_long_segment_clones_a_heap_value_in_a_late_block_once() {
    for storage in STORAGES {
        let mut store = CountingStore::new();
        let (value, overwritten) = (store.allocate(), store.allocate());
        let mut fixture = i31_table_with_heap_at(storage, &overwritten, &[1030], &mut store);
        let mut segment: Vec<Option<VMGcRef>> = (0..1100).map(|i| Some(i31(i))).collect();
        segment[1090] = Some(value.unchecked_copy());
        let (clones, drops) = (store.clones(), store.drops());

        fixture.init(50, &segment, Some(&mut store)).unwrap();

        let slots = raw_slots(&fixture);
        let written: Vec<u32> = segment.iter().map(|v| common::raw(v.as_ref())).collect();
        assert_eq!(slots[50..1150], written[..], "{storage:?}");
        assert_eq!(store.clones() - clones, 1, "{storage:?}");
        assert_eq!(store.drops() - drops, 1, "{storage:?}");
        assert_counts(&store, &[&value, &overwritten], &[&*fixture]);
        release_all(&mut store, vec![value, overwritten], &mut [&mut *fixture]);
    }
}

/// Runs `copy_within(dst, src, len)` on a table of mixed values and checks the bits against
/// `memmove` and every count against the store, then that emptying the table leaks nothing and
/// drops nothing twice.
fn check_copy_within(storage: Storage, dst: u64, src: u64, len: u64) {
    let case = format!("{storage:?}: copy_within({dst}, {src}, {len})");
    let mut store = CountingStore::new();
    let heaps: Vec<VMGcRef> = (0..7).map(|_| store.allocate()).collect();
    let mut fixture = new_table(storage, SIZE, SIZE);
    load_mixed(&mut fixture, &heaps, &mut store);
    check_copy_within_like_memmove(&mut fixture, &mut store, heaps, [dst, src, len], &case);
}

#[test]
fn overlapping_copies_over_many_blocks_behave_like_memmove_in_both_directions() {
    // Distances below, at and above common block sizes, up to ranges that do not overlap.
    let distances = [
        1, 3, 15, 16, 17, 31, 32, 33, 63, 64, 65, 200, 511, 512, 513, 600,
    ];
    for storage in STORAGES {
        for distance in distances {
            let len = SIZE - 40 - distance;
            check_copy_within(storage, 20 + distance, 20, len);
            check_copy_within(storage, 20, 20 + distance, len);
        }
    }
}

#[test]
fn copy_within_of_a_range_onto_itself_over_many_blocks_changes_nothing() {
    for storage in STORAGES {
        check_copy_within(storage, 10, 10, SIZE - 10);
    }
}

#[test]
fn overlapping_copy_of_i31s_with_one_late_heap_reference_counts_it_exactly() {
    const HEAP_AT: usize = 1090;
    for storage in STORAGES {
        for (dst, src) in [(100, 0), (0, 100), (40, 0), (0, 40), (5, 0), (0, 5)] {
            // Both ranges run to the end of the table or close to it, over the heap reference.
            let len = SIZE as usize - dst.max(src);
            let case = format!("{storage:?}: copy_within({dst}, {src}, {len})");
            let mut store = CountingStore::new();
            let heap = store.allocate();
            let mut fixture = i31_table_with_heap_at(storage, &heap, &[HEAP_AT as u64], &mut store);
            let (clones, drops) = (store.clones(), store.drops());
            let mut expected = raw_slots(&fixture);
            expected.copy_within(src..src + len, dst);

            fixture
                .copy_within(dst as u64, src as u64, len as u64, Some(&mut store))
                .unwrap();

            assert_eq!(raw_slots(&fixture), expected, "{case}");
            let copied = (src..src + len).contains(&HEAP_AT);
            let overwritten = (dst..dst + len).contains(&HEAP_AT);
            assert_eq!(store.clones() - clones, u64::from(copied), "{case}");
            assert_eq!(store.drops() - drops, u64::from(overwritten), "{case}");
            assert_counts(&store, &[&heap], &[&*fixture]);
            release_all(&mut store, vec![heap], &mut [&mut *fixture]);
        }
    }
}

#[test]
fn without_a_store_a_heap_reference_in_a_late_block_fails_the_whole_range_unwritten() {
    let mut store = CountingStore::new();
    let heap = store.allocate();
    let mut fixture = i31_table_with_heap_at(Storage::Static, &heap, &[1150], &mut store);
    let before = raw_slots(&fixture);
    let (clones, drops) = (store.clones(), store.drops());

    let fill = fixture.fill(0, None, SIZE, None).unwrap_err();
    let copy = fixture.copy_within(0, 100, 1100, None).unwrap_err();
    let onto = fixture.copy_within(100, 0, 1100, None).unwrap_err();

    for (error, need, index) in [
        (&fill, StoreNeed::Overwrite, 1150),
        (&copy, StoreNeed::Write, 1050),
        (&onto, StoreNeed::Overwrite, 1150),
    ] {
        assert!(
            matches!(
                error,
                GcTableError::GcStoreRequired { operation, need: actual, index: at }
                    if *actual == need && *at == index
                        && matches!(operation, GcOperation::Fill | GcOperation::Copy)
            ),
            "{error:?}"
        );
    }
    assert_eq!(raw_slots(&fixture), before);
    assert_eq!((store.clones(), store.drops()), (clones, drops));
    release_all(&mut store, vec![heap], &mut [&mut *fixture]);
}
