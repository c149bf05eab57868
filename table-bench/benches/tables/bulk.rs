//! The bulk operations on null/i31 values: `table.fill`, `table.copy` within and between tables,
//! and `table.init`, at [`BULK_SIZES`] and beyond the last-level cache. Every row here (ours,
//! baselines, Wasmtime, wasmi) is timed over a [`Rotation`](crate::harness::Rotation) of
//! allocations, as are the handle rows of `handle.rs`.

use crate::fixtures::{
    BULK_KINDS as KINDS, BULK_SIZES, OursTable, Plain, Segment, plain_vec, value, with_plain,
};
use crate::harness::{Group, Harness, Size};
use crate::wasmi_peer::{Wasmi, WasmiTables};
use crate::wasmtime_peer::{PeerInstance, Wasmtime};
use std::cell::LazyCell;
use std::hint::black_box;
use table_bench::{Kind, Op, Storage, Variant};
use table_facade::{Table, TableContext};
use table_gcref::testing::CountingStore;
use wasmtime::Table as PeerTable;

/// Registers the fill, copy_within, copy and init benchmarks (init has no peer: neither host
/// API offers `table.init`, and the Wasmtime module has no element segment to run it on).
pub fn register(harness: &mut Harness, peer: &Wasmtime, wasmi: &Wasmi) {
    fill(&mut harness.group(Op::Fill), peer, wasmi);
    copy_within(&mut harness.group(Op::CopyWithin), peer, wasmi);
    copy(&mut harness.group(Op::Copy), peer, wasmi);
    init(&mut harness.group(Op::Init));
}

fn fill(group: &mut Group<'_>, peer: &Wasmtime, wasmi: &Wasmi) {
    for kind in KINDS {
        let value = value(kind);
        for sized in group.sizes(&BULK_SIZES, kind) {
            let size = sized.elements();
            bench_ours(
                group,
                kind,
                size,
                |storage| OursTable::new(kind, storage, size, size),
                |ours, cx| ours.table.fill(0, &value, size, cx).expect("fill"),
            );
            bench_baselines(group, Op::Fill, kind, size);
            let Size::Listed(size) = sized else { continue };
            let wasm = |instance: &mut PeerInstance| {
                let fill = instance.func::<u32, ()>("fill");
                move |instance: &mut PeerInstance| {
                    fill.call(&mut instance.store, size as u32).expect("fill")
                }
            };
            let host = |instance: &mut PeerInstance| {
                let (table, value) = (instance.t, instance.value.clone());
                table
                    .fill(&mut instance.store, 0, value, size)
                    .expect("fill")
            };
            bench_peer(group, peer, kind, size, wasm, host);
            bench_wasmi(group, wasmi, kind, size, |tables| {
                let (t, value) = (tables.t, tables.value);
                t.fill(&mut tables.store, 0, value, size)
                    .expect("wasmi fill")
            });
        }
    }
}

fn copy_within(group: &mut Group<'_>, peer: &Wasmtime, wasmi: &Wasmi) {
    for kind in KINDS {
        for sized in group.sizes(&BULK_SIZES, kind) {
            let size = sized.elements();
            let (dst, src, len) = (size / 4, 0, Op::CopyWithin.elements(size));
            bench_ours(
                group,
                kind,
                size,
                |storage| OursTable::filled(kind, storage, size),
                |ours, cx| {
                    ours.table
                        .copy_within(dst, src, len, cx)
                        .expect("copy_within")
                },
            );
            bench_baselines(group, Op::CopyWithin, kind, size);
            let Size::Listed(size) = sized else { continue };
            let wasm = |instance: &mut PeerInstance| {
                let copy = instance.func::<(u32, u32, u32), ()>("copy_within");
                let args = (dst as u32, src as u32, len as u32);
                move |instance: &mut PeerInstance| {
                    copy.call(&mut instance.store, args).expect("copy_within")
                }
            };
            let host = |instance: &mut PeerInstance| {
                let t = instance.t;
                PeerTable::copy(&mut instance.store, &t, dst, &t, src, len).expect("copy")
            };
            bench_peer(group, peer, kind, size, wasm, host);
            bench_wasmi(group, wasmi, kind, size, |tables| {
                let t = tables.t;
                wasmi::Table::copy(&mut tables.store, &t, dst, &t, src, len)
                    .expect("wasmi copy_within")
            });
        }
    }
}

