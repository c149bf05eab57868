//! The slow-path engine (`docs/semantics.md` §2): random operation sequences on a storage that
//! tracks its slow slots agree, step by step, with a `Vec` model, and every write the model says
//! needs the slow path goes through the writer. [`TestSlot`]s with the top bit set are slow.

use proptest::prelude::*;
use table_core::OutOfBounds;
use table_core::{AsSlots, Barrier, Bits, Refuse};
use table_core::{SlowPathError, TableElement, TableLimits, TableStorage};
use table_testkit::{StorageFixture, StorageKind, TestSlot};

/// Table size: several 32- and 64-slot blocks, so block edges fall inside most ranges.
const SIZE: u64 = 300;

#[derive(Debug, Clone)]
enum Op {
    Set(u64, u64),
    Fill(u64, u64, u64),
    Init(u64, Vec<u64>),
    CopyWithin(u64, u64, u64),
    CopyFrom(u64, u64, u64),
    FillThrough(u64, u64, u64, bool),
    InitThrough(u64, Vec<u64>, bool),
    CopyWithinThrough(u64, u64, u64, bool),
    CopyFromThrough(u64, u64, u64, bool),
    FirstSlow(u64, u64),
    Resolve(u64, u64),
    GrowThrough(u64, u64),
}

/// A slot value: mostly fast, sometimes slow, small so equal values recur.
fn value() -> impl Strategy<Value = u64> {
    prop_oneof![3 => 0..4u64, 1 => (1..4u64).prop_map(|v| v | TestSlot::SLOW_BIT)]
}

/// An index or length: mostly in range, sometimes just past the end, rarely huge.
fn index() -> impl Strategy<Value = u64> {
    prop_oneof![8 => 0..SIZE, 1 => SIZE..SIZE + 4, 1 => Just(u64::MAX)]
}

fn op() -> impl Strategy<Value = Op> {
    let values = || proptest::collection::vec(value(), 0..80);
    prop_oneof![
        (index(), value()).prop_map(|(i, v)| Op::Set(i, v)),
        (index(), value(), index()).prop_map(|(d, v, l)| Op::Fill(d, v, l)),
        (index(), values()).prop_map(|(d, v)| Op::Init(d, v)),
        (index(), index(), index()).prop_map(|(d, s, l)| Op::CopyWithin(d, s, l)),
        (index(), index(), index()).prop_map(|(d, s, l)| Op::CopyFrom(d, s, l)),
        (index(), value(), index(), any::<bool>())
            .prop_map(|(d, v, l, w)| Op::FillThrough(d, v, l, w)),
        (index(), values(), any::<bool>()).prop_map(|(d, v, w)| Op::InitThrough(d, v, w)),
        (index(), index(), index(), any::<bool>())
            .prop_map(|(d, s, l, w)| Op::CopyWithinThrough(d, s, l, w)),
        (index(), index(), index(), any::<bool>())
            .prop_map(|(d, s, l, w)| Op::CopyFromThrough(d, s, l, w)),
        (index(), index()).prop_map(|(s, l)| Op::FirstSlow(s, l)),
        (index(), index()).prop_map(|(s, l)| Op::Resolve(s, l)),
        (0..4u64, value()).prop_map(|(d, v)| Op::GrowThrough(d, v)),
    ]
}

fn slow(value: u64) -> bool {
    TestSlot(value).needs_slow_path()
}

/// The model's range, or the trap.
fn range(model: &[u64], start: u64, len: u64) -> Result<std::ops::Range<usize>, OutOfBounds> {
    match start.checked_add(len) {
        Some(end) if end <= model.len() as u64 => Ok(start as usize..end as usize),
        _ => Err(OutOfBounds),
    }
}

/// What the model says a write without a writer does: refused at the first slow value written,
/// else at the first slow slot overwritten, else allowed.
fn refusal(dst: u64, written: &[u64], overwritten: &[u64]) -> Option<SlowPathError> {
    let at = |values: &[u64]| values.iter().position(|v| slow(*v));
    at(written)
        .map(|offset| (offset, false))
        .or_else(|| at(overwritten).map(|offset| (offset, true)))
        .map(|(offset, overwritten)| SlowPathError::Unavailable {
            index: dst + offset as u64,
            overwritten,
        })
}

/// The writer: records the (old, new) pairs it wrote, then writes.
fn recording(log: &mut Vec<(u64, u64)>) -> impl FnMut(&mut TestSlot, TestSlot) + '_ {
    |slot, value| {
        log.push((slot.0, value.0));
        *slot = value;
    }
}

