//! Copies out of lazy tables resolve the source's uninitialised slots exactly once, and copies
//! between tables of different modes re-encode the words.

mod common;

#[allow(unused_imports, reason = "not every test file uses each")]
use table_core::TableElement as _;

use common::{Funcs, STORAGES, TestTable, combinations, new_table, no_resolve, word};
use table_func::{FuncRef, FuncSlotValue};
use wasmtime_environ::FUNCREF_INIT_BIT;

/// A resolver that answers record 0 for even indices and null for odd ones, recording its calls.
struct Resolver<'a> {
    funcs: &'a Funcs,
    calls: Vec<u64>,
}

impl<'a> Resolver<'a> {
    fn new(funcs: &'a Funcs) -> Self {
        Resolver {
            funcs,
            calls: Vec::new(),
        }
    }

    fn initial(funcs: &Funcs, index: u64) -> Option<FuncRef> {
        index.is_multiple_of(2).then(|| funcs.get(0))
    }

    fn resolve(&mut self, index: u64) -> Option<FuncRef> {
        self.calls.push(index);
        Self::initial(self.funcs, index)
    }
}

/// A lazy table of 8 slots where slots 1, 4 and 5 are written and the rest are uninitialised.
fn partly_initialised(storage: common::Storage, funcs: &Funcs) -> TestTable {
    let mut test = new_table(storage, true, 8, 8);
    test.set(1, Some(funcs.get(1))).unwrap();
    test.fill(4, None, 2).unwrap();
    test
}

#[test]
fn copy_within_resolves_each_uninitialised_source_slot_exactly_once() {
    let funcs = Funcs::new(2);
    for storage in STORAGES {
        let mut table = partly_initialised(storage, &funcs);
        let mut resolver = Resolver::new(&funcs);
        table
            .copy_within(3, 0, 5, Some(&mut |index| resolver.resolve(index)))
            .unwrap();
        // Source range [0, 5): slots 0, 2 and 3 were uninitialised.
        assert_eq!(resolver.calls, vec![0, 2, 3]);
        let initial = |index| Resolver::initial(&funcs, index);
        let expected_source = [initial(0), Some(funcs.get(1)), initial(2), initial(3), None];
        for (offset, value) in expected_source.into_iter().enumerate() {
            assert_eq!(
                table.get(3 + offset as u64).unwrap(),
                value,
                "slot {}",
                3 + offset
            );
        }
        // Slots 0..3 were resolved in place and written back; the copy is now repeatable
        // without further calls.
        assert_eq!(table.get(0).unwrap(), initial(0));
        assert_eq!(table.get(2).unwrap(), initial(2));
        table.copy_within(0, 3, 5, Some(&mut no_resolve)).unwrap();
    }
}

#[test]
fn copy_from_copies_uninitialised_source_slots_as_resolved_and_leaves_the_source_as_it_was() {
    let funcs = Funcs::new(2);
    for (dst_storage, dst_lazy) in combinations() {
        for src_storage in STORAGES {
            let src = partly_initialised(src_storage, &funcs);
            let before: Vec<_> = (0..8).map(|index| src.read(index).unwrap()).collect();
            let mut dst = new_table(dst_storage, dst_lazy, 8, 8);
            let mut resolver = Resolver::new(&funcs);
            dst.copy_from(&src, 0, 2, 6, Some(&mut |index| resolver.resolve(index)))
                .unwrap();
            assert_eq!(resolver.calls, vec![2, 3, 6, 7]);
            for index in 2..8 {
                let expected = match src.read(index).unwrap() {
                    FuncSlotValue::Uninitialized => match Resolver::initial(&funcs, index) {
                        Some(func) => FuncSlotValue::Func(func),
                        None => FuncSlotValue::Null,
                    },
                    initialised => initialised,
                };
                assert_eq!(dst.read(index - 2).unwrap(), expected, "slot {index}");
            }
            // The source is only read: its uninitialised slots stay so.
            let after: Vec<_> = (0..8).map(|index| src.read(index).unwrap()).collect();
            assert_eq!(after, before);
        }
    }
}

#[test]
fn copy_of_a_fully_initialised_range_calls_no_resolver() {
    let funcs = Funcs::new(1);
    for (storage, lazy) in combinations() {
        let mut src = new_table(storage, lazy, 4, 4);
        let mut dst = new_table(storage, lazy, 4, 4);
        src.fill(0, Some(funcs.get(0)), 4).unwrap();
        dst.copy_from(&src, 0, 0, 4, Some(&mut no_resolve)).unwrap();
        src.copy_within(1, 0, 3, Some(&mut no_resolve)).unwrap();
    }
}

#[test]
fn copy_from_an_eager_table_never_resolves() {
    let funcs = Funcs::new(1);
    for storage in STORAGES {
        let mut src = new_table(storage, false, 3, 3);
        let mut dst = new_table(storage, true, 3, 3);
        src.set(1, Some(funcs.get(0))).unwrap();
        dst.copy_from(&src, 0, 0, 3, Some(&mut no_resolve)).unwrap();
        // The eager table's empty slots are nulls, which the lazy table stores initialised.
        assert_eq!(word(&dst, 0), FUNCREF_INIT_BIT);
        assert_eq!(
            word(&dst, 1),
            funcs.get(0).as_ptr().addr() | FUNCREF_INIT_BIT
        );
        assert_eq!(word(&dst, 2), FUNCREF_INIT_BIT);
    }
}

