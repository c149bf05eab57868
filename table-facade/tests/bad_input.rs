//! Bad input, table-driven over element kinds x storages x operations: indices and lengths at the
//! edges, overflowing ranges, bad static memory and bad table types. Every case must give a typed
//! error or trap (never a panic), and a failed operation must leave the table unchanged.

mod support;

use support::{FLAVOURS, snapshot, storeless_value, table_type, tunables};
use table_core::TableError;
use table_facade::wasmtime_environ::{IndexType, Trap, WasmHeapType};
use table_facade::{
    ElementSegment, FacadeError, Table, TableContext, TableElementType, TableValue,
};
use table_testkit::StaticMemory;

const SIZE: u64 = 8;
const CAPACITY: usize = 16;

/// Indices at the edges of an 8-element table.
const INDICES: [u64; 6] = [0, SIZE - 1, SIZE, SIZE + 1, u32::MAX as u64, u64::MAX];
/// Lengths at the edges (together with `INDICES` they include `start + len` overflow).
const LENGTHS: [u64; 6] = [0, 1, SIZE, SIZE + 1, u32::MAX as u64, u64::MAX];

fn in_bounds(start: u64, len: u64) -> bool {
    u128::from(start) + u128::from(len) <= u128::from(SIZE)
}

/// A table of `SIZE` non-null elements in each storage, with the static memory it lives in.
fn tables(
    heap_type: WasmHeapType,
    lazy: bool,
    anchor: &mut [usize; 4],
) -> Vec<(Table, Option<StaticMemory>)> {
    let ty = table_type(heap_type, IndexType::I64, SIZE, Some(CAPACITY as u64));
    let kind = TableElementType::of(&ty.ref_type);
    let dynamic = Table::new_dynamic(&ty, &tunables(lazy), None).unwrap();
    let memory = StaticMemory::new(CAPACITY * kind.element_size(), 16);
    // SAFETY: zeroed memory, kept beside the table until after it is dropped, used only by it.
    let static_table =
        unsafe { Table::new_static(&ty, &tunables(lazy), memory.memory(), None) }.unwrap();
    let mut tables = vec![(dynamic, None), (static_table, Some(memory))];
    for (table, _) in &mut tables {
        for i in 0..SIZE {
            let value = storeless_value(kind, anchor, i as u32);
            table.set(i, &value, &mut TableContext::new()).unwrap();
        }
    }
    tables
}

/// Runs `op` on fresh tables of every flavour and storage and checks it against `expect_ok`: an
/// in-bounds operation succeeds, an out-of-bounds one traps and changes nothing.
fn check(
    name: &str,
    expect_ok: bool,
    op: &dyn Fn(&mut Table, TableValue) -> Result<(), FacadeError>,
) {
    for (flavour, heap_type, lazy) in FLAVOURS {
        let mut anchor = [0usize; 4];
        for (mut table, memory) in tables(heap_type, lazy, &mut anchor) {
            let value = storeless_value(table.element_type(), &mut [0usize; 4], 99);
            let before = snapshot(&table);
            let result = op(&mut table, value);
            let context = format!("{name} on {flavour} (static: {})", table.is_static());
            if expect_ok {
                result.unwrap_or_else(|error| panic!("{context}: {error}"));
            } else {
                let error = result.expect_err(&context);
                assert_eq!(
                    error.as_trap(),
                    Some(Trap::TableOutOfBounds),
                    "{context}: {error}"
                );
                assert_eq!(snapshot(&table), before, "{context} changed the table");
            }
            drop(table);
            drop(memory);
        }
    }
}

#[test]
fn get_and_set_trap_outside_the_table() {
    for index in INDICES {
        let ok = index < SIZE;
        check(&format!("get({index})"), ok, &|table, _| {
            table.get(index, &mut TableContext::new()).map(drop)
        });
        check(&format!("set({index})"), ok, &|table, value| {
            table.set(index, &value, &mut TableContext::new())
        });
    }
}

#[test]
fn fill_traps_for_every_range_past_the_end() {
    for dst in INDICES {
        for len in LENGTHS {
            check(
                &format!("fill({dst}, {len})"),
                in_bounds(dst, len),
                &|table, value| table.fill(dst, &value, len, &mut TableContext::new()),
            );
        }
    }
}

#[test]
fn copy_within_traps_when_either_range_is_past_the_end() {
    for dst in INDICES {
        for src in INDICES {
            for len in LENGTHS {
                let ok = in_bounds(dst, len) && in_bounds(src, len);
                check(
                    &format!("copy_within({dst}, {src}, {len})"),
                    ok,
                    &|table, _| table.copy_within(dst, src, len, &mut TableContext::new()),
                );
            }
        }
    }
}

