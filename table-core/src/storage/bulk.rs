//! Bulk writes: `table.fill`, `table.init` and `table.copy`, with slots that may need more than a
//! bit copy written as the operation's [`SlotWriter`] says (`docs/semantics.md` §2.2).
//!
//! Through a barrier ([`SlowSlots::Barrier`]), the range is written a block of [`WRITE_BLOCK`] slots at a time: a block in which
//! neither the values written nor the slots overwritten need the slow path (the common case:
//! tables of nulls and `i31ref`s) moves with one slice operation; any other block is written
//! slot by slot through the writer. Scanning a whole range and then moving it would read the
//! memory twice (three times for copies); scanning a short block just before writing it costs
//! little more than the write alone. Measured on a table larger than the L2 cache, a long block
//! (512 slots) scanned before it is written costs as much as two separate passes; short
//! constant-length blocks also let the compiler unroll the scan and inline the copy. A copy
//! within a table whose two ranges span at most [`SCAN_FIRST_BYTES`] is the exception: both are
//! in the first-level cache, so it is tested in one pass (a slot in both ranges read once) and
//! moved with one `memmove` when it holds no slow slot.
//!
//! Refusing slow slots ([`SlowSlots::Refused`]), the whole range is scanned first and then moved
//! with one slice operation, so a slot that needs the slow path is reported before anything is
//! written: a block-wise write could only find it after earlier blocks were written. Writing
//! them as bits ([`SlowSlots::AsBits`]), a write is one slice operation.

use super::TableStorage;
use crate::cpu::{VectorWidth, vector_width};
use crate::range::check_range;
use crate::scan::first_slow;
use crate::{Encode, SlotWriter, SlowPathError, SlowSlots, TableElement};
use core::mem::size_of;
use core::ops::Range;

/// Slots per block: 128 bytes of 4-byte slots, two cache lines. The block-edge tests use ranges
/// of hundreds of slots; keep this far below that.
const WRITE_BLOCK: usize = 32;

/// The most bytes of slots a copy within a table tests in one pass before it moves them: the
/// test then reads them from the first-level cache (32 KiB or more on current x86-64 cores) and
/// the move finds them there. Beyond it, each block is tested just before it is moved.
const SCAN_FIRST_BYTES: usize = 16 * 1024;

impl<T: TableElement> TableStorage<T> {
    /// Writes `value` into every slot of `[dst, dst + len)`, slow slots (the value, or a slot it
    /// overwrites) as `writer` says. The arguments come in the spec's order for `table.fill`, as
    /// in every layer above.
    ///
    /// # Errors
    ///
    /// Out of bounds when the range is, or the writer's charge or refusal; nothing is written.
    #[inline]
    pub fn fill<W: SlotWriter<T>>(
        &mut self,
        dst: u64,
        value: T,
        len: u64,
        mut writer: W,
    ) -> Result<(), W::Error> {
        let range = check_range(self.size(), dst, len)?;
        writer.charge(len)?;
        let value_is_slow = value.needs_slow_path();
        match W::SLOW_SLOTS {
            SlowSlots::AsBits => fill_bits(&mut self.slots_in_place()[range.clone()], value),
            slow_slots => {
                // Offsets into the range of the slots that may be slow; the rest are known fast.
                let scan = offsets(&range, self.slow.to_scan(range.clone()));
                let slots = &mut self.slots_in_place()[range.clone()];
                if let SlowSlots::Refused(refuse) = slow_slots {
                    let written = (value_is_slow && !slots.is_empty()).then_some(0);
                    require_fast(dst, written, || first_slow_in(slots, scan)).map_err(refuse)?;
                    fill_bits(slots, value);
                } else if value_is_slow {
                    writer.fill(slots, value);
                } else {
                    fill_blocks(slots, scan, value, &mut |slot, value| {
                        writer.write(slot, value)
                    });
                }
            }
        }
        self.note_written(range, value_is_slow);
        Ok(())
    }

    /// Writes the slot `encode` makes of each of `values` into the slots starting at `dst`, as
    /// `table.init` does with an element segment, slow slots as `writer` says. Values that are
    /// slots already ([`AsSlots`](crate::AsSlots)) are copied as a slice and tested block by
    /// block in place.
    ///
    /// # Errors
    ///
    /// Out of bounds when `[dst, dst + values.len())` is, or the writer's charge or refusal;
    /// nothing is written.
    #[inline]
    pub fn init<U, E: Encode<U, T>, W: SlotWriter<T>>(
        &mut self,
        dst: u64,
        values: &[U],
        mut encode: E,
        mut writer: W,
    ) -> Result<(), W::Error> {
        let range = check_range(self.size(), dst, values.len() as u64)?;
        writer.charge(values.len() as u64)?;
        let overwritten = offsets(&range, self.slow.to_scan(range.clone()));
        let as_slots = encode.as_slots(values);
        let tracked = self.slow.is_tracked();
        let slots = &mut self.slots_in_place()[range.clone()];
        let wrote_slow = match (W::SLOW_SLOTS, as_slots) {
            (SlowSlots::AsBits, Some(values)) => {
                slots.copy_from_slice(values);
                tracked && T::block_needs_slow_path(values)
            }
            (SlowSlots::AsBits, None) => {
                encode_slots(slots, values, &mut encode, tracked && !E::ONLY_FAST)
            }
            (SlowSlots::Refused(refuse), as_slots) => {
                let first = match as_slots {
                    Some(values) => first_slow(values),
                    None => values
                        .iter()
                        .position(|value| encode.encode(value).needs_slow_path()),
                };
                require_fast(dst, first, || first_slow_in(slots, overwritten)).map_err(refuse)?;
                encode_each(slots, values, &mut encode);
                false
            }
            // One pass over the values: each block is tested and written while it is in cache
            // (and the slots it overwrites are tested only where they may be slow).
            (SlowSlots::Barrier, Some(values)) => copy_blocks(
                slots,
                values,
                &mut |slot, value| writer.write(slot, value),
                !overwritten.is_empty(),
            ),
            (SlowSlots::Barrier, None) => init_blocks(
                slots,
                values,
                &mut |value: &U| encode.encode(value),
                &mut |slot, value| writer.write(slot, value),
                !overwritten.is_empty(),
            ),
        };
        self.note_written(range, wrote_slow);
        Ok(())
    }

