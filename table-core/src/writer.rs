//! How a write of [`TableStorage`](crate::TableStorage) treats slots on the element kind's slow
//! path (`docs/semantics.md` §2.2), and what it charges before it writes: every write takes a
//! [`SlotWriter`]. The engine ships the writers a runtime needs without code of its own: [`Bits`]
//! (no barrier), [`Refuse`] (a barrier the caller cannot run now), [`Barrier`] (a closure per
//! slot) and [`Metered`] (a runtime's fuel); an element kind with a bulk barrier (a GC store's
//! fill) implements the trait itself.

use crate::{MeteredError, OutOfBounds, SlowPathError, TableElement, TableMeter};

/// What a write does with a slot that needs the slow path (written, or overwritten).
#[derive(Debug, Clone, Copy)]
pub enum SlowSlots<E> {
    /// Writes it as bits, like any other slot, and records it in the bound of a storage that
    /// tracks slow slots: for kinds whose slow path is not taken on writes (a lazy funcref table
    /// resolves before it copies) or that have none.
    AsBits,
    /// Refuses the write when a slot it writes or overwrites is slow: the whole range is looked
    /// at before anything is written, and the write fails with this function of
    /// [`SlowPathError::Unavailable`] (a GC table whose store is not at hand).
    Refused(fn(SlowPathError) -> E),
    /// Writes slow slots through [`SlotWriter::write`] and [`SlotWriter::fill`], the rest as bits,
    /// a block at a time (a GC table's barrier).
    Barrier,
}

/// How a write treats slow slots ([`SlotWriter::SLOW_SLOTS`]) and what it charges first
/// ([`SlotWriter::charge`]). Each write of a [`TableStorage`](crate::TableStorage) checks its
/// ranges, then charges, then (for [`SlowSlots::Refused`]) looks for slow slots, then writes:
/// an error at any step leaves the table unchanged.
pub trait SlotWriter<T: TableElement> {
    /// The write's error: out of bounds, or the writer's own refusal.
    type Error: From<OutOfBounds>;

    /// What the write does with slow slots.
    const SLOW_SLOTS: SlowSlots<Self::Error>;

    /// Called once the write's ranges are checked and before anything is written, with the
    /// number of slots it writes (possibly 0); an error writes nothing. Growth is not charged
    /// here: its charge is the limiter's
    /// ([`TableLimiter::table_growth_charge`](crate::TableLimiter::table_growth_charge)).
    ///
    /// # Errors
    ///
    /// The writer's refusal, returned as the write's error.
    #[inline]
    fn charge(&mut self, slots: u64) -> Result<(), Self::Error> {
        let _ = slots;
        Ok(())
    }

    /// Whether a copy writes [`convert`](SlotWriter::convert) of each value it reads instead of
    /// moving bits: between two tables that encode the same references differently (a lazy and
    /// an eager funcref table). Only [`SlowSlots::AsBits`] writers convert.
    const CONVERTS: bool = false;

    /// The slot a copy writes for `value`, read from its source (called only when
    /// [`CONVERTS`](SlotWriter::CONVERTS)).
    #[inline]
    fn convert(&mut self, value: T) -> T {
        value
    }

    /// Writes `value` into `slot` when one of them needs the slow path (called only for
    /// [`SlowSlots::Barrier`]).
    #[inline]
    fn write(&mut self, slot: &mut T, value: T) {
        *slot = value;
    }

    /// Writes the slow `value` into every one of `slots` (called only for
    /// [`SlowSlots::Barrier`], for a fill or a growth with a slow value). The default writes slot
    /// by slot; a barrier with a loop of its own overrides it.
    #[inline]
    fn fill(&mut self, slots: &mut [T], value: T) {
        for slot in slots {
            self.write(slot, value);
        }
    }
}

/// Writes every slot as bits and charges nothing: a kind without a slow path on writes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bits;

impl<T: TableElement> SlotWriter<T> for Bits {
    type Error = OutOfBounds;
    const SLOW_SLOTS: SlowSlots<OutOfBounds> = SlowSlots::AsBits;
}

/// Refuses a write that would write or overwrite a slow slot, with
/// [`SlowPathError::Unavailable`] naming the first one, and writes the rest as bits.
#[derive(Debug, Clone, Copy, Default)]
pub struct Refuse;

