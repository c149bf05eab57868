//! The table definition that compiled code reads at fixed offsets.

use core::mem::{align_of, size_of};
use memoffset::offset_of;
use static_assertions::const_assert_eq;

/// The base pointer and current element count of a table, as JIT code reads them.
///
/// The layout is `#[repr(C)]` with two pointer-sized fields at the offsets that
/// `wasmtime_environ::VMOffsets::{vmtable_definition_base, vmtable_definition_current_elements}`
/// give. A runtime stores one per table in its vmctx and must re-read it after every grow,
/// because a dynamic table may move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
pub struct VMTableDefinition {
    /// Address of slot 0.
    pub base: *mut u8,
    /// Number of slots currently in the table.
    pub current_elements: usize,
}

// SAFETY: a definition is a snapshot of two numbers; it grants no access by itself. Whoever
// dereferences `base` must prove access through the table it came from, on any thread.
unsafe impl Send for VMTableDefinition {}
// SAFETY: as for `Send`: shared references to the snapshot only read the two numbers.
unsafe impl Sync for VMTableDefinition {}

// The layout promise compiled code relies on; `tests/vmtable_layout.rs` compares these numbers
// with `wasmtime_environ::VMOffsets` for the host pointer size.
const_assert_eq!(offset_of!(VMTableDefinition, base), 0);
const_assert_eq!(
    offset_of!(VMTableDefinition, current_elements),
    size_of::<usize>()
);
const_assert_eq!(size_of::<VMTableDefinition>(), 2 * size_of::<usize>());
const_assert_eq!(align_of::<VMTableDefinition>(), align_of::<usize>());
