//! The lazy-init truth table: what word every write path stores, and what reads make of it.

mod common;

#[allow(unused_imports, reason = "not every test file uses each")]
use table_core::TableElement as _;

use common::{Funcs, LAZY, STORAGES, combinations, new_table, no_resolve, word};
use table_func::{FuncRef, FuncSlot, FuncSlotValue, FuncTable};
use wasmtime_environ::FUNCREF_INIT_BIT;

/// The word a slot must hold for `value` in a table of the given mode (`docs/semantics.md` §2).
fn expected_word(lazy: bool, value: Option<FuncRef>) -> usize {
    match (lazy, value) {
        (false, None) => 0,
        (false, Some(func)) => func.as_ptr().addr(),
        (true, None) => FUNCREF_INIT_BIT,
        (true, Some(func)) => func.as_ptr().addr() | FUNCREF_INIT_BIT,
    }
}

fn expected_read(value: Option<FuncRef>) -> FuncSlotValue {
    value.map_or(FuncSlotValue::Null, FuncSlotValue::Func)
}

/// A write path: writes `value` through one operation and returns an index it wrote.
type WritePath = fn(&mut FuncTable, Option<FuncRef>) -> u64;

const WRITE_PATHS: [(&str, WritePath); 5] = [
    ("set", |table, value| {
        table.set(1, value).unwrap();
        1
    }),
    ("fill", |table, value| {
        table.fill(0, value, 3).unwrap();
        2
    }),
    ("grow", |table, value| {
        table.grow(2, value, None).unwrap().unwrap() as u64 + 1
    }),
    ("init", |table, value| {
        table.init(1, &[value, value]).unwrap();
        2
    }),
    ("write_resolved", |table, value| {
        // Slot 3 is untouched: uninitialised in a lazy table, null in an eager one.
        table.write_resolved(3, value).unwrap();
        3
    }),
];

#[test]
fn every_write_path_stores_the_tagged_form_and_reads_back_the_value() {
    let funcs = Funcs::new(1);
    for (storage, lazy) in combinations() {
        for (path, write) in WRITE_PATHS {
            for value in [None, Some(funcs.get(0))] {
                if path == "write_resolved" && !lazy && value.is_some() {
                    // An eager slot is always initialised (null), so resolution keeps it.
                    continue;
                }
                let mut table = new_table(storage, lazy, 4, 8);
                let index = write(&mut table, value);
                let case = format!("{path} {value:?} lazy={lazy} {storage:?}");
                assert_eq!(word(&table, index), expected_word(lazy, value), "{case}");
                assert_eq!(table.read(index).unwrap(), expected_read(value), "{case}");
                assert_eq!(table.get(index).unwrap(), value, "{case}");
            }
        }
    }
}

#[test]
fn untouched_slots_are_zero_and_read_uninitialised_only_when_lazy() {
    for (storage, lazy) in combinations() {
        let table = new_table(storage, lazy, 3, 8);
        for index in 0..3 {
            assert_eq!(word(&table, index), 0);
            let expected = if lazy {
                FuncSlotValue::Uninitialized
            } else {
                FuncSlotValue::Null
            };
            assert_eq!(
                table.read(index).unwrap(),
                expected,
                "lazy={lazy} {storage:?}"
            );
        }
    }
}

/// A source slot's state before a copy.
#[derive(Debug, Clone, Copy)]
enum Source {
    Uninitialized,
    Null,
    Func,
}

/// Puts `state` into slot 0 of `table`; returns the value a copy must deliver.
fn prepare(table: &mut FuncTable, state: Source, funcs: &Funcs) -> Option<FuncRef> {
    match state {
        // The resolver answers record 1 for uninitialised slots.
        Source::Uninitialized => Some(funcs.get(1)),
        Source::Null => {
            table.set(0, None).unwrap();
            None
        }
        Source::Func => {
            table.set(0, Some(funcs.get(0))).unwrap();
            Some(funcs.get(0))
        }
    }
}

const SOURCES: [Source; 3] = [Source::Uninitialized, Source::Null, Source::Func];

