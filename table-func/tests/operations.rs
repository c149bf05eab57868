//! Every table operation on both storages and in both modes.

mod common;

#[allow(unused_imports, reason = "not every test file uses each")]
use table_core::TableElement as _;

use common::{Funcs, Storage, combinations, funcref_type, new_table, no_resolve, word};
use table_core::TableError;
use table_core::{TableElement, TableLimits};
use table_func::{FuncInit, FuncRef, FuncSlot, FuncSlotValue, FuncTable, FuncTableError};
use table_testkit::Fixture;
use table_testkit::{LimiterCall, LimiterPolicy, RecordingLimiter, block_on};
use wasmtime_environ::Trap;

fn assert_out_of_bounds<T: core::fmt::Debug>(result: Result<T, FuncTableError>) {
    let error = result.expect_err("out of bounds");
    assert_eq!(error.as_trap(), Some(Trap::TableOutOfBounds), "{error}");
}

/// The value every slot reads as, for comparing whole tables.
fn contents(table: &FuncTable) -> Vec<FuncSlotValue> {
    (0..table.size() as u64)
        .map(|index| table.read(index).unwrap())
        .collect()
}

fn untouched(lazy: bool) -> FuncSlotValue {
    if lazy {
        FuncSlotValue::Uninitialized
    } else {
        FuncSlotValue::Null
    }
}

#[test]
fn new_table_reports_size_maximum_storage_mode_and_bytes() {
    for (storage, lazy) in combinations() {
        let mut test = new_table(storage, lazy, 3, 10);
        let table = &mut *test;
        assert_eq!(table.size(), 3);
        assert_eq!(table.maximum(), Some(10));
        assert_eq!(table.is_static(), storage == Storage::Static);
        assert_eq!(table.is_lazy(), lazy);
        let held_slots = if storage == Storage::Static { 10 } else { 3 };
        assert_eq!(
            table.bytes_held(),
            held_slots * <FuncSlot as TableElement>::SIZE
        );
        let definition = table.vmtable();
        assert_eq!(definition.current_elements, 3);
        assert_eq!(contents(table), vec![untouched(lazy); 3]);
    }
}

#[test]
fn unbounded_dynamic_table_reports_u32_max() {
    let limits = TableLimits::for_table(&funcref_type(0, None), None).unwrap();
    let table = Fixture::new(Storage::Dynamic, limits, 0, |slots| {
        FuncTable::from_storage(slots, FuncInit::Lazy)
    });
    assert_eq!(table.maximum(), Some(u32::MAX as usize));
}

#[test]
fn vmtable_base_points_at_slot_zero() {
    let funcs = Funcs::new(1);
    for (storage, lazy) in combinations() {
        let mut table = new_table(storage, lazy, 2, 4);
        table.set(1, Some(funcs.get(0))).unwrap();
        let definition = table.vmtable();
        // SAFETY: the table has two pointer-sized slots at `base`, and nothing else accesses
        // them during this read.
        let slot_one = unsafe { definition.base.cast::<*mut u8>().add(1).read() };
        assert_eq!(slot_one.addr(), word(&table, 1));
    }
}

#[test]
fn set_then_get_returns_the_value() {
    let funcs = Funcs::new(2);
    for (storage, lazy) in combinations() {
        let mut table = new_table(storage, lazy, 3, 3);
        table.set(0, Some(funcs.get(1))).unwrap();
        table.set(2, None).unwrap();
        assert_eq!(table.get(0).unwrap(), Some(funcs.get(1)));
        assert_eq!(table.get(2).unwrap(), None);
        assert_eq!(table.read(1).unwrap(), untouched(lazy));
    }
}

#[test]
fn get_of_uninitialised_lazy_slot_is_a_typed_error() {
    for storage in common::STORAGES {
        let table = new_table(storage, true, 3, 3);
        let error = table.get(2).unwrap_err();
        assert!(matches!(error, FuncTableError::Uninitialized { index: 2 }));
        assert!(error.to_string().contains("slot 2"), "{error}");
        assert_eq!(error.as_trap(), None);
    }
}

