//! The contract a slot type must meet to live in table storage.

/// A type that can be stored in a table slot.
///
/// Storage never runs constructors or destructors for slots: fresh memory comes from a zeroing
/// allocation (or from static memory the caller promises is zero), growth exposes zeroed memory,
/// and reallocation moves slots bitwise. Element crates decide what a slot *means*; this trait only
/// states what storage may do with its bits.
///
/// # Safety
///
/// Implementors promise that:
/// - the all-zero bit pattern is a valid value of the type and is the table's empty element
///   (`bytemuck::Zeroable` states the first half);
/// - a value may be moved to another address by copying its bytes, and the old copy may be
///   forgotten without running any code (the type has no `Drop` glue; storage also asserts
///   `!core::mem::needs_drop::<Self>()` at compile time);
/// - the type is not zero-sized.
pub unsafe trait TableElement: bytemuck::Zeroable + 'static {}

/// Compile-time proof, evaluated per element type, that the type meets the checkable part of
/// the [`TableElement`] contract.
pub(crate) const fn assert_element_contract<T: TableElement>() {
    assert!(
        !core::mem::needs_drop::<T>(),
        "table elements must not have drop glue"
    );
    assert!(
        core::mem::size_of::<T>() != 0,
        "table elements must not be zero-sized"
    );
}