    /// Copies `[src_index, src_index + len)` of `src` to `[dst_index, dst_index + len)` of this table, slow
    /// slots (copied or overwritten) as `writer` says.
    ///
    /// # Errors
    ///
    /// Out of bounds when either range is, or the writer's charge or refusal; nothing is
    /// written.
    #[inline]
    pub fn copy_from<W: SlotWriter<T>>(
        &mut self,
        src: &Self,
        dst_index: u64,
        src_index: u64,
        len: u64,
        mut writer: W,
    ) -> Result<(), W::Error> {
        let from = check_range(src.size(), src_index, len)?;
        let range = check_range(self.size(), dst_index, len)?;
        writer.charge(len)?;
        let values = &src.slots()[from.clone()];
        match W::SLOW_SLOTS {
            SlowSlots::AsBits if W::CONVERTS => {
                let slots = &mut self.slots_in_place()[range.clone()];
                let wrote_slow =
                    encode_each(slots, values, &mut |value: &T| writer.convert(*value));
                self.note_written(range, wrote_slow);
                return Ok(());
            }
            SlowSlots::AsBits => self.slots_in_place()[range.clone()].copy_from_slice(values),
            slow_slots => {
                let written = offsets(&from, src.slow.to_scan(from.clone()));
                let overwritten = offsets(&range, self.slow.to_scan(range.clone()));
                let slots = &mut self.slots_in_place()[range.clone()];
                let barrier = &mut |slot: &mut T, value| writer.write(slot, value);
                write_disjoint(
                    slots,
                    values,
                    slow_slots,
                    barrier,
                    dst_index,
                    written,
                    overwritten,
                )?;
            }
        }
        if self.slow.is_tracked() {
            self.note_written(range, src.may_hold_slow(src_index, values));
        }
        Ok(())
    }

    /// Copies `[src, src + len)` to `[dst, dst + len)` within this table, as `memmove` would:
    /// each destination slot ends up with the source slot's original value. Slow slots (copied
    /// or overwritten) are written as `writer` says.
    ///
    /// # Errors
    ///
    /// As for [`TableStorage::copy_from`].
    #[inline]
    pub fn copy_within<W: SlotWriter<T>>(
        &mut self,
        dst: u64,
        src: u64,
        len: u64,
        mut writer: W,
    ) -> Result<(), W::Error> {
        let src_range = check_range(self.size(), src, len)?;
        let dst_range = check_range(self.size(), dst, len)?;
        writer.charge(len)?;
        match W::SLOW_SLOTS {
            SlowSlots::AsBits if W::CONVERTS => {
                // Moved first, then converted in place: each destination slot holds its source
                // slot's original value when it is converted.
                let slots = self.slots_in_place();
                slots.copy_within(src_range.clone(), dst_range.start);
                let mut wrote_slow = false;
                for slot in &mut slots[dst_range.clone()] {
                    *slot = writer.convert(*slot);
                    wrote_slow |= slot.needs_slow_path();
                }
                self.note_written(dst_range, wrote_slow);
                return Ok(());
            }
            SlowSlots::AsBits => self
                .slots_in_place()
                .copy_within(src_range.clone(), dst_range.start),
            slow_slots => {
                let written = self.slow.to_scan(src_range.clone());
                let overwritten = self.slow.to_scan(dst_range.clone());
                let slots = self.slots_in_place();
                match slow_slots {
                    SlowSlots::Barrier if !(written.is_empty() && overwritten.is_empty()) => {
                        let (src, dst, len) = (src_range.start, dst_range.start, src_range.len());
                        // Both ranges in a few cache lines: tested in one pass over the slots
                        // that cover them (each read once, however far they overlap), then
                        // moved with one `memmove` when none is slow.
                        let hull = match (written.is_empty(), overwritten.is_empty()) {
                            (true, _) => overwritten,
                            (_, true) => written,
                            _ => {
                                written.start.min(overwritten.start)
                                    ..written.end.max(overwritten.end)
                            }
                        };
                        if hull.len() <= SCAN_FIRST_BYTES / size_of::<T>()
                            && !holds_slow(&slots[hull])
                        {
                            slots.copy_within(src_range.clone(), dst);
                        } else {
                            let barrier = &mut |slot: &mut T, value| writer.write(slot, value);
                            copy_within_blocks(slots, src, dst, len, barrier);
                        }
                    }
                    SlowSlots::Refused(refuse) => {
                        let found = |scan: Range<usize>, start: usize| {
                            first_slow(&slots[scan.clone()])
                                .map(|offset| scan.start - start + offset)
                        };
                        require_fast(dst, found(written, src_range.start), || {
                            found(overwritten, dst_range.start)
                        })
                        .map_err(refuse)?;
                        slots.copy_within(src_range.clone(), dst_range.start);
                    }
                    _ => slots.copy_within(src_range.clone(), dst_range.start),
                }
            }
        }
        let carries_slow = self.slow.may_hold(src_range);
        self.note_written(dst_range, carries_slow);
        Ok(())
    }
}

/// Writes `encode(value)` for each of `values` into the slot at the same position of `slots`, as
/// bits, and returns whether any was slow.
#[inline]
fn encode_each<T: TableElement, U>(
    slots: &mut [T],
    values: &[U],
    encode: &mut impl Encode<U, T>,
) -> bool {
    let mut carries_slow = false;
    for (slot, value) in slots.iter_mut().zip(values) {
        *slot = encode.encode(value);
        carries_slow |= slot.needs_slow_path();
    }
    carries_slow
}

/// How many of `slots` come before the first cache-line boundary (all of them when there is
/// none among them): a loop writes them first, on their own, so that its vector stores after
/// them each fill part of one line instead of straddling two.
#[inline]
fn unaligned_head<T>(slots: &[T]) -> usize {
    slots.as_ptr().align_offset(64).min(slots.len())
}

