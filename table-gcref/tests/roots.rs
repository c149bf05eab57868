//! Root enumeration: a collector sees every heap reference, and only those, and can rewrite them.

mod common;

use common::{STORAGES, TestTable, load, raw_slots, release_all};
use table_gcref::testing::CountingStore;
use table_gcref::{GcStore, I31, VMGcRef};

#[test]
fn roots_are_exactly_the_heap_references_in_slot_order() {
    for storage in STORAGES {
        let mut store = CountingStore::new();
        let mut fixture = TestTable::new(storage, 6, 6);
        let (a, b) = (store.allocate(), store.allocate());
        let small = VMGcRef::from_i31(I31::wrapping_u32(1));
        load(
            &mut fixture.table,
            &[Some(&b), None, Some(&small), Some(&a), Some(&b), None],
            &mut store,
        );

        let roots: Vec<u32> = fixture.table.gc_roots().map(VMGcRef::as_raw_u32).collect();
        let roots_mut: Vec<u32> = fixture
            .table
            .gc_roots_mut()
            .map(|root| root.as_raw_u32())
            .collect();

        let expected = [b.as_raw_u32(), a.as_raw_u32(), b.as_raw_u32()];
        assert_eq!(roots, expected, "{storage:?}");
        assert_eq!(roots_mut, expected, "{storage:?}");
        release_all(&mut store, vec![a, b], &mut [&mut fixture.table]);
    }
}

#[test]
fn a_moving_collector_can_rewrite_every_root() {
    for storage in STORAGES {
        let mut store = CountingStore::new();
        let mut fixture = TestTable::new(storage, 4, 4);
        let old = store.allocate();
        let small = VMGcRef::from_i31(I31::wrapping_u32(2));
        load(
            &mut fixture.table,
            &[Some(&old), Some(&small), None, Some(&old)],
            &mut store,
        );
        // The collector moves the object: a new location inherits the table's two counts.
        let moved = store.allocate();
        store.clone_gc_ref(&moved);
        store.clone_gc_ref(&moved);
        store.drop_gc_ref(moved.unchecked_copy());

        for root in fixture.table.gc_roots_mut() {
            *root = moved.unchecked_copy();
        }
        store.drop_gc_ref(old.unchecked_copy());
        store.drop_gc_ref(old.unchecked_copy());

        let r = moved.as_raw_u32();
        assert_eq!(
            raw_slots(&fixture.table),
            [r, small.as_raw_u32(), 0, r],
            "{storage:?}"
        );
        assert_eq!(store.live_count(&old), 1);
        assert_eq!(store.live_count(&moved), 2);
        release_all(&mut store, vec![old], &mut [&mut fixture.table]);
    }
}
