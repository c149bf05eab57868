//! Growing an empty table with null elements: to 1e6 in one call, and 1e6 times by one.

use crate::fixtures::{GROW_SIZE, KINDS, OursTable, null, with_plain};
use crate::harness::{Group, Harness, time_with_setup};
use crate::wasmi_peer::{self, Wasmi};
use crate::wasmtime_peer::{self, Wasmtime};
use std::hint::black_box;
use table_bench::{Kind, Op, Storage, Variant};
use table_facade::{TableContext, TableValue};
use wasmtime::{Store, Table as PeerTable};

/// How the table reaches its size.
#[derive(Clone, Copy)]
pub enum Growth {
    /// One grow by the whole size.
    OneCall,
    /// The size in grows by one.
    ByOne,
}

impl Growth {
    /// Both ways, in report order.
    pub const ALL: [Growth; 2] = [Growth::OneCall, Growth::ByOne];

    /// The operation measured.
    pub fn op(self) -> Op {
        match self {
            Growth::OneCall => Op::GrowTo,
            Growth::ByOne => Op::GrowByOne,
        }
    }

    /// The peer module's export: `(param n i32) (result i32)`.
    fn export(self) -> &'static str {
        match self {
            Growth::OneCall => "grow",
            Growth::ByOne => "grow_by_1",
        }
    }

    /// The deltas of the grows.
    pub fn deltas(self, size: u64) -> impl Iterator<Item = u64> {
        let (delta, count) = match self {
            Growth::OneCall => (size, 1),
            Growth::ByOne => (1, size),
        };
        std::iter::repeat_n(delta, count as usize)
    }
}

/// Registers both grow benchmarks.
pub fn register(harness: &mut Harness, peer: &Wasmtime, wasmi: &Wasmi) {
    for growth in Growth::ALL {
        let mut group = harness.group(growth.op());
        for kind in KINDS {
            register_kind(&mut group, peer, growth, kind, GROW_SIZE);
            register_wasmi(&mut group, wasmi, growth, kind, GROW_SIZE);
        }
    }
}

/// Ours in both storages, `Vec` growth, and Wasmtime's wasm and host growth, each from an empty
/// table or vector built (and dropped) outside the timed region.
fn register_kind(group: &mut Group<'_>, peer: &Wasmtime, growth: Growth, kind: Kind, size: u64) {
    let init = null(kind);
    for storage in Storage::ALL {
        group.bench(kind, size, Variant::Ours(storage), |iters| {
            time_with_setup(
                iters,
                || OursTable::new(kind, storage, 0, size),
                |mut ours| {
                    grow_ours(&mut ours, &init, growth.deltas(size));
                    ours
                },
            )
        });
    }
    bench_baseline(group, growth, kind, size);
    let Some(peer_kind) = kind.wasmtime_peer() else {
        return;
    };
    group.bench(peer_kind, size, Variant::WasmtimeWasm, |iters| {
        time_with_setup(
            iters,
            || {
                let mut instance = peer.instance(peer_kind);
                let grow = instance.func::<u32, i32>(growth.export());
                (instance, grow)
            },
            |(mut instance, grow)| {
                black_box(grow.call(&mut instance.store, size as u32).expect("grow"));
                instance
            },
        )
    });
    group.bench(peer_kind, size, Variant::WasmtimeHost, |iters| {
        time_with_setup(
            iters,
            || host_table(peer, peer_kind),
            |(mut store, table)| {
                let null = wasmtime_peer::null(peer_kind);
                for delta in growth.deltas(size) {
                    black_box(table.grow(&mut store, delta, null.clone()).expect("grow"));
                }
                store
            },
        )
    });
}

/// Registers the baseline of growing a table of `kind` to `size`: growing an empty `Vec` of the
/// kind's plain element, by `Vec::resize` in one call or `Vec::push` one at a time.
pub fn bench_baseline(group: &mut Group<'_>, growth: Growth, kind: Kind, size: u64) {
    with_plain!(kind, P => group.bench(kind, size, Variant::Baseline, |iters| {
        time_with_setup(iters, Vec::<P>::new, |mut plain| {
            match growth {
                Growth::OneCall => plain.resize(size as usize, P::default()),
                Growth::ByOne => (0..size).for_each(|_| plain.push(black_box(P::default()))),
            }
            plain
        })
    }));
}

/// wasmi's host growth of an empty table of `kind`'s peer, built (and dropped) outside the timed
/// region.
fn register_wasmi(group: &mut Group<'_>, wasmi: &Wasmi, growth: Growth, kind: Kind, size: u64) {
    let Some(peer_kind) = kind.wasmi_peer() else {
        return;
    };
    group.bench(peer_kind, size, Variant::WasmiHost, |iters| {
        time_with_setup(
            iters,
            || {
                let mut store = wasmi.store();
                let table = wasmi::Table::new(
                    &mut store,
                    wasmi_peer::table_type(peer_kind, 0),
                    wasmi_peer::null(peer_kind),
                )
                .expect("wasmi Table::new");
                (store, table)
            },
            |(mut store, table)| {
                let null = wasmi_peer::null(peer_kind);
                for delta in growth.deltas(size) {
                    black_box(table.grow(&mut store, delta, null).expect("grow"));
                }
                store
            },
        )
    });
}

/// Grows our table by each of `deltas` null elements through the facade.
fn grow_ours(ours: &mut OursTable, init: &TableValue, deltas: impl Iterator<Item = u64>) {
    let mut cx = TableContext::new();
    for delta in deltas {
        let grown = ours.table.grow(delta, init, None, &mut cx).expect("grow");
        assert!(black_box(grown).is_some(), "grow refused");
    }
}

/// A fresh store with an empty host table of `kind`'s peer.
fn host_table(peer: &Wasmtime, kind: Kind) -> (Store<()>, PeerTable) {
    let mut store = peer.store();
    let table = PeerTable::new(
        &mut store,
        wasmtime_peer::table_type(kind, 0),
        wasmtime_peer::null(kind),
    )
    .expect("Wasmtime Table::new");
    (store, table)
}
