//! The lazy-resolution path: finding slots a lazy table has not initialised and writing the
//! values a runtime computed for them.
//!
//! A lazy table's storage tracks where uninitialised slots can be, so both searches look only
//! there (see [`FuncTable`]'s notes on `vmtable()`): an initialised range costs no scan at all.
//! An eager table has no uninitialised slot.

use crate::{FuncRef, FuncSlot, FuncTable, FuncTableError};
use table_core::Bits;

impl FuncTable {
    /// The first uninitialised slot in `[start, start + len)`, if any (never any in an eager
    /// table).
    ///
    /// Only where the table's storage may hold uninitialised slots is searched: a zero word
    /// stored through `vmtable()` outside it is not reported (see [`FuncTable`]).
    ///
    /// # Errors
    ///
    /// An out-of-bounds trap when the range is out of bounds.
    pub fn first_uninitialized(&self, start: u64, len: u64) -> Result<Option<u64>, FuncTableError> {
        Ok(self.storage.first_slow(start, len)?)
    }

    /// Initialises slot `index` with `value` if it is still uninitialised, and returns what the
    /// slot holds afterwards.
    ///
    /// A slot that is already initialised keeps its value, so a resolution never overwrites an
    /// explicit write. In an eager table every slot is initialised.
    ///
    /// # Errors
    ///
    /// An out-of-bounds trap when `index >= size`; nothing is written.
    pub fn write_resolved(
        &mut self,
        index: u64,
        value: Option<FuncRef>,
    ) -> Result<Option<FuncRef>, FuncTableError> {
        match self.read(index)?.initialized() {
            Some(current) => Ok(current),
            None => {
                self.storage
                    .set(index, FuncSlot::encode(value, true), Bits)?;
                Ok(value)
            }
        }
    }

    /// Initialises every uninitialised slot of `[start, start + len)` with `resolve(index)` and
    /// returns how many it initialised.
    ///
    /// `resolve` is called exactly once per uninitialised slot, in ascending index order, and
    /// never for an initialised one. Only where the storage may hold uninitialised slots is
    /// scanned, so a range the table knows to be initialised costs no read pass and no calls.
    ///
    /// # Errors
    ///
    /// An out-of-bounds trap when the range is out of bounds; `resolve` is not called.
    pub fn resolve_range(
        &mut self,
        start: u64,
        len: u64,
        mut resolve: impl FnMut(u64) -> Option<FuncRef>,
    ) -> Result<usize, FuncTableError> {
        Ok(self
            .storage
            .resolve_slow(start, len, |index| FuncSlot::encode(resolve(index), true))?)
    }
}
