//! The slot type continuation tables store.

use crate::{VMContObj, VMContRef};
use core::mem::{offset_of, size_of};
use core::ptr::NonNull;
use static_assertions::{assert_impl_all, const_assert_eq};
use table_core::TableElement;

/// One continuation-table slot: null (both words zero) or a continuation reference.
///
/// The slot has `VMContObj`'s layout, but writes both words even for null: an
/// `Option<VMContObj>` stores `None` in the pointer niche alone and leaves the revision word
/// undefined, while compiled code, a debugger or a memory checker may read the whole slot. Every
/// null slot is therefore all-zero, exactly like a slot fresh from zeroed storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, bytemuck::Zeroable)]
#[repr(C)]
pub struct ContSlot {
    contref: Option<NonNull<VMContRef>>,
    revision: usize,
}

impl ContSlot {
    /// The element this slot holds.
    #[inline]
    pub fn get(self) -> Option<VMContObj> {
        self.contref
            .map(|contref| VMContObj::new(contref, self.revision))
    }
}

impl From<Option<VMContObj>> for ContSlot {
    #[inline]
    fn from(value: Option<VMContObj>) -> Self {
        match value {
            Some(obj) => ContSlot {
                contref: Some(obj.contref),
                revision: obj.revision,
            },
            None => ContSlot::EMPTY,
        }
    }
}

impl From<ContSlot> for Option<VMContObj> {
    #[inline]
    fn from(slot: ContSlot) -> Self {
        slot.get()
    }
}

// SAFETY: as for `VMContObj`: to a table a slot is two numbers; nothing here dereferences
// `contref`, and whoever resumes the continuation must own its store on that thread.
unsafe impl Send for ContSlot {}
// SAFETY: as for `Send`: a shared `&ContSlot` only reads the two numbers.
unsafe impl Sync for ContSlot {}

// SAFETY: all-zero is `contref: None, revision: 0`, the null slot and `EMPTY`; a pointer and an
// integer move bitwise and have no drop glue; the slot is two words wide. No slot needs a slow
// path: every operation moves bits.
unsafe impl TableElement for ContSlot {
    /// The empty (null) slot: both words zero.
    const EMPTY: ContSlot = ContSlot {
        contref: None,
        revision: 0,
    };
}

// The slot is laid out exactly like the `VMContObj` compiled code expects.
const_assert_eq!(size_of::<ContSlot>(), size_of::<VMContObj>());
const_assert_eq!(
    offset_of!(ContSlot, contref),
    offset_of!(VMContObj, contref)
);
const_assert_eq!(
    offset_of!(ContSlot, revision),
    offset_of!(VMContObj, revision)
);
assert_impl_all!(ContSlot: Send, Sync, Copy);
