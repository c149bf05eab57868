//! The GC reference a slot holds: a heap index or an unboxed `i31ref`.

use crate::{GcTableError, I31};
use core::mem::{align_of, size_of};
use core::num::NonZeroU32;
use static_assertions::{assert_impl_all, assert_not_impl_any, const_assert, const_assert_eq};

/// A non-null GC reference: 32 bits, never zero.
///
/// An odd value is an unboxed `i31ref` whose payload lives in the upper 31 bits; it names no heap
/// object and needs no GC bookkeeping. An even value is the index of an object in the runtime's
/// GC heap; copying or discarding it must go through the collector ([`GcStore`](crate::GcStore)).
/// That is why this type is neither `Copy` nor `Clone`: a second reference comes from
/// [`GcStore::clone_gc_ref`](crate::GcStore::clone_gc_ref), or, where the caller takes on the
/// bookkeeping itself, from [`VMGcRef::unchecked_copy`].
///
/// `Option<VMGcRef>` is 4 bytes and zero is `None` (the null reference), which is what a table
/// slot stores.
#[derive(PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct VMGcRef(NonZeroU32);

/// The low bit that marks an `i31ref`; `wasmtime_environ::I31_DISCRIMINANT`.
const I31_TAG: u32 = 1;

const_assert_eq!(NonZeroU32::MIN.get(), I31_TAG);
const_assert_eq!(size_of::<VMGcRef>(), 4);
const_assert_eq!(align_of::<VMGcRef>(), 4);
const_assert_eq!(size_of::<Option<VMGcRef>>(), 4);
const_assert_eq!(align_of::<Option<VMGcRef>>(), 4);
// SAFETY: `Option<VMGcRef>` is 4 bytes (asserted above) and every 4-byte pattern is an
// initialised `u32`; the assertion checks that the zero pattern is `None`.
const_assert!(unsafe { core::mem::transmute::<u32, Option<VMGcRef>>(0) }.is_none());
assert_impl_all!(VMGcRef: Send, Sync);
assert_not_impl_any!(VMGcRef: Clone, Copy);

impl VMGcRef {
    /// The reference with raw bits `raw`, or `None` (null) when `raw` is zero.
    #[inline]
    pub const fn from_raw_u32(raw: u32) -> Option<Self> {
        match NonZeroU32::new(raw) {
            Some(raw) => Some(VMGcRef(raw)),
            None => None,
        }
    }

    /// The reference with raw bits `raw`.
    #[inline]
    pub const fn from_raw_non_zero(raw: NonZeroU32) -> Self {
        VMGcRef(raw)
    }

    /// A reference to the heap object at `index`.
    ///
    /// # Errors
    ///
    /// [`GcTableError::InvalidHeapIndex`] when `index` is zero or odd: those bit patterns mean
    /// null and `i31ref`.
    #[inline]
    pub const fn from_heap_index(index: u32) -> Result<Self, GcTableError> {
        match NonZeroU32::new(index) {
            Some(raw) if index & I31_TAG == 0 => Ok(VMGcRef(raw)),
            _ => Err(GcTableError::InvalidHeapIndex { index }),
        }
    }

    /// The unboxed `i31ref` carrying `value`.
    #[inline]
    pub const fn from_i31(value: I31) -> Self {
        // `NonZeroU32::MIN` is the tag bit. The payload is below 2^31, so the shift loses nothing
        // and adding the tag to the (even) shifted payload never saturates.
        VMGcRef(NonZeroU32::MIN.saturating_add(value.get_u32() << 1))
    }

    /// The raw bits.
    #[inline]
    pub const fn as_raw_u32(&self) -> u32 {
        self.0.get()
    }

    /// The raw bits, non-zero.
    #[inline]
    pub const fn as_raw_non_zero(&self) -> NonZeroU32 {
        self.0
    }

    /// Whether this is an unboxed `i31ref`.
    #[inline]
    pub const fn is_i31(&self) -> bool {
        self.0.get() & I31_TAG == I31_TAG
    }

    /// Whether this refers to an object in the GC heap, so copies and drops need the collector.
    #[inline]
    pub const fn is_heap(&self) -> bool {
        !self.is_i31()
    }

    /// The payload, if this is an `i31ref`.
    #[inline]
    pub const fn as_i31(&self) -> Option<I31> {
        if self.is_i31() {
            Some(I31::wrapping_u32(self.0.get() >> 1))
        } else {
            None
        }
    }

    /// The heap index, if this refers to a heap object.
    #[inline]
    pub const fn as_heap_index(&self) -> Option<NonZeroU32> {
        if self.is_heap() { Some(self.0) } else { None }
    }

    /// A bitwise copy that the collector is not told about.
    ///
    /// For an `i31ref` this is an ordinary copy. For a heap reference the copy does not own a
    /// reference count (or root) of its own: the caller must make sure the object outlives it, and
    /// must not drop it through the store unless it was accounted for some other way. Use
    /// [`GcStore::clone_gc_ref`](crate::GcStore::clone_gc_ref) for an owned copy.
    #[inline]
    pub const fn unchecked_copy(&self) -> Self {
        VMGcRef(self.0)
    }
}

impl core::fmt::Debug for VMGcRef {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.as_i31() {
            Some(value) => write!(f, "VMGcRef::I31({})", value.get_u32()),
            None => write!(f, "VMGcRef::Heap({:#x})", self.0),
        }
    }
}
