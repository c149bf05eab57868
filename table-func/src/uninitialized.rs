//! The bound a lazy table keeps on where its uninitialised slots can be, so copies out of an
//! initialised range skip the scan for them.
//!
//! The bound is conservative: every uninitialised slot lies inside it, but a slot inside it may be
//! initialised. Keeping it exact would cost a scan or a per-slot record on every write; a single
//! range costs two comparisons per bulk write and still shrinks to nothing in the cases that
//! matter: a table filled, initialised from segments or copied into in bulk, or resolved once.
//! `table.set` leaves it alone (the bookkeeping doubled its cost); a range written by single
//! sets is found initialised by the first copy's scan, which then trims the bound.

use crate::FuncTable;
use core::ops::Range;

/// A range of slot indices outside which a lazy table has no uninitialised slot.
#[derive(Debug)]
pub(crate) struct UninitializedBound(Range<usize>);

impl UninitializedBound {
    /// The bound of a table of `size` slots that may all be uninitialised.
    pub(crate) fn all(size: usize) -> Self {
        UninitializedBound(0..size)
    }

    /// The bound of a table with no uninitialised slot (every slot of an eager table).
    pub(crate) fn none() -> Self {
        UninitializedBound(0..0)
    }

    /// Records that every slot of `written` now holds an initialised word.
    ///
    /// The bound shrinks when `written` covers its first or last slot (or all of it); a range
    /// strictly inside leaves it as it is, which still over-approximates.
    #[inline]
    pub(crate) fn initialized(&mut self, written: Range<usize>) {
        let Range { start, end } = self.0;
        if written.start <= start && start < written.end {
            self.0.start = written.end.min(end);
        } else if written.start < end && end <= written.end {
            self.0.end = written.start.max(start);
        }
    }

    /// Records that slot `index` may now be uninitialised.
    ///
    /// `index + 1` cannot overflow: `index` addresses a slot of an allocated slice.
    #[inline]
    pub(crate) fn uninitialized(&mut self, index: usize) {
        self.may_be_uninitialized(index..index + 1);
    }

    /// Records that any slot of `written` (a non-empty range of slots) may now be
    /// uninitialised: the bound grows to cover it.
    #[inline]
    pub(crate) fn may_be_uninitialized(&mut self, written: Range<usize>) {
        self.0 = if self.0.is_empty() {
            written
        } else {
            self.0.start.min(written.start)..self.0.end.max(written.end)
        };
    }

    /// The part of `requested` that may hold uninitialised slots; an empty range at
    /// `requested.start` when none can.
    #[inline]
    pub(crate) fn within(&self, requested: Range<usize>) -> Range<usize> {
        let start = requested.start.max(self.0.start);
        let end = requested.end.min(self.0.end);
        if start < end {
            start..end
        } else {
            requested.start..requested.start
        }
    }
}

impl FuncTable {
    /// Records that `[start, start + len)`, a range storage has just checked and written,
    /// holds initialised words.
    #[inline]
    pub(crate) fn mark_initialized(&mut self, start: u64, len: u64) {
        // A checked range ends at or before `size()`, so both ends fit in `usize`.
        let start = start as usize;
        self.maybe_uninitialized
            .initialized(start..start + len as usize);
    }
}
