//! Random operation sequences on two GC-reference tables, checked against a model after every
//! step; at the end, emptying the tables through the counting store leaves every count at zero.
//!
//! The test starts out owning one count of each pool reference and may give it up mid-sequence,
//! so that tables become the only owners and self-assignments and overlapping copies of sole
//! references are exercised (a release-before-retain barrier would show up as a violation).
//! Tables are sometimes a few hundred slots long and ranges sometimes span many blocks, so the
//! block-wise range operations cross block edges with heap references on either side.

mod common;

#[allow(unused_imports, reason = "not every test file uses each")]
use common::new_table;

use common::{Storage, new_table_with, raw, raw_slots};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use table_core::wasmtime_environ::Trap;
use table_gcref::testing::CountingStore;
use table_gcref::{GcRefTable, GcStore, GcTableError, I31, VMGcRef};

/// Heap references the test allocates (and owns one count of until it releases them).
const POOL: usize = 4;
/// Each table's declared maximum: room for long ranges.
const MAXIMUM: u64 = 400;
/// The static storage's capacity (below the declared maximum, so static growth stops earlier).
const STATIC_CAPACITY: u64 = 360;

/// A value as the generator chooses it.
#[derive(Debug, Clone, Copy)]
enum Value {
    Null,
    I31(u32),
    Heap(usize),
}

#[derive(Debug, Clone)]
enum Op {
    Set {
        table: usize,
        index: u64,
        value: Value,
    },
    GetCloned {
        table: usize,
        index: u64,
    },
    Fill {
        table: usize,
        dst: u64,
        value: Value,
        len: u64,
    },
    Init {
        table: usize,
        dst: u64,
        values: Vec<Value>,
    },
    CopyWithin {
        table: usize,
        dst: u64,
        src: u64,
        len: u64,
    },
    /// Copies from the other table.
    CopyFrom {
        table: usize,
        dst: u64,
        src: u64,
        len: u64,
    },
    Grow {
        table: usize,
        delta: u64,
        init: Value,
    },
    /// The test gives up its own count of a pool reference (if it still holds it).
    Release {
        slot: usize,
    },
    /// A collector visits every slot (`gc_refs_mut`) and every root (`gc_roots_mut`) and writes
    /// each reference back where it found it, as a moving collector that moved nothing does.
    Collect {
        table: usize,
    },
}

impl Op {
    /// The values this operation writes, mutably.
    fn values_mut(&mut self) -> Vec<&mut Value> {
        match self {
            Op::Set { value, .. } | Op::Fill { value, .. } => vec![value],
            Op::Grow { init, .. } => vec![init],
            Op::Init { values, .. } => values.iter_mut().collect(),
            Op::GetCloned { .. }
            | Op::CopyWithin { .. }
            | Op::CopyFrom { .. }
            | Op::Release { .. }
            | Op::Collect { .. } => Vec::new(),
        }
    }
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(Value::Null),
        1 => any::<u32>().prop_map(Value::I31),
        2 => (0..POOL).prop_map(Value::Heap),
    ]
}

/// Values for long segments: mostly null and `i31ref`, so that some blocks move bits and the
/// few heap references make others go through the barrier.
fn sparse_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => Just(Value::Null),
        4 => any::<u32>().prop_map(Value::I31),
        1 => (0..POOL).prop_map(Value::Heap),
    ]
}

/// Table sizes: mostly a few slots, sometimes many blocks' worth.
fn size() -> impl Strategy<Value = u64> {
    prop_oneof![3 => 0..6u64, 1 => 100..300u64]
}

/// Slot indices: mostly near the start, sometimes anywhere in (or past) a long table.
fn index() -> impl Strategy<Value = u64> + Clone {
    prop_oneof![4 => 0..14u64, 1 => 0..MAXIMUM + 20]
}

/// Range lengths: mostly short, sometimes long ranges of well over two blocks (range operations
/// with a store work a block of a few cache lines at a time).
fn len() -> impl Strategy<Value = u64> + Clone {
    prop_oneof![4 => 0..6u64, 1 => 65..300u64]
}