fn copy(group: &mut Group<'_>, peer: &Wasmtime, wasmi: &Wasmi) {
    for kind in KINDS {
        for sized in group.sizes(&BULK_SIZES, kind) {
            let size = sized.elements();
            bench_ours(
                group,
                kind,
                size,
                |storage| {
                    let src = OursTable::filled(kind, storage, size);
                    (src, OursTable::new(kind, storage, size, size))
                },
                |(src, dst), cx| {
                    Table::copy(&mut dst.table, &src.table, 0, 0, size, cx).expect("copy")
                },
            );
            bench_baselines(group, Op::Copy, kind, size);
            let Size::Listed(size) = sized else { continue };
            let wasm = |instance: &mut PeerInstance| {
                let copy = instance.func::<u32, ()>("copy");
                move |instance: &mut PeerInstance| {
                    copy.call(&mut instance.store, size as u32).expect("copy")
                }
            };
            let host = |instance: &mut PeerInstance| {
                let (t, u) = (instance.t, instance.u);
                PeerTable::copy(&mut instance.store, &u, 0, &t, 0, size).expect("copy")
            };
            bench_peer(group, peer, kind, size, wasm, host);
            bench_wasmi(group, wasmi, kind, size, |tables| {
                let (t, u) = (tables.t, tables.u);
                wasmi::Table::copy(&mut tables.store, &u, 0, &t, 0, size).expect("wasmi copy")
            });
        }
    }
}

fn init(group: &mut Group<'_>) {
    for kind in KINDS {
        for size in group
            .sizes(&BULK_SIZES, kind)
            .into_iter()
            .map(Size::elements)
        {
            // Built with the first set, untimed (a filtered-out row allocates nothing), and
            // dropped before the baselines build theirs.
            let segment = LazyCell::new(|| Segment::new(kind, size));
            bench_ours(
                group,
                kind,
                size,
                |storage| {
                    LazyCell::force(&segment);
                    OursTable::new(kind, storage, size, size)
                },
                |ours, cx| ours.table.init(0, segment.as_segment(), cx).expect("init"),
            );
            drop(segment);
            bench_baselines(group, Op::Init, kind, size);
        }
    }
}

