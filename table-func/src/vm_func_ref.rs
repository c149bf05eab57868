//! The record a funcref points to, in the layout compiled code reads.

use core::ffi::c_void;
use core::mem::{align_of, size_of};
use core::ptr::NonNull;
use memoffset::offset_of;
use static_assertions::{const_assert, const_assert_eq};
use wasmtime_environ::{FUNCREF_INIT_BIT, VMSharedTypeIndex};

/// A function reference as a table stores it: a pointer to the function's [`VMFuncRef`].
///
/// The table copies these pointers around and tags them, but never reads through them; whoever
/// created the record keeps it alive while any table may hold it.
pub type FuncRef = NonNull<VMFuncRef>;

/// Everything compiled code needs to call a function through a table.
///
/// `#[repr(C)]` with the field order `wasmtime-environ`'s `PtrSize::vm_func_ref_*` offsets
/// describe: four pointer-sized words (the type index is padded to one). The sizes and offsets are
/// asserted below for the host and compared with `wasmtime-environ` for 4- and 8-byte pointers
/// in `tests/layout.rs`.
#[derive(Debug, Clone, Copy)]
#[repr(C)]
pub struct VMFuncRef {
    /// Entry point taking arguments and results through an array of values (host calling
    /// convention); every function has one.
    pub array_call: NonNull<c_void>,
    /// Entry point with the WebAssembly calling convention; null until the function's compiled
    /// code is known (for example an imported host function not yet wired up).
    pub wasm_call: Option<NonNull<c_void>>,
    /// The engine-wide canonical type of the function, checked by `call_indirect`.
    pub type_index: VMSharedTypeIndex,
    /// The context the callee runs with (its instance's vmctx, or a host context).
    pub vmctx: NonNull<c_void>,
}

// SAFETY: a `VMFuncRef` is an immutable record of code and context addresses; the runtime that
// builds it guarantees those may be used from any thread (compiled code is shared by all threads
// of an engine). Nothing in this crate reads through the pointers.
unsafe impl Send for VMFuncRef {}
// SAFETY: as for `Send`: shared access only reads the addresses.
unsafe impl Sync for VMFuncRef {}

const POINTER: usize = size_of::<usize>();

// The layout compiled code relies on (PtrSize::vm_func_ref_* for the host pointer size).
const_assert_eq!(offset_of!(VMFuncRef, array_call), 0);
const_assert_eq!(offset_of!(VMFuncRef, wasm_call), POINTER);
const_assert_eq!(offset_of!(VMFuncRef, type_index), 2 * POINTER);
const_assert_eq!(offset_of!(VMFuncRef, vmctx), 3 * POINTER);
const_assert_eq!(size_of::<VMFuncRef>(), 4 * POINTER);
const_assert_eq!(align_of::<VMFuncRef>(), POINTER);
const_assert_eq!(size_of::<VMSharedTypeIndex>(), size_of::<u32>());
// A nullable entry point must stay one word, with null meaning "none".
const_assert_eq!(size_of::<Option<NonNull<c_void>>>(), POINTER);
// Lazy tables tag a pointer's low bit: every `VMFuncRef` address must leave it clear.
const_assert!(align_of::<VMFuncRef>() > FUNCREF_INIT_BIT);
