//! The write barrier of `set` and `get_cloned`: every {null, i31, heap} value overwritten by every
//! {null, i31, heap} value, with and without a store, and self-assignment.

mod common;

#[allow(unused_imports, reason = "not every test file uses each")]
use common::new_table;

use common::{CLASSES, Class, STORAGES, assert_counts, raw, raw_slots, release_all, value_of};
use table_core::wasmtime_environ::Trap;
use table_gcref::testing::CountingStore;
use table_gcref::{GcOperation, GcStore, GcTableError, I31, StoreNeed, VMGcRef};

#[test]
fn set_with_a_store_clones_the_new_value_and_drops_the_old_in_every_case() {
    for storage in STORAGES {
        for old_class in CLASSES {
            for new_class in CLASSES {
                let case = format!("{storage:?}: {old_class:?} overwritten by {new_class:?}");
                let mut store = CountingStore::new();
                let mut fixture = new_table(storage, 1, 1);
                let old = value_of(old_class, &mut store);
                let new = value_of(new_class, &mut store);
                fixture.set(0, old.as_ref(), Some(&mut store)).unwrap();
                let (clones, drops) = (store.clones(), store.drops());

                fixture.set(0, new.as_ref(), Some(&mut store)).unwrap();

                assert_eq!(raw_slots(&fixture), [raw(new.as_ref())], "{case}");
                let expected_clones = u64::from(new_class == Class::Heap);
                let expected_drops = u64::from(old_class == Class::Heap);
                assert_eq!(store.clones() - clones, expected_clones, "{case}");
                assert_eq!(store.drops() - drops, expected_drops, "{case}");
                let held: Vec<&VMGcRef> = old.iter().chain(new.iter()).collect();
                assert_counts(&store, &held, &[&*fixture]);
                release_all(
                    &mut store,
                    old.into_iter().chain(new).collect(),
                    &mut [&mut *fixture],
                );
            }
        }
    }
}

#[test]
fn set_without_a_store_fails_exactly_when_a_heap_reference_is_involved() {
    for storage in STORAGES {
        for old_class in CLASSES {
            for new_class in CLASSES {
                let case = format!("{storage:?}: {old_class:?} overwritten by {new_class:?}");
                let mut store = CountingStore::new();
                let mut fixture = new_table(storage, 3, 3);
                let old = value_of(old_class, &mut store);
                let new = value_of(new_class, &mut store);
                fixture.set(2, old.as_ref(), Some(&mut store)).unwrap();
                let (clones, drops) = (store.clones(), store.drops());

                let result = fixture.set(2, new.as_ref(), None);

                let expected_need = match (old_class, new_class) {
                    (_, Class::Heap) => Some(StoreNeed::Write),
                    (Class::Heap, _) => Some(StoreNeed::Overwrite),
                    _ => None,
                };
                match expected_need {
                    None => {
                        result.unwrap_or_else(|error| panic!("{case}: {error}"));
                        assert_eq!(raw_slots(&fixture)[2], raw(new.as_ref()), "{case}");
                    }
                    Some(need) => {
                        let error = result.expect_err(&case);
                        assert!(
                            matches!(
                                error,
                                GcTableError::GcStoreRequired {
                                    operation: GcOperation::Set,
                                    need: actual,
                                    index: 2,
                                } if actual == need
                            ),
                            "{case}: {error:?}"
                        );
                        assert_eq!(raw_slots(&fixture)[2], raw(old.as_ref()), "{case}");
                    }
                }
                assert_eq!((store.clones(), store.drops()), (clones, drops), "{case}");
                release_all(
                    &mut store,
                    old.into_iter().chain(new).collect(),
                    &mut [&mut *fixture],
                );
            }
        }
    }
}

#[test]
fn missing_store_error_names_the_operation_the_situation_and_the_slot() {
    let mut store = CountingStore::new();
    let mut fixture = new_table(common::Storage::Dynamic, 8, 8);
    let heap = store.allocate();

    let error = fixture.set(5, Some(&heap), None).unwrap_err();

    assert_eq!(
        error.to_string(),
        "table.set writes a heap reference in table slot 5, which needs a GC store, but none was given"
    );
    assert_eq!(error.as_trap(), None);
    release_all(&mut store, vec![heap], &mut [&mut *fixture]);
}

#[test]
fn writing_a_slot_its_own_value_frees_nothing() {
    for storage in STORAGES {
        let mut store = CountingStore::new();
        let mut fixture = new_table(storage, 2, 2);
        let heap = store.allocate();
        fixture.set(0, Some(&heap), Some(&mut store)).unwrap();
        // The table is now the object's only owner.
        store.drop_gc_ref(heap);
        let own_value = fixture.get(0).unwrap().map(VMGcRef::unchecked_copy);

        fixture
            .set(0, own_value.as_ref(), Some(&mut store))
            .unwrap();

        let in_table = fixture.get(0).unwrap().unwrap();
        assert_eq!(store.live_count(in_table), 1, "{storage:?}");
        assert!(store.violations().is_empty(), "{:?}", store.violations());
        release_all(&mut store, Vec::new(), &mut [&mut *fixture]);
    }
}