/// Registers our table in both storages: `prepare` builds one set of the state of one storage
/// (untimed), `op` is one timed iteration on it, run over the sets as
/// [`Rotation`](crate::harness::Rotation) says.
fn bench_ours<S>(
    group: &mut Group<'_>,
    kind: Kind,
    size: u64,
    mut prepare: impl FnMut(Storage) -> S,
    mut op: impl FnMut(&mut S, &mut TableContext<'_>),
) {
    // A runtime always lends its GC store; tables of nulls and i31s never call it.
    let mut store = CountingStore::new();
    let mut cx = TableContext::new().with_gc_store(&mut store);
    for storage in Storage::ALL {
        group.bench_rotating(
            kind,
            size,
            Variant::Ours(storage),
            || prepare(storage),
            |state| op(state, &mut cx),
        );
    }
}

/// Registers the baselines of the bulk operation `op` on `kind` at `size`: the slice baseline,
/// and for the GC kind (whose bulk writes read what they overwrite) the read+write one.
fn bench_baselines(group: &mut Group<'_>, op: Op, kind: Kind, size: u64) {
    bench_baseline(group, op, kind, size);
    if kind == Kind::Gc {
        bench_read_write_baseline(group, op, size);
    }
}

/// Registers the baseline of the bulk operation `op` on `kind` at `size`, on the kind's plain
/// element: `slice::fill`, `slice::copy_within` (the same ranges as ours), and
/// `copy_from_slice` for `copy` (from another slice) and `init` (from a segment). Rotated over
/// allocations as ours is (see [`Rotation`](crate::harness::Rotation)).
pub fn bench_baseline(group: &mut Group<'_>, op: Op, kind: Kind, size: u64) {
    let (dst, src, len) = (size / 4, 0, Op::CopyWithin.elements(size));
    let variant = Variant::Baseline;
    with_plain!(kind, P => match op {
        Op::Fill => group.bench_rotating(
            kind,
            size,
            variant,
            || plain_vec::<P>(size),
            |plain| plain.fill(black_box(P::VALUE)),
        ),
        Op::CopyWithin => group.bench_rotating(
            kind,
            size,
            variant,
            || plain_vec::<P>(size),
            |plain| plain.copy_within(src as usize..(src + len) as usize, dst as usize),
        ),
        Op::Copy => group.bench_rotating(
            kind,
            size,
            variant,
            || (plain_vec::<P>(size), vec![P::default(); size as usize]),
            |(src, dst)| dst.copy_from_slice(black_box(src)),
        ),
        Op::Init => {
            // One segment for every set, as ours writes one segment into each of its tables;
            // built with the first set, untimed.
            let segment = LazyCell::new(|| plain_vec::<P>(size));
            group.bench_rotating(
                kind,
                size,
                variant,
                || {
                    LazyCell::force(&segment);
                    vec![P::default(); size as usize]
                },
                |dst| dst.copy_from_slice(black_box(&segment)),
            )
        }
        other => unreachable!("{other} is not a bulk operation"),
    });
}

/// Registers the read+write baseline of the bulk operation `op` on GC tables at `size`
/// ([`Op::read_write_baseline`]): the same writes as [`bench_baseline`]'s on `u32`s, each
/// preceded by a read of the slot it overwrites (and, for the copies, of the source slot),
/// the reads OR-ed into a value that is `black_box`ed so they cannot be dropped. The limit of a
/// bulk write that must look at every slot it overwrites, as a GC table's barrier does.
fn bench_read_write_baseline(group: &mut Group<'_>, op: Op, size: u64) {
    let (dst, src, len) = (size / 4, 0, Op::CopyWithin.elements(size));
    let (kind, variant) = (Kind::Gc, Variant::BaselineReadWrite);
    match op {
        Op::Fill => group.bench_rotating(
            kind,
            size,
            variant,
            || plain_vec::<u32>(size),
            |plain| {
                black_box(read_write_fill(plain, black_box(u32::VALUE)));
            },
        ),
        Op::CopyWithin => group.bench_rotating(
            kind,
            size,
            variant,
            || plain_vec::<u32>(size),
            |plain| {
                black_box(read_write_copy_within(
                    plain,
                    src as usize,
                    dst as usize,
                    len as usize,
                ));
            },
        ),
        Op::Copy => group.bench_rotating(
            kind,
            size,
            variant,
            || (plain_vec::<u32>(size), vec![0u32; size as usize]),
            |(src, dst)| {
                black_box(read_write_copy(dst, black_box(src)));
            },
        ),
        Op::Init => {
            let segment = LazyCell::new(|| plain_vec::<u32>(size));
            group.bench_rotating(
                kind,
                size,
                variant,
                || {
                    LazyCell::force(&segment);
                    vec![0u32; size as usize]
                },
                |dst| {
                    black_box(read_write_copy(dst, black_box(&segment)));
                },
            )
        }
        other => unreachable!("{other} is not a bulk operation"),
    }
}

/// Writes `value` to every slot, each read first; returns the OR of the slots overwritten.
fn read_write_fill(slots: &mut [u32], value: u32) -> u32 {
    let mut seen = 0;
    for slot in slots {
        seen |= *slot;
        *slot = value;
    }
    seen
}

/// Copies `src` to `dst` (as long), reading each overwritten slot first; returns the OR of the
/// slots read, source and overwritten.
fn read_write_copy(dst: &mut [u32], src: &[u32]) -> u32 {
    let mut seen = 0;
    for (slot, &value) in dst.iter_mut().zip(src) {
        seen |= *slot | value;
        *slot = value;
    }
    seen
}

/// [`read_write_copy`] of `slots[src..src + len]` to `slots[dst..]`, in `memmove` order: in
/// blocks as long as the distance between the ranges, from the end when moving up, so that no
/// block overlaps itself and each block's source is read before another block overwrites it.
fn read_write_copy_within(slots: &mut [u32], src: usize, dst: usize, len: usize) -> u32 {
    if dst == src {
        return slots[src..src + len]
            .iter()
            .fold(0, |seen, &slot| seen | slot);
    }
    let block = dst.abs_diff(src).min(len);
    let mut seen = 0;
    let mut copy = |start: usize, end: usize| {
        let (from, to) = (src + start..src + end, dst + start..dst + end);
        seen |= if dst > src {
            let (low, high) = slots.split_at_mut(to.start);
            read_write_copy(&mut high[..to.len()], &low[from])
        } else {
            let (low, high) = slots.split_at_mut(from.start);
            read_write_copy(&mut low[to], &high[..from.len()])
        };
    };
    if dst > src {
        let mut end = len;
        while end > 0 {
            let start = end.saturating_sub(block);
            copy(start, end);
            end = start;
        }
    } else {
        let mut start = 0;
        while start < len {
            let end = (start + block).min(len);
            copy(start, end);
            start = end;
        }
    }
    seen
}

/// Registers Wasmtime's wasm and host variants of one operation, each
/// [rotated](crate::harness::Rotation) over prepared instances of `kind`'s peer (tables of
/// `size`, `$t` filled). `wasm` looks up its export in an instance and returns one timed
/// iteration; `host` is one timed iteration of the host API.
fn bench_peer<W>(
    group: &mut Group<'_>,
    peer: &Wasmtime,
    kind: Kind,
    size: u64,
    mut wasm: impl FnMut(&mut PeerInstance) -> W,
    mut host: impl FnMut(&mut PeerInstance),
) where
    W: FnMut(&mut PeerInstance),
{
    // Measured once per peer kind: a summary table's peer is the GC table's.
    let Some(peer_kind) = kind.wasmtime_peer().filter(|peer_kind| *peer_kind == kind) else {
        return;
    };
    let instance = || {
        let mut instance = peer.instance(peer_kind);
        instance.prepare(size);
        instance
    };
    group.bench_rotating(
        peer_kind,
        size,
        Variant::WasmtimeWasm,
        || {
            let mut instance = instance();
            let routine = wasm(&mut instance);
            (instance, routine)
        },
        |(instance, routine)| routine(instance),
    );
    group.bench_rotating(peer_kind, size, Variant::WasmtimeHost, instance, &mut host);
}

/// Registers wasmi's host variant of one operation, [rotated](crate::harness::Rotation) over
/// fresh tables of `kind`'s peer (`t` filled, `u` null, both of `size`, in a store of their
/// own); `host` is one timed iteration.
fn bench_wasmi(
    group: &mut Group<'_>,
    wasmi: &Wasmi,
    kind: Kind,
    size: u64,
    host: impl FnMut(&mut WasmiTables),
) {
    // Measured once per peer kind, as for Wasmtime.
    let Some(peer_kind) = kind.wasmi_peer().filter(|peer_kind| *peer_kind == kind) else {
        return;
    };
    group.bench_rotating(
        peer_kind,
        size,
        Variant::WasmiHost,
        || wasmi.tables(peer_kind, size),
        host,
    );
}
