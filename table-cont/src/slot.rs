//! The slot type continuation tables store.

use crate::VMContObj;
use core::mem::size_of;
use static_assertions::{assert_impl_all, const_assert_eq};
use table_core::TableElement;

/// One continuation-table slot: `None` (null, all-zero) or a continuation reference.
///
/// A transparent wrapper so `table-core`'s [`TableElement`] can be implemented for the slot; it
/// has exactly the layout of `Option<VMContObj>`, and `bytemuck::TransparentWrapper` converts
/// whole slices between the two without copying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[derive(bytemuck::Zeroable, bytemuck::TransparentWrapper)]
#[repr(transparent)]
pub struct ContSlot(pub Option<VMContObj>);

impl From<Option<VMContObj>> for ContSlot {
    #[inline]
    fn from(value: Option<VMContObj>) -> Self {
        ContSlot(value)
    }
}

impl From<ContSlot> for Option<VMContObj> {
    #[inline]
    fn from(slot: ContSlot) -> Self {
        slot.0
    }
}

// SAFETY: all-zero is `None`, the empty element (proved below during compilation); an `Option` of
// a pointer and an integer moves bitwise and has no drop glue; the slot is two words wide.
unsafe impl TableElement for ContSlot {}

const_assert_eq!(size_of::<ContSlot>(), size_of::<VMContObj>());
assert_impl_all!(ContSlot: Send, Sync, Copy);

/// Evaluated by the compiler: the all-zero slot is a valid value and it is `None`. If the option
/// stored its discriminant anywhere but in the null niche of `contref`, the sizes would differ and
/// the transmute would not compile; if zero were not `None`, evaluation would fail.
const _: () = {
    // SAFETY: `[usize; 2]` and `ContSlot` have the same size (asserted above); const evaluation
    // rejects the read below if the zero bits are not a valid `Option<VMContObj>`.
    let zero = unsafe { core::mem::transmute::<[usize; 2], ContSlot>([0; 2]) };
    assert!(zero.0.is_none(), "the all-zero continuation slot must be None");
};