#[test]
fn copy_from_lazy_to_eager_strips_the_tag() {
    let funcs = Funcs::new(1);
    for storage in STORAGES {
        let mut src = new_table(storage, true, 3, 3);
        let mut dst = new_table(storage, false, 3, 3);
        src.set(0, Some(funcs.get(0))).unwrap();
        src.set(1, None).unwrap();
        let func = funcs.get(0);
        dst.copy_from(&src, 0, 0, 3, Some(&mut |_| Some(func)))
            .unwrap();
        assert_eq!(word(&dst, 0), func.as_ptr().addr());
        assert_eq!(word(&dst, 1), 0);
        assert_eq!(word(&dst, 2), func.as_ptr().addr());
    }
}

#[test]
fn resolve_range_counts_and_initialises_only_uninitialised_slots() {
    let funcs = Funcs::new(2);
    for storage in STORAGES {
        let mut table = partly_initialised(storage, &funcs);
        let mut resolver = Resolver::new(&funcs);
        let resolved = table
            .resolve_range(0, 8, &mut |index| resolver.resolve(index))
            .unwrap();
        assert_eq!(resolved, 5);
        assert_eq!(resolver.calls, vec![0, 2, 3, 6, 7]);
        assert_eq!(table.first_uninitialized(0, 8).unwrap(), None);
        assert_eq!(table.resolve_range(0, 8, &mut no_resolve).unwrap(), 0);
    }
}

#[test]
fn resolve_range_in_an_eager_table_resolves_nothing() {
    for storage in STORAGES {
        let mut table = new_table(storage, false, 4, 4);
        assert_eq!(table.resolve_range(0, 4, &mut no_resolve).unwrap(), 0);
        assert!(table.resolve_range(2, 3, &mut no_resolve).is_err());
    }
}

/// The state of every slot, read without resolving anything.
fn states(table: &TestTable) -> Vec<FuncSlotValue> {
    (0..table.size() as u64)
        .map(|index| table.read(index).unwrap())
        .collect()
}

/// Slot copies out of a borrowed source move the words as they are: uninitialised slots stay
/// uninitialised (and the destination's bound knows it), nothing is resolved.
#[test]
fn copy_slots_from_a_borrowed_source_keeps_uninitialised_slots() {
    let funcs = Funcs::new(2);
    for storage in STORAGES {
        let src = partly_initialised(storage, &funcs);
        let mut dst = new_table(storage, true, 8, 8);
        dst.fill(0, Some(funcs.get(0)), 8).unwrap();

        dst.copy_slots_from(&src, 2, 0, 6).unwrap();
        let mut expected = vec![FuncSlotValue::Func(funcs.get(0)); 2];
        expected.extend(states(&src)[..6].iter().copied());
        assert_eq!(states(&dst), expected, "{storage:?}");
        // The copied uninitialised slots are found again by the destination's bound.
        assert_eq!(dst.first_uninitialized(0, 8).unwrap(), Some(2));
        assert_eq!(dst.first_uninitialized(4, 4).unwrap(), Some(4));
    }
}

#[test]
fn copy_slots_within_moves_words_as_memmove_does() {
    let funcs = Funcs::new(2);
    for storage in STORAGES {
        let mut table = partly_initialised(storage, &funcs);
        let before = states(&table);
        table.copy_slots_within(3, 0, 5).unwrap();
        let mut expected = before.clone();
        expected[3..8].copy_from_slice(&before[0..5]);
        assert_eq!(states(&table), expected, "{storage:?}");
        assert_eq!(table.first_uninitialized(3, 5).unwrap(), Some(3));
    }
}

/// An initialised source range copies out of a lazy table into an eager one (re-encoded); an
/// uninitialised slot cannot be expressed there and is refused, writing nothing.
#[test]
fn copy_slots_between_modes_needs_an_initialised_source_range() {
    let funcs = Funcs::new(2);
    for storage in STORAGES {
        let src = partly_initialised(storage, &funcs);
        let mut eager = new_table(storage, false, 8, 8);
        eager.copy_slots_from(&src, 0, 4, 2).unwrap();
        assert_eq!(eager.get(0).unwrap(), None);
        eager.copy_slots_from(&src, 2, 1, 1).unwrap();
        assert_eq!(eager.get(2).unwrap(), Some(funcs.get(1)));

        let before = states(&eager);
        let error = eager.copy_slots_from(&src, 0, 0, 2).unwrap_err();
        assert!(matches!(
            error,
            table_func::FuncTableError::Uninitialized { index: 0 }
        ));
        assert_eq!(states(&eager), before);
    }
}

#[test]
fn copy_slots_out_of_bounds_traps_and_writes_nothing() {
    let funcs = Funcs::new(2);
    for storage in STORAGES {
        let src = partly_initialised(storage, &funcs);
        let mut dst = new_table(storage, true, 4, 8);
        for (dst_index, src_index, len) in
            [(3, 0, 2), (0, 7, 2), (0, u64::MAX, 2), (u64::MAX, 0, 1)]
        {
            let error = dst
                .copy_slots_from(&src, dst_index, src_index, len)
                .unwrap_err();
            assert_eq!(
                error.as_trap(),
                Some(table_func::table_core::wasmtime_environ::Trap::TableOutOfBounds)
            );
        }
        assert_eq!(states(&dst), vec![FuncSlotValue::Uninitialized; 4]);
        let error = dst.copy_slots_within(2, 0, 3).unwrap_err();
        assert!(error.as_trap().is_some());
    }
}
