//! The counting test store detects what the table tests rely on it to detect.

use table_gcref::testing::{CountingStore, Leak, StoreViolation};
use table_gcref::{GcStore, I31, VMGcRef};

#[test]
fn balanced_clones_and_drops_verify_clean() {
    let mut store = CountingStore::new();
    let gc_ref = store.allocate();
    let copy = store.clone_gc_ref(&gc_ref);

    store.drop_gc_ref(copy);
    store.drop_gc_ref(gc_ref);

    assert_eq!(store.verify(), Ok(()));
    assert_eq!((store.clones(), store.drops()), (1, 2));
}

#[test]
fn a_reference_never_dropped_is_reported_as_a_leak() {
    let mut store = CountingStore::new();
    let gc_ref = store.allocate();
    let _copy = store.clone_gc_ref(&gc_ref);

    let report = store.verify().unwrap_err();

    assert!(report.violations.is_empty());
    assert_eq!(
        report.leaks,
        [Leak {
            raw: gc_ref.as_raw_u32(),
            count: 2
        }]
    );
}

#[test]
fn dropping_a_dead_reference_again_is_a_double_drop() {
    let mut store = CountingStore::new();
    let gc_ref = store.allocate();
    store.drop_gc_ref(gc_ref.unchecked_copy());

    store.drop_gc_ref(gc_ref.unchecked_copy());

    assert_eq!(
        store.violations(),
        [StoreViolation::DoubleDrop {
            raw: gc_ref.as_raw_u32()
        }]
    );
    assert!(store.verify().is_err());
}

#[test]
fn dropping_a_reference_the_store_never_handed_out_is_reported() {
    let mut store = CountingStore::new();
    let stranger = VMGcRef::from_heap_index(0x1000).unwrap();

    store.drop_gc_ref(stranger);

    assert_eq!(
        store.violations(),
        [StoreViolation::DropOfUnknown { raw: 0x1000 }]
    );
}

#[test]
fn releasing_before_retaining_a_sole_reference_is_caught_as_a_clone_of_a_dead_one() {
    let mut store = CountingStore::new();
    let gc_ref = store.allocate();

    // The wrong barrier order for writing a slot's own value back.
    store.drop_gc_ref(gc_ref.unchecked_copy());
    let _ = store.clone_gc_ref(&gc_ref);

    assert_eq!(
        store.violations(),
        [StoreViolation::CloneOfDead {
            raw: gc_ref.as_raw_u32()
        }]
    );
}

#[test]
fn calling_the_store_with_an_i31_is_reported() {
    let mut store = CountingStore::new();
    let small = VMGcRef::from_i31(I31::wrapping_u32(3));

    let _ = store.clone_gc_ref(&small);
    store.drop_gc_ref(small.unchecked_copy());

    assert_eq!(
        store.violations(),
        [
            StoreViolation::NotAHeapRef { raw: 7 },
            StoreViolation::NotAHeapRef { raw: 7 }
        ]
    );
}

#[test]
fn the_default_write_retains_the_new_value_before_releasing_the_old() {
    let mut store = CountingStore::new();
    let gc_ref = store.allocate();
    let mut slot = Some(gc_ref.unchecked_copy());

    store.write_gc_ref(&mut slot, Some(&gc_ref));

    assert!(store.violations().is_empty(), "{:?}", store.violations());
    assert_eq!(store.live_count(&gc_ref), 1);
    store.write_gc_ref(&mut slot, None);
    assert_eq!(store.verify(), Ok(()));
}

#[test]
fn allocated_references_are_distinct_heap_references() {
    let mut store = CountingStore::new();

    let refs: Vec<VMGcRef> = (0..4).map(|_| store.allocate()).collect();

    let raws: Vec<u32> = refs.iter().map(VMGcRef::as_raw_u32).collect();
    assert_eq!(raws, [2, 4, 6, 8]);
    assert!(refs.iter().all(VMGcRef::is_heap));
}
