//! `table.copy`: within one funcref table and between two.
//!
//! A lazy table's uninitialised slot means "the module's initial element at this index", which
//! is a different value at another index or in another table. Within one table, the source
//! range's uninitialised slots are resolved and written back first, then the words move. Between
//! two tables the source is only read: the words move (one `memmove` when both tables share a
//! mode, re-encoded word by word when they do not), and each uninitialised word that arrived is
//! replaced by the value for its source index, in one pass over the destination's bound.
//!
//! A runtime that initialises the source range itself (slot by slot, through
//! [`FuncTable::write_resolved`]) and then copies, as Wasmtime's instance does, uses the `*_slots`
//! copies instead: they move the words as they are and look for no uninitialised slot.

use crate::{FuncRef, FuncSlot, FuncSlotValue, FuncTable, FuncTableError};
use table_core::{Bits, OutOfBounds, SlotWriter, SlowSlots};

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
        self.check_destination(dst, len)?;
        self.resolve_source(src, len, resolve)?;
        Ok(self.storage.copy_within(dst, src, len, Bits)?)
    }

    /// Copies `[src_index, src_index + len)` of `src` to `[dst_index, dst_index + len)` of this table,
    /// borrowing `src` only immutably (so a runtime copies between two tables it holds through
    /// one shared and one exclusive borrow).
    ///
    /// Where `src` is lazy, its uninitialised slots in the range are copied as `resolve(index)`
    /// (the source index; see [`FuncTable::resolve_range`]) and stay uninitialised in `src`;
    /// without a resolver, an uninitialised source slot is an error. Words are re-encoded when
    /// the two tables differ in mode.
    ///
    /// # Errors
    ///
    /// As for [`FuncTable::copy_within`].
    pub fn copy_from(
        &mut self,
        src: &FuncTable,
        dst_index: u64,
        src_index: u64,
        len: u64,
        resolve: Option<&mut dyn FnMut(u64) -> Option<FuncRef>>,
    ) -> Result<(), FuncTableError> {
        self.check_destination(dst_index, len)?;
        let resolve = match resolve {
            // Both lazy: the words move, then each uninitialised source slot is found (a read of
            // the source, inside its bound) and its value written at its destination. Reading
            // the source rather than the destination keeps the search off the lines the move
            // has just written, which a load would wait for.
            Some(resolve) if self.lazy_init && src.lazy_init => {
                self.storage
                    .copy_from(&src.storage, dst_index, src_index, len, Bits)?;
                let (mut next, end) = (src_index, src_index + len);
                while let Some(index) = src.storage.first_slow(next, end - next)? {
                    let slot = FuncSlot::encode(resolve(index), true);
                    self.storage
                        .set(index - src_index + dst_index, slot, Bits)?;
                    next = index + 1;
                }
                return Ok(());
            }
            resolve => resolve,
        };
        let Some(first) = src.storage.first_slow(src_index, len)? else {
            // The source range is initialised: its words move (re-encoded between modes).
            return self.copy_slots_from(src, dst_index, src_index, len);
        };
        let Some(resolve) = resolve else {
            return Err(FuncTableError::Uninitialized { index: first });
        };
        // A lazy source into an eager table: element by element, each resolved if need be.
        for offset in 0..len {
            let index = src_index + offset;
            let value = match src.read(index)? {
                FuncSlotValue::Uninitialized => resolve(index),
                FuncSlotValue::Null => None,
                FuncSlotValue::Func(func) => Some(func),
            };
            self.set(dst_index + offset, value)?;
        }
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
        Ok(self.storage.copy_within(dst, src, len, Bits)?)
    }

    /// Copies the words of `[src_index, src_index + len)` of `src` to `[dst_index, dst_index + len)` of this
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
        dst_index: u64,
        src_index: u64,
        len: u64,
    ) -> Result<(), FuncTableError> {
        if self.lazy_init == src.lazy_init {
            return Ok(self
                .storage
                .copy_from(&src.storage, dst_index, src_index, len, Bits)?);
        }
        self.check_destination(dst_index, len)?;
        src.refuse_uninitialized(src_index, len)?;
        let reencode = Reencode {
            lazy_init: self.lazy_init,
        };
        Ok(self
            .storage
            .copy_from(&src.storage, dst_index, src_index, len, reencode)?)
    }

    /// Checks that `[dst, dst + len)` is in bounds before anything is resolved, by asking for
    /// its last slot (an empty range resolves nothing, and the copy checks it).
    fn check_destination(&self, dst: u64, len: u64) -> Result<(), FuncTableError> {
        if let Some(last) = len.checked_sub(1) {
            self.storage
                .get(dst.checked_add(last).ok_or(OutOfBounds)?)?;
        }
        Ok(())
    }

    /// Initialises the uninitialised slots of `[start, start + len)` with `resolve(index)`, or
    /// refuses the first one when there is no resolver.
    fn resolve_source(
        &mut self,
        start: u64,
        len: u64,
        resolve: Option<&mut dyn FnMut(u64) -> Option<FuncRef>>,
    ) -> Result<(), FuncTableError> {
        match resolve {
            Some(resolve) => drop(self.resolve_range(start, len, resolve)?),
            None => self.refuse_uninitialized(start, len)?,
        }
        Ok(())
    }

    /// Refuses the first uninitialised slot of `[start, start + len)`, if any.
    fn refuse_uninitialized(&self, start: u64, len: u64) -> Result<(), FuncTableError> {
        match self.storage.first_slow(start, len)? {
            Some(index) => Err(FuncTableError::Uninitialized { index }),
            None => Ok(()),
        }
    }
}

/// The writer of a copy between tables of different modes: each word re-encoded for the
/// destination's mode.
struct Reencode {
    lazy_init: bool,
}

impl SlotWriter<FuncSlot> for Reencode {
    type Error = OutOfBounds;
    const SLOW_SLOTS: SlowSlots<OutOfBounds> = SlowSlots::AsBits;
    const CONVERTS: bool = true;

    #[inline]
    fn convert(&mut self, slot: FuncSlot) -> FuncSlot {
        slot.reencode(self.lazy_init)
    }
}