/// `slots.fill(value)`, with a 16-byte slot (a continuation's two words) stored as one vector
/// held in a register: `fill` stores each word of each slot on its own, at about half the speed
/// of `memset` on 16-byte slots in cache.
#[inline]
pub(super) fn fill_bits<T: TableElement>(slots: &mut [T], value: T) {
    #[cfg(target_arch = "x86_64")]
    if size_of::<T>() == 16 {
        use core::arch::x86_64::{__m128i, _mm_loadu_si128, _mm_storeu_si128};
        // SAFETY: `T` is 16 bytes of plain bits (`TableElement`: it moves bytewise), so `value`'s
        // bytes are readable as one unaligned SSE2 vector (SSE2 is part of every x86-64 CPU),
        // and each store writes exactly the 16 bytes of one slot of `slots`, which it borrows
        // mutably: every slot then holds `value`'s bytes, as `fill` would leave it.
        unsafe {
            let pattern = _mm_loadu_si128((&raw const value).cast::<__m128i>());
            for slot in slots.iter_mut() {
                _mm_storeu_si128(core::ptr::from_mut(slot).cast::<__m128i>(), pattern);
            }
        }
        return;
    }
    slots.fill(value);
}

/// Writes `encode(value)` for each of `values` into the slot at the same position of `slots`, as
/// bits; returns whether any was slow when `tested` (a storage that tracks slow slots; else
/// `false`, and the encoded slots are not tested). With the widest vectors the CPU has
/// ([`vector_width`]): a segment is encoded at the speed `copy_from_slice` copies one.
fn encode_slots<T: TableElement, U>(
    slots: &mut [T],
    values: &[U],
    encode: &mut impl Encode<U, T>,
    tested: bool,
) -> bool {
    match vector_width() {
        // SAFETY: the CPU has AVX-512F.
        VectorWidth::Avx512 => unsafe { encode_slots_avx512(slots, values, encode, tested) },
        // SAFETY: the CPU has AVX2.
        VectorWidth::Avx2 => unsafe { encode_slots_avx2(slots, values, encode, tested) },
        VectorWidth::Baseline => encode_slots_baseline(slots, values, encode, tested),
    }
}

/// [`encode_slots_baseline`] compiled with AVX-512F.
///
/// # Safety
///
/// The CPU must have AVX-512F.
#[cfg_attr(target_arch = "x86_64", target_feature(enable = "avx512f"))]
unsafe fn encode_slots_avx512<T: TableElement, U>(
    slots: &mut [T],
    values: &[U],
    encode: &mut impl Encode<U, T>,
    tested: bool,
) -> bool {
    encode_slots_baseline(slots, values, encode, tested)
}

/// [`encode_slots_baseline`] compiled with AVX2.
///
/// # Safety
///
/// The CPU must have AVX2.
#[cfg_attr(target_arch = "x86_64", target_feature(enable = "avx2"))]
unsafe fn encode_slots_avx2<T: TableElement, U>(
    slots: &mut [T],
    values: &[U],
    encode: &mut impl Encode<U, T>,
    tested: bool,
) -> bool {
    encode_slots_baseline(slots, values, encode, tested)
}

/// [`encode_slots`] for the target's baseline instructions.
#[inline(always)]
fn encode_slots_baseline<T: TableElement, U>(
    slots: &mut [T],
    values: &[U],
    encode: &mut impl Encode<U, T>,
    tested: bool,
) -> bool {
    if tested {
        return encode_each(slots, values, encode);
    }
    // The slots before the first cache-line boundary one by one, so that the vector stores of
    // the rest do not straddle cache lines.
    let head = unaligned_head(slots);
    let (head_slots, rest) = slots.split_at_mut(head);
    let (head_values, rest_values) = values.split_at(head.min(values.len()));
    for (slot, value) in head_slots.iter_mut().zip(head_values) {
        *slot = encode.encode(value);
    }
    for (slot, value) in rest.iter_mut().zip(rest_values) {
        *slot = encode.encode(value);
    }
    false
}

/// Checks, for a write that refuses slow slots, that it writes and overwrites none.
/// `written` is the offset of the first slow value to be written; `overwritten` finds the first
/// slow slot to be overwritten, and is only run when the values hold none.
fn require_fast(
    first_slot: u64,
    written: Option<usize>,
    overwritten: impl FnOnce() -> Option<usize>,
) -> Result<(), SlowPathError> {
    let found = match written {
        Some(offset) => Some((offset, false)),
        None => overwritten().map(|offset| (offset, true)),
    };
    match found {
        None => Ok(()),
        Some((offset, overwritten)) => Err(SlowPathError::Unavailable {
            index: first_slot + offset as u64,
            overwritten,
        }),
    }
}

/// Writes each of `values` into the slot at the same position of `slots` (table index
/// `first_slot` on); the slices do not overlap, and slow slots can only be at the offsets
/// `written` (of the values) and `overwritten` (of the slots). Through the barrier, block by
/// block (one slice copy when neither can hold a slow slot); refused, after checking that no slot
/// is on the slow path, with one slice copy.
#[inline]
fn write_disjoint<T: TableElement, E>(
    slots: &mut [T],
    values: &[T],
    slow_slots: SlowSlots<E>,
    barrier: &mut impl FnMut(&mut T, T),
    first_slot: u64,
    written: Range<usize>,
    overwritten: Range<usize>,
) -> Result<(), E> {
    match slow_slots {
        SlowSlots::Barrier if !(written.is_empty() && overwritten.is_empty()) => {
            copy_blocks(slots, values, barrier, !overwritten.is_empty());
        }
        SlowSlots::Refused(refuse) => {
            let first = first_slow_in(values, written);
            require_fast(first_slot, first, || first_slow_in(slots, overwritten))
                .map_err(refuse)?;
            slots.copy_from_slice(values);
        }
        _ => slots.copy_from_slice(values),
    }
    Ok(())
}

