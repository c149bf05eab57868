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
///
/// # Aliasing contract
///
/// `base` carries the provenance of the table's memory itself (its allocation, or the static
/// memory handed in at creation), not of a borrow of the table, so it stays valid across calls
/// of the table's safe API: reading slots with `get`/`slots` or writing them with
/// `set`/`fill`/`copy` does not invalidate it. It becomes invalid when the table grows (dynamic
/// storage may move; re-read the definition) and when the table is dropped.
///
/// Accesses through `base` share the slots with the table's API, so they must not overlap in
/// time with it: compiled code (or anyone holding the definition) may read and write slots
/// between calls into the table, but not while a reference the table's API returned (a slice, a
/// `&T`) is still in use, and not concurrently with a call into the table on another thread.
/// That is the exclusivity a `&mut` borrow of the table would give, extended to the code that
/// runs between calls, which is how a runtime's compiled code uses its tables. Writes through
/// `base` must store valid slot values for the table's element kind (each element crate states
/// what that means, for example tagged words in a lazy funcref table).
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
