//! The word a funcref table slot holds, and the lazy-initialisation tag on it.
//!
//! An eager table stores null or a plain [`VMFuncRef`] pointer. A lazy table stores zero for "not
//! yet initialised", [`FUNCREF_INIT_BIT`] alone for an initialised null, and the pointer with
//! [`FUNCREF_INIT_BIT`] set for an initialised function. Reads mask the tag off with
//! [`FUNCREF_MASK`]. Tagging maps the pointer's address, so the pointer keeps its provenance.

use crate::{FuncRef, VMFuncRef};
use core::mem::{align_of, size_of};
use core::ptr::{self, NonNull};
use static_assertions::const_assert_eq;
use table_core::TableElement;
use wasmtime_environ::{FUNCREF_INIT_BIT, FUNCREF_MASK};

/// One slot of a funcref table: a possibly tagged pointer to a [`VMFuncRef`], exactly the word
/// compiled code loads from the table.
///
/// The all-zero slot is the empty element: null in an eager table, "not yet initialised" in a
/// lazy one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, bytemuck::Zeroable)]
#[repr(transparent)]
pub struct FuncSlot(*mut VMFuncRef);

// `FuncSlot::untagged` reads `Option<FuncRef>`s as slots.
const_assert_eq!(size_of::<Option<FuncRef>>(), size_of::<FuncSlot>());
const_assert_eq!(align_of::<Option<FuncRef>>(), align_of::<FuncSlot>());

// SAFETY: a null pointer is all-zero, is `EMPTY`, and is the empty slot of both encodings;
// `FuncSlot` is `Copy`, so it has no drop glue and moves bitwise; it is one pointer wide, so not
// zero-sized.
unsafe impl TableElement for FuncSlot {
    const EMPTY: FuncSlot = FuncSlot(ptr::null_mut());
    const HAS_SLOW_PATH: bool = true;

    /// The empty word: uninitialised in a lazy table, whose storage tracks such slots and
    /// resolves them before they are copied. (An eager table's storage tracks nothing, so its
    /// empty word, null, is never resolved.)
    #[inline]
    fn needs_slow_path(&self) -> bool {
        self.is_empty()
    }
}

// SAFETY: a slot is an address that this crate never dereferences; the `VMFuncRef` it names is
// itself `Send + Sync`, so handing the address to another thread grants nothing unsound.
unsafe impl Send for FuncSlot {}
// SAFETY: as for `Send`: shared access only reads the address.
unsafe impl Sync for FuncSlot {}

/// What a slot holds once the lazy-initialisation tag is interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FuncSlotValue {
    /// A lazy table's slot that was never written: the runtime must compute the module's initial
    /// element for it (and may write it back with
    /// [`FuncTable::write_resolved`](crate::FuncTable::write_resolved)).
    Uninitialized,
    /// The null function reference.
    Null,
    /// A function.
    Func(FuncRef),
}

impl FuncSlotValue {
    /// The function reference, or `None` for a slot that is not initialised yet.
    pub fn initialized(self) -> Option<Option<FuncRef>> {
        match self {
            FuncSlotValue::Uninitialized => None,
            FuncSlotValue::Null => Some(None),
            FuncSlotValue::Func(func) => Some(Some(func)),
        }
    }
}

impl FuncSlot {
    /// The slot holding `value` in a table with the given lazy-initialisation mode.
    #[inline]
    pub fn encode(value: Option<FuncRef>, lazy_init: bool) -> Self {
        let pointer = value.map_or(ptr::null_mut(), NonNull::as_ptr);
        FuncSlot(pointer.map_addr(|address| address | init_tag(lazy_init)))
    }

    /// `values` as the slots of an eager table (no tag): the same words, borrowed.
    #[inline]
    pub(crate) fn untagged(values: &[Option<FuncRef>]) -> &[FuncSlot] {
        // SAFETY: `Option<FuncRef>` is a non-null pointer or the null niche, pointer-sized and
        // pointer-aligned (asserted where `FuncSlot` is declared), and `FuncSlot` is a
        // transparent raw pointer, valid for every bit pattern: each value reads as the slot
        // `encode(value, false)` makes (its address, or null for `None`). The slice borrows
        // `values` for as long as it lives.
        unsafe { core::slice::from_raw_parts(values.as_ptr().cast::<FuncSlot>(), values.len()) }
    }

    /// What this slot means in a table with the given lazy-initialisation mode.
    #[inline]
    pub fn decode(self, lazy_init: bool) -> FuncSlotValue {
        if lazy_init && self.is_empty() {
            return FuncSlotValue::Uninitialized;
        }
        match NonNull::new(self.0.map_addr(|address| address & FUNCREF_MASK)) {
            Some(func) => FuncSlotValue::Func(func),
            None => FuncSlotValue::Null,
        }
    }

    /// The same slot value written for a table with the given lazy-initialisation mode.
    ///
    /// The empty slot of an eager table is null, so it becomes an initialised null; an
    /// uninitialised slot of a lazy table must be resolved before it is re-encoded.
    #[inline]
    pub(crate) fn reencode(self, lazy_init: bool) -> Self {
        FuncSlot(
            self.0
                .map_addr(|address| (address & FUNCREF_MASK) | init_tag(lazy_init)),
        )
    }

    /// Whether the slot is all zero (null in an eager table, uninitialised in a lazy one).
    #[inline]
    pub fn is_empty(self) -> bool {
        self.0.is_null()
    }

    /// A slot holding exactly `word`, tag bit included.
    #[inline]
    pub const fn from_raw(word: *mut VMFuncRef) -> Self {
        FuncSlot(word)
    }

    /// The word this slot holds, tag bit included.
    #[inline]
    pub const fn into_raw(self) -> *mut VMFuncRef {
        self.0
    }
}

/// The bit every written slot of a table in this mode carries.
#[inline]
const fn init_tag(lazy_init: bool) -> usize {
    if lazy_init { FUNCREF_INIT_BIT } else { 0 }
}
