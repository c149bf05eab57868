//! Creating a null table: one zeroing allocation for ours, `alloc_zeroed` + `dealloc` as the
//! baseline, and the host `Table::new` of Wasmtime and wasmi (which write every slot), at
//! [`CREATE_SIZES`] and beyond the last-level cache (ours and the baseline only).

use crate::fixtures::{CREATE_SIZES, KINDS, static_memory, static_table, table_type, tunables};
use crate::harness::{Group, Harness, Size, time, time_with_setup};
use crate::wasmi_peer::{self, Wasmi};
use crate::wasmtime_peer::{self, Wasmtime};
use std::alloc::{Layout, alloc_zeroed, dealloc};
use std::hint::black_box;
use table_bench::{Kind, Op, Storage, Variant};
use table_facade::Table;
use wasmtime::Table as PeerTable;

/// Registers the baseline of creating a table of `kind` with `size` slots: `alloc_zeroed` +
/// `dealloc` of the same bytes.
pub fn bench_baseline(group: &mut Group<'_>, kind: Kind, size: u64) {
    let bytes = usize::try_from(size).expect("sizes fit in usize") * kind.element_size();
    let layout =
        Layout::from_size_align(bytes, kind.element_size().min(8)).expect("baseline layout");
    group.bench(kind, size, Variant::Baseline, |iters| {
        time(iters, || {
            // SAFETY: the layout has a non-zero size; the block is freed with the same layout
            // right away.
            unsafe {
                let block = black_box(alloc_zeroed(layout));
                assert!(!block.is_null(), "baseline allocation failed");
                dealloc(block, layout);
            }
        })
    });
}

/// Registers the creation benchmarks.
pub fn register(harness: &mut Harness, peer: &Wasmtime, wasmi: &Wasmi) {
    let mut group = harness.group(Op::Create);
    for kind in KINDS {
        for sized in group.sizes(&CREATE_SIZES, kind) {
            let size = sized.elements();
            let ty = table_type(kind, size);
            let tunables = tunables(kind);
            group.bench(kind, size, Variant::Ours(Storage::Dynamic), |iters| {
                time(iters, || {
                    let table = Table::new_dynamic(&ty, &tunables, None).expect("create");
                    drop(black_box(table));
                })
            });

            let memory = static_memory(kind, size);
            group.bench(kind, size, Variant::Ours(Storage::Static), |iters| {
                time(iters, || {
                    // SAFETY: creating and dropping a table writes nothing, so the memory stays
                    // zero, and each table is dropped before the next is created over it.
                    let table = unsafe { static_table(kind, size, &memory) };
                    drop(black_box(table));
                })
            });
            drop(memory);

            bench_baseline(&mut group, kind, size);

            let Size::Listed(size) = sized else { continue };
            if let Some(peer_kind) = kind.wasmtime_peer() {
                let peer_type = wasmtime_peer::table_type(peer_kind, size);
                group.bench(peer_kind, size, Variant::WasmtimeHost, |iters| {
                    time_with_setup(
                        iters,
                        || peer.store(),
                        |mut store| {
                            let null = wasmtime_peer::null(peer_kind);
                            PeerTable::new(&mut store, peer_type.clone(), null)
                                .expect("Wasmtime Table::new");
                            store
                        },
                    )
                });
            }
            if let Some(peer_kind) = kind.wasmi_peer() {
                let wasmi_type = wasmi_peer::table_type(peer_kind, size);
                group.bench(peer_kind, size, Variant::WasmiHost, |iters| {
                    time_with_setup(
                        iters,
                        || wasmi.store(),
                        |mut store| {
                            let null = wasmi_peer::null(peer_kind);
                            wasmi::Table::new(&mut store, wasmi_type, null)
                                .expect("wasmi Table::new");
                            store
                        },
                    )
                });
            }
        }
    }
}