#[test]
fn copying_a_slot_onto_itself_frees_nothing() {
    for storage in STORAGES {
        let mut store = CountingStore::new();
        let mut fixture = new_table(storage, 3, 3);
        let heap = store.allocate();
        fixture.fill(0, Some(&heap), 3, Some(&mut store)).unwrap();
        store.drop_gc_ref(heap);

        fixture.copy_within(0, 0, 3, Some(&mut store)).unwrap();

        let in_table = fixture.get(1).unwrap().unwrap();
        assert_eq!(store.live_count(in_table), 3, "{storage:?}");
        assert!(store.violations().is_empty(), "{:?}", store.violations());
        release_all(&mut store, Vec::new(), &mut [&mut *fixture]);
    }
}

#[test]
fn get_borrows_without_touching_counts() {
    let mut store = CountingStore::new();
    let mut fixture = new_table(common::Storage::Static, 1, 1);
    let heap = store.allocate();
    fixture.set(0, Some(&heap), Some(&mut store)).unwrap();

    let got = fixture.get(0).unwrap();

    assert_eq!(got, Some(&heap));
    assert_eq!(store.live_count(&heap), 2);
    release_all(&mut store, vec![heap], &mut [&mut *fixture]);
}

#[test]
fn get_cloned_clones_heap_references_through_the_store() {
    let mut store = CountingStore::new();
    let mut fixture = new_table(common::Storage::Dynamic, 1, 1);
    let heap = store.allocate();
    fixture.set(0, Some(&heap), Some(&mut store)).unwrap();

    let cloned = fixture.get_cloned(0, Some(&mut store)).unwrap();

    assert_eq!(cloned.as_ref(), Some(&heap));
    assert_eq!(store.live_count(&heap), 3);
    release_all(
        &mut store,
        vec![heap, cloned.unwrap()],
        &mut [&mut *fixture],
    );
}

#[test]
fn get_cloned_needs_no_store_for_null_and_i31() {
    for class in [Class::Null, Class::I31] {
        let mut store = CountingStore::new();
        let mut fixture = new_table(common::Storage::Dynamic, 1, 1);
        let value = value_of(class, &mut store);
        fixture.set(0, value.as_ref(), None).unwrap();

        let cloned = fixture.get_cloned(0, None).unwrap();

        assert_eq!(cloned, value, "{class:?}");
        assert_eq!(store.clones(), 0);
    }
}

#[test]
fn get_cloned_of_a_heap_reference_without_a_store_is_an_error() {
    let mut store = CountingStore::new();
    let mut fixture = new_table(common::Storage::Dynamic, 4, 4);
    let heap = store.allocate();
    fixture.set(3, Some(&heap), Some(&mut store)).unwrap();

    let error = fixture.get_cloned(3, None).unwrap_err();

    assert!(matches!(
        error,
        GcTableError::GcStoreRequired {
            operation: GcOperation::Get,
            need: StoreNeed::Clone,
            index: 3
        }
    ));
    release_all(&mut store, vec![heap], &mut [&mut *fixture]);
}

#[test]
fn out_of_bounds_get_and_set_trap_without_calling_the_store() {
    let mut store = CountingStore::new();
    let mut fixture = new_table(common::Storage::Static, 2, 4);
    let heap = store.allocate();

    let set = fixture.set(2, Some(&heap), Some(&mut store));
    let get = fixture.get(u64::MAX).map(|_| ());
    let cloned = fixture.get_cloned(2, Some(&mut store)).map(|_| ());

    for result in [set, get, cloned] {
        assert_eq!(result.unwrap_err().as_trap(), Some(Trap::TableOutOfBounds));
    }
    assert_eq!((store.clones(), store.drops()), (0, 0));
    release_all(&mut store, vec![heap], &mut [&mut *fixture]);
}

/// A store that keeps no counts and records every call, for heap indices the counting store
/// never hands out.
#[derive(Default)]
struct RecordingStore {
    cloned: Vec<u32>,
    dropped: Vec<u32>,
}

impl GcStore for RecordingStore {
    fn clone_gc_ref(&mut self, gc_ref: &VMGcRef) -> VMGcRef {
        self.cloned.push(gc_ref.as_raw_u32());
        gc_ref.unchecked_copy()
    }

    fn drop_gc_ref(&mut self, gc_ref: VMGcRef) {
        self.dropped.push(gc_ref.as_raw_u32());
    }
}

