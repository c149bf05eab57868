//! GC tables holding heap references: every write goes through the GC store's barrier, here
//! the reference-counting `CountingStore` of table-gcref's test support, against Wasmtime's DRC
//! collector on `externref` tables. wasmi is not measured here: it has no collector, so its
//! `externref` writes do none of the work these operations measure (its plain `fill` and `copy`
//! are measured with the other bulk operations).

use crate::fixtures::{OursTable, Plain, SIZES, plain_vec};
use crate::harness::Group;
use crate::harness::{Harness, time};
use crate::wasmtime_peer::Wasmtime;
use std::hint::black_box;
use table_bench::{Kind, Op, Storage, Variant};
use table_facade::{Table, TableContext, TableValue};
use table_gcref::testing::CountingStore;
use wasmtime::{ExternRef, Ref, Rooted, Table as PeerTable};

/// Registers the heap-reference fill and copy benchmarks.
pub fn register(harness: &mut Harness, peer: &Wasmtime) {
    let kind = Kind::Gc;
    {
        let mut group = harness.group(Op::FillHeap);
        for size in SIZES {
            for storage in Storage::ALL {
                let mut store = CountingStore::new();
                let mut ours = OursTable::new(kind, storage, size, size);
                let value = TableValue::GcRef(Some(store.allocate()));
                let mut cx = TableContext::new().with_gc_store(&mut store);
                ours.table.fill(0, &value, size, &mut cx).expect("fill");
                group.bench(kind, size, Variant::Ours(storage), |iters| {
                    time(iters, || {
                        ours.table
                            .fill(0, &value, size, &mut cx)
                            .expect("fill heap");
                        black_box(&mut ours.table);
                    })
                });
                release(&mut ours.table, &mut cx, size);
            }
            bench_plain_fill(&mut group, size);
            bench_peer_heap(&mut group, peer, size, Op::FillHeap);
        }
    }
    let mut group = harness.group(Op::CopyHeap);
    for size in SIZES {
        for storage in Storage::ALL {
            let mut store = CountingStore::new();
            let mut src = OursTable::new(kind, storage, size, size);
            let mut dst = OursTable::new(kind, storage, size, size);
            let src_value = TableValue::GcRef(Some(store.allocate()));
            let dst_value = TableValue::GcRef(Some(store.allocate()));
            let mut cx = TableContext::new().with_gc_store(&mut store);
            src.table.fill(0, &src_value, size, &mut cx).expect("fill");
            dst.table.fill(0, &dst_value, size, &mut cx).expect("fill");
            group.bench(kind, size, Variant::Ours(storage), |iters| {
                time(iters, || {
                    Table::copy(&mut dst.table, &src.table, 0, 0, size, &mut cx)
                        .expect("copy heap");
                    black_box(&mut dst.table);
                })
            });
            release(&mut src.table, &mut cx, size);
            release(&mut dst.table, &mut cx, size);
        }
        let src = plain_vec::<u32>(size);
        let mut dst = vec![0u32; size as usize];
        group.bench(kind, size, Variant::Baseline, |iters| {
            time(iters, || {
                dst.copy_from_slice(black_box(&src));
                black_box(&mut dst);
            })
        });
        bench_peer_heap(&mut group, peer, size, Op::CopyHeap);
    }
}

fn bench_plain_fill(group: &mut Group<'_>, size: u64) {
    let mut plain = plain_vec::<u32>(size);
    group.bench(Kind::Gc, size, Variant::Baseline, |iters| {
        time(iters, || {
            plain.fill(black_box(<u32 as Plain>::VALUE));
            black_box(&mut plain);
        })
    });
}

/// Empties a GC table through the store, as a runtime does before dropping it.
fn release(table: &mut Table, cx: &mut TableContext<'_>, size: u64) {
    table
        .fill(0, &TableValue::GcRef(None), size, cx)
        .expect("release heap refs");
}

/// Wasmtime filling or copying `externref` tables that hold one heap reference everywhere.
fn bench_peer_heap(group: &mut Group<'_>, peer: &Wasmtime, size: u64, op: Op) {
    let mut instance = peer.instance(Kind::Gc);
    let (x, y, heap) = instance.prepare_heap(size);
    if op == Op::FillHeap {
        let fill = instance.func::<(Option<Rooted<ExternRef>>, u32), ()>("fill_heap");
        group.bench(Kind::Gc, size, Variant::WasmtimeWasm, |iters| {
            time(iters, || {
                fill.call(&mut instance.store, (Some(heap), size as u32))
                    .expect("fill_heap")
            })
        });
        group.bench(Kind::Gc, size, Variant::WasmtimeHost, |iters| {
            time(iters, || {
                x.fill(&mut instance.store, 0, Ref::Extern(Some(heap)), size)
                    .expect("fill heap")
            })
        });
    } else {
        let copy = instance.func::<u32, ()>("copy_heap");
        group.bench(Kind::Gc, size, Variant::WasmtimeWasm, |iters| {
            time(iters, || {
                copy.call(&mut instance.store, size as u32)
                    .expect("copy_heap")
            })
        });
        group.bench(Kind::Gc, size, Variant::WasmtimeHost, |iters| {
            time(iters, || {
                PeerTable::copy(&mut instance.store, &y, 0, &x, 0, size).expect("copy heap")
            })
        });
    }
}