/// The offsets into `range` of its part `part`.
#[inline]
fn offsets(range: &Range<usize>, part: Range<usize>) -> Range<usize> {
    part.start - range.start..part.end - range.start
}

/// The offset in `slots` of the first slow slot among those at `offsets`.
#[inline]
fn first_slow_in<T: TableElement>(slots: &[T], offsets: Range<usize>) -> Option<usize> {
    first_slow(&slots[offsets.clone()]).map(|found| offsets.start + found)
}

/// Fills `slots` with the fast `value`, testing the blocks of those at `scan` (the others are
/// known fast): each block as a slice when it overwrites no slow slot, otherwise through the
/// writer. With the widest vectors the CPU has ([`vector_width`]).
fn fill_blocks<T: TableElement>(
    slots: &mut [T],
    scan: Range<usize>,
    value: T,
    writer: &mut impl FnMut(&mut T, T),
) {
    // SAFETY: the CPU has the widest vectors it reports.
    unsafe { fill_blocks_at(vector_width(), slots, scan, value, writer) }
}

/// [`fill_blocks`] compiled for `width`.
///
/// # Safety
///
/// The CPU must have `width`'s instructions.
#[inline]
unsafe fn fill_blocks_at<T: TableElement>(
    width: VectorWidth,
    slots: &mut [T],
    scan: Range<usize>,
    value: T,
    writer: &mut impl FnMut(&mut T, T),
) {
    match width {
        // SAFETY: the caller promises AVX-512F.
        VectorWidth::Avx512 => unsafe { fill_blocks_avx512(slots, scan, value, writer) },
        // SAFETY: the caller promises AVX2.
        VectorWidth::Avx2 => unsafe { fill_blocks_avx2(slots, scan, value, writer) },
        VectorWidth::Baseline => fill_blocks_baseline(slots, scan, value, writer),
    }
}

/// [`fill_blocks_baseline`] compiled with AVX-512F.
///
/// # Safety
///
/// The CPU must have AVX-512F.
#[cfg_attr(target_arch = "x86_64", target_feature(enable = "avx512f"))]
unsafe fn fill_blocks_avx512<T: TableElement>(
    slots: &mut [T],
    scan: Range<usize>,
    value: T,
    writer: &mut impl FnMut(&mut T, T),
) {
    fill_blocks_baseline(slots, scan, value, writer);
}

/// [`fill_blocks_baseline`] compiled with AVX2.
///
/// # Safety
///
/// The CPU must have AVX2.
#[cfg_attr(target_arch = "x86_64", target_feature(enable = "avx2"))]
unsafe fn fill_blocks_avx2<T: TableElement>(
    slots: &mut [T],
    scan: Range<usize>,
    value: T,
    writer: &mut impl FnMut(&mut T, T),
) {
    fill_blocks_baseline(slots, scan, value, writer);
}

/// [`fill_blocks`] for the target's baseline instructions.
#[inline(always)]
fn fill_blocks_baseline<T: TableElement>(
    slots: &mut [T],
    scan: Range<usize>,
    value: T,
    writer: &mut impl FnMut(&mut T, T),
) {
    let (known_fast, rest) = slots.split_at_mut(scan.start);
    let (to_scan, also_fast) = rest.split_at_mut(scan.len());
    known_fast.fill(value);
    fill_scanned(to_scan, value, writer);
    also_fast.fill(value);
}

/// Fills `slots`, all of which may be slow, with the fast `value`, block by block: the slots
/// before the first cache-line boundary first, then blocks of [`WRITE_BLOCK`], the last one
/// overlapping the one before it.
#[inline(always)]
fn fill_scanned<T: TableElement>(slots: &mut [T], value: T, writer: &mut impl FnMut(&mut T, T)) {
    if slots.len() < WRITE_BLOCK {
        return fill_block(slots, value, writer);
    }
    let (head, slots) = slots.split_at_mut(unaligned_head(slots));
    fill_block(head, value, writer);
    if slots.len() < WRITE_BLOCK {
        return fill_block(slots, value, writer);
    }
    let done = slots.len() - slots.len() % WRITE_BLOCK;
    for block in slots.as_chunks_mut::<WRITE_BLOCK>().0 {
        fill_block(block, value, writer);
    }
    // The remainder with the blocks before it, as the last full-length block: the slots it
    // overlaps hold the fast `value` now, so the test finds a slow slot only among the
    // remainder, and refilling them writes the same bits. Every test is over a constant length.
    if done < slots.len()
        && let Some(last) = slots.last_chunk_mut::<WRITE_BLOCK>()
    {
        if T::block_needs_slow_path(last) {
            write_each(&mut slots[done..], value, writer);
        } else {
            last.fill(value);
        }
    }
}

/// Fills one block with the fast `value`: as a slice when it overwrites no slow slot, otherwise
/// through the writer.
#[inline(always)]
fn fill_block<T: TableElement>(block: &mut [T], value: T, writer: &mut impl FnMut(&mut T, T)) {
    if T::block_needs_slow_path(block) {
        write_each(block, value, writer);
    } else {
        block.fill(value);
    }
}

/// Writes `value` into each of `slots` through the writer.
#[inline(never)]
fn write_each<T: TableElement>(slots: &mut [T], value: T, writer: &mut impl FnMut(&mut T, T)) {
    for slot in slots {
        writer(slot, value);
    }
}

/// Whether any of `slots` needs the slow path, tested two blocks at a time (the last pair
/// overlapping the one before it) with the widest vectors the CPU has ([`vector_width`]).
fn holds_slow<T: TableElement>(slots: &[T]) -> bool {
    // SAFETY: the CPU has the widest vectors it reports.
    unsafe { holds_slow_at(vector_width(), slots) }
}

