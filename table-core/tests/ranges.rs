//! Bounds checks (`docs/semantics.md` §5): overflow-safe `u64` indices and ranges.

use table_core::OutOfBounds;
use table_core::{TableLimits, check_range};
use table_testkit::{StorageFixture, StorageKind, TestSlot};

#[test]
fn zero_length_range_at_size_is_in_bounds() {
    assert_eq!(check_range(10, 10, 0), Ok(10..10));
}

#[test]
fn zero_length_range_past_size_traps() {
    assert_eq!(check_range(10, 11, 0), Err(OutOfBounds));
}

#[test]
fn range_ending_at_size_is_in_bounds_and_one_more_traps() {
    assert_eq!(check_range(10, 4, 6), Ok(4..10));
    assert_eq!(check_range(10, 4, 7), Err(OutOfBounds));
}

#[test]
fn u64_max_length_traps() {
    for start in [0, 1, 10] {
        assert_eq!(check_range(10, start, u64::MAX), Err(OutOfBounds));
    }
}

#[test]
fn start_plus_length_overflow_traps() {
    assert_eq!(check_range(usize::MAX, u64::MAX, 2), Err(OutOfBounds));
    assert_eq!(check_range(usize::MAX, u64::MAX - 1, 2), Err(OutOfBounds));
}

#[test]
fn index_must_be_below_size() {
    for size in [0, 10] {
        let storage = StorageFixture::<TestSlot>::storage(
            StorageKind::Dynamic,
            TableLimits::new(size, None),
            size,
        );
        for index in [0, 9, 10, 11, u64::from(u32::MAX), u64::MAX] {
            let expected = if index < size as u64 {
                Ok(&TestSlot(0))
            } else {
                Err(OutOfBounds)
            };
            assert_eq!(storage.get(index), expected, "size {size} index {index}");
        }
    }
}