#[test]
fn extreme_bit_patterns_are_told_apart_as_heap_references_or_i31refs() {
    let heaps = [2, 4, 0x8000_0000, 0xFFFF_FFFC, 0xFFFF_FFFE]
        .map(|index| VMGcRef::from_heap_index(index).unwrap());
    for heap in &heaps {
        let case = format!("{heap:?}");
        let mut store = RecordingStore::default();
        let mut fixture = new_table(common::Storage::Dynamic, 40, 40);

        let write = fixture.set(1, Some(heap), None).unwrap_err();
        fixture.set(1, Some(heap), Some(&mut store)).unwrap();
        let overwrite = fixture.set(1, None, None).unwrap_err();
        let fill = fixture.fill(0, None, 40, None).unwrap_err();
        let copy = fixture.copy_within(5, 0, 35, None).unwrap_err();

        for (error, operation, need, index) in [
            (write, GcOperation::Set, StoreNeed::Write, 1),
            (overwrite, GcOperation::Set, StoreNeed::Overwrite, 1),
            (fill, GcOperation::Fill, StoreNeed::Overwrite, 1),
            (copy, GcOperation::Copy, StoreNeed::Write, 6),
        ] {
            assert!(
                matches!(
                    error,
                    GcTableError::GcStoreRequired { operation: o, need: n, index: i }
                        if o == operation && n == need && i == index
                ),
                "{case}: {error:?}"
            );
        }
        // With a store, the range operations see the reference too: the copy clones it into
        // slot 6 and the fill releases both copies.
        fixture.copy_within(5, 0, 35, Some(&mut store)).unwrap();
        fixture.fill(0, None, 40, Some(&mut store)).unwrap();
        let r = heap.as_raw_u32();
        assert_eq!(
            (store.cloned, store.dropped),
            (vec![r, r], vec![r, r]),
            "{case}"
        );
        assert_eq!(raw_slots(&fixture), [0; 40], "{case}");
    }
}

#[test]
fn extreme_i31_payloads_never_reach_the_store() {
    for payload in [0, 1, 0x4000_0000, I31::MAX_U32] {
        let small = VMGcRef::from_i31(I31::wrapping_u32(payload));
        let mut store = RecordingStore::default();
        let mut fixture = new_table(common::Storage::Static, 40, 40);

        fixture.set(1, Some(&small), None).unwrap();
        fixture.fill(3, Some(&small), 30, None).unwrap();
        fixture.copy_within(5, 0, 35, None).unwrap();
        fixture.set(2, Some(&small), Some(&mut store)).unwrap();
        fixture.copy_within(0, 5, 35, Some(&mut store)).unwrap();
        fixture.fill(0, None, 40, Some(&mut store)).unwrap();

        assert!(
            store.cloned.is_empty() && store.dropped.is_empty(),
            "{payload:#x}"
        );
        assert_eq!(raw_slots(&fixture), [0; 40]);
    }
}

/// A store whose bulk barrier is its own: counts the calls and writes through the counting
/// store, the way a runtime's override loops over its own barrier.
struct BulkStore {
    inner: CountingStore,
    fills: Vec<usize>,
}

impl GcStore for BulkStore {
    fn clone_gc_ref(&mut self, gc_ref: &VMGcRef) -> VMGcRef {
        self.inner.clone_gc_ref(gc_ref)
    }

    fn drop_gc_ref(&mut self, gc_ref: VMGcRef) {
        self.inner.drop_gc_ref(gc_ref);
    }

    fn fill_gc_refs(&mut self, slots: &mut [Option<VMGcRef>], new: Option<&VMGcRef>) {
        self.fills.push(slots.len());
        for slot in slots {
            self.inner.write_gc_ref(slot, new);
        }
    }
}

#[test]
fn a_fill_with_a_heap_reference_is_one_call_to_the_stores_bulk_barrier() {
    for storage in STORAGES {
        let mut store = BulkStore {
            inner: CountingStore::new(),
            fills: Vec::new(),
        };
        let mut fixture = new_table(storage, 6, 6);
        let old = store.inner.allocate();
        fixture.fill(0, Some(&old), 6, Some(&mut store)).unwrap();
        let new = store.inner.allocate();
        let i31 = VMGcRef::from_i31(I31::wrapping_u32(5));

        fixture.fill(1, Some(&new), 4, Some(&mut store)).unwrap();
        // Out of bounds: the trap comes first, the barrier is not run.
        let error = fixture
            .fill(4, Some(&new), 3, Some(&mut store))
            .unwrap_err();
        // Not a heap reference: slot by slot, only the heap slots it overwrites through the
        // barrier.
        fixture.fill(5, Some(&i31), 1, Some(&mut store)).unwrap();

        assert_eq!(error.as_trap(), Some(Trap::TableOutOfBounds), "{storage:?}");
        assert_eq!(store.fills, [6, 4], "{storage:?}");
        let expected = [&old, &new, &new, &new, &new, &i31].map(|gc_ref| raw(Some(gc_ref)));
        assert_eq!(raw_slots(&fixture), expected, "{storage:?}");
        assert_counts(&store.inner, &[&old, &new], &[&*fixture]);
        release_all(&mut store.inner, vec![old, new], &mut [&mut *fixture]);
    }
}
