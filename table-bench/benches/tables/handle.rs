//! The like-for-like comparison with wasmi: a runtime's own 4-byte handle (the shape of wasmi's
//! `RawRef`, 0 = null) stored in a `table_core::TableStorage` directly, with no element crate and
//! no facade, as a runtime with its own element type uses table-core.
//!
//! Every operation wasmi's host `Table` API has is measured in both storages, at the sizes the
//! other kinds use (the bandwidth-bound ones also beyond the last-level cache), against the 4-byte baselines the GC kind uses (`u32`). `init` has no wasmi
//! peer (the host API has none) but is measured as `init`, the call a runtime's
//! `table.init` makes. wasmi's figures are its funcref table's, measured once in the other
//! modules under `func` (see `Kind::wasmi_peer`).

use crate::fixtures::{BULK_SIZES, CREATE_SIZES, GROW_SIZE, SIZES, indices, static_memory};
use crate::grow::Growth;
use crate::harness::{Group, Harness, Size, time, time_with_setup};
use crate::{access, bulk, create, grow};
use std::cell::LazyCell;
use std::hint::black_box;
use table_bench::{Kind, Op, Storage, Variant};
use table_core::{AsSlots, Bits, TableElement, TableLimits, TableStorage};
use table_testkit::StaticMemory;

const KIND: Kind = Kind::Handle;

/// A runtime's 4-byte reference handle: 0 is null, any other value names an object the runtime
/// keeps elsewhere (as wasmi's `RawRef` names a function or an extern object in its store).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(transparent)]
struct Handle(u32);

impl Handle {
    /// The null handle.
    const NULL: Handle = Handle(0);
    /// The non-null handle the benchmarks write (the value of the `u32` baselines).
    const VALUE: Handle = Handle(15);
}

// SAFETY: `Handle` is `#[repr(transparent)]` over a `u32`, for which all-zero is a valid value.
unsafe impl bytemuck::Zeroable for Handle {}

// SAFETY: all-zero is the null handle and is `EMPTY`; the type is a plain `Copy` integer with no
// drop glue, so moving its bytes moves it, and it is four bytes, not zero-sized.
unsafe impl TableElement for Handle {
    const EMPTY: Handle = Handle::NULL;
}

/// A table of handles with the memory under it, in either storage.
struct HandleTable {
    /// The slots (declared first: dropped before their static memory).
    slots: TableStorage<Handle>,
    _memory: Option<StaticMemory>,
}

impl HandleTable {
    /// A null table of `minimum` slots and no maximum; static storage gets room for `capacity`.
    fn new(storage: Storage, minimum: u64, capacity: u64) -> Self {
        let limits = TableLimits::new(
            usize::try_from(minimum).expect("benchmark sizes fit in usize"),
            None,
        );
        match storage {
            Storage::Dynamic => HandleTable {
                slots: TableStorage::new_dynamic(limits, Handle::NULL, None)
                    .expect("dynamic handle table"),
                _memory: None,
            },
            Storage::Static => {
                let memory = static_memory(KIND, capacity);
                // SAFETY: the memory is fresh and zero, only this table uses it, and the struct
                // drops the table before the memory.
                let slots = unsafe { TableStorage::new_static(memory.memory(), limits) }
                    .expect("static handle table");
                HandleTable {
                    slots,
                    _memory: Some(memory),
                }
            }
        }
    }

    /// A table of `size` slots, every one holding [`Handle::VALUE`].
    fn filled(storage: Storage, size: u64) -> Self {
        let mut table = Self::new(storage, size, size);
        table
            .slots
            .fill(0, Handle::VALUE, size, Bits)
            .expect("fill handle table");
        table
    }
}

/// Registers every handle benchmark with its baseline.
pub fn register(harness: &mut Harness) {
    create_tables(&mut harness.group(Op::Create));
    for growth in Growth::ALL {
        grow_tables(&mut harness.group(growth.op()), growth);
    }
    fill(&mut harness.group(Op::Fill));
    copy_within(&mut harness.group(Op::CopyWithin));
    copy(&mut harness.group(Op::Copy));
    init(&mut harness.group(Op::Init));
    get(&mut harness.group(Op::Get));
    set(&mut harness.group(Op::Set));
}

/// Creating a null table and dropping it, timed together as for the other kinds.
fn create_tables(group: &mut Group<'_>) {
    for size in group
        .sizes(&CREATE_SIZES, KIND)
        .into_iter()
        .map(Size::elements)
    {
        let limits = TableLimits::new(usize::try_from(size).expect("sizes fit in usize"), None);
        group.bench(KIND, size, Variant::Ours(Storage::Dynamic), |iters| {
            time(iters, || {
                let table = TableStorage::<Handle>::new_dynamic(limits, Handle::NULL, None)
                    .expect("create");
                drop(black_box(table));
            })
        });
        let memory = static_memory(KIND, size);
        group.bench(KIND, size, Variant::Ours(Storage::Static), |iters| {
            time(iters, || {
                // SAFETY: creating and dropping a table writes nothing, so the memory stays
                // zero, and each table is dropped before the next is created over it.
                let table = unsafe { TableStorage::<Handle>::new_static(memory.memory(), limits) }
                    .expect("create");
                drop(black_box(table));
            })
        });
        drop(memory);
        create::bench_baseline(group, KIND, size);
    }
}

