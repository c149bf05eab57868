//! Slots to resolve: the bound a storage may keep on where slots that need the element kind's
//! slow path can be, and the operations that find and resolve them (`docs/semantics.md` §2.1).
//! Only a storage that tracks such slots has any to resolve: an untracked storage (a GC table,
//! whose heap references take the barrier of the `*_through` operations instead; an eager
//! funcref table, whose empty slot is null) answers "none" without reading.
//!
//! The bound is conservative: every slow slot of a tracking storage lies inside it, but a slot
//! inside it may be fast. Keeping it exact would cost a scan or a per-slot record on every
//! write; a single range costs two comparisons per bulk write and still shrinks to nothing in
//! the cases that matter: a table filled, initialised from segments or copied into in bulk, or
//! resolved once. A single fast write ([`TableStorage::get_mut`]) leaves it alone; a range
//! written that way is found fast by the first scan, which then trims the bound.

use super::TableStorage;
use crate::OutOfBounds;
use crate::range::check_range;
use crate::scan::first_slow;
use crate::{SlowPathError, TableElement};
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
    /// and the copies skip ranges outside it without reading them. Until a write trims it, the
    /// bound covers the whole table.
    ///
    /// While the storage tracks, whoever writes slots behind its back (compiled code through
    /// the [`vmtable`](TableStorage::vmtable) definition, [`slots_mut`](TableStorage::slots_mut),
    /// [`get_mut`](TableStorage::get_mut)) must store only slots that need no slow path; a slow
    /// slot stored that way is not known to be slow, and a copy moves it as it is.
    ///
    /// A kind without a slow path ([`TableElement::HAS_SLOW_PATH`] false) has nothing to track:
    /// its storage stays untracked.
    pub fn track_slow_slots(&mut self) {
        if !T::HAS_SLOW_PATH {
            return;
        }
        self.slow = SlowBound::Tracked(0..self.size());
    }

    /// Whether the storage keeps a bound on its slow slots.
    pub fn tracks_slow_slots(&self) -> bool {
        self.slow.is_tracked()
    }

    /// Records that slot `index` now holds a slot that needs the slow path, written by the
    /// element kind itself (through [`get_mut`](TableStorage::get_mut) and a barrier, say), so it
    /// stays inside the bound of a tracking storage. An index past the end records nothing.
    #[inline]
    pub fn note_slow_write(&mut self, index: u64) {
        if index < self.size() as u64 {
            let index = index as usize;
            self.note_written(index..index + 1, true);
        }
    }

    /// Records that any slot may now need the slow path, before slots are written behind the
    /// storage's back with no promise about what is stored (a collector rewriting every slot).
    pub fn forget_slow_bound(&mut self) {
        if self.slow.is_tracked() {
            self.track_slow_slots();
        }
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
        resolve: impl FnMut(u64) -> T,
    ) -> Result<usize, OutOfBounds> {
        let requested = check_range(self.size(), start, len)?;
        Ok(self.resolve_checked(requested, resolve))
    }

    /// [`TableStorage::resolve_slow`] over a range already checked.
    fn resolve_checked(
        &mut self,
        requested: Range<usize>,
        mut resolve: impl FnMut(u64) -> T,
    ) -> usize {
        let scan = self.slow.to_resolve(requested.clone());
        let slots = &mut self.slots_mut()[scan.clone()];
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
        resolved
    }

    /// Moves `[src, src + len)` to `[dst, dst + len)` after resolving the source range's slow
    /// slots with `resolve` (see [`TableStorage::resolve_slow`]), as a lazy funcref table's
    /// `table.copy` does; without a resolver, a slow slot in the source range is refused.
    ///
    /// # Errors
    ///
    /// [`SlowPathError::OutOfBounds`] when either range is out of bounds;
    /// [`SlowPathError::Unavailable`] naming the first slow source slot when there is no
    /// resolver. Nothing is written (and nothing resolved) on error.
    pub fn copy_within_resolved(
        &mut self,
        dst: u64,
        src: u64,
        len: u64,
        resolve: Option<impl FnMut(u64) -> T>,
    ) -> Result<(), SlowPathError> {
        let dst = check_range(self.size(), dst, len)?;
        let source = check_range(self.size(), src, len)?;
        self.resolve_or_refuse(source.clone(), resolve)?;
        self.move_within(source, dst.start);
        Ok(())
    }

    /// Copies `[src_index, src_index + len)` of `src` to `[dst, dst + len)` of this table, after
    /// resolving the source range's slow slots with `resolve` (without a resolver, a slow slot
    /// is refused), writing `convert(slot)` for each slot when a conversion is given (between
    /// two tables that encode their slots differently).
    ///
    /// # Errors
    ///
    /// [`SlowPathError::OutOfBounds`] when either range is out of bounds;
    /// [`SlowPathError::Unavailable`] naming the first slow source slot when there is no
    /// resolver. Nothing is written (and nothing resolved) on error.
    pub fn copy_from_resolved(
        &mut self,
        src: &mut Self,
        dst: u64,
        src_index: u64,
        len: u64,
        resolve: Option<impl FnMut(u64) -> T>,
        convert: Option<impl Fn(T) -> T>,
    ) -> Result<(), SlowPathError> {
        let to = check_range(self.size(), dst, len)?;
        let from = check_range(src.size(), src_index, len)?;
        src.resolve_or_refuse(from.clone(), resolve)?;
        self.write_converted(src, from, to, convert);
        Ok(())
    }

    /// Copies `[src_index, src_index + len)` of `src` to `[dst, dst + len)` of this table,
    /// borrowing `src` only immutably: as bits, slow slots included, or as `convert(slot)` for
    /// each slot when a conversion is given, which refuses slow slots.
    ///
    /// # Errors
    ///
    /// [`SlowPathError::OutOfBounds`] when either range is out of bounds;
    /// [`SlowPathError::Unavailable`] naming the first slow source slot, when a conversion is
    /// given. Nothing is written on error.
    pub fn copy_from_converted(
        &mut self,
        src: &Self,
        dst: u64,
        src_index: u64,
        len: u64,
        convert: Option<impl Fn(T) -> T>,
    ) -> Result<(), SlowPathError> {
        let to = check_range(self.size(), dst, len)?;
        let from = check_range(src.size(), src_index, len)?;
        if convert.is_some() {
            src.refuse_slow(from.clone())?;
        }
        self.write_converted(src, from, to, convert);
        Ok(())
    }

    /// Resolves the slow slots of the checked range `from`, or refuses the first one when there
    /// is no resolver.
    fn resolve_or_refuse(
        &mut self,
        from: Range<usize>,
        resolve: Option<impl FnMut(u64) -> T>,
    ) -> Result<(), SlowPathError> {
        match resolve {
            Some(resolve) => {
                self.resolve_checked(from, resolve);
                Ok(())
            }
            None => self.refuse_slow(from),
        }
    }

    /// Refuses the first slow slot of the checked range `from`, if any.
    fn refuse_slow(&self, from: Range<usize>) -> Result<(), SlowPathError> {
        let scan = self.slow.to_resolve(from);
        match first_slow(&self.slots()[scan.clone()]) {
            Some(offset) => Err(SlowPathError::Unavailable {
                index: (scan.start + offset) as u64,
                overwritten: false,
            }),
            None => Ok(()),
        }
    }

    /// Writes the checked range `from` of `src` into the checked range `to`: as bits, or
    /// converted slot by slot.
    fn write_converted(
        &mut self,
        src: &Self,
        from: Range<usize>,
        to: Range<usize>,
        convert: Option<impl Fn(T) -> T>,
    ) {
        let Some(convert) = convert else {
            self.copy_checked(src, from, to);
            return;
        };
        let values = &src.slots()[from];
        let slots = &mut self.slots_mut()[to.clone()];
        let mut carries_slow = false;
        for (slot, value) in slots.iter_mut().zip(values) {
            *slot = convert(*value);
            carries_slow |= slot.needs_slow_path();
        }
        self.note_written(to, carries_slow);
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