/// Every pair of (old, new) values the model says needed the slow path was written by the
/// writer (it may have written more: whole blocks go through it).
fn check_writer_saw(log: &[(u64, u64)], old: &[u64], new: &[u64]) {
    let needed = old
        .iter()
        .zip(new)
        .filter(|(o, n)| slow(**o) || slow(**n))
        .count();
    let through = log.iter().filter(|(o, n)| slow(*o) || slow(*n)).count();
    assert_eq!(through, needed, "slow writes through the writer");
}

fn contents(storage: &TableStorage<TestSlot>) -> Vec<u64> {
    storage.slots().iter().map(|slot| slot.0).collect()
}

fn run(kind: StorageKind, ops: &[Op]) {
    let limits = TableLimits::new(SIZE as usize, Some(SIZE as usize + 8));
    let mut table = StorageFixture::storage(kind, limits, SIZE as usize + 8);
    let mut source = StorageFixture::storage(kind, limits, SIZE as usize + 8);
    table.track_slow_slots();
    let mut model = vec![0u64; SIZE as usize];
    // The source is filled once, with every fourth slot slow, and never changes.
    let source_model: Vec<u64> = (0..SIZE)
        .map(|i| {
            if i % 4 == 0 {
                i | TestSlot::SLOW_BIT
            } else {
                i
            }
        })
        .collect();
    for (i, value) in source_model.iter().enumerate() {
        source.set(i as u64, TestSlot(*value), Bits).unwrap();
    }
    for op in ops {
        let before = model.clone();
        let mut log = Vec::new();
        match op.clone() {
            Op::Set(i, v) => {
                let expected = range(&model, i, 1).map(|r| model[r.start] = v);
                assert_eq!(table.set(i, TestSlot(v), Bits), expected);
            }
            Op::Fill(d, v, l) => {
                let expected = range(&model, d, l).map(|r| model[r].fill(v));
                assert_eq!(table.fill(d, TestSlot(v), l, Bits), expected);
            }
            Op::Init(d, values) => {
                let expected = range(&model, d, values.len() as u64)
                    .map(|r| model[r].copy_from_slice(&values));
                assert_eq!(
                    table.init(d, &values, |v: &u64| TestSlot(*v), Bits),
                    expected
                );
            }
            Op::CopyWithin(d, s, l) => {
                let expected = range(&model, s, l).and_then(|src| {
                    let dst = range(&model, d, l)?;
                    model.copy_within(src, dst.start);
                    Ok(())
                });
                assert_eq!(table.copy_within(d, s, l, Bits), expected);
            }
            Op::CopyFrom(d, s, l) => {
                let expected = range(&source_model, s, l).and_then(|src| {
                    let dst = range(&model, d, l)?;
                    model[dst].copy_from_slice(&source_model[src]);
                    Ok(())
                });
                assert_eq!(table.copy_from(&source, d, s, l, Bits), expected);
            }
            Op::FillThrough(d, v, l, with_writer) => {
                let values = vec![v; l.min(SIZE + 8) as usize];
                let expected = model_write(&mut model, d, l, &values, with_writer);
                let result = if with_writer {
                    table.fill(d, TestSlot(v), l, Barrier(recording(&mut log)))
                } else {
                    table.fill(d, TestSlot(v), l, Refuse)
                };
                assert_eq!(result, expected);
            }
            Op::InitThrough(d, values, with_writer) => {
                let len = values.len() as u64;
                let expected = model_write(&mut model, d, len, &values, with_writer);
                let encode = |v: &u64| TestSlot(*v);
                let result = if with_writer {
                    table.init(d, &values, encode, Barrier(recording(&mut log)))
                } else {
                    table.init(d, &values, encode, Refuse)
                };
                assert_eq!(result, expected);
            }
            Op::CopyWithinThrough(d, s, l, with_writer) => {
                let values = range(&model, s, l)
                    .map(|r| model[r].to_vec())
                    .unwrap_or_default();
                let expected = match range(&model, s, l) {
                    Err(trap) => Err(trap.into()),
                    Ok(_) => model_write(&mut model, d, l, &values, with_writer),
                };
                let result = if with_writer {
                    table.copy_within(d, s, l, Barrier(recording(&mut log)))
                } else {
                    table.copy_within(d, s, l, Refuse)
                };
                assert_eq!(result, expected);
            }
            Op::CopyFromThrough(d, s, l, with_writer) => {
                let values = range(&source_model, s, l).map(|r| source_model[r].to_vec());
                let expected = match values {
                    Err(trap) => Err(trap.into()),
                    Ok(values) => model_write(&mut model, d, l, &values, with_writer),
                };
                let result = if with_writer {
                    table.copy_from(&source, d, s, l, Barrier(recording(&mut log)))
                } else {
                    table.copy_from(&source, d, s, l, Refuse)
                };
                assert_eq!(result, expected);
            }
            Op::FirstSlow(s, l) => {
                let expected = range(&model, s, l).map(|r| {
                    model[r.clone()]
                        .iter()
                        .position(|v| slow(*v))
                        .map(|o| (r.start + o) as u64)
                });
                assert_eq!(table.first_slow(s, l), expected);
            }
            Op::Resolve(s, l) => {
                let expected = range(&model, s, l).map(|r| resolve_model(&mut model, r));
                let mut calls = Vec::new();
                let resolved = table.resolve_slow(s, l, |i| {
                    calls.push(i);
                    TestSlot(i & 3)
                });
                assert_eq!(resolved, expected.map(|calls| calls.len()));
                if let Ok(expected) =
                    range(&before, s, l).map(|r| resolve_model(&mut before.clone(), r))
                {
                    assert_eq!(
                        calls, expected,
                        "resolve is called once per slow slot, in order"
                    );
                }
            }
            Op::GrowThrough(delta, v) => {
                let old = model.len();
                let fits = old as u64 + delta <= SIZE + 8;
                if fits {
                    model.resize(old + delta as usize, v);
                }
                let grown = table.grow(delta, TestSlot(v), None, Barrier(recording(&mut log)));
                assert_eq!(grown.unwrap(), fits.then_some(old));
                let calls = if slow(v) && fits { delta as usize } else { 0 };
                assert_eq!(
                    log.len(),
                    calls,
                    "a slow init goes through the writer per new slot"
                );
                log.clear();
            }
        }
        assert_eq!(contents(&table), model, "after {op:?}");
        if let Some(written) = through_writer(op, model.len()) {
            check_writer_saw(&log, &before[written.clone()], &model[written]);
        }
    }
}

