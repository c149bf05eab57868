//! A lazy table's bound on where uninitialised slots can be: every write of initialised words
//! that covers an end of the bound shrinks it, `write_raw` of the empty word widens it, and copies
//! and resolutions scan only inside it.
//!
//! The bound is observed through the contract documented on `FuncTable`: a zero word stored through
//! `vmtable()` is noticed by `first_uninitialized` and by copies only inside the bound.

mod common;

#[allow(unused_imports, reason = "not every test file uses each")]
use table_core::TableElement as _;

use common::{Funcs, STORAGES, new_table, no_resolve, word};
use table_func::{FuncRef, FuncSlot, FuncTable};

/// Stores `slot` into slot `index` through the table's definition, as compiled code would,
/// without the table seeing the write.
fn store_behind_the_back(table: &mut FuncTable, index: usize, slot: FuncSlot) {
    let definition = table.vmtable();
    assert!(index < definition.current_elements);
    // SAFETY: `index` is in bounds of the definition just read; the table is borrowed mutably
    // here and no reference into its slots is live, so this write is the only access.
    unsafe {
        definition.base.cast::<FuncSlot>().add(index).write(slot);
    }
}

/// The slots where the table would notice an uninitialised word: its bound, slot by slot.
///
/// Each initialised slot is zeroed behind the table's back, asked about, and restored; a slot
/// that really is uninitialised must be noticed.
fn bound(table: &mut FuncTable) -> Vec<usize> {
    let mut noticed = Vec::new();
    for index in 0..table.size() {
        let saved = table.read_raw(index as u64).unwrap();
        store_behind_the_back(table, index, FuncSlot::EMPTY);
        let seen = table.first_uninitialized(index as u64, 1).unwrap() == Some(index as u64);
        store_behind_the_back(table, index, saved);
        assert!(
            seen || !saved.is_empty(),
            "uninitialised slot {index} lies outside the bound"
        );
        if seen {
            noticed.push(index);
        }
    }
    noticed
}

fn span(range: std::ops::Range<usize>) -> Vec<usize> {
    range.collect()
}

/// A resolver that returns `func` and records every index it was asked for.
fn recording(calls: &mut Vec<u64>, func: FuncRef) -> impl FnMut(u64) -> Option<FuncRef> + '_ {
    move |index| {
        calls.push(index);
        Some(func)
    }
}

#[test]
fn bound_shrinks_on_writes_covering_an_end_and_widens_on_raw_empty_writes() {
    let funcs = Funcs::new(1);
    let func = funcs.get(0);
    let tagged = FuncSlot::encode(Some(func), true);
    for storage in STORAGES {
        let mut table = new_table(storage, true, 10, 12);
        let mut other = new_table(storage, true, 10, 10);
        other.fill(0, None, 10).unwrap();
        assert_eq!(bound(&mut table), span(0..10), "fresh");

        table.set(5, Some(func)).unwrap();
        assert_eq!(bound(&mut table), span(0..10), "set strictly inside");
        table.fill(0, Some(func), 3).unwrap();
        assert_eq!(bound(&mut table), span(3..10), "fill covering the start");
        table.set(9, None).unwrap();
        assert_eq!(
            bound(&mut table),
            span(3..10),
            "set never trims: it is too hot to"
        );
        table.fill(9, None, 1).unwrap();
        assert_eq!(bound(&mut table), span(3..9), "fill at the end");
        table.init(7, &[Some(func), None]).unwrap();
        assert_eq!(bound(&mut table), span(3..7), "init covering the end");
        table.write_resolved(3, Some(func)).unwrap();
        assert_eq!(
            bound(&mut table),
            span(3..7),
            "write_resolved is a single fast write: it never trims"
        );
        table.write_raw(1, FuncSlot::EMPTY).unwrap();
        assert_eq!(bound(&mut table), span(1..7), "write_raw(EMPTY) widens");
        table.write_raw(1, tagged).unwrap();
        assert_eq!(bound(&mut table), span(1..7), "write_raw of a tagged word");

        let mut calls = Vec::new();
        table
            .copy_within(5, 8, 2, Some(&mut recording(&mut calls, func)))
            .unwrap();
        assert_eq!(calls, Vec::<u64>::new());
        assert_eq!(
            bound(&mut table),
            span(1..5),
            "copy destination covering the end"
        );
        assert_eq!(table.resolve_range(3, 1, &mut no_resolve).unwrap(), 0);
        assert_eq!(bound(&mut table), span(1..5), "resolution strictly inside");
        table
            .copy_from(&other, 1, 0, 5, Some(&mut no_resolve))
            .unwrap();
        assert_eq!(
            bound(&mut table),
            Vec::<usize>::new(),
            "copy over the whole bound"
        );

        table.write_raw(6, FuncSlot::EMPTY).unwrap();
        assert_eq!(
            bound(&mut table),
            span(6..7),
            "write_raw(EMPTY) into an empty bound"
        );
        assert_eq!(table.grow(2, None, None).unwrap(), Some(10));
        assert_eq!(bound(&mut table), span(6..7), "grown slots are initialised");
        let resolved = table
            .resolve_range(0, 12, &mut recording(&mut calls, func))
            .unwrap();
        assert_eq!((resolved, calls.as_slice()), (1, [6].as_slice()));
        assert_eq!(
            bound(&mut table),
            Vec::<usize>::new(),
            "resolution over the bound"
        );
    }
}

/// The ways a program initialises a whole lazy table of `size` slots.
const WHOLE_TABLE_WRITES: [&str; 5] = [
    "fill",
    "init",
    "grow from empty",
    "resolve_range",
    "copy_from",
];