/// [`holds_slow`] compiled for `width`.
///
/// # Safety
///
/// The CPU must have `width`'s instructions.
#[inline]
unsafe fn holds_slow_at<T: TableElement>(width: VectorWidth, slots: &[T]) -> bool {
    match width {
        // SAFETY: the caller promises AVX-512F.
        VectorWidth::Avx512 => unsafe { holds_slow_avx512(slots) },
        // SAFETY: the caller promises AVX2.
        VectorWidth::Avx2 => unsafe { holds_slow_avx2(slots) },
        VectorWidth::Baseline => holds_slow_baseline(slots),
    }
}

/// [`holds_slow_baseline`] compiled with AVX-512F.
///
/// # Safety
///
/// The CPU must have AVX-512F.
#[cfg_attr(target_arch = "x86_64", target_feature(enable = "avx512f"))]
unsafe fn holds_slow_avx512<T: TableElement>(slots: &[T]) -> bool {
    holds_slow_baseline(slots)
}

/// [`holds_slow_baseline`] compiled with AVX2.
///
/// # Safety
///
/// The CPU must have AVX2.
#[cfg_attr(target_arch = "x86_64", target_feature(enable = "avx2"))]
unsafe fn holds_slow_avx2<T: TableElement>(slots: &[T]) -> bool {
    holds_slow_baseline(slots)
}

/// [`holds_slow`] for the target's baseline instructions.
#[inline(always)]
fn holds_slow_baseline<T: TableElement>(slots: &[T]) -> bool {
    const PAIR: usize = 2 * WRITE_BLOCK;
    let (pairs, rest) = slots.as_chunks::<PAIR>();
    if pairs.is_empty() {
        return T::block_needs_slow_path(slots);
    }
    if pairs.iter().any(|pair| T::block_needs_slow_path(pair)) {
        return true;
    }
    !rest.is_empty()
        && slots
            .last_chunk::<PAIR>()
            .is_some_and(|last| T::block_needs_slow_path(last))
}

/// Writes each of `values` into the slot at the same position of `slots`, block by block, and
/// returns whether any value was slow. The slices have the same length and do not overlap; the
/// slots are tested only when `slots_may_be_slow`. With the widest vectors the CPU has
/// ([`vector_width`]).
fn copy_blocks<T: TableElement>(
    slots: &mut [T],
    values: &[T],
    writer: &mut impl FnMut(&mut T, T),
    slots_may_be_slow: bool,
) -> bool {
    // SAFETY: the CPU has the widest vectors it reports.
    unsafe { copy_blocks_at(vector_width(), slots, values, writer, slots_may_be_slow) }
}

/// [`copy_blocks`] compiled for `width`.
///
/// # Safety
///
/// The CPU must have `width`'s instructions.
#[inline]
unsafe fn copy_blocks_at<T: TableElement>(
    width: VectorWidth,
    slots: &mut [T],
    values: &[T],
    writer: &mut impl FnMut(&mut T, T),
    slots_may_be_slow: bool,
) -> bool {
    match width {
        // SAFETY: the caller promises AVX-512F.
        VectorWidth::Avx512 => unsafe {
            copy_blocks_avx512(slots, values, writer, slots_may_be_slow)
        },
        // SAFETY: the caller promises AVX2.
        VectorWidth::Avx2 => unsafe { copy_blocks_avx2(slots, values, writer, slots_may_be_slow) },
        VectorWidth::Baseline => copy_blocks_baseline(slots, values, writer, slots_may_be_slow),
    }
}

/// [`copy_blocks_baseline`] compiled with AVX-512F.
///
/// # Safety
///
/// The CPU must have AVX-512F.
#[cfg_attr(target_arch = "x86_64", target_feature(enable = "avx512f"))]
unsafe fn copy_blocks_avx512<T: TableElement>(
    slots: &mut [T],
    values: &[T],
    writer: &mut impl FnMut(&mut T, T),
    slots_may_be_slow: bool,
) -> bool {
    copy_blocks_baseline(slots, values, writer, slots_may_be_slow)
}

/// [`copy_blocks_baseline`] compiled with AVX2.
///
/// # Safety
///
/// The CPU must have AVX2.
#[cfg_attr(target_arch = "x86_64", target_feature(enable = "avx2"))]
unsafe fn copy_blocks_avx2<T: TableElement>(
    slots: &mut [T],
    values: &[T],
    writer: &mut impl FnMut(&mut T, T),
    slots_may_be_slow: bool,
) -> bool {
    copy_blocks_baseline(slots, values, writer, slots_may_be_slow)
}

/// [`copy_blocks`] for the target's baseline instructions.
#[inline(always)]
fn copy_blocks_baseline<T: TableElement>(
    slots: &mut [T],
    values: &[T],
    writer: &mut impl FnMut(&mut T, T),
    slots_may_be_slow: bool,
) -> bool {
    // One loop per case, so that the block loop does not test the flag.
    if slots_may_be_slow {
        copy_blocks_tested::<T, true>(slots, values, writer)
    } else {
        copy_blocks_tested::<T, false>(slots, values, writer)
    }
}

/// [`copy_blocks_baseline`], testing the slots overwritten when `SLOTS_MAY_BE_SLOW`.
#[inline(always)]
fn copy_blocks_tested<T: TableElement, const SLOTS_MAY_BE_SLOW: bool>(
    slots: &mut [T],
    values: &[T],
    writer: &mut impl FnMut(&mut T, T),
) -> bool {
    if slots.len() < WRITE_BLOCK {
        return copy_block(slots, values, writer, SLOTS_MAY_BE_SLOW);
    }
    let head = unaligned_head(slots);
    let (head_slots, slots) = slots.split_at_mut(head);
    let (head_values, values) = values.split_at(head.min(values.len()));
    let mut wrote_slow = copy_block(head_slots, head_values, writer, SLOTS_MAY_BE_SLOW);
    if slots.len() < WRITE_BLOCK {
        return wrote_slow | copy_block(slots, values, writer, SLOTS_MAY_BE_SLOW);
    }
    let done = slots.len() - slots.len() % WRITE_BLOCK;
    let (sources, _) = values.as_chunks::<WRITE_BLOCK>();
    for (block, values) in slots
        .as_chunks_mut::<WRITE_BLOCK>()
        .0
        .iter_mut()
        .zip(sources)
    {
        wrote_slow |= copy_full_block::<T, SLOTS_MAY_BE_SLOW>(block, values, writer);
    }
    if done == slots.len() {
        return wrote_slow;
    }
    // The remainder with the blocks before it, as the last full-length block: the slots it
    // overlaps hold their values now, fast unless their block went through the writer, so only
    // the remainder goes through it when the test finds a slow slot; otherwise the overlap is
    // rewritten with the same bits. Every test is over a constant length.
    let (Some(block), Some(last_values)) = (
        slots.last_chunk_mut::<WRITE_BLOCK>(),
        values.last_chunk::<WRITE_BLOCK>(),
    ) else {
        return wrote_slow;
    };
    let last_values = *last_values;
    if copy_needs_slow_path(&last_values, block, SLOTS_MAY_BE_SLOW) {
        wrote_slow | copy_each(&mut slots[done..], &values[done..], writer)
    } else {
        *block = last_values;
        wrote_slow
    }
}

