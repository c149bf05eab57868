//! Test support (feature `test-support`): the reference-counting [`GcStore`] that checks the
//! table's bookkeeping, used by this crate's tests, the spec runner, the fuzzers and the
//! differential suite against Wasmtime. Objects may carry a host value (`externref` host data).
//!
//! [`CountingStore`] hands out heap references with a count of one, counts every clone and drop
//! the tables make, and records each misuse (a drop of a dead or unknown reference, a clone of
//! one, a store call with an `i31ref`) as a [`StoreViolation`] instead of panicking, so a test
//! can assert on it. [`CountingStore::verify`] reports violations and leaked references together.

use crate::{GcStore, VMGcRef};
use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::num::NonZeroU32;

/// A misuse of the store that a correct table never commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StoreViolation {
    /// A reference whose count had already reached zero was dropped again.
    #[error("double drop of heap reference {raw:#x}")]
    DoubleDrop {
        /// The reference's raw bits.
        raw: u32,
    },
    /// A reference this store never handed out was dropped.
    #[error("drop of unknown heap reference {raw:#x}")]
    DropOfUnknown {
        /// The reference's raw bits.
        raw: u32,
    },
    /// A reference that is dead (count zero) or was never handed out was cloned.
    #[error("clone of dead or unknown heap reference {raw:#x}")]
    CloneOfDead {
        /// The reference's raw bits.
        raw: u32,
    },
    /// `clone_gc_ref` or `drop_gc_ref` was called with an `i31ref`, which needs no store.
    #[error("store called with the i31ref {raw:#x}")]
    NotAHeapRef {
        /// The reference's raw bits.
        raw: u32,
    },
    /// The store ran out of heap indices and started over.
    #[error("the counting store handed out all 2^31 - 1 heap indices")]
    IndicesExhausted,
}

/// A heap reference still alive when the store was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leak {
    /// The reference's raw bits.
    pub raw: u32,
    /// Its live count.
    pub count: u64,
}

/// What [`CountingStore::verify`] found wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} store violations {:?} and {} leaked heap references {:?}", .violations.len(), .violations, .leaks.len(), .leaks)]
pub struct StoreReport {
    /// Every violation, in order.
    pub violations: Vec<StoreViolation>,
    /// Every reference with a non-zero count.
    pub leaks: Vec<Leak>,
}

/// A reference-counting GC store that checks every clone and drop.
#[derive(Debug)]
pub struct CountingStore {
    /// Live count per heap reference ever handed out; zero once it died.
    counts: BTreeMap<u32, u64>,
    /// The host value each object carries, for objects allocated with one.
    values: BTreeMap<u32, u32>,
    next_index: NonZeroU32,
    violations: Vec<StoreViolation>,
    clones: u64,
    drops: u64,
}

impl Default for CountingStore {
    fn default() -> Self {
        Self::new()
    }
}

impl CountingStore {
    /// A store that has handed out nothing.
    pub fn new() -> Self {
        CountingStore {
            counts: BTreeMap::new(),
            values: BTreeMap::new(),
            next_index: NonZeroU32::MIN.saturating_add(1),
            violations: Vec::new(),
            clones: 0,
            drops: 0,
        }
    }

    /// A new heap reference with a count of one, owned by the caller.
    pub fn allocate(&mut self) -> VMGcRef {
        let index = self.next_index;
        self.next_index = match index.checked_add(2) {
            Some(next) => next,
            None => {
                self.violations.push(StoreViolation::IndicesExhausted);
                NonZeroU32::MIN.saturating_add(1)
            }
        };
        self.counts.insert(index.get(), 1);
        // `index` starts at 2 and steps by 2, so it is even: a heap reference.
        VMGcRef::from_raw_non_zero(index)
    }

    /// A new heap reference to an object carrying the host `value` (an `externref`'s host data,
    /// say), with a count of one, owned by the caller.
    pub fn allocate_value(&mut self, value: u32) -> VMGcRef {
        let gc_ref = self.allocate();
        self.values.insert(gc_ref.as_raw_u32(), value);
        gc_ref
    }

    /// The host value of `gc_ref`'s object, if it is alive and carries one.
    pub fn value_of(&self, gc_ref: &VMGcRef) -> Option<u32> {
        let raw = gc_ref.as_raw_u32();
        self.values
            .get(&raw)
            .copied()
            .filter(|_| self.counts.get(&raw) > Some(&0))
    }

    /// Every live object, as its raw reference bits and count, in allocation order.
    pub fn live(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        self.counts
            .iter()
            .filter(|&(_, &count)| count != 0)
            .map(|(&raw, &count)| (raw, count))
    }

    /// The live count of `gc_ref` (zero if it died or was never handed out).
    pub fn live_count(&self, gc_ref: &VMGcRef) -> u64 {
        self.counts.get(&gc_ref.as_raw_u32()).copied().unwrap_or(0)
    }

    /// How many clones the store has made.
    pub fn clones(&self) -> u64 {
        self.clones
    }

    /// How many drops the store has received (including violating ones).
    pub fn drops(&self) -> u64 {
        self.drops
    }

    /// Every violation so far, in order.
    pub fn violations(&self) -> &[StoreViolation] {
        &self.violations
    }

    /// Every heap reference whose count is not zero.
    pub fn leaks(&self) -> Vec<Leak> {
        self.live()
            .map(|(raw, count)| Leak { raw, count })
            .collect()
    }

    /// Checks that no violation happened and every reference has been released.
    ///
    /// # Errors
    ///
    /// A [`StoreReport`] listing the violations and leaks.
    pub fn verify(&self) -> Result<(), StoreReport> {
        let leaks = self.leaks();
        if self.violations.is_empty() && leaks.is_empty() {
            Ok(())
        } else {
            Err(StoreReport {
                violations: self.violations.clone(),
                leaks,
            })
        }
    }
}

impl GcStore for CountingStore {
    fn clone_gc_ref(&mut self, gc_ref: &VMGcRef) -> VMGcRef {
        let raw = gc_ref.as_raw_u32();
        if gc_ref.is_i31() {
            self.violations.push(StoreViolation::NotAHeapRef { raw });
        } else {
            match self.counts.get_mut(&raw) {
                Some(count) if *count > 0 => {
                    *count += 1;
                    self.clones += 1;
                }
                _ => self.violations.push(StoreViolation::CloneOfDead { raw }),
            }
        }
        gc_ref.unchecked_copy()
    }

    fn drop_gc_ref(&mut self, gc_ref: VMGcRef) {
        let raw = gc_ref.as_raw_u32();
        self.drops += 1;
        if gc_ref.is_i31() {
            self.violations.push(StoreViolation::NotAHeapRef { raw });
            return;
        }
        match self.counts.get_mut(&raw) {
            Some(0) => self.violations.push(StoreViolation::DoubleDrop { raw }),
            Some(count) => *count -= 1,
            None => self.violations.push(StoreViolation::DropOfUnknown { raw }),
        }
    }
}