impl<T: TableElement> SlotWriter<T> for Refuse {
    type Error = SlowPathError;
    const SLOW_SLOTS: SlowSlots<SlowPathError> = SlowSlots::Refused(core::convert::identity);
}

/// Writes slow slots through the closure (`slot`, new value), the rest as bits.
#[derive(Debug, Clone, Copy)]
pub struct Barrier<F>(pub F);

impl<T: TableElement, F: FnMut(&mut T, T)> SlotWriter<T> for Barrier<F> {
    type Error = SlowPathError;
    const SLOW_SLOTS: SlowSlots<SlowPathError> = SlowSlots::Barrier;

    #[inline]
    fn write(&mut self, slot: &mut T, value: T) {
        (self.0)(slot, value);
    }
}

/// Writes every slot as bits after charging the meter for them: so an out-of-bounds write costs
/// nothing and a refused charge writes nothing, the order a fuel-metered runtime (wasmi, say)
/// needs to match its out-of-fuel point exactly.
///
/// ```
/// use table_core::{Metered, MeteredError, TableLimits, TableMeter, TableStorage};
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
/// let mut table = TableStorage::<TestSlot>::new_dynamic(TableLimits::new(10, None), TestSlot(0), None)?;
/// let mut fuel = Fuel(8);
/// table.fill(0, TestSlot(7), 5, Metered(&mut fuel)).unwrap();
/// assert_eq!(fuel.0, 3);
/// // Out of bounds: a trap, and no fuel charged.
/// let result = table.fill(8, TestSlot(7), 5, Metered(&mut fuel));
/// assert_eq!(result, Err(MeteredError::OutOfBounds));
/// // Not enough fuel: nothing written.
/// let result = table.copy_within(5, 0, 5, Metered(&mut fuel));
/// assert_eq!(result, Err(MeteredError::Charge(5)));
/// assert_eq!(table.slots()[5..], [TestSlot(0); 5]);
/// # Ok::<(), table_core::TableError>(())
/// ```
#[derive(Debug)]
pub struct Metered<'a, M: ?Sized>(pub &'a mut M);

impl<T: TableElement, M: TableMeter + ?Sized> SlotWriter<T> for Metered<'_, M> {
    type Error = MeteredError<M::Error>;
    const SLOW_SLOTS: SlowSlots<MeteredError<M::Error>> = SlowSlots::AsBits;

    #[inline]
    fn charge(&mut self, slots: u64) -> Result<(), Self::Error> {
        self.0.charge(slots).map_err(MeteredError::Charge)
    }
}

/// How [`TableStorage::init`](crate::TableStorage::init) turns the values of an element segment
/// into slots: a closure (`|value| slot`), or [`AsSlots`] when the values are slots already.
pub trait Encode<U, T> {
    /// Whether every slot this encoding makes is fast (needs no slow path): a write of its
    /// slots as bits then records none as slow without testing them. An encoding that says so
    /// and makes a slow slot leaves the storage's bound of slow slots wrong (`docs/semantics.md`
    /// §2); a closure says no.
    const ONLY_FAST: bool = false;

    /// The slot for `value`.
    fn encode(&mut self, value: &U) -> T;

    /// The values themselves, when they are slots already: a write then tests and copies them in
    /// place, with the kind's whole-block test, instead of encoding each one.
    #[inline]
    fn as_slots<'v>(&self, values: &'v [U]) -> Option<&'v [T]> {
        let _ = values;
        None
    }
}

impl<U, T, F: FnMut(&U) -> T> Encode<U, T> for F {
    #[inline]
    fn encode(&mut self, value: &U) -> T {
        self(value)
    }
}

/// The encoding of values that are slots already (a segment encoded once, at instantiation).
#[derive(Debug, Clone, Copy, Default)]
pub struct AsSlots;

impl<T: Copy> Encode<T, T> for AsSlots {
    #[inline]
    fn encode(&mut self, value: &T) -> T {
        *value
    }

    #[inline]
    fn as_slots<'v>(&self, values: &'v [T]) -> Option<&'v [T]> {
        Some(values)
    }
}
