//! The contract a slot type must meet to live in table storage, and what an element kind tells
//! the engine about its slots.

/// A type that can be stored in a table slot.
///
/// Storage never runs constructors or destructors for slots: fresh memory comes from a zeroing
/// allocation (or from static memory the caller promises is zero), growth exposes zeroed memory,
/// and reallocation moves slots bitwise. Element crates decide what a slot *means*; this trait
/// states what storage may do with its bits, and which slots need the element kind's *slow path*
/// (`docs/semantics.md` §2): more than a bit copy when they are written or overwritten (a GC
/// heap reference, which goes through the barrier) or before they are copied (a lazy funcref
/// table's uninitialised slot, which is resolved first). Every other slot moves with `memset`
/// and `memmove`, and table-core schedules both paths.
///
/// # Safety
///
/// Implementors promise that:
/// - the all-zero bit pattern is a valid value of the type, is the table's empty element, and
///   equals [`TableElement::EMPTY`] (`bytemuck::Zeroable` states the first half);
/// - a value may be moved to another address by copying its bytes, and the old copy may be
///   forgotten without running any code (`Copy` states it, and storage also asserts
///   `!core::mem::needs_drop::<Self>()` at compile time);
/// - the type is not zero-sized.
pub unsafe trait TableElement: bytemuck::Zeroable + Copy + PartialEq + 'static {
    /// The empty element: all zero.
    const EMPTY: Self;

    /// The size in bytes of one slot, as compiled code strides through the table.
    const SIZE: usize = core::mem::size_of::<Self>();

    /// Whether any slot of this kind can need the slow path: `true` for a kind that overrides
    /// [`needs_slow_path`](TableElement::needs_slow_path). Kinds without a slow path keep the
    /// default, `false`, and then pay nothing for it: storage does not record where slow slots
    /// are (a single `set` is the store alone).
    const HAS_SLOW_PATH: bool = false;

    /// Whether writing, overwriting or copying this slot takes the element kind's slow path.
    /// Kinds without one keep the default, `false`; a kind that overrides it also sets
    /// [`HAS_SLOW_PATH`](TableElement::HAS_SLOW_PATH).
    #[inline]
    fn needs_slow_path(&self) -> bool {
        false
    }

    /// Whether any slot of `block` (a few dozen slots) needs the slow path: the test the engine
    /// runs on each block before it moves the block as bits. The default folds
    /// [`needs_slow_path`](TableElement::needs_slow_path) without branches, which vectorises
    /// for simple tests; a kind with a cheaper whole-block test overrides it.
    #[inline]
    fn block_needs_slow_path(block: &[Self]) -> bool {
        block
            .iter()
            .fold(false, |found, slot| found | slot.needs_slow_path())
    }

    /// Whether any slot of `values` or of `slots` (two blocks of the same length: what a copy
    /// writes and what it overwrites) needs the slow path. A kind whose block test ends in a
    /// reduction overrides this to reduce both blocks at once.
    #[inline]
    fn blocks_need_slow_path(values: &[Self], slots: &[Self]) -> bool {
        Self::block_needs_slow_path(values) | Self::block_needs_slow_path(slots)
    }
}

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
