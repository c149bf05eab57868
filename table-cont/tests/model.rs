//! Property test: a continuation table behaves like a `Vec<Option<VMContObj>>` under every
//! operation, on both storages, with revisions preserved exactly.

mod support;

use proptest::prelude::*;
use support::{Storage, cont};
use table_cont::table_core::TableError;
use table_cont::table_core::wasmtime_environ::Trap;
use table_cont::{ContTable, VMContObj};

/// The table type's maximum, and the static memory's capacity.
const MAXIMUM: usize = 24;
/// The size of the source table of `CopyFrom`.
const SOURCE_SIZE: usize = 12;

#[derive(Debug, Clone)]
enum Op {
    Get(u64),
    Set(u64, Option<VMContObj>),
    Fill(u64, Option<VMContObj>, u64),
    Grow(u64, Option<VMContObj>),
    Init(u64, Vec<Option<VMContObj>>),
    CopyWithin(u64, u64, u64),
    CopyFrom(u64, u64, u64),
    SetSource(u64, Option<VMContObj>),
}

fn value() -> impl Strategy<Value = Option<VMContObj>> {
    let revision = prop_oneof![any::<usize>(), Just(0), Just(usize::MAX)];
    proptest::option::weighted(0.8, (0..64usize, revision))
        .prop_map(|value| value.map(|(id, revision)| cont(id, revision)))
}

/// Mostly indices and lengths near the table's size, sometimes ones that overflow.
fn position() -> impl Strategy<Value = u64> {
    prop_oneof![
        8 => 0..=(MAXIMUM as u64 + 4),
        1 => Just(u64::from(u32::MAX)),
        1 => (0..4u64).prop_map(|back| u64::MAX - back),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => position().prop_map(Op::Get),
        3 => (position(), value()).prop_map(|(index, value)| Op::Set(index, value)),
        2 => (position(), value(), position()).prop_map(|(dst, value, len)| Op::Fill(dst, value, len)),
        2 => (prop_oneof![9 => 0..8u64, 1 => Just(u64::MAX)], value())
            .prop_map(|(delta, init)| Op::Grow(delta, init)),
        2 => (position(), proptest::collection::vec(value(), 0..6))
            .prop_map(|(dst, values)| Op::Init(dst, values)),
        2 => (position(), position(), position())
            .prop_map(|(dst, src, len)| Op::CopyWithin(dst, src, len)),
        2 => (position(), position(), position())
            .prop_map(|(dst, src, len)| Op::CopyFrom(dst, src, len)),
        1 => (position(), value()).prop_map(|(index, value)| Op::SetSource(index, value)),
    ]
}

fn storage() -> impl Strategy<Value = Storage> {
    prop_oneof![Just(Storage::Dynamic), Just(Storage::Static)]
}

/// The model's view of a range, or `None` when it is out of bounds.
fn model_range(size: usize, start: u64, len: u64) -> Option<core::ops::Range<usize>> {
    let end = start.checked_add(len)?;
    (end <= size as u64).then_some(start as usize..end as usize)
}

fn out_of_bounds<T>(result: Result<T, TableError>) -> bool {
    result.is_err_and(|error| error.as_trap() == Some(Trap::TableOutOfBounds))
}

/// Applies `op` to the table and the model and checks they agree on the outcome.
fn apply(
    op: &Op,
    table: &mut ContTable,
    model: &mut Vec<Option<VMContObj>>,
    source: &mut ContTable,
    source_model: &mut [Option<VMContObj>],
) -> Result<(), TestCaseError> {
    match op {
        Op::Get(index) => {
            let expected = model_range(model.len(), *index, 1).map(|range| model[range.start]);
            match expected {
                Some(expected) => prop_assert_eq!(table.get(*index).unwrap(), expected),
                None => prop_assert!(out_of_bounds(table.get(*index))),
            }
        }
        Op::Set(index, value) => match model_range(model.len(), *index, 1) {
            Some(range) => {
                table.set(*index, *value).unwrap();
                model[range.start] = *value;
            }
            None => prop_assert!(out_of_bounds(table.set(*index, *value))),
        },
        Op::Fill(dst, value, len) => match model_range(model.len(), *dst, *len) {
            Some(range) => {
                table.fill(*dst, *value, *len).unwrap();
                model[range].fill(*value);
            }
            None => prop_assert!(out_of_bounds(table.fill(*dst, *value, *len))),
        },
        Op::Grow(delta, init) => {
            let grown = table.grow(*delta, *init, None).unwrap();
            let new_size = (model.len() as u64).checked_add(*delta);
            if new_size.is_some_and(|size| size <= MAXIMUM as u64) {
                prop_assert_eq!(grown, Some(model.len()));
                model.resize(new_size.unwrap() as usize, *init);
            } else {
                prop_assert_eq!(grown, None);
            }
        }
        Op::Init(dst, values) => match model_range(model.len(), *dst, values.len() as u64) {
            Some(range) => {
                table.init(*dst, values).unwrap();
                model[range].copy_from_slice(values);
            }
            None => prop_assert!(out_of_bounds(table.init(*dst, values))),
        },
        Op::CopyWithin(dst, src, len) => {
            let ranges = (
                model_range(model.len(), *dst, *len),
                model_range(model.len(), *src, *len),
            );
            match ranges {
                (Some(dst_range), Some(src_range)) => {
                    table.copy_within(*dst, *src, *len).unwrap();
                    model.copy_within(src_range, dst_range.start);
                }
                _ => prop_assert!(out_of_bounds(table.copy_within(*dst, *src, *len))),
            }
        }
        Op::CopyFrom(dst, src, len) => {
            let ranges = (
                model_range(model.len(), *dst, *len),
                model_range(source_model.len(), *src, *len),
            );
            match ranges {
                (Some(dst_range), Some(src_range)) => {
                    table.copy_from(source, *dst, *src, *len).unwrap();
                    model[dst_range].copy_from_slice(&source_model[src_range]);
                }
                _ => prop_assert!(out_of_bounds(table.copy_from(source, *dst, *src, *len))),
            }
        }
        Op::SetSource(index, value) => match model_range(source_model.len(), *index, 1) {
            Some(range) => {
                source.set(*index, *value).unwrap();
                source_model[range.start] = *value;
            }
            None => prop_assert!(out_of_bounds(source.set(*index, *value))),
        },
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(table_testkit::proptest_cases(1_000)))]

    #[test]
    fn continuation_table_matches_a_vec_model(
        storage in storage(),
        source_storage in storage(),
        minimum in 0..8usize,
        ops in proptest::collection::vec(op(), 1..40),
    ) {
        let mut target = support::new_fixture(storage, minimum as u64, Some(MAXIMUM as u64));
        let mut model = vec![None; minimum];
        let mut source =
            support::new_fixture(source_storage, SOURCE_SIZE as u64, Some(SOURCE_SIZE as u64));
        let mut source_model = vec![None; SOURCE_SIZE];
        for op in &ops {
            apply(op, &mut target, &mut model, &mut source, &mut source_model)?;
            prop_assert_eq!(target.elements().collect::<Vec<_>>(), model.as_slice(), "after {:?}", op);
            prop_assert_eq!(source.elements().collect::<Vec<_>>(), source_model.as_slice());
            prop_assert_eq!(target.vmtable().current_elements, model.len());
        }
    }
}