#[test]
fn copy_within_stores_the_tagged_form_for_every_source_state() {
    let funcs = Funcs::new(2);
    for (storage, lazy) in combinations() {
        for state in SOURCES {
            if !lazy && matches!(state, Source::Uninitialized) {
                continue; // eager tables have no uninitialised slots
            }
            let mut table = new_table(storage, lazy, 4, 4);
            let value = prepare(&mut table, state, &funcs);
            let resolved = funcs.get(1);
            table
                .copy_within(2, 0, 1, Some(&mut |_| Some(resolved)))
                .unwrap();
            let case = format!("{state:?} lazy={lazy} {storage:?}");
            assert_eq!(word(&table, 2), expected_word(lazy, value), "{case}");
            assert_eq!(
                word(&table, 0),
                expected_word(lazy, value),
                "{case}: source"
            );
            assert_eq!(table.read(2).unwrap(), expected_read(value), "{case}");
        }
    }
}

#[test]
fn copy_from_stores_the_destination_form_for_every_source_state_and_mode_pair() {
    let funcs = Funcs::new(2);
    for storage in STORAGES {
        for src_lazy in LAZY {
            for dst_lazy in LAZY {
                for state in SOURCES {
                    if !src_lazy && matches!(state, Source::Uninitialized) {
                        continue;
                    }
                    let mut src = new_table(storage, src_lazy, 2, 2);
                    let mut dst = new_table(storage, dst_lazy, 2, 2);
                    let value = prepare(&mut src, state, &funcs);
                    let resolved = funcs.get(1);
                    dst.copy_from(&src, 1, 0, 1, Some(&mut |_| Some(resolved)))
                        .unwrap();
                    let case = format!("{state:?} src_lazy={src_lazy} dst_lazy={dst_lazy}");
                    assert_eq!(word(&dst, 1), expected_word(dst_lazy, value), "{case}");
                    // The source is only read: an uninitialised slot stays the empty word.
                    let source = match state {
                        Source::Uninitialized => 0,
                        _ => expected_word(src_lazy, value),
                    };
                    assert_eq!(word(&src, 0), source, "{case}");
                    assert_eq!(dst.read(1).unwrap(), expected_read(value), "{case}");
                }
            }
        }
    }
}

#[test]
fn slot_encoding_round_trips_through_raw_words() {
    let funcs = Funcs::new(1);
    for lazy in LAZY {
        for value in [None, Some(funcs.get(0))] {
            let slot = FuncSlot::encode(value, lazy);
            assert_eq!(slot.into_raw().addr(), expected_word(lazy, value));
            let again = FuncSlot::from_raw(slot.into_raw());
            assert_eq!(again.decode(lazy), expected_read(value));
        }
    }
    assert_eq!(FuncSlot::EMPTY.decode(true), FuncSlotValue::Uninitialized);
    assert_eq!(FuncSlot::EMPTY.decode(false), FuncSlotValue::Null);
}

#[test]
fn tagged_pointer_keeps_its_provenance() {
    let funcs = Funcs::new(1);
    let func = funcs.get(0);
    let slot = FuncSlot::encode(Some(func), true);
    let FuncSlotValue::Func(read) = slot.decode(true) else {
        panic!("a tagged function reads as a function");
    };
    // Reading through the untagged pointer is only sound (and clean under Miri) if tagging kept
    // the original allocation's provenance.
    // SAFETY: `read` points into `funcs`, which is alive.
    let type_index = unsafe { read.as_ref() }.type_index;
    // SAFETY: as above.
    assert_eq!(type_index, unsafe { func.as_ref() }.type_index);
}

#[test]
fn writes_through_copy_never_call_the_resolver_for_initialised_slots() {
    let funcs = Funcs::new(1);
    for (storage, lazy) in combinations() {
        let mut table = new_table(storage, lazy, 2, 2);
        table.fill(0, Some(funcs.get(0)), 2).unwrap();
        table.copy_within(1, 0, 1, Some(&mut no_resolve)).unwrap();
        assert_eq!(table.get(1).unwrap(), Some(funcs.get(0)));
    }
}
