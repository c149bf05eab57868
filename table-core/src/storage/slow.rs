//! Slots to resolve: the bound a storage may keep on where slots that need the element kind's
//! slow path can be, and the operations that find and resolve them (`docs/semantics.md` §2.1).
//! Only a storage that tracks such slots has any to resolve: an untracked storage (a GC table,
//! whose heap references take the barrier of its writer instead; an eager funcref table, whose
//! empty slot is null) answers "none" without reading.
//!
//! The bound is conservative: every slow slot of a tracking storage lies inside it, but a slot
//! inside it may be fast. Keeping it exact would cost a scan or a per-slot record on every
//! write; a single range costs two comparisons per bulk write and still shrinks to nothing in
//! the cases that matter: a table filled, initialised from segments or copied into in bulk, or
//! resolved once. A single fast write ([`TableStorage::set`]) leaves it alone; a range
//! written that way is found fast by the first scan, which then trims the bound.

use super::TableStorage;
use crate::OutOfBounds;
use crate::TableElement;
use crate::range::check_range;
use crate::scan::first_slow;
use core::ops::Range;

/// What a storage knows about where its slow slots are.
#[derive(Debug)]
pub(super) enum SlowBound {
    /// Nothing is kept: writes record nothing, a write through the slow path looks at every
    /// slot it touches, and there is nothing to resolve (a GC table, whose heap references take
    /// the barrier of the `*_through` operations; an eager funcref table).
    Untracked,
    /// No slow slot lies outside this range (a tracking storage).
    Tracked(Range<usize>),
}

impl SlowBound {
    #[inline]
    pub(super) fn is_tracked(&self) -> bool {
        matches!(self, SlowBound::Tracked(_))
    }

    /// Records that `written` now holds what was written: some slow slot when `slow`, none
    /// otherwise. The bound grows to cover a slow range; a fast range shrinks it when it covers
    /// its first or last slot (a range strictly inside leaves it, which still over-approximates).
    #[inline]
    pub(super) fn written(&mut self, written: Range<usize>, slow: bool) {
        let SlowBound::Tracked(range) = self else {
            return;
        };
        if written.is_empty() {
            return;
        }
        let Range { start, end } = *range;
        if slow {
            *range = if start < end {
                start.min(written.start)..end.max(written.end)
            } else {
                written
            };
        } else if written.start <= start && start < written.end {
            range.start = written.end.min(end);
        } else if written.start < end && end <= written.end {
            range.end = written.start.max(start);
        }
    }

    /// The part of `requested` that may hold slots to resolve: the part inside the bound of a
    /// tracking storage, none of it (an empty range at `requested.start`) for an untracked one.
    #[inline]
    fn to_resolve(&self, requested: Range<usize>) -> Range<usize> {
        match self {
            SlowBound::Tracked(range) => {
                let start = requested.start.max(range.start);
                let end = requested.end.min(range.end);
                if start < end {
                    start..end
                } else {
                    requested.start..requested.start
                }
            }
            SlowBound::Untracked => requested.start..requested.start,
        }
    }

    /// Whether `requested` may hold a slot to resolve, by the bound alone.
    #[inline]
    pub(super) fn may_hold(&self, requested: Range<usize>) -> bool {
        !self.to_resolve(requested).is_empty()
    }

    /// The part of `requested` a write through the slow path must look at: the part inside the
    /// bound of a tracking storage, all of it for an untracked one.
    #[inline]
    pub(super) fn to_scan(&self, requested: Range<usize>) -> Range<usize> {
        match self {
            SlowBound::Tracked(_) => self.to_resolve(requested),
            SlowBound::Untracked => requested,
        }
    }
}

impl<T: TableElement> TableStorage<T> {
    /// Starts keeping a bound on where slots that need the slow path can be, so that
    /// [`first_slow`](TableStorage::first_slow), [`resolve_slow`](TableStorage::resolve_slow)
    /// and the writes skip ranges outside it without reading them. Until a write trims it, the
    /// bound covers the whole table, as it does again after
    /// [`slots_mut`](TableStorage::slots_mut).
    ///
    /// While the storage tracks, compiled code writing slots behind its back (through the
    /// [`vmtable`](TableStorage::vmtable) definition) must store only slots that need no slow
    /// path; a slow slot stored that way is not known to be slow, and a copy moves it as it is.
    ///
    /// A kind without a slow path ([`TableElement::HAS_SLOW_PATH`] false) has nothing to track:
    /// its storage stays untracked.
    pub fn track_slow_slots(&mut self) {
        if !T::HAS_SLOW_PATH {
            return;
        }
        self.slow = SlowBound::Tracked(0..self.size());
    }

    /// The index of the first slot of `[start, start + len)` that needs the slow path, if any.
    /// A tracking storage searches only inside its bound; an untracked one has none.
    ///
    /// # Errors
    ///
    /// [`OutOfBounds`] when the range is out of bounds.
    pub fn first_slow(&self, start: u64, len: u64) -> Result<Option<u64>, OutOfBounds> {
        let requested = check_range(self.size(), start, len)?;
        let scan = self.slow.to_resolve(requested);
        let found = first_slow(&self.slots()[scan.clone()]);
        Ok(found.map(|offset| (scan.start + offset) as u64))
    }

    /// Writes `resolve(index)` into every slot of `[start, start + len)` that needs the slow
    /// path, in ascending index order, and returns how many it wrote. `resolve` is called once
    /// per such slot and never for another; a tracking storage reads only inside its bound, so
    /// a range it knows to be fast costs no read pass and no calls.
    ///
    /// # Errors
    ///
    /// [`OutOfBounds`] when the range is out of bounds; `resolve` is not called.
    pub fn resolve_slow(
        &mut self,
        start: u64,
        len: u64,
        mut resolve: impl FnMut(u64) -> T,
    ) -> Result<usize, OutOfBounds> {
        let requested = check_range(self.size(), start, len)?;
        let scan = self.slow.to_resolve(requested.clone());
        let slots = &mut self.slots_in_place()[scan.clone()];
        let (mut resolved, mut still_slow, mut next) = (0, false, 0);
        while let Some(found) = first_slow(&slots[next..]) {
            // A run of slow slots (a whole untouched lazy table, say) is resolved slot by slot
            // without a search per slot: a search tests a block before it looks at a slot.
            let mut offset = next + found;
            loop {
                let value = resolve((scan.start + offset) as u64);
                slots[offset] = value;
                still_slow |= value.needs_slow_path();
                resolved += 1;
                offset += 1;
                if slots.get(offset).is_none_or(|slot| !slot.needs_slow_path()) {
                    break;
                }
            }
            next = offset;
        }
        self.note_written(requested, still_slow);
        Ok(resolved)
    }

    /// Whether the `from` slots, which start at `src_index` of this storage, may hold a slow
    /// slot, for a tracking storage they are copied into: by the bound when this storage tracks
    /// too, by a scan otherwise (the destination tracks what arrives, whatever the source knew).
    pub(super) fn may_hold_slow(&self, src_index: u64, from: &[T]) -> bool {
        if self.slow.is_tracked() {
            // `from` was checked against this storage, so its start fits in `usize`.
            let start = src_index as usize;
            self.slow.may_hold(start..start + from.len())
        } else {
            first_slow(from).is_some()
        }
    }
}