/// Copies a full block of `values` into `block`, as [`copy_block`] does; the values are read
/// once, into registers, for both the test and the write.
#[inline(always)]
fn copy_full_block<T: TableElement, const SLOTS_MAY_BE_SLOW: bool>(
    block: &mut [T; WRITE_BLOCK],
    values: &[T; WRITE_BLOCK],
    writer: &mut impl FnMut(&mut T, T),
) -> bool {
    let values = *values;
    if copy_needs_slow_path(&values, block, SLOTS_MAY_BE_SLOW) {
        copy_each(block, &values, writer)
    } else {
        *block = values;
        false
    }
}

/// Writes `encode(value)` for each of `values` into the slot at the same position of `slots`,
/// block by block, as [`copy_blocks`] copies; returns whether any value was slow. Compiled for
/// the baseline only: values that are slots already go through [`copy_blocks`] (the GC table's
/// segments), so an encoding through a barrier is no kind's hot path.
fn init_blocks<T: TableElement, U>(
    slots: &mut [T],
    values: &[U],
    encode: &mut impl FnMut(&U) -> T,
    writer: &mut impl FnMut(&mut T, T),
    slots_may_be_slow: bool,
) -> bool {
    let (blocks, last_block) = slots.as_chunks_mut::<WRITE_BLOCK>();
    let (sources, last_values) = values.as_chunks::<WRITE_BLOCK>();
    let mut wrote_slow = false;
    for (block, values) in blocks.iter_mut().zip(sources) {
        wrote_slow |= init_block(block, values, encode, writer, slots_may_be_slow);
    }
    wrote_slow | init_block(last_block, last_values, encode, writer, slots_may_be_slow)
}

/// Writes `encode(value)` for each of `values` into `block`: as bits when no slot is on the slow
/// path, otherwise through the writer; returns whether a value was slow. The values are encoded
/// twice, once for the test and once for the write, rather than kept in a buffer: an encoding is
/// a few register instructions, a buffer a store and a load per slot.
#[inline(always)]
fn init_block<T: TableElement, U>(
    block: &mut [T],
    values: &[U],
    encode: &mut impl FnMut(&U) -> T,
    writer: &mut impl FnMut(&mut T, T),
    slots_may_be_slow: bool,
) -> bool {
    let values_slow = values.iter().fold(false, |found, value| {
        found | encode(value).needs_slow_path()
    });
    if values_slow || (slots_may_be_slow && T::block_needs_slow_path(block)) {
        for (slot, value) in block.iter_mut().zip(values) {
            writer(slot, encode(value));
        }
        values_slow
    } else {
        for (slot, value) in block.iter_mut().zip(values) {
            *slot = encode(value);
        }
        false
    }
}

/// Copies `values` into `block`: as bits when no slot is on the slow path, otherwise through
/// the writer; returns whether a value was slow. The common case is one test over both blocks
/// (one reduction, one branch) and one copy.
#[inline(always)]
fn copy_block<T: TableElement>(
    block: &mut [T],
    values: &[T],
    writer: &mut impl FnMut(&mut T, T),
    slots_may_be_slow: bool,
) -> bool {
    if copy_needs_slow_path(values, block, slots_may_be_slow) {
        copy_each(block, values, writer)
    } else {
        block.copy_from_slice(values);
        false
    }
}

/// Whether copying `values` over `slots` takes the slow path: a slow value, or a slow slot
/// overwritten when `slots_may_be_slow` (one test over both blocks, one reduction).
#[inline(always)]
fn copy_needs_slow_path<T: TableElement>(
    values: &[T],
    slots: &[T],
    slots_may_be_slow: bool,
) -> bool {
    if slots_may_be_slow {
        T::blocks_need_slow_path(values, slots)
    } else {
        T::block_needs_slow_path(values)
    }
}

/// Writes each of `values` into the slot at the same position of `slots` through the writer;
/// returns whether a value was slow.
#[cold]
#[inline(never)]
fn copy_each<T: TableElement>(
    slots: &mut [T],
    values: &[T],
    writer: &mut impl FnMut(&mut T, T),
) -> bool {
    for (slot, value) in slots.iter_mut().zip(values) {
        writer(slot, *value);
    }
    T::block_needs_slow_path(values)
}