fn initialise_whole(table: &mut FuncTable, how: &str, func: FuncRef, size: u64) {
    match how {
        "fill" => table.fill(0, Some(func), size).unwrap(),
        "init" => table.init(0, &vec![Some(func); size as usize]).unwrap(),
        "grow from empty" => {
            let grown = table.size() as u64;
            assert_eq!(table.grow(size - grown, Some(func), None).unwrap(), Some(0));
        }
        "resolve_range" => {
            let resolved = table.resolve_range(0, size, &mut |_| Some(func)).unwrap();
            assert_eq!(resolved, size as usize);
        }
        "copy_from" => {
            let mut source = new_table(common::Storage::Dynamic, true, size, size as usize);
            source.fill(0, None, size).unwrap();
            table
                .copy_from(&source, 0, 0, size, Some(&mut no_resolve))
                .unwrap();
        }
        other => unreachable!("unknown write {other}"),
    }
}

#[test]
fn copies_out_of_a_wholly_initialised_lazy_table_scan_nothing_and_call_no_resolver() {
    let funcs = Funcs::new(1);
    let func = funcs.get(0);
    const SIZE: u64 = 150;
    for storage in STORAGES {
        for how in WHOLE_TABLE_WRITES {
            let initial = if how == "grow from empty" { 0 } else { SIZE };
            let mut src = new_table(storage, true, initial, SIZE as usize);
            let mut dst = new_table(storage, true, SIZE, SIZE as usize);
            initialise_whole(&mut src, how, func, SIZE);
            assert_eq!(bound(&mut src), Vec::<usize>::new(), "{how}");

            // A zero word stored behind the table's back is not looked for: it moves as it is.
            store_behind_the_back(&mut src, 70, FuncSlot::EMPTY);
            dst.copy_from(&src, 0, 0, SIZE, Some(&mut no_resolve))
                .unwrap();
            assert_eq!(word(&dst, 70), 0, "{how}");
            src.copy_within(71, 70, 1, Some(&mut no_resolve)).unwrap();
            assert_eq!(word(&src, 71), 0, "{how}");
        }
    }
}

#[test]
fn raw_empty_write_into_an_initialised_table_makes_the_next_copy_resolve_exactly_that_slot() {
    let funcs = Funcs::new(2);
    for storage in STORAGES {
        let mut src = new_table(storage, true, 200, 200);
        let mut dst = new_table(storage, true, 200, 200);
        src.fill(0, Some(funcs.get(0)), 200).unwrap();
        src.write_raw(137, FuncSlot::EMPTY).unwrap();

        let mut calls = Vec::new();
        // The source is only read: slot 137 stays uninitialised, and a second copy finds it again.
        for _ in 0..2 {
            calls.clear();
            dst.copy_from(
                &src,
                0,
                0,
                200,
                Some(&mut recording(&mut calls, funcs.get(1))),
            )
            .unwrap();
            assert_eq!(calls, vec![137]);
            assert_eq!(dst.get(137).unwrap(), Some(funcs.get(1)));
            assert_eq!(src.first_uninitialized(0, 200).unwrap(), Some(137));
        }

        src.write_raw(3, FuncSlot::EMPTY).unwrap();
        calls.clear();
        src.copy_within(100, 0, 100, Some(&mut recording(&mut calls, funcs.get(1))))
            .unwrap();
        assert_eq!(calls, vec![3]);
        src.copy_within(100, 0, 100, Some(&mut no_resolve)).unwrap();
    }
}

#[test]
fn resolution_finds_uninitialised_slots_on_both_sides_of_block_edges() {
    let funcs = Funcs::new(1);
    let func = funcs.get(0);
    let empties: [u64; 11] = [0, 1, 63, 64, 65, 127, 128, 191, 255, 256, 299];
    for storage in STORAGES {
        let mut table = new_table(storage, true, 300, 300);
        table.fill(0, Some(func), 300).unwrap();
        for index in empties {
            table.write_raw(index, FuncSlot::EMPTY).unwrap();
        }
        for start in [0, 1, 2, 62, 64, 66, 128, 129, 200, 257, 299, 300] {
            let expected = empties.iter().copied().find(|&index| index >= start);
            assert_eq!(
                table.first_uninitialized(start, 300 - start).unwrap(),
                expected,
                "from {start}"
            );
        }
        let mut calls = Vec::new();
        let resolved = table
            .resolve_range(2, 296, &mut recording(&mut calls, func))
            .unwrap();
        let inner: Vec<u64> = empties[2..10].to_vec();
        assert_eq!((resolved, &calls), (inner.len(), &inner));
        calls.clear();
        table
            .resolve_range(0, 300, &mut recording(&mut calls, func))
            .unwrap();
        assert_eq!(calls, vec![0, 1, 299]);
        assert_eq!(table.first_uninitialized(0, 300).unwrap(), None);
    }
}

#[test]
fn raw_empty_write_into_an_eager_table_is_a_null_that_copies_never_resolve() {
    let funcs = Funcs::new(1);
    for storage in STORAGES {
        let mut table = new_table(storage, false, 4, 4);
        table.fill(0, Some(funcs.get(0)), 4).unwrap();
        table.write_raw(2, FuncSlot::EMPTY).unwrap();
        assert_eq!(table.first_uninitialized(0, 4).unwrap(), None);
        table.copy_within(0, 1, 3, Some(&mut no_resolve)).unwrap();
        assert_eq!(table.get(1).unwrap(), None);
    }
}
