//! Bulk writes with a GC store at hand, one block of slots at a time.
//!
//! Scanning a whole range for heap references and then moving it with one slice operation reads
//! the memory twice (three times for copies: source, destination, then the move). Instead, each
//! block of [`BLOCK`] slots is scanned just before it is written: a block in which neither the
//! values written nor the slots overwritten hold a heap reference moves with one slice operation
//! (`fill`, `copy_from_slice`); any other block is written element by element through the
//! barrier. A table of nulls and `i31ref`s therefore costs one pass over memory.
//!
//! The block is short (two cache lines) on purpose. Measured on a table larger than the L2
//! cache, scanning a block and writing it right away costs little more than the write alone,
//! while scanning a long block (512 slots) before writing it costs as much as two separate
//! passes. Short constant-length blocks also let the compiler unroll the scan and inline the
//! copy.
//!
//! This needs the store: without one, a heap reference found in a late block would be reported
//! after earlier blocks were written, and an operation refused for want of a store must change
//! nothing. Callers without a store scan the whole range first instead.

use crate::barrier::write_through;
use crate::slot::any_heap;
use crate::{GcRefSlot, GcStore, VMGcRef};
use core::ops::Range;

/// Slots per block: 128 bytes, two cache lines. The block-edge tests (`tests/block_boundaries.rs`
/// and the model test) use ranges of hundreds of slots; keep this far below that.
pub(crate) const BLOCK: usize = 32;

/// Writes an owned copy of `value` into each of `slots`, releasing what each held.
pub(crate) fn fill(slots: &mut [GcRefSlot], value: Option<&VMGcRef>, store: &mut dyn GcStore) {
    let bits = GcRefSlot::unchecked_from(value);
    if bits.holds_heap() {
        // Every slot takes a clone: there is no bit-moving block to find.
        fill_through(slots, value, store);
        return;
    }
    let mut blocks = slots.chunks_exact_mut(BLOCK);
    for block in &mut blocks {
        fill_block(block, bits, value, store);
    }
    fill_block(blocks.into_remainder(), bits, value, store);
}

/// Fills one block with `bits` (the non-heap `value`): as a slice when it overwrites no heap
/// reference, otherwise through the barrier.
#[inline(always)]
fn fill_block(
    block: &mut [GcRefSlot],
    bits: GcRefSlot,
    value: Option<&VMGcRef>,
    store: &mut dyn GcStore,
) {
    if any_heap(block) {
        fill_through(block, value, store);
    } else {
        block.fill(bits);
    }
}

/// Writes `value` into each of `slots` through the barrier.
#[inline(never)]
fn fill_through(slots: &mut [GcRefSlot], value: Option<&VMGcRef>, store: &mut dyn GcStore) {
    for slot in slots {
        write_through(slot, value, store);
    }
}

/// Writes an owned copy of each of `values` into the slot at the same position of `slots`,
/// releasing what each held. The slices have the same length and do not overlap.
pub(crate) fn copy(slots: &mut [GcRefSlot], values: &[GcRefSlot], store: &mut dyn GcStore) {
    let mut blocks = slots.chunks_exact_mut(BLOCK);
    let mut sources = values.chunks_exact(BLOCK);
    for (block, values) in (&mut blocks).zip(&mut sources) {
        copy_block(block, values, store);
    }
    copy_block(blocks.into_remainder(), sources.remainder(), store);
}

/// Copies `values` into `block`: as a slice when no heap reference is involved, otherwise
/// through the barrier.
#[inline(always)]
fn copy_block(block: &mut [GcRefSlot], values: &[GcRefSlot], store: &mut dyn GcStore) {
    // One fold over both, so the common case is a single branch per block.
    if any_heap(values) | any_heap(block) {
        copy_through(block, values, store);
    } else {
        block.copy_from_slice(values);
    }
}

/// Writes each of `values` into the slot at the same position of `slots` through the barrier.
#[inline(never)]
fn copy_through(slots: &mut [GcRefSlot], values: &[GcRefSlot], store: &mut dyn GcStore) {
    for (slot, value) in slots.iter_mut().zip(values) {
        write_through(slot, value.as_gc_ref(), store);
    }
}

/// Copies the `len` slots from index `src` to index `dst` of `slots`, as `memmove` would: each
/// destination slot ends up with an owned copy of the source slot's original value and releases
/// what it held. Both ranges are in bounds.
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
/// copied with [`copy`], forwards, in blocks. Closer ranges are walked a block at a time, each
/// block moved with `copy_within` (itself a `memmove`) or, through the barrier, element by
/// element in `memmove` direction.
pub(crate) fn copy_within(
    slots: &mut [GcRefSlot],
    src: usize,
    dst: usize,
    len: usize,
    store: &mut dyn GcStore,
) {
    let distance = src.abs_diff(dst);
    let backwards = dst > src;
    if distance >= BLOCK {
        in_memmove_order(len, distance.min(len), backwards, |offsets| {
            copy_disjoint_piece(slots, src, dst, offsets, store);
        });
    } else {
        in_memmove_order(len, BLOCK, backwards, |offsets| {
            copy_overlapping_block(slots, src, dst, offsets, backwards, store);
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

/// Copies a piece whose source and destination slots do not overlap, in blocks.
fn copy_disjoint_piece(
    slots: &mut [GcRefSlot],
    src: usize,
    dst: usize,
    offsets: Range<usize>,
    store: &mut dyn GcStore,
) {
    let (from, to, len) = (src + offsets.start, dst + offsets.start, offsets.len());
    if from < to {
        let (head, tail) = slots.split_at_mut(to);
        copy(&mut tail[..len], &head[from..from + len], store);
    } else {
        let (head, tail) = slots.split_at_mut(from);
        copy(&mut head[to..to + len], &tail[..len], store);
    }
}

/// Copies one block whose source and destination may overlap: bits when no heap reference is
/// involved, otherwise through the barrier, element by element (from the end when `backwards`).
fn copy_overlapping_block(
    slots: &mut [GcRefSlot],
    src: usize,
    dst: usize,
    offsets: Range<usize>,
    backwards: bool,
    store: &mut dyn GcStore,
) {
    let from = src + offsets.start..src + offsets.end;
    let to = dst + offsets.start..dst + offsets.end;
    if any_heap(&slots[from.clone()]) | any_heap(&slots[to.clone()]) {
        let pairs = to.zip(from);
        if backwards {
            for (to, from) in pairs.rev() {
                copy_slot(slots, to, from, store);
            }
        } else {
            for (to, from) in pairs {
                copy_slot(slots, to, from, store);
            }
        }
    } else {
        slots.copy_within(from, to.start);
    }
}

/// Copies slot `from` to slot `to` of `slots` through the barrier.
#[inline]
fn copy_slot(slots: &mut [GcRefSlot], to: usize, from: usize, store: &mut dyn GcStore) {
    // The value stays owned by slot `from`; the barrier clones it before `to`'s old value goes.
    let value = slots[from];
    write_through(&mut slots[to], value.as_gc_ref(), store);
}
