//! `table.copy`: within one funcref table and between two.
//!
//! A lazy table's uninitialised slot means "the module's initial element at this index", which
//! is a different value at another index or in another table. So the source range's
//! uninitialised slots are resolved and written back first; then only initialised words move,
//! in one `memmove` when both tables share a mode, re-encoded word by word when they do not.

use crate::{FuncRef, FuncTable, FuncTableError};

impl FuncTable {
    /// Copies `[src, src + len)` to `[dst, dst + len)`; overlapping ranges behave like `memmove`.
    ///
    /// In a lazy table, the source range's uninitialised slots are first initialised with
    /// `resolve(index)` (see [`FuncTable::resolve_range`]).
    ///
    /// # Errors
    ///
    /// An out-of-bounds trap when either range is out of bounds; nothing is written and
    /// `resolve` is not called.
    pub fn copy_within(
        &mut self,
        dst: u64,
        src: u64,
        len: u64,
        resolve: &mut dyn FnMut(u64) -> Option<FuncRef>,
    ) -> Result<(), FuncTableError> {
        // The destination is checked before the source range is resolved, so a trap writes
        // nothing at all.
        self.storage.range(dst, len)?;
        self.resolve_range(src, len, resolve)?;
        self.storage.copy_within(dst, src, len)?;
        // Only initialised words moved, so the destination is initialised now.
        self.mark_initialized(dst, len);
        Ok(())
    }

    /// Copies `[src_index, src_index + len)` of `src` to `[dst, dst + len)` of this table.
    ///
    /// When `src` is lazy, its uninitialised slots in the range are first initialised with
    /// `resolve(index)` (see [`FuncTable::resolve_range`]). Words are re-encoded when the two
    /// tables differ in mode.
    ///
    /// # Errors
    ///
    /// An out-of-bounds trap when either range is out of bounds; nothing is written and
    /// `resolve` is not called.
    pub fn copy_from(
        &mut self,
        src: &mut FuncTable,
        dst: u64,
        src_index: u64,
        len: u64,
        resolve: &mut dyn FnMut(u64) -> Option<FuncRef>,
    ) -> Result<(), FuncTableError> {
        self.storage.range(dst, len)?;
        src.resolve_range(src_index, len, resolve)?;
        if self.lazy_init == src.lazy_init {
            self.storage.copy_from(&src.storage, dst, src_index, len)?;
        } else {
            let from = src.storage.range(src_index, len)?;
            let to = self.storage.range_mut(dst, len)?;
            let lazy_init = self.lazy_init;
            for (to, from) in to.iter_mut().zip(from) {
                *to = from.reencode(lazy_init);
            }
        }
        // Resolved or re-encoded words are all initialised in this table's mode.
        self.mark_initialized(dst, len);
        Ok(())
    }
}
