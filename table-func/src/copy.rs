//! `table.copy`: within one funcref table and between two.
//!
//! A lazy table's uninitialised slot means "the module's initial element at this index", which
//! is a different value at another index or in another table. So the source range's
//! uninitialised slots are resolved and written back first; then only initialised words move,
//! in one `memmove` when both tables share a mode, re-encoded word by word when they do not.
//!
//! A runtime that initialises the source range itself (slot by slot, through
//! [`FuncTable::write_resolved`]) and then copies, as Wasmtime's instance does, uses the `*_slots`
//! copies instead: they move the words as they are and borrow the source only immutably.

use crate::{FuncRef, FuncTable, FuncTableError};
use table_core::check_range;

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

    /// Moves the words of `[src, src + len)` to `[dst, dst + len)` as they are, as `memmove`
    /// would: an uninitialised source slot stays uninitialised in the destination, where it then
    /// stands for the module's initial element at the destination index. That is the copy of
    /// `table.copy` once the runtime has initialised the source range itself; nothing is
    /// resolved here.
    ///
    /// # Errors
    ///
    /// An out-of-bounds trap when either range is out of bounds; nothing is written.
    pub fn copy_slots_within(
        &mut self,
        dst: u64,
        src: u64,
        len: u64,
    ) -> Result<(), FuncTableError> {
        let carries_uninitialized = self.may_hold_uninitialized(src, len)?;
        self.storage.copy_within(dst, src, len)?;
        self.after_slot_copy(dst, len, carries_uninitialized);
        Ok(())
    }

    /// Copies the words of `[src_index, src_index + len)` of `src` to `[dst, dst + len)` of this
    /// table as they are, borrowing `src` only immutably (so a runtime can copy between two
    /// tables it holds through one shared and one exclusive borrow). An uninitialised source slot
    /// stays uninitialised, as in [`FuncTable::copy_slots_within`]. Between tables of different
    /// modes the words are re-encoded, which needs every copied slot to be initialised.
    ///
    /// # Errors
    ///
    /// An out-of-bounds trap when either range is out of bounds;
    /// [`FuncTableError::Uninitialized`] when the tables differ in mode and the source range holds
    /// an uninitialised slot. Nothing is written on error.
    pub fn copy_slots_from(
        &mut self,
        src: &FuncTable,
        dst: u64,
        src_index: u64,
        len: u64,
    ) -> Result<(), FuncTableError> {
        check_range(self.size(), dst, len)?;
        let carries_uninitialized = src.may_hold_uninitialized(src_index, len)?;
        if self.lazy_init == src.lazy_init {
            self.storage.copy_from(&src.storage, dst, src_index, len)?;
        } else {
            if let Some(index) = src.first_uninitialized(src_index, len)? {
                return Err(FuncTableError::Uninitialized { index });
            }
            let from = src.storage.range(src_index, len)?;
            let to = self.storage.range_mut(dst, len)?;
            let lazy_init = self.lazy_init;
            for (to, from) in to.iter_mut().zip(from) {
                *to = from.reencode(lazy_init);
            }
        }
        self.after_slot_copy(dst, len, carries_uninitialized && self.lazy_init);
        Ok(())
    }

    /// Whether `[start, start + len)` (checked here) may hold an uninitialised slot, by the
    /// table's bound alone: no scan.
    fn may_hold_uninitialized(&self, start: u64, len: u64) -> Result<bool, FuncTableError> {
        let requested = check_range(self.size(), start, len)?;
        Ok(self.lazy_init && !self.maybe_uninitialized.within(requested).is_empty())
    }

    /// Updates the bound after words were copied into `[dst, dst + len)` (checked): they may
    /// include uninitialised ones when the source range could.
    fn after_slot_copy(&mut self, dst: u64, len: u64, carries_uninitialized: bool) {
        if carries_uninitialized {
            // A checked non-empty range: both ends fit in `usize`.
            let start = dst as usize;
            self.maybe_uninitialized
                .may_be_uninitialized(start..start + len as usize);
        } else {
            self.mark_initialized(dst, len);
        }
    }
}
