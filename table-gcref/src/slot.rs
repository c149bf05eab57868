//! The slot type GC-reference tables store, and how table-core finds the heap references among
//! them.

use crate::VMGcRef;
use core::mem::{align_of, size_of};
use core::num::NonZeroU32;
use static_assertions::{assert_impl_all, const_assert_eq};
use table_core::TableElement;

/// One table slot: the raw bits of an `Option<VMGcRef>` (zero is null).
///
/// This is the element type of the [`TableStorage`](table_core::TableStorage) under a
/// [`GcRefTable`](crate::GcRefTable), and the layout compiled code reads through
/// [`vmtable`](table_core::TableStorage::vmtable). Unlike [`VMGcRef`] it is `Copy`, so that the null and
/// `i31ref` fast paths can use table-core's slice operations; its bits are private and the only
/// slots a user can build are empty ones ([`bytemuck::Zeroable`]), so copying one never duplicates
/// a heap reference behind the collector's back.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, bytemuck::Zeroable)]
#[repr(transparent)]
pub struct GcRefSlot(Option<NonZeroU32>);

const_assert_eq!(size_of::<GcRefSlot>(), size_of::<Option<VMGcRef>>());
const_assert_eq!(align_of::<GcRefSlot>(), align_of::<Option<VMGcRef>>());
assert_impl_all!(GcRefSlot: Send, Sync);

// SAFETY: a transparent `Option<NonZeroU32>`: all-zero is `None` (the null reference, which is
// the empty element and `EMPTY`), it is plain bits that move bytewise, it has no drop glue, and
// it is 4 bytes.
unsafe impl TableElement for GcRefSlot {
    const EMPTY: GcRefSlot = GcRefSlot(None);
    const HAS_SLOW_PATH: bool = true;

    /// A heap reference: writing or overwriting it goes through the GC store's barrier.
    #[inline]
    fn needs_slow_path(&self) -> bool {
        self.holds_heap()
    }

    /// The lowest set bit of a slot's raw bits is bit 0 for an `i31ref`, absent for null, and a
    /// higher bit for a heap reference (even and non-zero). So the block holds a heap reference
    /// exactly when the OR of its slots' lowest set bits has a bit above bit 0: three vector
    /// operations per group of slots (negate, and, or) with no branch, about half the work of
    /// testing each slot with `holds_heap`. Written as a mask test of the OR (rather than "above
    /// 1"), the compiler tests the vector of ORs with one `ptest` instead of reducing it to a
    /// number first.
    #[inline]
    fn block_needs_slow_path(block: &[Self]) -> bool {
        let lowest_bits = block
            .iter()
            .fold(0u32, |bits, slot| bits | (slot.lowest_bit() & !1));
        lowest_bits != 0
    }

    /// One fold over both blocks, so a copy's test ends in a single reduction and branch.
    #[inline]
    fn blocks_need_slow_path(values: &[Self], slots: &[Self]) -> bool {
        let lowest_bits = values.iter().zip(slots).fold(0u32, |bits, (value, slot)| {
            bits | (value.lowest_bit() | slot.lowest_bit()) & !1
        });
        lowest_bits != 0
    }
}

impl GcRefSlot {
    /// A slot holding a bitwise copy of `value`; the collector is not told.
    #[inline]
    pub(crate) fn unchecked_from(value: Option<&VMGcRef>) -> Self {
        GcRefSlot(value.map(VMGcRef::as_raw_non_zero))
    }

    /// The reference in this slot.
    #[inline]
    pub(crate) fn as_gc_ref(&self) -> Option<&VMGcRef> {
        // SAFETY: `VMGcRef` is a transparent `NonZeroU32`, so `Option<VMGcRef>` and
        // `Option<NonZeroU32>` share size, alignment and the zero-is-`None` niche (both asserted
        // at compile time); every `Option<NonZeroU32>` is a valid `Option<VMGcRef>`.
        unsafe { &*(&raw const self.0).cast::<Option<VMGcRef>>() }.as_ref()
    }