#[test]
fn single_slot_accesses_out_of_bounds_trap_and_write_nothing() {
    let funcs = Funcs::new(1);
    let func = Some(funcs.get(0));
    for (storage, lazy) in combinations() {
        let mut table = new_table(storage, lazy, 2, 4);
        for index in [2, 3, u64::MAX] {
            assert_out_of_bounds(table.read(index));
            assert_out_of_bounds(table.get(index));
            assert_out_of_bounds(table.set(index, func));
            assert_out_of_bounds(table.read_raw(index));
            assert_out_of_bounds(table.write_raw(index, FuncSlot::encode(func, lazy)));
            assert_out_of_bounds(table.write_resolved(index, func));
        }
        assert_eq!(contents(&table), vec![untouched(lazy); 2]);
    }
}

#[test]
fn fill_writes_exactly_the_range() {
    let funcs = Funcs::new(1);
    let func = funcs.get(0);
    for (storage, lazy) in combinations() {
        let mut table = new_table(storage, lazy, 5, 5);
        table.fill(1, Some(func), 3).unwrap();
        let mut expected = vec![untouched(lazy); 5];
        expected[1..4].fill(FuncSlotValue::Func(func));
        assert_eq!(contents(&table), expected);
        table.fill(2, None, 1).unwrap();
        expected[2] = FuncSlotValue::Null;
        assert_eq!(contents(&table), expected);
    }
}

#[test]
fn fill_out_of_bounds_traps_and_writes_nothing() {
    let funcs = Funcs::new(1);
    for (storage, lazy) in combinations() {
        let mut table = new_table(storage, lazy, 4, 4);
        for (dst, len) in [(2, 3), (5, 0), (1, u64::MAX), (u64::MAX, 2)] {
            assert_out_of_bounds(table.fill(dst, Some(funcs.get(0)), len));
        }
        table.fill(4, Some(funcs.get(0)), 0).unwrap();
        assert_eq!(contents(&table), vec![untouched(lazy); 4]);
    }
}

#[test]
fn grow_returns_old_size_and_fills_new_slots_with_init() {
    let funcs = Funcs::new(1);
    let func = funcs.get(0);
    for (storage, lazy) in combinations() {
        let mut table = new_table(storage, lazy, 2, 6);
        assert_eq!(table.grow(3, Some(func), None).unwrap(), Some(2));
        assert_eq!(table.size(), 5);
        assert_eq!(table.vmtable().current_elements, 5);
        assert_eq!(table.grow(1, None, None).unwrap(), Some(5));
        let mut expected = vec![untouched(lazy); 2];
        expected.extend([FuncSlotValue::Func(func); 3]);
        expected.push(FuncSlotValue::Null);
        assert_eq!(contents(&table), expected);
    }
}

#[test]
fn grow_by_zero_succeeds_without_asking_the_limiter() {
    for (storage, lazy) in combinations() {
        let mut table = new_table(storage, lazy, 2, 2);
        let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);
        assert_eq!(table.grow(0, None, Some(&mut limiter)).unwrap(), Some(2));
        assert!(limiter.calls.is_empty());
    }
}

#[test]
fn grow_past_maximum_is_no_growth_and_reports_to_the_limiter() {
    for (storage, lazy) in combinations() {
        let mut table = new_table(storage, lazy, 2, 4);
        let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);
        assert_eq!(table.grow(3, None, Some(&mut limiter)).unwrap(), None);
        assert_eq!(table.size(), 2);
        assert_eq!(
            limiter.calls,
            vec![
                LimiterCall::Growing {
                    current: 2,
                    desired: 5,
                    maximum: Some(4),
                    answer: Some(true),
                },
                LimiterCall::GrowFailed("Table maximum size exceeded".into()),
            ]
        );
        assert_eq!(contents(&table), vec![untouched(lazy); 2]);
    }
}

#[test]
fn grow_refused_by_limiter_is_no_growth() {
    for (storage, lazy) in combinations() {
        let mut table = new_table(storage, lazy, 1, 4);
        let mut limiter = RecordingLimiter::new(LimiterPolicy::Refuse);
        assert_eq!(table.grow(1, None, Some(&mut limiter)).unwrap(), None);
        assert_eq!(table.size(), 1);
    }
}

