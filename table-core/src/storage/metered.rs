//! Metered operations: the bit-copy bulk operations with a runtime's cost hook between the bounds
//! check and the first write.

use super::TableStorage;
use crate::range::check_range;
use crate::{MeteredError, TableElement, TableMeter};

/// A table storage whose bulk operations charge a [`TableMeter`] first: each checks its ranges,
/// then charges for the slots it will write, then writes them as
/// [`TableStorage`]'s operation of the same name does. An out-of-bounds operation charges
/// nothing; a refused charge writes nothing.
///
/// Made by [`TableStorage::metered`]; it lives for one operation or a few.
///
/// ```
/// use table_core::{MeteredError, TableLimits, TableMeter, TableStorage};
/// use table_testkit::TestSlot;
///
/// /// Fuel: one unit per slot written.
/// struct Fuel(u64);
///
/// impl TableMeter for Fuel {
///     type Error = u64; // the fuel that was needed
///
///     fn charge(&mut self, slots: u64) -> Result<(), u64> {
///         self.0 = self.0.checked_sub(slots).ok_or(slots)?;
///         Ok(())
///     }
/// }
///
/// let mut table = TableStorage::<TestSlot>::new_dynamic(TableLimits::new(10, None))?;
/// let mut fuel = Fuel(8);
/// table.metered(&mut fuel).fill(0, TestSlot(7), 5).unwrap();
/// assert_eq!(fuel.0, 3);
/// // Out of bounds: a trap, and no fuel charged.
/// let result = table.metered(&mut fuel).fill(8, TestSlot(7), 5);
/// assert_eq!(result, Err(MeteredError::OutOfBounds));
/// // Not enough fuel: nothing written.
/// let result = table.metered(&mut fuel).copy_within(5, 0, 5);
/// assert_eq!(result, Err(MeteredError::Charge(5)));
/// assert_eq!(table.slots()[5..], [TestSlot(0); 5]);
/// # Ok::<(), table_core::TableError>(())
/// ```
#[derive(Debug)]
pub struct Metered<'a, T: TableElement, M: ?Sized> {
    storage: &'a mut TableStorage<T>,
    meter: &'a mut M,
}

impl<T: TableElement> TableStorage<T> {
    /// This storage's bulk operations with `meter` charged before each writes anything.
    #[inline]
    pub fn metered<'a, M: TableMeter + ?Sized>(
        &'a mut self,
        meter: &'a mut M,
    ) -> Metered<'a, T, M> {
        Metered {
            storage: self,
            meter,
        }
    }
}

impl<T: TableElement, M: TableMeter + ?Sized> Metered<'_, T, M> {
    /// [`TableStorage::fill`], charged for `len` slots.
    ///
    /// # Errors
    ///
    /// [`MeteredError::OutOfBounds`] when the range is out of bounds (nothing charged);
    /// [`MeteredError::Charge`] when the meter refuses. Nothing is written either way.
    #[inline]
    pub fn fill(&mut self, dst: u64, value: T, len: u64) -> Result<(), MeteredError<M::Error>> {
        let range = check_range(self.storage.size(), dst, len)?;
        self.meter.charge(len).map_err(MeteredError::Charge)?;
        self.storage.fill_checked(range, value);
        Ok(())
    }

    /// [`TableStorage::copy_within`], charged for `len` slots.
    ///
    /// # Errors
    ///
    /// As for [`Metered::fill`], for either range.
    #[inline]
    pub fn copy_within(
        &mut self,
        dst: u64,
        src: u64,
        len: u64,
    ) -> Result<(), MeteredError<M::Error>> {
        let size = self.storage.size();
        let src = check_range(size, src, len)?;
        let dst = check_range(size, dst, len)?;
        self.meter.charge(len).map_err(MeteredError::Charge)?;
        self.storage.move_within(src, dst.start);
        Ok(())
    }

    /// [`TableStorage::copy_from`], charged for `len` slots.
    ///
    /// # Errors
    ///
    /// As for [`Metered::fill`], for either range.
    #[inline]
    pub fn copy_from(
        &mut self,
        src: &TableStorage<T>,
        dst: u64,
        src_index: u64,
        len: u64,
    ) -> Result<(), MeteredError<M::Error>> {
        let from = check_range(src.size(), src_index, len)?;
        let to = check_range(self.storage.size(), dst, len)?;
        self.meter.charge(len).map_err(MeteredError::Charge)?;
        self.storage.copy_checked(src, from, to);
        Ok(())
    }

    /// [`TableStorage::write_slots`] of `slots[src..src + len]` (a range of an element segment,
    /// checked against the segment like the table's range is against the table), charged for
    /// `len` slots: `table.init`.
    ///
    /// # Errors
    ///
    /// As for [`Metered::fill`], for either range.
    #[inline]
    pub fn write_slots(
        &mut self,
        dst: u64,
        slots: &[T],
        src: u64,
        len: u64,
    ) -> Result<(), MeteredError<M::Error>> {
        let to = check_range(self.storage.size(), dst, len)?;
        let from = check_range(slots.len(), src, len)?;
        self.meter.charge(len).map_err(MeteredError::Charge)?;
        self.storage.write_checked(to, &slots[from]);
        Ok(())
    }
}
