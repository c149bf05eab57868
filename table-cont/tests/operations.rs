//! Every table operation on both storages, with continuation revisions preserved exactly.

mod support;

use support::{BOTH, Fixture, REVISIONS, Storage, cont};
use table_cont::table_core::wasmtime_environ::Trap;
use table_cont::table_core::{TableElement, TableError};
use table_cont::{ContSlot, ContTable, VMContObj};

fn assert_out_of_bounds<T: core::fmt::Debug>(result: Result<T, TableError>) {
    let error = result.expect_err("expected an out-of-bounds trap");
    assert_eq!(error.as_trap(), Some(Trap::TableOutOfBounds), "{error}");
}

/// A table of 8 slots holding references with distinct ids and the edge revisions.
fn populated(storage: Storage) -> Fixture {
    let mut fixture = support::new_fixture(storage, 8, Some(16));
    for index in 0..8 {
        let value = cont(index, REVISIONS[index % REVISIONS.len()]);
        fixture.set(index as u64, Some(value)).unwrap();
    }
    fixture
}

fn contents(table: &ContTable) -> Vec<Option<VMContObj>> {
    (0..table.size() as u64)
        .map(|index| table.get(index).unwrap())
        .collect()
}

#[test]
fn new_table_has_minimum_null_slots_and_reports_its_limits() {
    for storage in BOTH {
        let mut fixture = support::new_fixture(storage, 5, Some(12));
        let table = &mut *fixture;
        assert_eq!(table.size(), 5);
        assert_eq!(table.maximum(), Some(12));
        assert_eq!(table.is_static(), storage == Storage::Static);
        assert_eq!(table.elements().collect::<Vec<_>>(), [None; 5]);
        let expected_bytes = match storage {
            Storage::Dynamic => 5 * <ContSlot as TableElement>::SIZE,
            Storage::Static => 12 * <ContSlot as TableElement>::SIZE,
        };
        assert_eq!(table.bytes_held(), expected_bytes);
        let definition = table.vmtable();
        assert_eq!(definition.current_elements, 5);
        table.set(4, Some(cont(4, 44))).unwrap();
        let definition = table.vmtable();
        // SAFETY: the definition describes the live table's 5 slots, and nothing writes them.
        let last = unsafe { definition.base.cast::<ContSlot>().add(4).read() };
        assert_eq!(last, ContSlot::from(Some(cont(4, 44))));
    }
}

#[test]
fn set_then_get_returns_the_reference_with_its_exact_revision() {
    for storage in BOTH {
        let mut fixture = support::new_fixture(storage, REVISIONS.len() as u64, None);
        for (index, revision) in REVISIONS.into_iter().enumerate() {
            fixture
                .set(index as u64, Some(cont(index, revision)))
                .unwrap();
        }
        for (index, revision) in REVISIONS.into_iter().enumerate() {
            let value = fixture.get(index as u64).unwrap().unwrap();
            assert_eq!(value, cont(index, revision), "{storage:?}");
            assert_eq!(value.revision, revision, "{storage:?}");
        }
    }
}

#[test]
fn set_to_none_clears_a_slot() {
    for storage in BOTH {
        let mut fixture = populated(storage);
        fixture.set(3, None).unwrap();
        assert_eq!(fixture.get(3).unwrap(), None, "{storage:?}");
        assert_eq!(
            fixture.get(4).unwrap(),
            Some(cont(4, REVISIONS[4])),
            "{storage:?}"
        );
    }
}

#[test]
fn get_and_set_out_of_bounds_trap_and_change_nothing() {
    for storage in BOTH {
        let mut fixture = populated(storage);
        let before = contents(&fixture);
        for index in [8, 9, u64::from(u32::MAX), u64::MAX] {
            assert_out_of_bounds(fixture.get(index));
            assert_out_of_bounds(fixture.set(index, Some(cont(99, 1))));
        }
        assert_eq!(contents(&fixture), before, "{storage:?}");
    }
}

#[test]
fn fill_writes_the_value_into_exactly_the_range() {
    for storage in BOTH {
        let mut fixture = populated(storage);
        let value = cont(42, usize::MAX);
        fixture.fill(2, Some(value), 4).unwrap();
        let slots = contents(&fixture);
        assert_eq!(slots[2..6], [Some(value); 4], "{storage:?}");
        assert_eq!(slots[1], Some(cont(1, REVISIONS[1])), "{storage:?}");
        assert_eq!(slots[6], Some(cont(6, REVISIONS[1])), "{storage:?}");

        fixture.fill(0, None, 8).unwrap();
        assert_eq!(
            fixture.elements().collect::<Vec<_>>(),
            &[None; 8],
            "{storage:?}"
        );
    }
}