#[test]
fn copy_between_tables_traps_when_either_range_is_past_the_end() {
    for dst in INDICES {
        for src in INDICES {
            for len in LENGTHS {
                let ok = in_bounds(dst, len) && in_bounds(src, len);
                check(&format!("copy({dst}, {src}, {len})"), ok, &|table, _| {
                    let ty = table_type(
                        match table.element_type() {
                            TableElementType::Func => WasmHeapType::Func,
                            TableElementType::GcRef => WasmHeapType::Extern,
                            TableElementType::Cont => WasmHeapType::Cont,
                        },
                        IndexType::I64,
                        SIZE,
                        None,
                    );
                    let other = Table::new_dynamic(&ty, &tunables(false), None).unwrap();
                    Table::copy(table, &other, dst, src, len, &mut TableContext::new())
                });
            }
        }
    }
}

#[test]
fn init_traps_when_the_segment_overruns_the_table() {
    for dst in INDICES {
        for len in [0, 1, SIZE, SIZE + 1] {
            check(
                &format!("init({dst}, {len} values)"),
                in_bounds(dst, len),
                &|table, _| {
                    let len = len as usize;
                    let mut cx = TableContext::new();
                    match table.element_type() {
                        TableElementType::Func => {
                            table.init(dst, ElementSegment::Func(&vec![None; len]), &mut cx)
                        }
                        TableElementType::GcRef => {
                            let values: Vec<_> = (0..len).map(|_| None).collect();
                            table.init(dst, ElementSegment::GcRef(&values), &mut cx)
                        }
                        TableElementType::Cont => table.init(
                            dst,
                            ElementSegment::Cont(&vec![<table_facade::ContSlot as table_facade::table_core::TableElement>::EMPTY; len]),
                            &mut cx,
                        ),
                    }
                },
            );
        }
    }
}

#[test]
fn grow_by_edge_deltas_grows_or_reports_no_growth() {
    for (flavour, heap_type, lazy) in FLAVOURS {
        for delta in LENGTHS {
            let mut anchor = [0usize; 4];
            for (mut table, _memory) in tables(heap_type, lazy, &mut anchor) {
                let before = snapshot(&table);
                let null = TableValue::null(table.element_type()).unwrap();
                let grown = table
                    .grow(delta, &null, None, &mut TableContext::new())
                    .unwrap();
                if delta <= CAPACITY as u64 - SIZE {
                    assert_eq!(grown, Some(SIZE as usize), "{flavour} grow({delta})");
                } else {
                    assert_eq!(grown, None, "{flavour} grow({delta})");
                    assert_eq!(snapshot(&table), before, "{flavour} grow({delta})");
                }
            }
        }
    }
}

/// What a bad-input case expects of the error.
type ErrorCheck<'a> = dyn Fn(&TableError) -> bool + 'a;

#[test]
fn bad_static_memory_is_a_typed_error_naming_the_numbers() {
    for (flavour, heap_type, lazy) in FLAVOURS {
        let ty = table_type(heap_type, IndexType::I32, 4, None);
        let size = TableElementType::of(&ty.ref_type).element_size();
        let align = if size == 4 { 4 } else { 8 };
        let cases: [(StaticMemory, &ErrorCheck<'_>); 4] = [
            (
                StaticMemory::with_offset(8 * size, 16, align / 2),
                &|e| matches!(e, TableError::StaticMemoryMisaligned { align: a, .. } if *a == align),
            ),
            (StaticMemory::new(3 * size, 16), &|e| {
                matches!(e, TableError::StaticMemoryTooSmall { minimum: 4, .. })
            }),
            // Trailing bytes that make no whole element do not count towards the minimum.
            (StaticMemory::new(4 * size - 1, 16), &|e| {
                matches!(e, TableError::StaticMemoryTooSmall { minimum: 4, .. })
            }),
            (StaticMemory::new(0, 16), &|e| {
                matches!(
                    e,
                    TableError::StaticMemoryTooSmall {
                        bytes: 0,
                        minimum: 4,
                        ..
                    }
                )
            }),
        ];
        for (memory, expected) in cases {
            // SAFETY: zeroed memory that outlives the attempt; creation fails without using it.
            let result = unsafe { Table::new_static(&ty, &tunables(lazy), memory.memory(), None) };
            match result {
                Err(FacadeError::Core(error)) => assert!(expected(&error), "{flavour}: {error}"),
                other => panic!("{flavour}: expected a static memory error, got {other:?}"),
            }
        }
    }
}

#[test]
fn bad_table_types_are_a_typed_error() {
    for (flavour, heap_type, lazy) in FLAVOURS {
        let cases = [
            table_type(heap_type, IndexType::I32, 10, Some(5)),
            table_type(heap_type, IndexType::I64, 10, Some(5)),
            table_type(heap_type, IndexType::I32, 1 << 32, None),
        ];
        for ty in cases {
            let error = Table::new_dynamic(&ty, &tunables(lazy), None).unwrap_err();
            assert!(
                matches!(error, FacadeError::Core(TableError::MinimumExceedsLimits { minimum }) if minimum == ty.limits.min),
                "{flavour} {ty:?}: {error}"
            );
        }
    }
}
