//! Reading and writing slots: `table.get`, `table.set`, `table.fill`, `table.grow`, `table.init`.
//!
//! Each operation translates values to slot words and hands one slice operation to storage,
//! which owns the bounds checks and the grow procedure.

use crate::{FuncRef, FuncSlot, FuncSlotValue, FuncTable, FuncTableError};
use core::future::Future;
use table_core::{AsSlots, AsyncTableLimiter, Bits, Encode, TableLimiter};

impl FuncTable {
    /// Reads slot `index`: uninitialised (lazy tables only), null, or a function.
    ///
    /// # Errors
    ///
    /// An out-of-bounds trap when `index >= size`.
    #[inline]
    pub fn read(&self, index: u64) -> Result<FuncSlotValue, FuncTableError> {
        Ok(self.storage.get(index)?.decode(self.lazy_init))
    }

    /// Reads slot `index` of a table whose slot is known to be initialised.
    ///
    /// # Errors
    ///
    /// An out-of-bounds trap when `index >= size`; [`FuncTableError::Uninitialized`] when a lazy
    /// table's slot was never written.
    #[inline]
    pub fn get(&self, index: u64) -> Result<Option<FuncRef>, FuncTableError> {
        self.read(index)?
            .initialized()
            .ok_or(FuncTableError::Uninitialized { index })
    }

    /// Writes `value` into slot `index`.
    ///
    /// # Errors
    ///
    /// An out-of-bounds trap when `index >= size`; nothing is written.
    #[inline]
    pub fn set(&mut self, index: u64, value: Option<FuncRef>) -> Result<(), FuncTableError> {
        // The word is initialised (tagged in a lazy table), so the storage's bound on
        // uninitialised slots stays as it is: the store alone.
        Ok(self
            .storage
            .set(index, FuncSlot::encode(value, self.lazy_init), Bits)?)
    }

    /// Writes `value` into every slot of `[dst, dst + len)`.
    ///
    /// # Errors
    ///
    /// An out-of-bounds trap when the range is out of bounds; nothing is written.
    #[inline]
    pub fn fill(
        &mut self,
        dst: u64,
        value: Option<FuncRef>,
        len: u64,
    ) -> Result<(), FuncTableError> {
        let slot = FuncSlot::encode(value, self.lazy_init);
        Ok(self.storage.fill(dst, slot, len, Bits)?)
    }

    /// Grows the table by `delta` slots holding `init`, consulting `limiter`.
    ///
    /// Returns the old size, or `None` when growth was refused (`table.grow` returns -1).
    ///
    /// # Errors
    ///
    /// A limiter's own error, passed through.
    #[inline]
    pub fn grow(
        &mut self,
        delta: u64,
        init: Option<FuncRef>,
        limiter: Option<&mut dyn TableLimiter>,
    ) -> Result<Option<usize>, FuncTableError> {
        let slot = FuncSlot::encode(init, self.lazy_init);
        Ok(self.storage.grow(delta, slot, limiter, Bits)?)
    }

    /// [`FuncTable::grow`] with an asynchronous limiter.
    ///
    /// The future is `Send` when the limiter is: `init` is encoded into a slot word before it is
    /// created, so it holds no raw pointer.
    ///
    /// # Errors
    ///
    /// As for [`FuncTable::grow`].
    pub fn grow_async<'a, L: AsyncTableLimiter + ?Sized>(
        &'a mut self,
        delta: u64,
        init: Option<FuncRef>,
        limiter: Option<&'a mut L>,
    ) -> impl Future<Output = Result<Option<usize>, FuncTableError>> + 'a {
        let slot = FuncSlot::encode(init, self.lazy_init);
        async move { Ok(self.storage.grow_async(delta, slot, limiter, Bits).await?) }
    }

    /// Writes an element segment's `values` into the slots starting at `dst` (`table.init`).
    ///
    /// # Errors
    ///
    /// An out-of-bounds trap when `[dst, dst + values.len())` is out of bounds; nothing is
    /// written.
    pub fn init(&mut self, dst: u64, values: &[Option<FuncRef>]) -> Result<(), FuncTableError> {
        if self.lazy_init {
            Ok(self.storage.init(dst, values, TagInitialized, Bits)?)
        } else {
            // An eager table's slot is the reference's bits: the segment is copied as slots.
            Ok(self
                .storage
                .init(dst, FuncSlot::untagged(values), AsSlots, Bits)?)
        }
    }

    /// The word slot `index` holds, tag bit included, for callers that move words between
    /// tables of the same mode without interpreting them.
    ///
    /// # Errors
    ///
    /// An out-of-bounds trap when `index >= size`.
    #[inline]
    pub fn read_raw(&self, index: u64) -> Result<FuncSlot, FuncTableError> {
        Ok(*self.storage.get(index)?)
    }

    /// Stores `slot` into slot `index` exactly as given, tag bit included.
    ///
    /// The word is read back in this table's mode: a zero word is uninitialised in a lazy table,
    /// and the next copy out of a range holding it resolves it. This is the way to make a slot
    /// uninitialised again (a zero word stored through [`vmtable`](table_core::TableStorage::vmtable) is not
    /// seen, see [`FuncTable`]).
    ///
    /// # Errors
    ///
    /// An out-of-bounds trap when `index >= size`; nothing is written.
    #[inline]
    pub fn write_raw(&mut self, index: u64, slot: FuncSlot) -> Result<(), FuncTableError> {
        Ok(self.storage.set(index, slot, Bits)?)
    }
}

/// The encoding of a lazy table's segment values: each is tagged initialised as it is written,
/// so no slot it makes is uninitialised (the slow path) and the engine does not test them.
struct TagInitialized;

impl Encode<Option<FuncRef>, FuncSlot> for TagInitialized {
    const ONLY_FAST: bool = true;

    #[inline]
    fn encode(&mut self, value: &Option<FuncRef>) -> FuncSlot {
        FuncSlot::encode(*value, true)
    }
}