/// Copies the `len` slots from index `src` to index `dst` of `slots`, as `memmove` would. Both
/// ranges are in bounds.
///
/// The range is cut into pieces walked in `memmove` direction: from the end when the destination
/// starts after the source, from the start otherwise. In that order no slot is read after it
/// has been written: going forwards (`dst <= src`), when the piece at offsets `[a, b)` is
/// scanned or copied, the slots written so far are `dst + [0, a)`, all below `dst + a <= src +
/// a`, the first source slot still to be read; going backwards is the mirror image. So every
/// source value a piece scans and copies is the original, and every destination value it scans
/// is what the piece then overwrites.
///
/// When the ranges start at least a block apart, a piece is as long as that distance (or the
/// whole range when they do not overlap), so its source and destination are disjoint and it is
/// copied with [`copy_blocks`]. Closer ranges are walked a block at a time, each block moved
/// with `copy_within` (itself a `memmove`) or, through the writer, slot by slot in `memmove`
/// direction.
///
/// Overlapping ranges read each slot once in the common case: the destination of a piece is
/// exactly the source of the full-length piece copied just before it (going backwards, the
/// piece at offsets `[a, a + distance)` writes `dst + a = src + distance + a`, the source of the
/// piece at `a + distance`; going forwards, the mirror image), which has not been written yet.
/// When that source held no slow slot, neither do the slots this piece overwrites, and they are
/// not read again.
fn copy_within_blocks<T: TableElement>(
    slots: &mut [T],
    src: usize,
    dst: usize,
    len: usize,
    writer: &mut impl FnMut(&mut T, T),
) {
    let distance = src.abs_diff(dst);
    let backwards = dst > src;
    if distance >= WRITE_BLOCK {
        // Whether the piece copied last was full-length and its values held no slow slot: then
        // they are exactly the slots the next piece overwrites.
        let mut overwritten_known_fast = false;
        in_memmove_order(len, distance.min(len), backwards, |offsets| {
            let full_length = offsets.len() == distance;
            let slots_may_be_slow = !overwritten_known_fast;
            let wrote_slow =
                copy_disjoint_piece(slots, src, dst, offsets, writer, slots_may_be_slow);
            overwritten_known_fast = full_length && !wrote_slow;
        });
    } else {
        in_memmove_order(len, WRITE_BLOCK, backwards, |offsets| {
            copy_overlapping_block(slots, src, dst, offsets, backwards, writer);
        });
    }
}

/// Calls `copy` with the offsets of each piece of `[0, len)` (pieces of `piece_len`, the last
/// one shorter), from the last piece to the first when `backwards`.
fn in_memmove_order(
    len: usize,
    piece_len: usize,
    backwards: bool,
    mut copy: impl FnMut(Range<usize>),
) {
    if len == 0 {
        return;
    }
    let pieces = (0..len)
        .step_by(piece_len)
        .map(|start| start..len.min(start + piece_len));
    if backwards {
        pieces.rev().for_each(&mut copy);
    } else {
        pieces.for_each(copy);
    }
}

/// Copies a piece whose source and destination slots do not overlap, in blocks, and returns
/// whether any value it copied was slow; the overwritten slots are tested only when
/// `slots_may_be_slow`.
fn copy_disjoint_piece<T: TableElement>(
    slots: &mut [T],
    src: usize,
    dst: usize,
    offsets: Range<usize>,
    writer: &mut impl FnMut(&mut T, T),
    slots_may_be_slow: bool,
) -> bool {
    let (from, to, len) = (src + offsets.start, dst + offsets.start, offsets.len());
    if from < to {
        let (head, tail) = slots.split_at_mut(to);
        copy_blocks(
            &mut tail[..len],
            &head[from..from + len],
            writer,
            slots_may_be_slow,
        )
    } else {
        let (head, tail) = slots.split_at_mut(from);
        copy_blocks(
            &mut head[to..to + len],
            &tail[..len],
            writer,
            slots_may_be_slow,
        )
    }
}

/// Copies one block whose source and destination may overlap: bits when no slot is on the slow
/// path, otherwise through the writer, slot by slot (from the end when `backwards`).
fn copy_overlapping_block<T: TableElement>(
    slots: &mut [T],
    src: usize,
    dst: usize,
    offsets: Range<usize>,
    backwards: bool,
    writer: &mut impl FnMut(&mut T, T),
) {
    let from = src + offsets.start..src + offsets.end;
    let to = dst + offsets.start..dst + offsets.end;
    if T::blocks_need_slow_path(&slots[from.clone()], &slots[to.clone()]) {
        let pairs = to.zip(from);
        if backwards {
            for (to, from) in pairs.rev() {
                let value = slots[from];
                writer(&mut slots[to], value);
            }
        } else {
            for (to, from) in pairs {
                let value = slots[from];
                writer(&mut slots[to], value);
            }
        }
    } else {
        slots.copy_within(from, to.start);
    }
}

#[cfg(test)]
mod tests {
    //! The block loops compiled three times (for the baseline, with AVX2 and with AVX-512),
    //! each against a slot-by-slot model (where their blocks start depends on the alignment of
    //! each run's allocation, so which fast slots went through the writer may differ). The
    //! public operations' tests (`tests/slow_path.rs`) run whichever path the machine takes;
    //! here each runs wherever the CPU has it.

    extern crate std;

    use super::*;
    use core::mem::size_of;
    use proptest::prelude::*;
    use std::vec;
    use std::vec::Vec;

    /// A 4-byte slot, slow when its top bit is set (as a GC table's heap references are slow).
    #[derive(Debug, Clone, Copy, PartialEq, bytemuck::Zeroable)]
    #[repr(transparent)]
    struct Slot(u32);

    const SLOW: u32 = 1 << 31;

    // SAFETY: a transparent `u32`: all-zero is `EMPTY`, plain bits, no drop glue.
    unsafe impl TableElement for Slot {
        const EMPTY: Slot = Slot(0);
        const HAS_SLOW_PATH: bool = true;

        fn needs_slow_path(&self) -> bool {
            self.0 & SLOW != 0
        }
    }

    /// Slots, some of them slow when `slow`.
    fn slots(slow: bool) -> impl Strategy<Value = Vec<Slot>> {
        let slot = if slow {
            prop_oneof![9 => 0..8u32, 1 => (0..8u32).prop_map(|bits| bits | SLOW)].boxed()
        } else {
            (0..8u32).boxed()
        };
        proptest::collection::vec(slot.prop_map(Slot), 0..300)
    }

    /// What a writer saw: the slot's offset, its old value and the new one.
    type Writes = Vec<(usize, Slot, Slot)>;

