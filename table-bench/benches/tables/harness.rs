//! Registering benchmarks with criterion and timing them with untimed setup where they need it.

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, SamplingMode};
use std::hint::black_box;
use std::time::{Duration, Instant};
use table_bench::{BenchId, Kind, Op, Variant};

/// Criterion plus the list of every benchmark registered, for the report.
pub struct Harness {
    criterion: Criterion,
    registered: Vec<BenchId>,
}

impl Harness {
    /// Wraps a configured criterion.
    pub fn new(criterion: Criterion) -> Self {
        Harness {
            criterion,
            registered: Vec::new(),
        }
    }

    /// The benchmarks of one operation.
    pub fn group(&mut self, op: Op) -> Group<'_> {
        Group {
            group: self.criterion.benchmark_group(op.name()),
            registered: &mut self.registered,
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

/// The benchmarks of one operation, one criterion group.
pub struct Group<'a> {
    group: BenchmarkGroup<'a, WallTime>,
    registered: &'a mut Vec<BenchId>,
    op: Op,
}

impl Group<'_> {
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