#[test]
fn grow_passes_the_limiter_error_through() {
    for (storage, lazy) in combinations() {
        let mut table = new_table(storage, lazy, 1, 4);
        let mut limiter = RecordingLimiter::new(LimiterPolicy::Fail);
        let error = table.grow(1, None, Some(&mut limiter)).unwrap_err();
        assert!(matches!(
            error,
            FuncTableError::Table(TableError::Limiter(_))
        ));
        assert_eq!(table.size(), 1);
    }
}

#[test]
fn grow_async_grows_with_an_async_limiter() {
    let funcs = Funcs::new(1);
    let func = funcs.get(0);
    for (storage, lazy) in combinations() {
        let mut table = new_table(storage, lazy, 1, 3);
        let mut limiter = RecordingLimiter::new(LimiterPolicy::AllowUpTo(2));
        let grown = block_on(table.grow_async(1, Some(func), Some(&mut limiter))).unwrap();
        assert_eq!(grown, Some(1));
        let refused = block_on(table.grow_async(1, Some(func), Some(&mut limiter))).unwrap();
        assert_eq!(refused, None);
        assert_eq!(
            contents(&table),
            vec![untouched(lazy), FuncSlotValue::Func(func)]
        );
    }
}

#[test]
fn init_writes_the_segment_values_in_order() {
    let funcs = Funcs::new(2);
    for (storage, lazy) in combinations() {
        let mut table = new_table(storage, lazy, 4, 4);
        table
            .init(1, &[Some(funcs.get(1)), None, Some(funcs.get(0))])
            .unwrap();
        assert_eq!(
            contents(&table),
            vec![
                untouched(lazy),
                FuncSlotValue::Func(funcs.get(1)),
                FuncSlotValue::Null,
                FuncSlotValue::Func(funcs.get(0)),
            ]
        );
    }
}

#[test]
fn init_that_overruns_the_table_writes_nothing() {
    let funcs = Funcs::new(1);
    let segment = [Some(funcs.get(0)); 3];
    for (storage, lazy) in combinations() {
        let mut table = new_table(storage, lazy, 4, 8);
        assert_out_of_bounds(table.init(2, &segment));
        assert_out_of_bounds(table.init(u64::MAX, &segment));
        assert_out_of_bounds(table.init(5, &[]));
        table.init(4, &[]).unwrap();
        assert_eq!(contents(&table), vec![untouched(lazy); 4]);
    }
}

#[test]
fn copy_within_behaves_like_memmove_in_both_directions() {
    let funcs = Funcs::new(5);
    let values: Vec<Option<FuncRef>> = (0..5).map(|id| Some(funcs.get(id))).collect();
    let read = |table: &FuncTable| -> Vec<Option<FuncRef>> {
        (0..5).map(|index| table.get(index).unwrap()).collect()
    };
    for (storage, lazy) in combinations() {
        let mut table = new_table(storage, lazy, 5, 5);
        table.init(0, &values).unwrap();
        table.copy_within(1, 0, 3, Some(&mut no_resolve)).unwrap();
        assert_eq!(read(&table), [0, 0, 1, 2, 4].map(|id| Some(funcs.get(id))));
        table.init(0, &values).unwrap();
        table.copy_within(0, 2, 3, Some(&mut no_resolve)).unwrap();
        assert_eq!(read(&table), [2, 3, 4, 3, 4].map(|id| Some(funcs.get(id))));
    }
}

#[test]
fn copy_within_out_of_bounds_traps_writes_nothing_and_resolves_nothing() {
    for (storage, lazy) in combinations() {
        let mut table = new_table(storage, lazy, 4, 4);
        for (dst, src, len) in [(0, 2, 3), (2, 0, 3), (u64::MAX, 0, 1), (0, 5, 0)] {
            assert_out_of_bounds(table.copy_within(dst, src, len, Some(&mut no_resolve)));
        }
        assert_eq!(contents(&table), vec![untouched(lazy); 4]);
    }
}

