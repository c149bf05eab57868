//! Model-based property test: random operation sequences on two funcref tables (any storage,
//! either mode) agree, step by step, with a plain `Vec` model of what WebAssembly specifies.

mod common;

#[allow(unused_imports, reason = "not every test file uses each")]
use table_core::TableElement as _;

use common::{Funcs, Storage, TestTable, new_table};
use proptest::prelude::*;
use std::ops::Range;
use table_func::{FuncRef, FuncSlot, FuncSlotValue, FuncTable, FuncTableError};
use wasmtime_environ::{FUNCREF_INIT_BIT, Trap};

/// How many distinct functions the operations use.
const FUNCS: usize = 4;

/// What a slot holds, independent of encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Uninitialized,
    Null,
    Func(usize),
}

impl Slot {
    fn from_value(value: Option<usize>) -> Slot {
        value.map_or(Slot::Null, Slot::Func)
    }
}

/// Which of the two tables an operation acts on (copies read from the other one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    A,
    B,
}

impl Which {
    fn other(self) -> Which {
        match self {
            Which::A => Which::B,
            Which::B => Which::A,
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    Read(Which, u64),
    Get(Which, u64),
    Set(Which, u64, Option<usize>),
    Fill(Which, u64, Option<usize>, u64),
    Grow(Which, u64, Option<usize>),
    Init(Which, u64, Vec<Option<usize>>),
    CopyWithin(Which, u64, u64, u64),
    /// Copy from the other table into this one: dst, src, len.
    CopyFrom(Which, u64, u64, u64),
    FirstUninitialized(Which, u64, u64),
    WriteResolved(Which, u64, Option<usize>),
    ResolveRange(Which, u64, u64),
    /// `write_raw` of the empty word (`None`) or of a value encoded in the table's own mode.
    WriteRaw(Which, u64, Option<Option<usize>>),
}

/// What an operation returned, in encoding-free terms.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Answer {
    Done,
    Slot(Slot),
    Value(Option<usize>),
    Grown(Option<usize>),
    Found(Option<u64>),
    Resolved(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Failure {
    OutOfBounds,
    Uninitialized(u64),
}

type Outcome = Result<Answer, Failure>;

/// The module's initial element that resolution computes for slot `index` of a table: different
/// per table, so a copy that moved an unresolved slot would be caught.
fn initial(which: Which, index: u64) -> Option<usize> {
    let salt = if which == Which::A { 0 } else { 1 };
    let index = index as usize + salt;
    (!index.is_multiple_of(3)).then_some(index % FUNCS)
}

// ---------------------------------------------------------------- the model

#[derive(Debug, Clone)]
struct ModelTable {
    slots: Vec<Slot>,
    maximum: usize,
    lazy: bool,
}

/// The in-bounds range `[start, start + len)` of a sequence of `size` slots, if it is one.
fn model_range(size: usize, start: u64, len: u64) -> Option<Range<usize>> {
    let end = start.checked_add(len).filter(|&end| end <= size as u64)?;
    Some(start as usize..end as usize)
}

impl ModelTable {
    fn new(lazy: bool, min: usize, maximum: usize) -> Self {
        let empty = if lazy {
            Slot::Uninitialized
        } else {
            Slot::Null
        };
        ModelTable {
            slots: vec![empty; min],
            maximum,
            lazy,
        }
    }

    fn range(&self, start: u64, len: u64) -> Result<Range<usize>, Failure> {
        model_range(self.slots.len(), start, len).ok_or(Failure::OutOfBounds)
    }

    /// Resolves every uninitialised slot of `range`, recording the resolver calls.
    fn resolve(&mut self, which: Which, range: Range<usize>, calls: &mut Vec<u64>) -> usize {
        let mut resolved = 0;
        for index in range {
            if self.slots[index] == Slot::Uninitialized {
                calls.push(index as u64);
                self.slots[index] = Slot::from_value(initial(which, index as u64));
                resolved += 1;
            }
        }
        resolved
    }
}

#[derive(Debug, Clone)]
struct Model {
    a: ModelTable,
    b: ModelTable,
}

impl Model {
    fn table(&mut self, which: Which) -> &mut ModelTable {
        match which {
            Which::A => &mut self.a,
            Which::B => &mut self.b,
        }
    }

    fn apply(&mut self, op: &Op, calls: &mut Vec<u64>) -> Outcome {
        match *op {
            Op::Read(which, index) => {
                let table = self.table(which);
                let range = table.range(index, 1)?;
                Ok(Answer::Slot(table.slots[range.start]))
            }
            Op::Get(which, index) => {
                let table = self.table(which);
                let range = table.range(index, 1)?;
                match table.slots[range.start] {
                    Slot::Uninitialized => Err(Failure::Uninitialized(index)),
                    Slot::Null => Ok(Answer::Value(None)),
                    Slot::Func(id) => Ok(Answer::Value(Some(id))),
                }
            }
            Op::Set(which, index, value) => {
                let table = self.table(which);
                let range = table.range(index, 1)?;
                table.slots[range.start] = Slot::from_value(value);
                Ok(Answer::Done)
            }
            Op::Fill(which, dst, value, len) => {
                let table = self.table(which);
                let range = table.range(dst, len)?;
                table.slots[range].fill(Slot::from_value(value));
                Ok(Answer::Done)
            }
            Op::Grow(which, delta, value) => {
                let table = self.table(which);
                let old = table.slots.len();
                let new = (old as u64).checked_add(delta);
                match new {
                    Some(new) if new <= table.maximum as u64 => {
                        table.slots.resize(new as usize, Slot::from_value(value));
                        Ok(Answer::Grown(Some(old)))
                    }
                    _ => Ok(Answer::Grown(None)),
                }
            }
            Op::Init(which, dst, ref values) => {
                let table = self.table(which);
                let range = table.range(dst, values.len() as u64)?;
                for (slot, value) in table.slots[range].iter_mut().zip(values) {
                    *slot = Slot::from_value(*value);
                }
                Ok(Answer::Done)
            }
            Op::CopyWithin(which, dst, src, len) => {
                let table = self.table(which);
                let dst = table.range(dst, len)?;
                let src = table.range(src, len)?;
                table.resolve(which, src.clone(), calls);
                table.slots.copy_within(src, dst.start);
                Ok(Answer::Done)
            }
            Op::CopyFrom(which, dst, src, len) => {
                let dst = self.table(which).range(dst, len)?;
                // The source is only read: its uninitialised slots arrive resolved and stay
                // uninitialised in it.
                let source = self.table(which.other());
                let src = source.range(src, len)?;
                let mut moved = source.slots[src.clone()].to_vec();
                for (slot, index) in moved.iter_mut().zip(src) {
                    if *slot == Slot::Uninitialized {
                        calls.push(index as u64);
                        *slot = Slot::from_value(initial(which.other(), index as u64));
                    }
                }
                self.table(which).slots[dst].copy_from_slice(&moved);
                Ok(Answer::Done)
            }
            Op::FirstUninitialized(which, start, len) => {
                let table = self.table(which);
                let range = table.range(start, len)?;
                let found = table.slots[range.clone()]
                    .iter()
                    .position(|slot| *slot == Slot::Uninitialized);
                Ok(Answer::Found(found.map(|offset| start + offset as u64)))
            }
            Op::WriteResolved(which, index, value) => {
                let table = self.table(which);
                let range = table.range(index, 1)?;
                let slot = &mut table.slots[range.start];
                if *slot == Slot::Uninitialized {
                    *slot = Slot::from_value(value);
                }
                Ok(Answer::Value(match *slot {
                    Slot::Func(id) => Some(id),
                    _ => None,
                }))
            }
            Op::ResolveRange(which, start, len) => {
                let table = self.table(which);
                let range = table.range(start, len)?;
                Ok(Answer::Resolved(table.resolve(which, range, calls)))
            }
            Op::WriteRaw(which, index, word) => {
                let table = self.table(which);
                let range = table.range(index, 1)?;
                table.slots[range.start] = match word {
                    Some(value) => Slot::from_value(value),
                    None if table.lazy => Slot::Uninitialized,
                    None => Slot::Null,
                };
                Ok(Answer::Done)
            }
        }
    }
}

// ---------------------------------------------------------------- the real tables

struct Real<'f> {
    a: TestTable,
    b: TestTable,
    funcs: &'f Funcs,
}

fn failure(error: FuncTableError) -> Failure {
    match error {
        FuncTableError::Uninitialized { index } => Failure::Uninitialized(index),
        error => {
            assert_eq!(error.as_trap(), Some(Trap::TableOutOfBounds), "{error}");
            Failure::OutOfBounds
        }
    }
}

impl Real<'_> {
    fn tables(&mut self, which: Which) -> (&mut FuncTable, &mut FuncTable) {
        match which {
            Which::A => (&mut self.a, &mut self.b),
            Which::B => (&mut self.b, &mut self.a),
        }
    }

    fn func(&self, value: Option<usize>) -> Option<FuncRef> {
        value.map(|id| self.funcs.get(id))
    }

    fn id(&self, func: Option<FuncRef>) -> Option<usize> {
        func.map(|func| self.funcs.id_of(func))
    }

    fn slot(&self, value: FuncSlotValue) -> Slot {
        match value {
            FuncSlotValue::Uninitialized => Slot::Uninitialized,
            FuncSlotValue::Null => Slot::Null,
            FuncSlotValue::Func(func) => Slot::Func(self.funcs.id_of(func)),
        }
    }

    fn apply(&mut self, op: &Op, calls: &mut Vec<u64>) -> Outcome {
        let funcs = self.funcs;
        let to_func = |value: Option<usize>| value.map(|id| funcs.get(id));
        let result = match *op {
            Op::Read(which, index) => {
                let (table, _) = self.tables(which);
                table.read(index).map(|value| {
                    let value = self.slot(value);
                    Answer::Slot(value)
                })
            }
            Op::Get(which, index) => {
                let (table, _) = self.tables(which);
                table.get(index).map(|value| Answer::Value(self.id(value)))
            }
            Op::Set(which, index, value) => {
                let func = self.func(value);
                let (table, _) = self.tables(which);
                table.set(index, func).map(|()| Answer::Done)
            }
            Op::Fill(which, dst, value, len) => {
                let func = self.func(value);
                let (table, _) = self.tables(which);
                table.fill(dst, func, len).map(|()| Answer::Done)
            }
            Op::Grow(which, delta, value) => {
                let func = self.func(value);
                let (table, _) = self.tables(which);
                table.grow(delta, func, None).map(Answer::Grown)
            }
            Op::Init(which, dst, ref values) => {
                let values: Vec<_> = values.iter().map(|value| to_func(*value)).collect();
                let (table, _) = self.tables(which);
                table.init(dst, &values).map(|()| Answer::Done)
            }
            Op::CopyWithin(which, dst, src, len) => {
                let (table, _) = self.tables(which);
                let mut resolve = |index: u64| {
                    calls.push(index);
                    to_func(initial(which, index))
                };
                table
                    .copy_within(dst, src, len, Some(&mut resolve))
                    .map(|()| Answer::Done)
            }
            Op::CopyFrom(which, dst, src, len) => {
                let (table, source) = self.tables(which);
                let mut resolve = |index: u64| {
                    calls.push(index);
                    to_func(initial(which.other(), index))
                };
                table
                    .copy_from(source, dst, src, len, Some(&mut resolve))
                    .map(|()| Answer::Done)
            }
            Op::FirstUninitialized(which, start, len) => {
                let (table, _) = self.tables(which);
                table.first_uninitialized(start, len).map(Answer::Found)
            }
            Op::WriteResolved(which, index, value) => {
                let func = self.func(value);
                let (table, _) = self.tables(which);
                table
                    .write_resolved(index, func)
                    .map(|value| Answer::Value(self.id(value)))
            }
            Op::ResolveRange(which, start, len) => {
                let (table, _) = self.tables(which);
                let mut resolve = |index: u64| {
                    calls.push(index);
                    to_func(initial(which, index))
                };
                table
                    .resolve_range(start, len, &mut resolve)
                    .map(Answer::Resolved)
            }
            Op::WriteRaw(which, index, word) => {
                let (table, _) = self.tables(which);
                let slot = match word {
                    Some(value) => FuncSlot::encode(to_func(value), table.is_lazy()),
                    None => FuncSlot::EMPTY,
                };
                table.write_raw(index, slot).map(|()| Answer::Done)
            }
        };
        result.map_err(failure)
    }
}

/// Checks that `table` holds exactly what `model` says, read through the API and as raw words.
fn assert_agrees(table: &mut FuncTable, model: &ModelTable, funcs: &Funcs, step: usize) {
    assert_eq!(table.size(), model.slots.len(), "size after step {step}");
    assert_eq!(table.maximum(), Some(model.maximum));
    assert_eq!(table.vmtable().current_elements, model.slots.len());
    let tag = if model.lazy { FUNCREF_INIT_BIT } else { 0 };
    for (index, expected) in model.slots.iter().enumerate() {
        let read = match table.read(index as u64).unwrap() {
            FuncSlotValue::Uninitialized => Slot::Uninitialized,
            FuncSlotValue::Null => Slot::Null,
            FuncSlotValue::Func(func) => Slot::Func(funcs.id_of(func)),
        };
        assert_eq!(read, *expected, "slot {index} after step {step}");
        let word = match *expected {
            Slot::Uninitialized => 0,
            Slot::Null => tag,
            Slot::Func(id) => funcs.get(id).as_ptr().addr() | tag,
        };
        let raw = table.read_raw(index as u64).unwrap().into_raw().addr();
        assert_eq!(raw, word, "word of slot {index} after step {step}");
    }
}

// ---------------------------------------------------------------- strategies

/// A table's configuration: storage, mode, initial size, maximum.
#[derive(Debug, Clone, Copy)]
struct Config {
    storage: Storage,
    lazy: bool,
    min: usize,
    maximum: usize,
}

/// Tables are mostly small, so random indices hit them; one in four spans a few scan blocks
/// (64 slots), so long fills and copies cross block edges.
fn config() -> impl Strategy<Value = Config> {
    (
        prop_oneof![Just(Storage::Dynamic), Just(Storage::Static)],
        any::<bool>(),
        prop_oneof![3 => 0usize..8, 1 => 60usize..200],
        prop_oneof![3 => 0usize..8, 1 => 0usize..80],
    )
        .prop_map(|(storage, lazy, min, extra)| Config {
            storage,
            lazy,
            min,
            maximum: min + extra,
        })
}

fn which() -> impl Strategy<Value = Which> {
    prop_oneof![Just(Which::A), Just(Which::B)]
}

fn index() -> impl Strategy<Value = u64> {
    prop_oneof![
        10 => 0u64..16,
        4 => 0u64..280,
        1 => Just(u64::MAX),
        1 => Just(u64::MAX - 1)
    ]
}

fn len() -> impl Strategy<Value = u64> {
    prop_oneof![10 => 0u64..10, 4 => 0u64..280, 1 => Just(u64::MAX)]
}

fn value() -> impl Strategy<Value = Option<usize>> {
    prop_oneof![1 => Just(None), 3 => (0..FUNCS).prop_map(Some)]
}

/// Operations, weighted towards the writes that move a lazy table's bound on uninitialised
/// slots (long fills from the start, raw empty words) and the scans that rely on it.
fn op() -> impl Strategy<Value = Op> {
    let start = || prop_oneof![3 => index(), 1 => Just(0u64)];
    let long = || prop_oneof![3 => len(), 1 => 64u64..200];
    prop_oneof![
        1 => (which(), index()).prop_map(|(w, i)| Op::Read(w, i)),
        1 => (which(), index()).prop_map(|(w, i)| Op::Get(w, i)),
        2 => (which(), index(), value()).prop_map(|(w, i, v)| Op::Set(w, i, v)),
        3 => (which(), start(), value(), long()).prop_map(|(w, d, v, n)| Op::Fill(w, d, v, n)),
        1 => (
            which(),
            prop_oneof![4 => 0u64..5, 1 => 0u64..100, 1 => Just(u64::MAX)],
            value()
        )
            .prop_map(|(w, n, v)| Op::Grow(w, n, v)),
        1 => (which(), index(), prop::collection::vec(value(), 0..6))
            .prop_map(|(w, d, values)| Op::Init(w, d, values)),
        2 => (which(), index(), start(), len())
            .prop_map(|(w, d, s, n)| Op::CopyWithin(w, d, s, n)),
        2 => (which(), index(), start(), len()).prop_map(|(w, d, s, n)| Op::CopyFrom(w, d, s, n)),
        2 => (which(), start(), len()).prop_map(|(w, s, n)| Op::FirstUninitialized(w, s, n)),
        1 => (which(), index(), value()).prop_map(|(w, i, v)| Op::WriteResolved(w, i, v)),
        2 => (which(), start(), len()).prop_map(|(w, s, n)| Op::ResolveRange(w, s, n)),
        3 => (which(), index(), prop_oneof![2 => Just(None), 1 => value().prop_map(Some)])
            .prop_map(|(w, i, word)| Op::WriteRaw(w, i, word)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(table_testkit::proptest_cases(1_000)))]

    #[test]
    fn func_tables_agree_with_the_vec_model(
        a in config(),
        b in config(),
        ops in prop::collection::vec(op(), 1..40),
    ) {
        let funcs = Funcs::new(FUNCS);
        let mut real = Real {
            a: new_table(a.storage, a.lazy, a.min as u64, a.maximum),
            b: new_table(b.storage, b.lazy, b.min as u64, b.maximum),
            funcs: &funcs,
        };
        let mut model = Model {
            a: ModelTable::new(a.lazy, a.min, a.maximum),
            b: ModelTable::new(b.lazy, b.min, b.maximum),
        };
        for (step, op) in ops.iter().enumerate() {
            let mut real_calls = Vec::new();
            let mut model_calls = Vec::new();
            let real_outcome = real.apply(op, &mut real_calls);
            let model_outcome = model.apply(op, &mut model_calls);
            prop_assert_eq!(&real_outcome, &model_outcome, "step {}: {:?}", step, op);
            prop_assert_eq!(&real_calls, &model_calls, "resolver calls at step {}: {:?}", step, op);
            assert_agrees(&mut real.a, &model.a, &funcs, step);
            assert_agrees(&mut real.b, &model.b, &funcs, step);
        }
    }
}