fn op() -> impl Strategy<Value = (Op, bool)> {
    let table = 0..2usize;
    let index = index();
    let len = len();
    let op = prop_oneof![
        (table.clone(), index.clone(), value()).prop_map(|(table, index, value)| Op::Set {
            table,
            index,
            value
        }),
        (table.clone(), index.clone()).prop_map(|(table, index)| Op::GetCloned { table, index }),
        (table.clone(), index.clone(), value(), len.clone()).prop_map(
            |(table, dst, value, len)| Op::Fill {
                table,
                dst,
                value,
                len
            }
        ),
        (
            table.clone(),
            index.clone(),
            prop_oneof![
                4 => prop::collection::vec(value(), 0..5),
                1 => prop::collection::vec(sparse_value(), 65..200),
            ]
        )
            .prop_map(|(table, dst, values)| Op::Init { table, dst, values }),
        (table.clone(), index.clone(), index.clone(), len.clone()).prop_map(
            |(table, dst, src, len)| Op::CopyWithin {
                table,
                dst,
                src,
                len
            }
        ),
        (table.clone(), index.clone(), index, len).prop_map(|(table, dst, src, len)| {
            Op::CopyFrom {
                table,
                dst,
                src,
                len,
            }
        }),
        (
            table,
            prop_oneof![8 => 0..5u64, 1 => 100..300u64, 1 => Just(u64::MAX)],
            value()
        )
            .prop_map(|(table, delta, init)| Op::Grow { table, delta, init }),
        (0..POOL).prop_map(|slot| Op::Release { slot }),
        (0..2usize).prop_map(|table| Op::Collect { table }),
    ];
    // Most operations get a store; the rest check the "no store" rules.
    (op, prop::bool::weighted(0.8))
}

fn storage() -> impl Strategy<Value = Storage> {
    prop_oneof![Just(Storage::Static), Just(Storage::Dynamic)]
}

/// What the model predicts an operation returns.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Done,
    OutOfBounds,
    NeedsStore,
    /// `grow`'s result.
    Grown(Option<usize>),
    /// `get_cloned`'s result, as raw bits.
    Got(u32),
}

fn outcome_of<T>(result: Result<T, GcTableError>, ok: impl FnOnce(T) -> Outcome) -> Outcome {
    match result {
        Ok(value) => ok(value),
        Err(error) if error.as_trap() == Some(Trap::TableOutOfBounds) => Outcome::OutOfBounds,
        Err(GcTableError::GcStoreRequired { .. }) => Outcome::NeedsStore,
        Err(error) => panic!("unexpected error: {error}"),
    }
}

/// The two tables as raw slot bits, with their maxima, and which pool references the test
/// still holds.
struct Model {
    slots: [Vec<u32>; 2],
    maximum: [usize; 2],
    held: [bool; POOL],
}

fn is_heap(bits: u32) -> bool {
    bits != 0 && bits & 1 == 0
}

impl Model {
    /// How many slots of both tables hold `bits`.
    fn occurrences(&self, bits: u32) -> u64 {
        self.slots
            .iter()
            .flatten()
            .filter(|&&slot| slot == bits)
            .count() as u64
    }

    /// Replaces writes of pool references the caller may not pass with null: references no one
    /// owns any more (the test released them and no slot holds them), and, for `init`, any the
    /// test released, since segment values must be owned apart from the slots they overwrite.
    /// A released reference may still be written by `set`, `fill` and `grow`: that is the
    /// self-assignment the barrier's order protects.
    fn resolve(&self, mut op: Op, bits: &impl Fn(Value) -> u32) -> Op {
        let segment = matches!(op, Op::Init { .. });
        for value in op.values_mut() {
            if let Value::Heap(slot) = *value
                && !self.held[slot]
                && (segment || self.occurrences(bits(*value)) == 0)
            {
                *value = Value::Null;
            }
        }
        op
    }

    /// Writes `values` into `table` from slot `dst` on, as every writing operation does once its
    /// ranges are in bounds: a store is needed when a written or overwritten value is a heap
    /// reference, and without one nothing changes.
    fn write(&mut self, table: usize, dst: u64, values: &[u32], with_store: bool) -> Outcome {
        let slots = &mut self.slots[table][dst as usize..dst as usize + values.len()];
        if !with_store && slots.iter().chain(values).any(|&bits| is_heap(bits)) {
            return Outcome::NeedsStore;
        }
        slots.copy_from_slice(values);
        Outcome::Done
    }

    /// The slots `[start, start + len)` of `table`, or `None` when out of bounds.
    fn range(&self, table: usize, start: u64, len: u64) -> Option<Vec<u32>> {
        let slots = &self.slots[table];
        let end = start
            .checked_add(len)
            .filter(|&end| end <= slots.len() as u64)?;
        Some(slots[start as usize..end as usize].to_vec())
    }

