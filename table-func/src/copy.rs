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

use crate::{FuncRef, FuncSlot, FuncTable, FuncTableError};

impl FuncTable {
    /// Copies `[src, src + len)` to `[dst, dst + len)`; overlapping ranges behave like `memmove`.
    ///
    /// In a lazy table, the source range's uninitialised slots are first initialised with
    /// `resolve(index)` (see [`FuncTable::resolve_range`]); without a resolver, an uninitialised
    /// source slot is an error.
    ///
    /// # Errors
    ///
    /// An out-of-bounds trap when either range is out of bounds; then
    /// [`FuncTableError::Uninitialized`] when there is no resolver and the source range holds an
    /// uninitialised slot. Nothing is written on error, and `resolve` is not called.
    pub fn copy_within(
        &mut self,
        dst: u64,
        src: u64,
        len: u64,
        resolve: Option<&mut dyn FnMut(u64) -> Option<FuncRef>>,
    ) -> Result<(), FuncTableError> {
        let resolve = resolve.map(|resolve| move |index| FuncSlot::encode(resolve(index), true));
        Ok(self.storage.copy_within_resolved(dst, src, len, resolve)?)
    }

    /// Copies `[src_index, src_index + len)` of `src` to `[dst, dst + len)` of this table.
    ///
    /// When `src` is lazy, its uninitialised slots in the range are first initialised with
    /// `resolve(index)` (see [`FuncTable::resolve_range`]); without a resolver, an uninitialised
    /// source slot is an error. Words are re-encoded when the two tables differ in mode.
    ///
    /// # Errors
    ///
    /// As for [`FuncTable::copy_within`].
    pub fn copy_from(
        &mut self,
        src: &mut FuncTable,
        dst: u64,
        src_index: u64,
        len: u64,
        resolve: Option<&mut dyn FnMut(u64) -> Option<FuncRef>>,
    ) -> Result<(), FuncTableError> {
        let resolve = resolve.map(|resolve| move |index| FuncSlot::encode(resolve(index), true));
        let convert = self.reencoding_from(src);
        Ok(self.storage.copy_from_resolved(
            &mut src.storage,
            dst,
            src_index,
            len,
            resolve,
            convert,
        )?)
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
        Ok(self.storage.copy_within(dst, src, len)?)
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
        let convert = self.reencoding_from(src);
        Ok(self
            .storage
            .copy_from_converted(&src.storage, dst, src_index, len, convert)?)
    }

    /// The conversion of `src`'s words into this table's mode, when the modes differ.
    fn reencoding_from(&self, src: &FuncTable) -> Option<impl Fn(FuncSlot) -> FuncSlot + use<>> {
        let lazy_init = self.lazy_init;
        (lazy_init != src.lazy_init).then_some(move |slot: FuncSlot| slot.reencode(lazy_init))
    }
}
