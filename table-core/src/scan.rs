//! Finding slots that need the slow path, at memory speed: the scan behind lazy funcref
//! resolution and the check a GC table makes before a bulk write without its store.

use crate::TableElement;

/// Slots tested together: large enough to vectorise the test, small enough that the block with a
/// hit is searched again cheaply.
const SCAN_BLOCK: usize = 64;

/// The offset of the first of `slots` that needs the slow path, if any.
///
/// Each block is tested with the element's whole-block test
/// ([`TableElement::block_needs_slow_path`]); only the block that holds a hit is searched slot by
/// slot. An early-exit search (`iter().position`) runs one slot per iteration instead.
#[inline]
pub(crate) fn first_slow<T: TableElement>(slots: &[T]) -> Option<usize> {
    let mut base = 0;
    for block in slots.chunks(SCAN_BLOCK) {
        if T::block_needs_slow_path(block) {
            return block
                .iter()
                .position(T::needs_slow_path)
                .map(|offset| base + offset);
        }
        base += block.len();
    }
    None
}