/// The slots a `*_through` operation with a writer wrote, when it was in bounds.
fn through_writer(op: &Op, size: usize) -> Option<std::ops::Range<usize>> {
    let (dst, len) = match *op {
        Op::FillThrough(d, _, l, true) => (d, l),
        Op::InitThrough(d, ref values, true) => (d, values.len() as u64),
        Op::CopyWithinThrough(d, s, l, true) => {
            range(&vec![0; size], s, l).ok()?;
            (d, l)
        }
        Op::CopyFromThrough(d, s, l, true) => {
            range(&vec![0; SIZE as usize], s, l).ok()?;
            (d, l)
        }
        _ => return None,
    };
    range(&vec![0; size], dst, len).ok()
}

/// The model of a `*_through` write of `values` at `dst`: a trap, a refusal without a writer, or
/// the write.
fn model_write(
    model: &mut [u64],
    dst: u64,
    len: u64,
    values: &[u64],
    with_writer: bool,
) -> Result<(), SlowPathError> {
    let dst_range = range(model, dst, len)?;
    if !with_writer && let Some(refused) = refusal(dst, values, &model[dst_range.clone()]) {
        return Err(refused);
    }
    model[dst_range].copy_from_slice(&values[..len as usize]);
    Ok(())
}

/// Resolves the slow slots of `r` in the model (to `index & 3`); the indices resolved.
fn resolve_model(model: &mut [u64], r: std::ops::Range<usize>) -> Vec<u64> {
    let mut calls = Vec::new();
    for i in r {
        if slow(model[i]) {
            model[i] = i as u64 & 3;
            calls.push(i as u64);
        }
    }
    calls
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(table_testkit::proptest_cases(500)))]

    #[test]
    fn slow_path_engine_agrees_with_the_model(
        kind in prop_oneof![Just(StorageKind::Static), Just(StorageKind::Dynamic)],
        ops in proptest::collection::vec(op(), 1..40),
    ) {
        run(kind, &ops);
    }
}

