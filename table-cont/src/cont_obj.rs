//! The continuation reference a slot holds, laid out as compiled code reads it.

use core::marker::{PhantomData, PhantomPinned};
use core::mem::{align_of, size_of};
use core::ptr::NonNull;
use memoffset::offset_of;
use static_assertions::{assert_impl_all, const_assert_eq};

/// A continuation owned by the runtime, known to tables only by address.
///
/// Tables never create, read or free one; the type exists so [`VMContObj`] points at something
/// that cannot be confused with other runtime objects. It cannot be constructed, moved out of a
/// pointer, or sent between threads by itself.
#[repr(C)]
pub struct VMContRef {
    _opaque: [u8; 0],
    _not_send_sync_or_unpin: PhantomData<(*mut u8, PhantomPinned)>,
}

/// A reference to a continuation: its address and the revision it had when the reference was
/// taken.
///
/// `#[repr(C)]` with the pointer at `PtrSize::vmcontobj_contref` and the revision at
/// `PtrSize::vmcontobj_revision`, `PtrSize::size_of_vmcontobj` bytes in all. Because `contref` is
/// non-null, `Option<VMContObj>` has the same size and its all-zero bit pattern is `None`; a table
/// slot is exactly that option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(C)]
pub struct VMContObj {
    /// The continuation.
    pub contref: NonNull<VMContRef>,
    /// The revision of `contref` this reference was taken at; a runtime compares it with the
    /// continuation's current revision to reject a reference to an already-resumed continuation.
    pub revision: usize,
}

impl VMContObj {
    /// A reference to `contref` at `revision`.
    #[inline]
    pub const fn new(contref: NonNull<VMContRef>, revision: usize) -> Self {
        VMContObj { contref, revision }
    }
}

// SAFETY: a `VMContObj` is a pair of numbers to a table: nothing here dereferences `contref`. The
// runtime that does (to resume the continuation) must already own the continuation's store on
// the resuming thread, so moving the reference between threads grants no access by itself.
unsafe impl Send for VMContObj {}
// SAFETY: as for `Send`: a shared `&VMContObj` only reads the two numbers.
unsafe impl Sync for VMContObj {}

// The layout promise compiled code relies on; `tests/layout.rs` compares these numbers with
// `wasmtime_environ::PtrSize` for the host pointer size and for 64-bit targets.
const_assert_eq!(offset_of!(VMContObj, contref), 0);
const_assert_eq!(offset_of!(VMContObj, revision), size_of::<usize>());
const_assert_eq!(size_of::<VMContObj>(), 2 * size_of::<usize>());
const_assert_eq!(align_of::<VMContObj>(), align_of::<usize>());
const_assert_eq!(size_of::<Option<VMContObj>>(), size_of::<VMContObj>());
assert_impl_all!(VMContObj: Send, Sync, Copy);
