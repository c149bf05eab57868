//! What a runtime with its own environment needs of the engine: creation with an initial value,
//! a size limit checked before the limiter, a growth charge between approval and allocation, and
//! metered bulk operations charged after their bounds checks (`docs/semantics.md` §4, §5, §7).

use table_core::{AsSlots, Bits, Metered};
use table_core::{
    GrowFailure, LimiterError, MeteredError, TableError, TableLimiter, TableLimits, TableMeter,
    TableStorage,
};
use table_testkit::{LimiterRefusal, TestSlot};

/// What a limiter was asked and told, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Call {
    Growing(usize, usize, Option<usize>),
    Charge(usize),
    Failed(String),
}

/// A limiter that approves everything, records every call, and refuses charges above
/// `fuel`.
struct FuelLimiter {
    fuel: usize,
    calls: Vec<Call>,
}

impl FuelLimiter {
    fn new(fuel: usize) -> Self {
        FuelLimiter {
            fuel,
            calls: Vec::new(),
        }
    }
}

impl TableLimiter for FuelLimiter {
    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> Result<bool, LimiterError> {
        self.calls.push(Call::Growing(current, desired, maximum));
        Ok(true)
    }

    fn table_growth_charge(&mut self, delta: usize) -> Result<(), LimiterError> {
        self.calls.push(Call::Charge(delta));
        self.fuel = self
            .fuel
            .checked_sub(delta)
            .ok_or_else(|| LimiterError::new(LimiterRefusal))?;
        Ok(())
    }

    fn table_grow_failed(&mut self, failure: GrowFailure<'_>) -> Result<(), LimiterError> {
        self.calls.push(Call::Failed(failure.to_string()));
        Ok(())
    }
}

/// One unit of fuel per slot written.
struct Fuel(u64);

impl TableMeter for Fuel {
    type Error = u64;

    fn charge(&mut self, slots: u64) -> Result<(), u64> {
        self.0 = self.0.checked_sub(slots).ok_or(slots)?;
        Ok(())
    }
}

fn table(size: usize) -> TableStorage<TestSlot> {
    TableStorage::new_dynamic(TableLimits::new(size, None), TestSlot(0), None).unwrap()
}

fn values(table: &TableStorage<TestSlot>) -> Vec<u64> {
    table.slots().iter().map(|slot| slot.0).collect()
}

#[test]
fn created_filled_table_holds_the_initial_value_in_every_slot() {
    let table =
        TableStorage::new_dynamic(TableLimits::new(4, Some(10)), TestSlot(3), None).unwrap();
    assert_eq!(values(&table), [3, 3, 3, 3]);
}

#[test]
fn creation_allocation_failure_is_told_to_the_limiter() {
    let mut limiter = FuelLimiter::new(0);
    let error = TableStorage::new_dynamic(
        TableLimits::new(1 << 62, None),
        TestSlot(1),
        Some(&mut limiter),
    )
    .unwrap_err();
    assert!(
        matches!(error, TableError::ElementBytesOverflow { .. }),
        "{error}"
    );
    assert_eq!(limiter.calls.len(), 1);
    assert!(matches!(&limiter.calls[0], Call::Failed(m) if m.starts_with("failed to allocate")));
}

#[test]
fn approve_asks_the_limiter_for_the_minimum_under_the_maximum() {
    let mut limiter = FuelLimiter::new(0);
    let limits = TableLimits::approve(5, None, Some(&mut limiter)).unwrap();
    assert_eq!(limits, TableLimits::new(5, None));
    assert_eq!(limiter.calls, [Call::Growing(0, 5, None)]);
    let refused = TableLimits::approve(6, Some(5), None).unwrap_err();
    assert!(matches!(
        refused,
        TableError::MinimumExceedsLimits { minimum: 6 }
    ));
}

#[test]
fn growth_past_the_size_limit_overflows_before_the_limiter_is_asked() {
    let limits = TableLimits::new(2, None).with_size_limit(10);
    let mut table = TableStorage::<TestSlot>::new_dynamic(limits, TestSlot(0), None).unwrap();
    let mut limiter = FuelLimiter::new(100);
    assert_eq!(
        table
            .grow(9, TestSlot(0), Some(&mut limiter), Bits)
            .unwrap(),
        None
    );
    assert_eq!(
        limiter.calls,
        [Call::Failed("overflow calculating new table size".into())]
    );
    // Up to the limit is fine.
    limiter.calls.clear();
    assert_eq!(
        table
            .grow(8, TestSlot(0), Some(&mut limiter), Bits)
            .unwrap(),
        Some(2)
    );
    assert_eq!(limiter.calls, [Call::Growing(2, 10, None), Call::Charge(8)]);
}