#[test]
fn fill_out_of_bounds_traps_and_changes_nothing() {
    for storage in BOTH {
        let mut fixture = populated(storage);
        let before = contents(&fixture);
        for (dst, len) in [(0, 9), (8, 1), (9, 0), (u64::MAX, 2), (1, u64::MAX)] {
            assert_out_of_bounds(fixture.fill(dst, Some(cont(5, 5)), len));
        }
        assert_eq!(contents(&fixture), before, "{storage:?}");
    }
}

#[test]
fn empty_ranges_at_the_end_are_in_bounds() {
    for storage in BOTH {
        let mut fixture = populated(storage);
        let other = populated(storage);
        let before = contents(&fixture);
        fixture.fill(8, Some(cont(1, 1)), 0).unwrap();
        fixture.init(8, &[]).unwrap();
        fixture.copy_within(8, 8, 0).unwrap();
        fixture.copy_from(&other, 8, 8, 0).unwrap();
        assert_eq!(contents(&fixture), before, "{storage:?}");
    }
}

#[test]
fn init_writes_segment_values_in_order() {
    for storage in BOTH {
        let mut fixture = populated(storage);
        let segment = [Some(cont(20, usize::MAX)), None, Some(cont(21, 0))];
        fixture.init(4, &segment).unwrap();
        let slots = contents(&fixture);
        assert_eq!(slots[4..7], segment, "{storage:?}");
        assert_eq!(slots[3], Some(cont(3, REVISIONS[3])), "{storage:?}");
        assert_eq!(slots[7], Some(cont(7, REVISIONS[2])), "{storage:?}");
    }
}

#[test]
fn init_out_of_bounds_traps_and_changes_nothing() {
    for storage in BOTH {
        let mut fixture = populated(storage);
        let before = contents(&fixture);
        let segment = [Some(cont(20, 1)); 3];
        for dst in [6, 8, 9, u64::MAX] {
            assert_out_of_bounds(fixture.init(dst, &segment));
        }
        assert_eq!(contents(&fixture), before, "{storage:?}");
    }
}

#[test]
fn copy_within_handles_overlap_in_both_directions() {
    for storage in BOTH {
        let mut forward = populated(storage);
        let before = contents(&forward);
        forward.copy_within(2, 0, 5).unwrap();
        let mut expected = before.clone();
        expected.copy_within(0..5, 2);
        assert_eq!(contents(&forward), expected, "{storage:?}");

        let mut backward = populated(storage);
        backward.copy_within(0, 3, 5).unwrap();
        let mut expected = before.clone();
        expected.copy_within(3..8, 0);
        assert_eq!(contents(&backward), expected, "{storage:?}");
    }
}

#[test]
fn copy_within_out_of_bounds_traps_and_changes_nothing() {
    for storage in BOTH {
        let mut fixture = populated(storage);
        let before = contents(&fixture);
        for (dst, src, len) in [(0, 4, 5), (4, 0, 5), (9, 0, 0), (0, u64::MAX, 1)] {
            assert_out_of_bounds(fixture.copy_within(dst, src, len));
        }
        assert_eq!(contents(&fixture), before, "{storage:?}");
    }
}

#[test]
fn copy_from_another_table_copies_references_between_storages() {
    for dst_storage in BOTH {
        for src_storage in BOTH {
            let mut dst = support::new_fixture(dst_storage, 6, Some(6));
            let src = populated(src_storage);
            dst.copy_from(&src, 1, 3, 4).unwrap();
            let source = contents(&src);
            let mut expected = vec![None; 6];
            expected[1..5].copy_from_slice(&source[3..7]);
            assert_eq!(
                contents(&dst),
                expected,
                "{src_storage:?} -> {dst_storage:?}"
            );
            assert_eq!(contents(&src), source);
        }
    }
}

#[test]
fn copy_from_out_of_bounds_traps_and_changes_nothing() {
    for storage in BOTH {
        let mut dst = support::new_fixture(storage, 4, Some(4));
        let src = populated(storage);
        for (dst_index, src_index, len) in [(0, 5, 4), (1, 0, 4), (5, 0, 0), (0, 9, 0)] {
            assert_out_of_bounds(dst.copy_from(&src, dst_index, src_index, len));
        }
        assert_eq!(
            dst.elements().collect::<Vec<_>>(),
            &[None; 4],
            "{storage:?}"
        );
    }
}

#[test]
fn from_storage_wraps_storage_built_by_the_embedder() {
    use table_cont::table_core::{TableLimits, TableStorage};
    let storage =
        TableStorage::new_dynamic(TableLimits::new(3, Some(3)), ContSlot::EMPTY, None).unwrap();
    let mut table = ContTable::from_storage(storage);
    table.set(2, Some(cont(1, 77))).unwrap();
    assert_eq!(table.get(2).unwrap(), Some(cont(1, 77)));
    assert_eq!(table.size(), 3);
}