#[test]
fn an_untracked_storage_has_nothing_to_resolve() {
    let mut storage =
        StorageFixture::<TestSlot>::storage(StorageKind::Dynamic, TableLimits::new(4, None), 4);
    storage.set(1, TestSlot::SLOW, Bits).unwrap();
    assert_eq!(storage.first_slow(0, 4), Ok(None));
    assert_eq!(
        storage.resolve_slow(0, 4, |_| unreachable!("nothing to resolve")),
        Ok(0)
    );
    storage.track_slow_slots();
    assert_eq!(storage.first_slow(0, 4), Ok(Some(1)));
}

#[test]
fn a_slow_slot_stored_behind_a_tracking_storage_outside_its_bound_is_not_seen() {
    let mut storage =
        StorageFixture::<TestSlot>::storage(StorageKind::Dynamic, TableLimits::new(8, None), 8);
    storage.track_slow_slots();
    storage.fill(0, TestSlot(1), 8, Bits).unwrap();
    // The documented contract: compiled code, writing through the definition, stores fast
    // slots; a slow one it stored anyway is not seen.
    let definition = storage.vmtable();
    // SAFETY: slot 3 is inside the table, which nothing else accesses during the write.
    unsafe {
        definition
            .base
            .cast::<TestSlot>()
            .add(3)
            .write(TestSlot::SLOW)
    };
    assert_eq!(storage.first_slow(0, 8), Ok(None));
    // Through `set`, the storage knows.
    storage.set(3, TestSlot::SLOW, Bits).unwrap();
    assert_eq!(storage.first_slow(0, 8), Ok(Some(3)));
    // Writes through `slots_mut` are behind its back too, so it stops assuming anything.
    storage.fill(0, TestSlot(1), 8, Bits).unwrap();
    storage.slots_mut()[5] = TestSlot::SLOW;
    assert_eq!(storage.first_slow(0, 8), Ok(Some(5)));
}

/// A slot kind that has a slow path but does not declare it ([`TableElement::HAS_SLOW_PATH`]
/// left `false`): the storage would not record where its slow slots are.
#[derive(Debug, Clone, Copy, PartialEq, bytemuck::Zeroable)]
#[repr(transparent)]
struct UndeclaredSlowSlot(u64);

// SAFETY: a `u64` newtype: zero is a valid value and `EMPTY`, it is moved bitwise, has no drop
// glue and is not zero-sized.
unsafe impl TableElement for UndeclaredSlowSlot {
    const EMPTY: Self = UndeclaredSlowSlot(0);

    fn needs_slow_path(&self) -> bool {
        self.0 != 0
    }
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the check is a debug assertion: release builds trust the declaration"
)]
#[should_panic(expected = "HAS_SLOW_PATH")]
fn writing_a_slow_slot_of_a_kind_that_declares_no_slow_path_is_caught() {
    let mut storage =
        TableStorage::new_dynamic(TableLimits::new(4, None), UndeclaredSlowSlot(0), None).unwrap();
    storage.set(1, UndeclaredSlowSlot(7), Bits).unwrap();
}

#[test]
fn a_kind_without_a_slow_path_writes_its_slots_as_plain_stores() {
    // `TestSlot` declares its slow path; `u64`-like slots of a kind that has none (the default)
    // are written and read back through every write path the same way.
    #[derive(Debug, Clone, Copy, PartialEq, bytemuck::Zeroable)]
    #[repr(transparent)]
    struct Handle(u32);
    // SAFETY: a `u32` newtype: zero is a valid value and `EMPTY`, it is moved bitwise, has no
    // drop glue and is not zero-sized.
    unsafe impl TableElement for Handle {
        const EMPTY: Self = Handle(0);
    }
    const { assert!(!Handle::HAS_SLOW_PATH) };
    let mut storage =
        TableStorage::new_dynamic(TableLimits::new(8, None), Handle(0), None).unwrap();
    storage.track_slow_slots();
    storage.set(0, Handle(1), Bits).unwrap();
    storage.fill(1, Handle(2), 3, Bits).unwrap();
    storage.copy_within(4, 0, 4, Bits).unwrap();
    storage.init(7, &[Handle(9)], AsSlots, Bits).unwrap();
    storage.grow(2, Handle(5), None, Bits).unwrap();
    let slots: Vec<u32> = storage.slots().iter().map(|slot| slot.0).collect();
    assert_eq!(slots, [1, 2, 2, 2, 1, 2, 2, 9, 5, 5]);
    assert_eq!(storage.first_slow(0, 10), Ok(None));
}
