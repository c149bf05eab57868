//! Registering benchmarks with criterion and timing them with untimed setup where they need it,
//! or over several allocations of their state.

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, SamplingMode};
use std::hint::black_box;
use std::time::{Duration, Instant};
use table_bench::cache::Caches;
use table_bench::{BenchId, Kind, Op, Variant};

/// Criterion plus the list of every benchmark registered, for the report, and the caches that
/// decide the sizes beyond the last-level cache.
pub struct Harness {
    criterion: Criterion,
    registered: Vec<BenchId>,
    caches: Caches,
}

impl Harness {
    /// Wraps a configured criterion; the bandwidth-bound operations are also measured beyond
    /// the last level of `caches`.
    pub fn new(criterion: Criterion, caches: Caches) -> Self {
        Harness {
            criterion,
            registered: Vec::new(),
            caches,
        }
    }

    /// The benchmarks of one operation.
    pub fn group(&mut self, op: Op) -> Group<'_> {
        Group {
            group: self.criterion.benchmark_group(op.name()),
            registered: &mut self.registered,
            caches: &self.caches,
            op,
        }
    }

    /// Every benchmark registered so far (also those a filter skipped).
    pub fn registered(&self) -> &[BenchId] {
        &self.registered
    }

    /// Prints criterion's closing summary.
    pub fn final_summary(&self) {
        self.criterion.final_summary();
    }
}

/// A size a group measures a kind at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// A size below [`SMALL_BELOW`] elements: ours and the baselines only, for the fixed cost of
    /// a call (the report's intercept of time against length over these sizes and 1e3). The
    /// peers' figures at 1e3 and above stand for theirs.
    Small(u64),
    /// One of the sizes every machine measures: ours, the baselines and the peers.
    Listed(u64),
    /// This machine's size of the kind beyond its last-level cache (see
    /// `table_bench::cache`): ours and the baselines only, each row on one allocation. The peers
    /// are not measured there: each would need gigabyte tables in stores of their own, and
    /// their figures at the listed sizes stand.
    BeyondLastLevelCache(u64),
}

impl Size {
    /// The table size in elements.
    pub fn elements(self) -> u64 {
        match self {
            Size::Small(elements)
            | Size::Listed(elements)
            | Size::BeyondLastLevelCache(elements) => elements,
        }
    }
}

/// Sizes below this many elements are [`Size::Small`].
pub const SMALL_BELOW: u64 = 1_000;

/// The benchmarks of one operation, one criterion group.
pub struct Group<'a> {
    group: BenchmarkGroup<'a, WallTime>,
    registered: &'a mut Vec<BenchId>,
    caches: &'a Caches,
    op: Op,
}

impl Group<'_> {
    /// The sizes `kind` is measured at in this group: `sizes` (those below [`SMALL_BELOW`] as
    /// [`Size::Small`]), then, for a bandwidth-bound operation ([`Op::bandwidth_bound`]), the
    /// kind's size beyond the last-level cache unless it is one of them.
    pub fn sizes(&self, sizes: &[u64], kind: Kind) -> Vec<Size> {
        let mut all: Vec<Size> = sizes
            .iter()
            .map(|&size| {
                if size < SMALL_BELOW {
                    Size::Small(size)
                } else {
                    Size::Listed(size)
                }
            })
            .collect();
        let beyond = self.caches.beyond_last_level(kind.element_size());
        if self.op.bandwidth_bound() && !sizes.contains(&beyond) {
            all.push(Size::BeyondLastLevelCache(beyond));
        }
        all
    }

    /// Registers (and, unless filtered out, runs) `routine`, which returns the time `iters`
    /// iterations took.
    pub fn bench(
        &mut self,
        kind: Kind,
        size: u64,
        variant: Variant,
        mut routine: impl FnMut(u64) -> Duration,
    ) {
        let id = BenchId {
            op: self.op,
            kind,
            size,
            variant,
        };
        // Large iterations are timed in equal samples (criterion's linear sampling would need
        // hundreds of them); small ones get more samples for a steadier median.
        if size >= 1_000_000 {
            self.group.sampling_mode(SamplingMode::Flat).sample_size(10);
        } else {
            self.group.sampling_mode(SamplingMode::Auto).sample_size(20);
        }
        self.group
            .bench_function(BenchmarkId::new(id.function(), id.parameter()), |bencher| {
                bencher.iter_custom(&mut routine)
            });
        self.registered.push(id);
    }

    /// Registers `op` timed over a [`Rotation`] of states built by `make` for `size` elements:
    /// every bulk row (ours, its baseline and the peers) is measured this way.
    pub fn bench_rotating<S>(
        &mut self,
        kind: Kind,
        size: u64,
        variant: Variant,
        make: impl FnMut() -> S,
        mut op: impl FnMut(&mut S),
    ) {
        let id = BenchId {
            op: self.op,
            kind,
            size,
            variant,
        };
        let mut rotation = Rotation::new(&id, make);
        // The sets are built on the first timed call, so a benchmark a filter skips allocates
        // nothing (beyond the last-level cache, one set takes a gigabyte).
        self.bench(kind, size, variant, |iters| rotation.time(iters, &mut op));
    }
}

/// Sizes from which a bulk benchmark's state is allocated more than once.
pub const ROTATION_FROM: u64 = 1_000_000;
/// The most sets a rotation allocates.
pub const ROTATION_SETS: usize = 8;
/// The bytes all sets of a rotation may touch together: the sets of one row must stay in the
/// cache level one set was measured in. Eight 16 MB continuation tables (128 MB) no longer
/// did on this machine (its fill ran 3x slower than over one table), while eight 4 MB handle
/// tables (32 MB) ran as fast as one.
pub const ROTATION_BYTES: usize = 32 << 20;