#[test]
fn growth_is_charged_after_the_maximum_check_and_a_refused_charge_is_told_then_returned() {
    let mut table =
        TableStorage::<TestSlot>::new_dynamic(TableLimits::new(1, Some(20)), TestSlot(0), None)
            .unwrap();
    let mut limiter = FuelLimiter::new(5);
    // Past the maximum: never charged.
    assert_eq!(
        table
            .grow(30, TestSlot(0), Some(&mut limiter), Bits)
            .unwrap(),
        None
    );
    assert_eq!(
        limiter.calls,
        [
            Call::Growing(1, 31, Some(20)),
            Call::Failed("Table maximum size exceeded".into())
        ]
    );
    // Within it but short of fuel: the charge's error, after the limiter is told.
    limiter.calls.clear();
    let error = table
        .grow(6, TestSlot(2), Some(&mut limiter), Bits)
        .unwrap_err();
    assert!(
        matches!(&error, TableError::Limiter(e) if e.is::<LimiterRefusal>()),
        "{error}"
    );
    assert_eq!(limiter.calls.len(), 3);
    assert_eq!(limiter.calls[1], Call::Charge(6));
    assert!(matches!(&limiter.calls[2], Call::Failed(m) if m.starts_with("growth charge refused")));
    assert_eq!(values(&table), [0]);
    // Enough fuel: charged once for the delta.
    assert_eq!(
        table
            .grow(5, TestSlot(2), Some(&mut limiter), Bits)
            .unwrap(),
        Some(1)
    );
    assert_eq!(values(&table), [0, 2, 2, 2, 2, 2]);
}

#[test]
fn metered_operations_charge_after_the_bounds_check_and_before_writing() {
    let mut table = table(8);
    let mut fuel = Fuel(10);
    // Each operation: out of bounds charges nothing; in bounds charges `len`.
    assert_eq!(
        table.fill(6, TestSlot(1), 3, Metered(&mut fuel)),
        Err(MeteredError::OutOfBounds)
    );
    assert_eq!(fuel.0, 10);
    table.fill(0, TestSlot(1), 4, Metered(&mut fuel)).unwrap();
    table.copy_within(4, 0, 2, Metered(&mut fuel)).unwrap();
    assert_eq!(fuel.0, 4);
    assert_eq!(values(&table), [1, 1, 1, 1, 1, 1, 0, 0]);
    assert_eq!(
        table.copy_within(7, 0, 2, Metered(&mut fuel)),
        Err(MeteredError::OutOfBounds)
    );
    // A refused charge writes nothing.
    assert_eq!(
        table.fill(0, TestSlot(9), 5, Metered(&mut fuel)),
        Err(MeteredError::Charge(5))
    );
    assert_eq!(values(&table), [1, 1, 1, 1, 1, 1, 0, 0]);
    // Segments.
    let segment = [TestSlot(7), TestSlot(8), TestSlot(9)];
    assert_eq!(
        table.init(7, &segment[1..], AsSlots, Metered(&mut fuel)),
        Err(MeteredError::OutOfBounds)
    );
    table
        .init(6, &segment[1..], AsSlots, Metered(&mut fuel))
        .unwrap();
    assert_eq!(values(&table)[6..], [8, 9]);
    // Between tables.
    let source = TableStorage::new_dynamic(TableLimits::new(3, None), TestSlot(4), None).unwrap();
    assert_eq!(
        table.copy_from(&source, 0, 2, 2, Metered(&mut fuel)),
        Err(MeteredError::OutOfBounds)
    );
    table
        .copy_from(&source, 0, 1, 2, Metered(&mut fuel))
        .unwrap();
    assert_eq!(fuel.0, 0);
    assert_eq!(values(&table), [4, 4, 1, 1, 1, 1, 8, 9]);
    // A zero-length operation costs nothing, even with no fuel left.
    table.fill(8, TestSlot(1), 0, Metered(&mut fuel)).unwrap();
}