    /// Checks a fill or copy through a writer of `values` into `original` against the model:
    /// the slots end as the values; each write through the writer is of one slot, once, from
    /// its original value to its new one; and every slow slot (overwritten or written) went
    /// through the writer. Fast slots may go either way.
    fn check(
        original: &[Slot],
        values: &[Slot],
        (slots, writes): &(Vec<Slot>, Writes),
    ) -> Result<(), TestCaseError> {
        prop_assert_eq!(slots.as_slice(), values);
        let mut written = vec![false; original.len()];
        for &(offset, old, new) in writes {
            prop_assert!(!written[offset], "slot {} written twice", offset);
            written[offset] = true;
            prop_assert_eq!((old, new), (original[offset], values[offset]));
        }
        for (offset, (old, new)) in original.iter().zip(values).enumerate() {
            let slow = old.needs_slow_path() || new.needs_slow_path();
            prop_assert!(!slow || written[offset], "slow slot {} not written", offset);
        }
        Ok(())
    }

    /// Runs `path` on a copy of `slots` and returns the slots and the writes it made.
    fn run(
        slots: &[Slot],
        path: impl FnOnce(&mut [Slot], &mut dyn FnMut(&mut Slot, Slot)),
    ) -> (Vec<Slot>, Writes) {
        let mut slots = slots.to_vec();
        let mut writes = Vec::new();
        let base = slots.as_ptr() as usize;
        let mut writer = |slot: &mut Slot, value: Slot| {
            let offset = (slot as *const Slot as usize - base) / size_of::<Slot>();
            writes.push((offset, *slot, value));
            *slot = value;
        };
        path(&mut slots, &mut writer);
        (slots, writes)
    }

    proptest! {
        #[test]
        fn a_fill_through_the_writer_matches_the_model_on_every_path(
            slots in slots(true),
            value in 0..8u32,
        ) {
            let value = Slot(value);
            let values = vec![value; slots.len()];
            let len = slots.len();

            for width in VectorWidth::usable() {
                let written = run(&slots, |slots, writer| {
                    // SAFETY: the CPU has every usable width.
                    unsafe {
                        fill_blocks_at(width, slots, 0..len, value, &mut |slot, value| {
                            writer(slot, value)
                        });
                    }
                });
                check(&slots, &values, &written)?;
            }
        }

        #[test]
        fn an_init_through_the_writer_matches_the_model(
            (slots, values, slots_may_be_slow) in any::<bool>().prop_flat_map(|slow| {
                (slots(slow), slots(true), Just(slow))
            }),
        ) {
            // The values arrive as `u32`s, encoded on the way in.
            let len = slots.len().min(values.len());
            let (slots, values) = (&slots[..len], &values[..len]);
            let raw: Vec<u32> = values.iter().map(|slot| slot.0).collect();
            let wrote_slow = values.iter().any(Slot::needs_slow_path);

            let mut init_slow = false;
            let written = run(slots, |slots, writer| {
                init_slow = init_blocks(
                    slots,
                    &raw,
                    &mut |bits| Slot(*bits),
                    &mut |slot, value| writer(slot, value),
                    slots_may_be_slow,
                );
            });
            check(slots, values, &written)?;
            prop_assert_eq!(init_slow, wrote_slow);
        }

        #[test]
        fn the_scan_finds_a_lone_slow_slot_on_every_path(
            (len, slow_at) in (0..300usize).prop_flat_map(|len| (Just(len), 0..len + 1)),
            fast in 0..8u32,
        ) {
            // At most one slow slot (none when `slow_at == len`), so each block's test must find
            // it wherever it is, also in the overlapping last pair of blocks.
            let mut slots = vec![Slot(fast); len];
            if let Some(slot) = slots.get_mut(slow_at) {
                *slot = Slot(fast | SLOW);
            }
            for width in VectorWidth::usable() {
                // SAFETY: the CPU has every usable width.
                let found = unsafe { holds_slow_at(width, &slots) };
                prop_assert_eq!(found, slow_at < len, "width {:?}", width);
            }
        }

        #[test]
        fn a_copy_within_in_blocks_matches_memmove_and_writes_slow_slots_through_the_writer(
            slots in any::<bool>().prop_flat_map(slots),
            (src, dst, len) in (0..300usize, 0..300usize, 0..300usize),
        ) {
            // The block walk that copies within a table when a one-pass test finds a slow slot
            // or the ranges are too long for it, on both sides of `WRITE_BLOCK` apart.
            let size = slots.len();
            let (src, dst) = (src.min(size), dst.min(size));
            let len = len.min(size - src.max(dst));
            let mut expected = slots.clone();
            expected.copy_within(src..src + len, dst);

            let (copied, writes) = run(&slots, |slots, writer| {
                copy_within_blocks(slots, src, dst, len, &mut |slot, value| writer(slot, value));
            });
            prop_assert_eq!(&copied, &expected);
            let range = dst..dst + len;
            let mut relative = Vec::new();
            for &(offset, old, new) in &writes {
                prop_assert!(range.contains(&offset), "slot {} outside the destination", offset);
                relative.push((offset - dst, old, new));
            }
            check(
                &slots[range.clone()],
                &expected[range.clone()],
                &(copied[range].to_vec(), relative),
            )?;
        }

        #[test]
        fn a_copy_through_the_writer_matches_the_model_on_every_path(
            (slots, values, slots_may_be_slow) in any::<bool>().prop_flat_map(|slow| {
                (slots(slow), slots(true), Just(slow))
            }),
        ) {
            let len = slots.len().min(values.len());
            let (slots, values) = (&slots[..len], &values[..len]);
            let wrote_slow = values.iter().any(Slot::needs_slow_path);

            for width in VectorWidth::usable() {
                let mut copied_slow = false;
                let written = run(slots, |slots, writer| {
                    // SAFETY: the CPU has every usable width.
                    copied_slow = unsafe {
                        copy_blocks_at(
                            width,
                            slots,
                            values,
                            &mut |slot, value| writer(slot, value),
                            slots_may_be_slow,
                        )
                    };
                });
                check(slots, values, &written)?;
                prop_assert_eq!(copied_slow, wrote_slow);
            }
        }
    }
}