    /// The reference in this slot, to be overwritten through the store or rewritten by a
    /// collector.
    #[inline]
    pub(crate) fn as_gc_ref_mut(&mut self) -> &mut Option<VMGcRef> {
        // SAFETY: as in `as_gc_ref`, and the layouts are equal in both directions, so any
        // `Option<VMGcRef>` written through the reference is a valid `Option<NonZeroU32>`.
        unsafe { &mut *(&raw mut self.0).cast::<Option<VMGcRef>>() }
    }

    /// Views slots as the references they hold, mutably.
    #[inline]
    pub(crate) fn as_gc_refs_mut(slots: &mut [GcRefSlot]) -> &mut [Option<VMGcRef>] {
        // SAFETY: as in `slice_of`, in the other direction: the slices have the same layout and
        // length, any `Option<VMGcRef>` written through the result is a valid slot, and the
        // result borrows `slots` exclusively for its whole lifetime.
        unsafe { &mut *(core::ptr::from_mut(slots) as *mut [Option<VMGcRef>]) }
    }

    /// Views segment values as slots, for a bitwise copy into the table.
    #[inline]
    pub(crate) fn slice_of(values: &[Option<VMGcRef>]) -> &[GcRefSlot] {
        // SAFETY: `GcRefSlot` is a transparent `Option<NonZeroU32>`, which has the layout and
        // validity of `Option<VMGcRef>` (see `as_gc_ref`), so the slices have the same layout and
        // length; the result borrows `values` immutably for its whole lifetime.
        unsafe { &*(core::ptr::from_ref(values) as *const [GcRefSlot]) }
    }

    /// Whether the slot holds a heap reference (non-zero and even).
    ///
    /// One comparison on the raw bits, for `set`'s fast path: rotating the `i31ref` tag bit to
    /// the top maps null to 0, every `i31ref` to `2^31` or more, and every heap reference to
    /// `1..2^31`.
    #[inline]
    pub(crate) fn holds_heap(self) -> bool {
        self.raw().rotate_right(1).wrapping_sub(1) < u32::MAX >> 1
    }

    /// The lowest set bit of the raw bits: 0 for null, 1 for an `i31ref`, higher for a heap
    /// reference.
    #[inline]
    fn lowest_bit(self) -> u32 {
        let raw = self.raw();
        raw & raw.wrapping_neg()
    }

    /// The raw bits (zero for null).
    #[inline]
    fn raw(self) -> u32 {
        self.0.map_or(0, NonZeroU32::get)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Raw slot bits weighted towards the edges of each class: null, `i31ref`s (odd, including
    /// the top bit set) and heap references (even, including `2^31` alone).
    fn raw_slot() -> impl Strategy<Value = u32> {
        prop_oneof![
            Just(0u32),
            Just(1u32),
            Just(u32::MAX),
            Just(0x8000_0000u32),
            Just(2u32),
            any::<u32>().prop_map(|raw| raw | 1),
            any::<u32>().prop_map(|raw| raw & !1),
        ]
    }

    fn slots(raw: &[u32]) -> alloc::vec::Vec<GcRefSlot> {
        raw.iter()
            .map(|&raw| GcRefSlot(NonZeroU32::new(raw)))
            .collect()
    }

    proptest! {
        /// The whole-block tests agree with testing each slot on its own (short blocks often, so
        /// that a block whose only non-null slot is one heap reference comes up).
        #[test]
        fn block_tests_agree_with_the_slot_test(
            (values, overwritten) in prop_oneof![0usize..4, 0usize..70].prop_flat_map(|len| (
                proptest::collection::vec(raw_slot(), len),
                proptest::collection::vec(raw_slot(), len),
            )),
        ) {
            let (values, overwritten) = (slots(&values), slots(&overwritten));
            let any_slow = |block: &[GcRefSlot]| block.iter().any(GcRefSlot::needs_slow_path);
            prop_assert_eq!(GcRefSlot::block_needs_slow_path(&values), any_slow(&values));
            prop_assert_eq!(
                GcRefSlot::blocks_need_slow_path(&values, &overwritten),
                any_slow(&values) || any_slow(&overwritten)
            );
        }
    }
}