/// A benchmark's state allocated several times; timed iteration `k` runs on set `k % n`.
///
/// Why: a bulk operation on 1e6 elements streams megabytes through memory, and its speed depends
/// on where its buffers landed (which physical pages back them; transparent huge pages are only
/// granted on request here), which is luck, not code. Timed on one allocation, a 4 MB fill took
/// 155-211 µs from run to run for ours and for wasmi alike, so the run decided which of the two
/// was ahead. Rotating over several independent allocations makes each figure an average over
/// placements. It does not remove what differs between whole runs (the same eight sets measured
/// 150-180 µs from one process to the next here), so where two sides both run at the memory's
/// speed their ratio stays within a few percent of 1 and either may be ahead in a given run.
///
/// Every bulk row rotates, ours (every kind, both storages), the baselines, Wasmtime and wasmi,
/// so every comparison in the report stays like for like: each side allocates its sets as it
/// allocates one (our tables through their storage's constructor, the baselines as `Vec`s, the
/// peers' tables through `Table::new` or `grow` in a store of their own), and runs through them
/// in the same order. How many sets: as many as keep the bytes all sets touch within
/// [`ROTATION_BYTES`], at most [`ROTATION_SETS`] ([`Rotation::new`]). The count follows the
/// slot size, not the kind, so a 4-byte handle table and wasmi's 4-byte table always get the
/// same number of sets, and ours and Wasmtime's funcref tables too (only the `func` rows
/// beside wasmi's 4-byte slots rotate over fewer, larger sets than wasmi, within the same
/// bytes). Below [`ROTATION_FROM`] elements a set fits L1 or L2, where placement matters little,
/// so one set is kept.
///
/// Not rotated: the heap-reference rows (`heap.rs`), whose cost on both sides is the barrier's
/// work per slot, not bandwidth, and the lazy copies (`lazy.rs`), whose peer figure is
/// Wasmtime's `table.copy` with its per-slot lazy-initialisation pass, several times slower than
/// the memory, so placement cannot decide their comparisons.
///
/// A table beyond a last-level cache of 16 MiB or more takes more than [`ROTATION_BYTES`], so
/// those rows run on one allocation.
pub struct Rotation<S, M> {
    sets: Vec<S>,
    count: usize,
    make: M,
    next: usize,
}

impl<S, M: FnMut() -> S> Rotation<S, M> {
    /// The sets of benchmark `id`, each built by `make` when first timed: one below
    /// [`ROTATION_FROM`] elements, else as many as fit in [`ROTATION_BYTES`] (at least one, at
    /// most [`ROTATION_SETS`]), counting the bytes one iteration touches: one table's slots, or
    /// two tables' for `copy` and `init` (source and destination).
    pub fn new(id: &BenchId, make: M) -> Self {
        let count = if id.size < ROTATION_FROM {
            1
        } else {
            let tables = match id.op {
                Op::Copy | Op::Init => 2,
                _ => 1,
            };
            let slots = usize::try_from(id.size).expect("benchmark sizes fit in usize");
            (ROTATION_BYTES / (slots * id.slot_size() * tables)).clamp(1, ROTATION_SETS)
        };
        Rotation {
            sets: Vec::new(),
            count,
            make,
            next: 0,
        }
    }

    /// Times `iters` runs of `op`, each on the next set (building the sets first if this is
    /// the first call, untimed); the rotation continues where the previous call stopped, so
    /// every sample spreads over all sets.
    pub fn time(&mut self, iters: u64, mut op: impl FnMut(&mut S)) -> Duration {
        if self.sets.is_empty() {
            self.sets = std::iter::repeat_with(&mut self.make)
                .take(self.count)
                .collect();
        }
        let start = Instant::now();
        for _ in 0..iters {
            let set = &mut self.sets[self.next];
            op(set);
            black_box(set);
            self.next += 1;
            if self.next == self.sets.len() {
                self.next = 0;
            }
        }
        start.elapsed()
    }
}

/// Times `iters` runs of `op`.
pub fn time(iters: u64, mut op: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        op();
    }
    start.elapsed()
}

/// Times `iters` runs of `op`, each on a fresh input from `setup`; neither the setup nor the
/// dropping of `op`'s output is timed. For operations long enough that two clock reads per
/// iteration do not matter.
pub fn time_with_setup<I, O>(
    iters: u64,
    mut setup: impl FnMut() -> I,
    mut op: impl FnMut(I) -> O,
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let input = setup();
        let start = Instant::now();
        let output = op(input);
        total += start.elapsed();
        drop(black_box(output));
    }
    total
}

/// Times `iters` runs of `op(state, k)` in batches of up to `batch`: before each batch
/// `reset(state, k)` prepares the `k`-th input of the batch, untimed; the batch's runs are timed
/// together, so short operations are not timed one clock read at a time.
pub fn time_batched<S: ?Sized>(
    iters: u64,
    batch: usize,
    state: &mut S,
    mut reset: impl FnMut(&mut S, usize),
    mut op: impl FnMut(&mut S, usize),
) -> Duration {
    let mut total = Duration::ZERO;
    let mut left = iters;
    while left > 0 {
        let count = usize::try_from(left).map_or(batch, |left| left.min(batch));
        for k in 0..count {
            reset(state, k);
        }
        let start = Instant::now();
        for k in 0..count {
            op(state, k);
        }
        total += start.elapsed();
        left -= count as u64;
    }
    total
}
