//! The lazy-resolution path: finding slots a lazy table has not initialised and writing the
//! values a runtime computed for them.

use crate::{FuncRef, FuncSlot, FuncTable, FuncTableError};

impl FuncTable {
    /// The first uninitialised slot in `[start, start + len)`, if any (never any in an eager
    /// table).
    ///
    /// # Errors
    ///
    /// An out-of-bounds trap when the range is out of bounds.
    pub fn first_uninitialized(&self, start: u64, len: u64) -> Result<Option<u64>, FuncTableError> {
        let slots = self.storage.range(start, len)?;
        if !self.lazy_init {
            return Ok(None);
        }
        let found = slots.iter().position(|slot| slot.is_empty());
        Ok(found.map(|offset| start + offset as u64))
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
        if let Some(current) = slot.decode(lazy_init).initialized() {
            return Ok(current);
        }
        *slot = FuncSlot::encode(value, lazy_init);
        Ok(value)
    }

    /// Initialises every uninitialised slot of `[start, start + len)` with `resolve(index)` and
    /// returns how many it initialised.
    ///
    /// `resolve` is called exactly once per uninitialised slot, in ascending index order, and
    /// never for an initialised one; a scan finds them, so an initialised range costs one read
    /// pass and no calls.
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
        let slots = self.storage.range_mut(start, len)?;
        if !self.lazy_init {
            return Ok(0);
        }
        let mut resolved = 0;
        let mut next = 0;
        while let Some(found) = slots[next..].iter().position(|slot| slot.is_empty()) {
            let offset = next + found;
            slots[offset] = FuncSlot::encode(resolve(start + offset as u64), true);
            resolved += 1;
            next = offset + 1;
        }
        Ok(resolved)
    }
}
