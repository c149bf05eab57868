//! The model a table is checked against: a vector of abstract elements.

/// One element as the model sees it; values are small ids the scenario maps to real references.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    /// A lazy funcref table's never-written slot.
    Uninitialized,
    /// The null reference.
    Null,
    /// The reference with this id.
    Value(u32),
}

/// The expected state of one table.
#[derive(Debug, Clone)]
pub struct Model {
    /// The elements, in order.
    pub elements: Vec<Element>,
    /// The table's maximum (static capacity or declared maximum).
    pub maximum: Option<usize>,
}

impl Model {
    /// Whether `[start, start + len)` is within the model's elements.
    pub fn in_bounds(&self, start: u64, len: u64) -> bool {
        u128::from(start) + u128::from(len) <= self.elements.len() as u128
    }

    /// The range `[start, start + len)` as `usize`s; only call when in bounds.
    pub fn range(start: u64, len: u64) -> std::ops::Range<usize> {
        start as usize..(start + len) as usize
    }
}