#[test]
fn copy_from_copies_between_tables_of_both_storages() {
    let funcs = Funcs::new(3);
    for (src_storage, src_lazy) in combinations() {
        for (dst_storage, dst_lazy) in combinations() {
            let mut src = new_table(src_storage, src_lazy, 3, 3);
            let mut dst = new_table(dst_storage, dst_lazy, 4, 4);
            let values: Vec<_> = (0..3).map(|id| Some(funcs.get(id))).collect();
            src.init(0, &values).unwrap();
            dst.copy_from(&src, 1, 0, 3, Some(&mut no_resolve)).unwrap();
            let mut expected = vec![untouched(dst_lazy)];
            expected.extend((0..3).map(|id| FuncSlotValue::Func(funcs.get(id))));
            assert_eq!(contents(&dst), expected);
        }
    }
}

#[test]
fn copy_from_out_of_bounds_traps_writes_nothing_and_resolves_nothing() {
    for (storage, lazy) in combinations() {
        let src = new_table(storage, lazy, 2, 2);
        let mut dst = new_table(storage, !lazy, 3, 3);
        for (dst_index, src_index, len) in [(0, 1, 2), (2, 0, 2), (0, u64::MAX, 2), (4, 0, 0)] {
            assert_out_of_bounds(dst.copy_from(
                &src,
                dst_index,
                src_index,
                len,
                Some(&mut no_resolve),
            ));
        }
        assert_eq!(contents(&src), vec![untouched(lazy); 2]);
        assert_eq!(contents(&dst), vec![untouched(!lazy); 3]);
    }
}

#[test]
fn first_uninitialized_finds_the_first_unwritten_lazy_slot() {
    let funcs = Funcs::new(1);
    for (storage, lazy) in combinations() {
        let mut table = new_table(storage, lazy, 5, 5);
        table.fill(0, Some(funcs.get(0)), 2).unwrap();
        table.set(3, None).unwrap();
        let expected = |index: u64| lazy.then_some(index);
        assert_eq!(table.first_uninitialized(0, 5).unwrap(), expected(2));
        assert_eq!(table.first_uninitialized(3, 2).unwrap(), expected(4));
        assert_eq!(table.first_uninitialized(0, 2).unwrap(), None);
        assert_eq!(table.first_uninitialized(5, 0).unwrap(), None);
        assert_out_of_bounds(table.first_uninitialized(4, 2));
    }
}

#[test]
fn write_resolved_initialises_only_uninitialised_slots() {
    let funcs = Funcs::new(2);
    for storage in common::STORAGES {
        let mut table = new_table(storage, true, 2, 2);
        table.set(0, None).unwrap();
        assert_eq!(table.write_resolved(0, Some(funcs.get(0))).unwrap(), None);
        assert_eq!(
            table.write_resolved(1, Some(funcs.get(1))).unwrap(),
            Some(funcs.get(1))
        );
        assert_eq!(table.write_resolved(1, None).unwrap(), Some(funcs.get(1)));
        assert_eq!(
            contents(&table),
            vec![FuncSlotValue::Null, FuncSlotValue::Func(funcs.get(1))]
        );
    }
}

#[test]
fn write_resolved_in_an_eager_table_keeps_the_null() {
    let funcs = Funcs::new(1);
    for storage in common::STORAGES {
        let mut table = new_table(storage, false, 1, 1);
        assert_eq!(table.write_resolved(0, Some(funcs.get(0))).unwrap(), None);
        assert_eq!(table.read(0).unwrap(), FuncSlotValue::Null);
    }
}

#[test]
fn raw_words_move_between_tables_of_the_same_mode() {
    let funcs = Funcs::new(1);
    for (storage, lazy) in combinations() {
        let mut src = new_table(storage, lazy, 2, 2);
        let mut dst = new_table(storage, lazy, 2, 2);
        src.set(1, Some(funcs.get(0))).unwrap();
        for index in 0..2 {
            let slot = src.read_raw(index).unwrap();
            dst.write_raw(index, slot).unwrap();
        }
        assert_eq!(contents(&dst), contents(&src));
    }
}
