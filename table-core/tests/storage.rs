//! Slot access on both storages (`docs/semantics.md` §5): every operation checks its whole range
//! before writing, so a failing operation changes nothing.

use table_core::Bits;
use table_core::OutOfBounds;
use table_core::{TableLimits, TableStorage};
use table_testkit::{StorageFixture, TestSlot};

const OOB: OutOfBounds = OutOfBounds;

/// Both storages of 8 slots holding 1..=8, room for 16.
fn numbered() -> [StorageFixture<TestSlot>; 2] {
    let mut fixtures = StorageFixture::storages(TableLimits::new(8, Some(16)), 16);
    for fixture in &mut fixtures {
        for (i, slot) in fixture.slots_mut().iter_mut().enumerate() {
            *slot = TestSlot(i as u64 + 1);
        }
    }
    fixtures
}

fn contents(storage: &TableStorage<TestSlot>) -> Vec<u64> {
    storage.slots().iter().map(|slot| slot.0).collect()
}

#[test]
fn new_storage_has_minimum_empty_slots() {
    for fixture in StorageFixture::<TestSlot>::storages(TableLimits::new(5, Some(10)), 10) {
        assert_eq!(contents(&fixture), [0; 5], "{:?}", fixture.kind);
    }
}

#[test]
fn get_and_set_address_one_slot() {
    for mut fixture in numbered() {
        fixture.set(3, TestSlot(40), Bits).unwrap();
        assert_eq!(fixture.get(3), Ok(&TestSlot(40)));
        assert_eq!(fixture.get(7), Ok(&TestSlot(8)));
    }
}

#[test]
fn get_and_set_out_of_bounds_trap() {
    for mut fixture in numbered() {
        for index in [8, 9, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(fixture.get(index), Err(OOB));
            assert_eq!(fixture.set(index, TestSlot(1), Bits), Err(OOB));
        }
    }
}

#[test]
fn fill_writes_every_slot_of_the_range() {
    for mut fixture in numbered() {
        fixture.fill(2, TestSlot(0), 3, Bits).unwrap();
        fixture.fill(8, TestSlot(9), 0, Bits).unwrap();
        assert_eq!(contents(&fixture), [1, 2, 0, 0, 0, 6, 7, 8]);
    }
}

#[test]
fn failing_fill_writes_nothing() {
    for mut fixture in numbered() {
        for (start, len) in [(6, 3), (9, 0), (0, u64::MAX), (u64::MAX, 2)] {
            assert_eq!(fixture.fill(start, TestSlot(0), len, Bits), Err(OOB));
        }
        assert_eq!(contents(&fixture), [1, 2, 3, 4, 5, 6, 7, 8]);
    }
}

#[test]
fn overlapping_copy_within_behaves_like_memmove() {
    for mut fixture in numbered() {
        fixture.copy_within(2, 0, 5, Bits).unwrap();
        assert_eq!(contents(&fixture), [1, 2, 1, 2, 3, 4, 5, 8]);
        fixture.copy_within(0, 3, 5, Bits).unwrap();
        assert_eq!(contents(&fixture), [2, 3, 4, 5, 8, 4, 5, 8]);
    }
}

#[test]
fn failing_copy_within_writes_nothing() {
    for mut fixture in numbered() {
        for (dst, src, len) in [(4, 0, 5), (0, 4, 5), (9, 0, 0), (0, 9, 0), (0, 0, u64::MAX)] {
            assert_eq!(fixture.copy_within(dst, src, len, Bits), Err(OOB));
        }
        assert_eq!(contents(&fixture), [1, 2, 3, 4, 5, 6, 7, 8]);
    }
}

#[test]
fn copy_from_moves_slots_between_tables() {
    let [source, _] = numbered();
    for mut fixture in StorageFixture::storages(TableLimits::new(4, None), 4) {
        fixture.copy_from(&source, 1, 5, 3, Bits).unwrap();
        assert_eq!(contents(&fixture), [0, 6, 7, 8]);
        fixture.copy_from(&source, 4, 8, 0, Bits).unwrap();
    }
}

#[test]
fn failing_copy_from_writes_nothing() {
    let [source, _] = numbered();
    for mut fixture in StorageFixture::storages(TableLimits::new(4, None), 4) {
        for (dst, src, len) in [(2, 0, 3), (0, 6, 3), (5, 0, 0), (0, 9, 0), (u64::MAX, 0, 1)] {
            assert_eq!(fixture.copy_from(&source, dst, src, len, Bits), Err(OOB));
        }
        assert_eq!(contents(&fixture), [0; 4]);
    }
}

#[test]
fn init_encodes_each_segment_value() {
    for mut fixture in numbered() {
        fixture
            .init(
                5,
                &[10u8, 20, 30],
                |v: &u8| TestSlot(u64::from(*v) * 2),
                Bits,
            )
            .unwrap();
        assert_eq!(contents(&fixture), [1, 2, 3, 4, 5, 20, 40, 60]);
    }
}

#[test]
fn init_overrunning_the_table_writes_nothing() {
    for mut fixture in numbered() {
        let mut encoded = 0;
        let result = fixture.init(
            6,
            &[1u8, 2, 3],
            |v: &u8| {
                encoded += 1;
                TestSlot(u64::from(*v))
            },
            Bits,
        );
        assert_eq!(result, Err(OOB));
        assert_eq!(encoded, 0);
        assert_eq!(contents(&fixture), [1, 2, 3, 4, 5, 6, 7, 8]);
    }
}

#[test]
fn storage_reports_its_kind() {
    let [static_fixture, dynamic_fixture] = numbered();
    assert!(static_fixture.is_static());
    assert!(!dynamic_fixture.is_static());
}

/// `vmtable()` hands out the storage's own pointer rather than one reborrowed from a slot slice:
/// it needs only a shared borrow (so it can be taken while a slice is in use), it is the address
/// of slot 0, and writes through it after the safe accessors ran land in the table (as compiled
/// code's do between calls into it).
#[test]
fn vmtable_base_is_the_storage_pointer_and_outlives_safe_accesses() {
    for mut fixture in numbered() {
        let kind = fixture.kind;
        let storage = &mut *fixture;
        let slots = storage.slots();
        let definition = storage.vmtable();
        assert_eq!(definition.base.cast_const(), slots.as_ptr().cast::<u8>());
        assert_eq!(definition.current_elements, slots.len());

        storage.slots_mut()[0] = TestSlot(10);
        storage.fill(1, TestSlot(20), 2, Bits).unwrap();
        storage.copy_within(4, 0, 2, Bits).unwrap();
        assert_eq!(storage.get(5), Ok(&TestSlot(20)));
        // SAFETY: slot 6 is inside the table, which did not grow since `vmtable()`, and no
        // reference from the table's API is alive during the write.
        unsafe {
            definition
                .base
                .cast::<TestSlot>()
                .add(6)
                .write(TestSlot(70))
        };
        assert_eq!(storage.get(6), Ok(&TestSlot(70)), "{kind:?}");
        assert_eq!(storage.vmtable(), definition);
    }
}