    /// Predicts `op` and applies it to the model.
    fn apply(&mut self, op: &Op, bits: &impl Fn(Value) -> u32, with_store: bool) -> Outcome {
        // The values an operation writes and where, once its source range is in bounds.
        let (table, dst, values) = match op {
            Op::Set {
                table,
                index,
                value,
            } => (*table, *index, Some(vec![bits(*value)])),
            Op::Fill {
                table,
                dst,
                value,
                len,
            } => (*table, *dst, Some(vec![bits(*value); *len as usize])),
            Op::Init { table, dst, values } => (
                *table,
                *dst,
                Some(values.iter().map(|v| bits(*v)).collect()),
            ),
            Op::CopyWithin {
                table,
                dst,
                src,
                len,
            } => (*table, *dst, self.range(*table, *src, *len)),
            Op::CopyFrom {
                table,
                dst,
                src,
                len,
            } => (*table, *dst, self.range(1 - *table, *src, *len)),
            Op::GetCloned { table, index } => {
                return match self.range(*table, *index, 1) {
                    None => Outcome::OutOfBounds,
                    Some(got) if is_heap(got[0]) && !with_store => Outcome::NeedsStore,
                    Some(got) => Outcome::Got(got[0]),
                };
            }
            Op::Grow { table, delta, init } => {
                let slots = &mut self.slots[*table];
                let old_size = slots.len();
                let new = bits(*init);
                return if *delta == 0 {
                    Outcome::Grown(Some(old_size))
                } else if is_heap(new) && !with_store {
                    Outcome::NeedsStore
                } else {
                    match (old_size as u64).checked_add(*delta) {
                        Some(new_size) if new_size <= self.maximum[*table] as u64 => {
                            slots.resize(new_size as usize, new);
                            Outcome::Grown(Some(old_size))
                        }
                        _ => Outcome::Grown(None),
                    }
                };
            }
            Op::Release { slot } => {
                self.held[*slot] = false;
                return Outcome::Done;
            }
            Op::Collect { .. } => return Outcome::Done,
        };
        match values {
            Some(values) if self.range(table, dst, values.len() as u64).is_some() => {
                self.write(table, dst, &values, with_store)
            }
            _ => Outcome::OutOfBounds,
        }
    }
}

/// The store to pass, or none for the "no store" cases.
fn gc_store(store: &mut CountingStore, with_store: bool) -> Option<&mut dyn GcStore> {
    with_store.then_some(store as &mut dyn GcStore)
}

/// Runs `op` on the real tables.
fn run(
    op: &Op,
    tables: [&mut GcRefTable; 2],
    pool: &[VMGcRef],
    store: &mut CountingStore,
    held: &mut [bool; POOL],
    with_store: bool,
) -> Outcome {
    let value_of = |value: Value| match value {
        Value::Null => None,
        Value::I31(payload) => Some(VMGcRef::from_i31(I31::wrapping_u32(payload))),
        Value::Heap(slot) => Some(pool[slot].unchecked_copy()),
    };
    match op {
        Op::Set {
            table,
            index,
            value,
        } => {
            let value = value_of(*value);
            outcome_of(
                tables[*table].set(*index, value.as_ref(), gc_store(store, with_store)),
                |()| Outcome::Done,
            )
        }
        Op::GetCloned { table, index } => {
            let got = tables[*table].get_cloned(*index, gc_store(store, with_store));
            outcome_of(got, |value| {
                let bits = raw(value.as_ref());
                // The test owned the clone; give it back.
                if let Some(gc_ref) = value.filter(VMGcRef::is_heap) {
                    store.drop_gc_ref(gc_ref);
                }
                Outcome::Got(bits)
            })
        }
        Op::Fill {
            table,
            dst,
            value,
            len,
        } => {
            let value = value_of(*value);
            outcome_of(
                tables[*table].fill(*dst, value.as_ref(), *len, gc_store(store, with_store)),
                |()| Outcome::Done,
            )
        }
        Op::Init { table, dst, values } => {
            let values: Vec<Option<VMGcRef>> = values.iter().map(|v| value_of(*v)).collect();
            outcome_of(
                tables[*table].init(*dst, &values, gc_store(store, with_store)),
                |()| Outcome::Done,
            )
        }
        Op::CopyWithin {
            table,
            dst,
            src,
            len,
        } => outcome_of(
            tables[*table].copy_within(*dst, *src, *len, gc_store(store, with_store)),
            |()| Outcome::Done,
        ),
        Op::CopyFrom {
            table,
            dst,
            src,
            len,
        } => {
            let [first, second] = tables;
            let (to, from) = if *table == 0 {
                (first, &*second)
            } else {
                (second, &*first)
            };
            outcome_of(
                to.copy_from(from, *dst, *src, *len, gc_store(store, with_store)),
                |()| Outcome::Done,
            )
        }
        Op::Grow { table, delta, init } => {
            let init = value_of(*init);
            outcome_of(
                tables[*table].grow(*delta, init.as_ref(), None, gc_store(store, with_store)),
                Outcome::Grown,
            )
        }
        Op::Release { slot } => {
            if std::mem::take(&mut held[*slot]) {
                store.drop_gc_ref(pool[*slot].unchecked_copy());
            }
            Outcome::Done
        }
        Op::Collect { table } => {
            let table = &mut *tables[*table];
            for slot in table.gc_refs_mut() {
                *slot = slot.take();
            }
            for root in table.gc_roots_mut() {
                *root = root.unchecked_copy();
            }
            Outcome::Done
        }
    }
}

