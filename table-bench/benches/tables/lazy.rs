//! Copies out of a lazily initialised funcref table: fully initialised, and with 1% of the
//! source slots uninitialised (resolved through the runtime's resolver and written back).

use crate::fixtures::{OursTable, SIZES, UNINITIALIZED, func_ref, plain_vec};
use crate::harness::{Harness, time_batched};
use std::hint::black_box;
use table_bench::{Kind, Op, Storage, Variant};
use table_facade::{FuncRef, Table, TableContext};

/// One slot in this many is uninitialised in the 1% benchmark.
const UNINITIALIZED_EVERY: usize = 100;
/// Source tables per timed batch, so small copies are not timed one clock read at a time; each
/// batch's sources are re-armed (untimed) before it runs.
const BATCH_BYTES: usize = 512 * 1024;

/// Registers both lazy-copy benchmarks.
pub fn register(harness: &mut Harness) {
    for (op, uninitialized) in [
        (Op::CopyLazyInitialized, false),
        (Op::CopyLazyUninit1, true),
    ] {
        let mut group = harness.group(op);
        let kind = Kind::FuncLazy;
        for size in SIZES {
            let batch = (BATCH_BYTES / (size as usize * kind.element_size())).max(1);
            for storage in Storage::ALL {
                let mut sources: Vec<OursTable> = (0..batch)
                    .map(|_| OursTable::filled(kind, storage, size))
                    .collect();
                let mut dst = OursTable::new(kind, storage, size, size);
                let mut resolve = |_: u64| -> Option<FuncRef> { Some(func_ref()) };
                let mut cx = TableContext::new().with_func_resolver(&mut resolve);
                group.bench(kind, size, Variant::Ours(storage), |iters| {
                    time_batched(
                        iters,
                        batch,
                        &mut sources,
                        |sources, k| {
                            if uninitialized {
                                uninitialize_every_hundredth(&mut sources[k].table, size);
                            }
                        },
                        |sources, k| {
                            Table::copy(&mut dst.table, &sources[k].table, 0, 0, size, &mut cx)
                                .expect("lazy copy");
                            black_box(&mut dst.table);
                        },
                    )
                });
            }
            let src = plain_vec::<usize>(size);
            let mut dst = vec![usize::default(); size as usize];
            group.bench(kind, size, Variant::Baseline, |iters| {
                time_batched(
                    iters,
                    batch,
                    &mut (),
                    |_, _| {},
                    |_, _| {
                        dst.copy_from_slice(black_box(&src));
                        black_box(&mut dst);
                    },
                )
            });
        }
    }
}

/// Makes one slot in [`UNINITIALIZED_EVERY`] of a lazy funcref table uninitialised again.
fn uninitialize_every_hundredth(table: &mut Table, size: u64) {
    let table = table.as_func_mut().expect("a funcref table");
    for index in (0..size).step_by(UNINITIALIZED_EVERY) {
        table.write_raw(index, UNINITIALIZED).expect("in bounds");
    }
}
