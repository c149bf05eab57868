//! Root enumeration: a collector sees every heap reference, and only those, and can rewrite them.

mod common;

#[allow(unused_imports, reason = "not every test file uses each")]
use common::new_table;

use common::{STORAGES, load, raw_slots, release_all};
use table_gcref::testing::CountingStore;
use table_gcref::{GcStore, I31, VMGcRef};

#[test]
fn roots_are_exactly_the_heap_references_in_slot_order() {
    for storage in STORAGES {
        let mut store = CountingStore::new();
        let mut fixture = new_table(storage, 6, 6);
        let (a, b) = (store.allocate(), store.allocate());
        let small = VMGcRef::from_i31(I31::wrapping_u32(1));
        load(
            &mut fixture,
            &[Some(&b), None, Some(&small), Some(&a), Some(&b), None],
            &mut store,
        );

        let roots: Vec<u32> = fixture.gc_roots().map(VMGcRef::as_raw_u32).collect();
        let roots_mut: Vec<u32> = fixture
            .gc_roots_mut()
            .map(|root| root.as_raw_u32())
            .collect();

        let expected = [b.as_raw_u32(), a.as_raw_u32(), b.as_raw_u32()];
        assert_eq!(roots, expected, "{storage:?}");
        assert_eq!(roots_mut, expected, "{storage:?}");
        release_all(&mut store, vec![a, b], &mut [&mut *fixture]);
    }
}

#[test]
fn a_moving_collector_can_rewrite_every_root() {
    for storage in STORAGES {
        let mut store = CountingStore::new();
        let mut fixture = new_table(storage, 4, 4);
        let old = store.allocate();
        let small = VMGcRef::from_i31(I31::wrapping_u32(2));
        load(
            &mut fixture,
            &[Some(&old), Some(&small), None, Some(&old)],
            &mut store,
        );
        // The collector moves the object: a new location inherits the table's two counts.
        let moved = store.allocate();
        store.clone_gc_ref(&moved);
        store.clone_gc_ref(&moved);
        store.drop_gc_ref(moved.unchecked_copy());

        for root in fixture.gc_roots_mut() {
            *root = moved.unchecked_copy();
        }
        store.drop_gc_ref(old.unchecked_copy());
        store.drop_gc_ref(old.unchecked_copy());

        let r = moved.as_raw_u32();
        assert_eq!(
            raw_slots(&fixture),
            [r, small.as_raw_u32(), 0, r],
            "{storage:?}"
        );
        assert_eq!(store.live_count(&old), 1);
        assert_eq!(store.live_count(&moved), 2);
        release_all(&mut store, vec![old], &mut [&mut *fixture]);
    }
}

/// `gc_refs_mut` views every slot (nulls and `i31ref`s included) in place, and what a moving
/// collector writes there is what the table holds afterwards, with no barrier run.
#[test]
fn gc_refs_mut_views_every_slot_and_takes_rewrites_in_place() {
    for storage in STORAGES {
        let mut store = CountingStore::new();
        let mut fixture = new_table(storage, 3, 3);
        let (heap, moved) = (store.allocate(), store.allocate());
        let i31 = VMGcRef::from_i31(I31::wrapping_u32(7));
        load(&mut fixture, &[None, Some(&i31), Some(&heap)], &mut store);

        let base = fixture.vmtable().base;
        let (clones, drops) = (store.clones(), store.drops());
        let slots = fixture.gc_refs_mut();
        assert_eq!(slots.len(), 3);
        assert_eq!(slots.as_ptr().cast::<u8>(), base.cast_const());
        assert!(slots[0].is_none());
        assert_eq!(slots[1].as_ref(), Some(&i31));
        assert_eq!(slots[2].as_ref(), Some(&heap));
        // The collector moved the object: the slot now names its new location.
        slots[2] = Some(moved.unchecked_copy());
        assert_eq!(fixture.get(2).unwrap(), Some(&moved));
        assert_eq!(
            (store.clones(), store.drops()),
            (clones, drops),
            "no barrier ran"
        );

        // Moved back, so the store's books balance again.
        fixture.gc_refs_mut()[2] = Some(heap.unchecked_copy());
        release_all(&mut store, vec![heap, moved], &mut [&mut *fixture]);
    }
}