/// Growing an empty table with null handles and no limiter (as the funcref rows grow, and as
/// wasmi's store, which has none, grows), from a table built and dropped outside the timed
/// region.
fn grow_tables(group: &mut Group<'_>, growth: Growth) {
    let size = GROW_SIZE;
    for storage in Storage::ALL {
        group.bench(KIND, size, Variant::Ours(storage), |iters| {
            time_with_setup(
                iters,
                || HandleTable::new(storage, 0, size),
                |mut table| {
                    for delta in growth.deltas(size) {
                        let grown = table.slots.grow(delta, Handle::NULL, None, Bits);
                        assert!(black_box(grown.expect("grow")).is_some(), "grow refused");
                    }
                    table
                },
            )
        });
    }
    grow::bench_baseline(group, growth, KIND, size);
}

fn fill(group: &mut Group<'_>) {
    for size in bulk_sizes(group) {
        bench_ours(
            group,
            size,
            |storage| HandleTable::new(storage, size, size),
            |table| {
                let value = black_box(Handle::VALUE);
                table.slots.fill(0, value, size, Bits).expect("fill");
            },
        );
        bulk::bench_baseline(group, Op::Fill, KIND, size);
    }
}

fn copy_within(group: &mut Group<'_>) {
    for size in bulk_sizes(group) {
        let (dst, src, len) = (size / 4, 0, Op::CopyWithin.elements(size));
        bench_ours(
            group,
            size,
            |storage| HandleTable::filled(storage, size),
            |table| {
                table
                    .slots
                    .copy_within(dst, src, len, Bits)
                    .expect("copy_within")
            },
        );
        bulk::bench_baseline(group, Op::CopyWithin, KIND, size);
    }
}

fn copy(group: &mut Group<'_>) {
    for size in bulk_sizes(group) {
        bench_ours(
            group,
            size,
            |storage| {
                let src = HandleTable::filled(storage, size);
                (src, HandleTable::new(storage, size, size))
            },
            |(src, dst)| {
                dst.slots
                    .copy_from(black_box(&src.slots), 0, 0, size, Bits)
                    .expect("copy")
            },
        );
        bulk::bench_baseline(group, Op::Copy, KIND, size);
    }
}

fn init(group: &mut Group<'_>) {
    for size in bulk_sizes(group) {
        // Built with the first table, untimed (a filtered-out row allocates nothing).
        let segment = LazyCell::new(|| {
            vec![Handle::VALUE; usize::try_from(size).expect("sizes fit in usize")]
        });
        bench_ours(
            group,
            size,
            |storage| {
                LazyCell::force(&segment);
                HandleTable::new(storage, size, size)
            },
            |table| {
                table
                    .slots
                    .init(0, black_box(&segment), AsSlots, Bits)
                    .expect("init")
            },
        );
        drop(segment);
        bulk::bench_baseline(group, Op::Init, KIND, size);
    }
}

/// The sizes of the bulk operations: [`BULK_SIZES`] and beyond the last-level cache (wasmi's
/// figures, measured in `bulk.rs`, are at [`SIZES`] only).
fn bulk_sizes(group: &Group<'_>) -> Vec<u64> {
    let sizes = group.sizes(&BULK_SIZES, KIND);
    sizes.into_iter().map(Size::elements).collect()
}

fn get(group: &mut Group<'_>) {
    for size in SIZES {
        let indices = indices(size);
        for storage in Storage::ALL {
            let table = HandleTable::filled(storage, size);
            group.bench(KIND, size, Variant::Ours(storage), |iters| {
                time(iters, || {
                    black_box(ours_get(&table.slots, &indices));
                })
            });
        }
        access::bench_baseline_get(group, KIND, size, &indices);
    }
}

fn set(group: &mut Group<'_>) {
    for size in SIZES {
        let indices = indices(size);
        for storage in Storage::ALL {
            let mut table = HandleTable::filled(storage, size);
            group.bench(KIND, size, Variant::Ours(storage), |iters| {
                time(iters, || {
                    black_box(ours_set(&mut table.slots, &indices));
                })
            });
        }
        access::bench_baseline_set(group, KIND, size, &indices);
    }
}

/// Registers a bulk operation on a handle table in both storages: `prepare` builds one set of
/// the state of one storage (untimed), `op` is one timed iteration on it, run over the sets as
/// [`Rotation`](crate::harness::Rotation) says, as the baselines and wasmi's rows are.
fn bench_ours<S>(
    group: &mut Group<'_>,
    size: u64,
    mut prepare: impl FnMut(Storage) -> S,
    mut op: impl FnMut(&mut S),
) {
    for storage in Storage::ALL {
        group.bench_rotating(
            KIND,
            size,
            Variant::Ours(storage),
            || prepare(storage),
            &mut op,
        );
    }
}

/// Reads every index through `TableStorage::get` and folds the handles.
#[inline(never)]
fn ours_get(slots: &TableStorage<Handle>, indices: &[u64]) -> usize {
    let mut acc = 0usize;
    for &index in indices {
        let Ok(handle) = slots.get(index) else {
            return access::FAILED;
        };
        acc = acc.wrapping_add(handle.0 as usize);
    }
    acc
}

/// Writes every index through `TableStorage::set`; false if a write failed.
#[inline(never)]
fn ours_set(slots: &mut TableStorage<Handle>, indices: &[u64]) -> bool {
    let value = black_box(Handle::VALUE);
    indices
        .iter()
        .all(|&index| slots.set(index, value, Bits).is_ok())
}
