//! The lazy-resolution path: finding slots a lazy table has not initialised and writing the
//! values a runtime computed for them.
//!
//! Both searches look only where the table's bound on uninitialised slots says one can be (see
//! [`FuncTable`]'s notes on `vmtable()`), so an initialised range costs no scan at all; inside the
//! bound they test a block of slots at a time.

use crate::{FuncRef, FuncSlot, FuncTable, FuncTableError};
use table_core::check_range;

impl FuncTable {
    /// The first uninitialised slot in `[start, start + len)`, if any (never any in an eager
    /// table).
    ///
    /// Only the table's bound on uninitialised slots is searched: a zero word stored through
    /// `vmtable()` outside it is not reported (see [`FuncTable`]).
    ///
    /// # Errors
    ///
    /// An out-of-bounds trap when the range is out of bounds.
    pub fn first_uninitialized(&self, start: u64, len: u64) -> Result<Option<u64>, FuncTableError> {
        let requested = check_range(self.size(), start, len)?;
        if !self.lazy_init {
            return Ok(None);
        }
        let scan = self.maybe_uninitialized.within(requested);
        let found = first_empty(&self.storage.as_slice()[scan.clone()]);
        Ok(found.map(|offset| (scan.start + offset) as u64))
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
        let lazy_init = self.lazy_init;
        let slot = self.storage.get_mut(index)?;
        let current = match slot.decode(lazy_init).initialized() {
            Some(current) => current,
            None => {
                *slot = FuncSlot::encode(value, lazy_init);
                value
            }
        };
        self.mark_initialized(index, 1);
        Ok(current)
    }

    /// Initialises every uninitialised slot of `[start, start + len)` with `resolve(index)` and
    /// returns how many it initialised.
    ///
    /// `resolve` is called exactly once per uninitialised slot, in ascending index order, and
    /// never for an initialised one. Only the part of the range inside the table's bound on
    /// uninitialised slots is scanned, so a range the table knows to be initialised costs no
    /// read pass and no calls.
    ///
    /// # Errors
    ///
    /// An out-of-bounds trap when the range is out of bounds; `resolve` is not called.
    pub fn resolve_range(
        &mut self,
        start: u64,
        len: u64,
        resolve: &mut dyn FnMut(u64) -> Option<FuncRef>,
    ) -> Result<usize, FuncTableError> {
        let requested = check_range(self.size(), start, len)?;
        if !self.lazy_init {
            return Ok(0);
        }
        let scan = self.maybe_uninitialized.within(requested.clone());
        let mut resolved = 0;
        if !scan.is_empty() {
            let slots = &mut self.storage.as_mut_slice()[scan.clone()];
            let mut next = 0;
            while let Some(found) = first_empty(&slots[next..]) {
                let offset = next + found;
                slots[offset] = FuncSlot::encode(resolve((scan.start + offset) as u64), true);
                resolved += 1;
                next = offset + 1;
            }
        }
        self.maybe_uninitialized.initialized(requested);
        Ok(resolved)
    }
}

/// The offset of the first empty slot of `slots`, by table-core's block-wise scan.
#[inline]
fn first_empty(slots: &[FuncSlot]) -> Option<usize> {
    table_core::first_matching(slots, |slot| slot.is_empty())
}