/// Every pool reference's count is its occurrences in the tables, plus one while the test holds
/// it.
fn check_counts(
    store: &CountingStore,
    pool: &[VMGcRef],
    model: &Model,
) -> Result<(), TestCaseError> {
    prop_assert!(store.violations().is_empty(), "{:?}", store.violations());
    for (gc_ref, &held) in pool.iter().zip(&model.held) {
        let expected = u64::from(held) + model.occurrences(gc_ref.as_raw_u32());
        prop_assert_eq!(store.live_count(gc_ref), expected, "{:?}", gc_ref);
    }
    Ok(())
}

fn check_sequence(
    storages: [Storage; 2],
    sizes: [u64; 2],
    summaries: [bool; 2],
    ops: Vec<(Op, bool)>,
) -> Result<(), TestCaseError> {
    let mut store = CountingStore::new();
    let pool: Vec<VMGcRef> = (0..POOL).map(|_| store.allocate()).collect();
    let capacity = |storage| match storage {
        Storage::Static => STATIC_CAPACITY,
        Storage::Dynamic => MAXIMUM,
    };
    let [first, second] = [0, 1].map(|i| {
        let table = new_table_with(storages[i], sizes[i], capacity(storages[i]), summaries[i]);
        assert_eq!(table.has_heap_summary(), summaries[i]);
        table
    });
    let mut model = Model {
        slots: [vec![0; sizes[0] as usize], vec![0; sizes[1] as usize]],
        maximum: [first.maximum().unwrap(), second.maximum().unwrap()],
        held: [true; POOL],
    };
    // The test's own record of the counts it holds, kept apart from the model's prediction.
    let mut held = model.held;
    let mut fixtures = [first, second];
    let bits = |value: Value| match value {
        Value::Null => 0,
        Value::I31(payload) => VMGcRef::from_i31(I31::wrapping_u32(payload)).as_raw_u32(),
        Value::Heap(slot) => pool[slot].as_raw_u32(),
    };

    for (op, with_store) in ops {
        let op = model.resolve(op, &bits);
        let expected = model.apply(&op, &bits, with_store);
        let tables = fixtures.each_mut().map(|fixture| &mut **fixture);
        let actual = run(&op, tables, &pool, &mut store, &mut held, with_store);
        prop_assert_eq!(&actual, &expected, "{:?} (store: {})", op, with_store);
        for (fixture, slots) in fixtures.iter().zip(&model.slots) {
            prop_assert_eq!(&raw_slots(fixture), slots, "after {:?}", op);
        }
        check_counts(&store, &pool, &model)?;
    }

    for fixture in &mut fixtures {
        let size = fixture.size() as u64;
        fixture
            .fill(0, None, size, Some(&mut store))
            .map_err(|error| TestCaseError::fail(error.to_string()))?;
    }
    for (gc_ref, held) in pool.into_iter().zip(held) {
        if held {
            store.drop_gc_ref(gc_ref);
        }
    }
    prop_assert_eq!(store.verify(), Ok(()));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(table_testkit::proptest_cases(1_000)))]

    #[test]
    fn random_sequences_match_the_model_and_release_every_reference(
        storages in [storage(), storage()],
        sizes in [size(), size()],
        summaries in [any::<bool>(), any::<bool>()],
        ops in prop::collection::vec(op(), 1..40),
    ) {
        check_sequence(storages, sizes, summaries, ops)?;
    }
}
