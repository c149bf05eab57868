//! Overflow-safe bounds checks for indices and ranges that arrive as `u64`.
//!
//! Every table operation checks its whole range here before it writes anything, so a failing
//! operation leaves the table unchanged.

use crate::OutOfBounds;
use core::ops::Range;

/// Checks that `index` addresses a slot of a table with `size` slots.
///
/// # Errors
///
/// [`OutOfBounds`] when `index >= size`.
#[inline]
pub(crate) fn check_index(size: usize, index: u64) -> Result<usize, OutOfBounds> {
    match usize::try_from(index) {
        Ok(index) if index < size => Ok(index),
        _ => Err(OutOfBounds),
    }
}

/// Checks that `[start, start + len)` lies within a table with `size` slots.
///
/// A zero-length range is in bounds when `start <= size`, so `start == size` is allowed.
///
/// # Errors
///
/// [`OutOfBounds`] when `start + len` overflows or exceeds `size`.
#[inline]
pub fn check_range(size: usize, start: u64, len: u64) -> Result<Range<usize>, OutOfBounds> {
    match start.checked_add(len) {
        // `end <= size` makes both conversions lossless.
        Some(end) if end <= size as u64 => Ok(start as usize..end as usize),
        _ => Err(OutOfBounds),
    }
}
