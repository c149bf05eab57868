//! Runs one case on both sides and compares them after every step.

use crate::case::{Case, Delta, Op, POOL_CAPACITY, Placement, TableSpec};
use crate::facade_side::FacadeSide;
use crate::limiter::{approves, drain};
use crate::outcome::Outcome;
use crate::wasmtime_side::WasmtimeSide;
use proptest::prelude::*;
use std::collections::BTreeMap;
use table_testkit::{LimiterCall, LimiterPolicy};

/// What a case exercised.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// How often Wasmtime's side ended a step in each outcome (by `Outcome::name`).
    pub outcomes: BTreeMap<&'static str, usize>,
    /// Grows that hit the intended difference (an allocation failure).
    pub intended_differences: usize,
    /// Grows skipped because they would really allocate a large table.
    pub skipped: usize,
    /// Pooled creations that hit the pool-capacity difference (see `compare_pool_refusal`).
    pub pool_refusals: usize,
}

/// Sizes in this range are never actually allocated: a successful grow would make every later
/// comparison slow, and a failing one would depend on the machine's memory rather than on
/// either runtime. Below it, allocations are small; above it, both runtimes fail to allocate
/// without touching memory.
const UNSAFE_SIZES: std::ops::Range<u64> = 257..(1 << 40);

/// The maximum the runtimes use for `spec`'s table in `placement`.
fn runtime_maximum(spec: &TableSpec, placement: Placement) -> u64 {
    match placement {
        Placement::Dynamic => spec.dynamic_maximum(),
        Placement::Pooled => spec.max.unwrap_or(u64::MAX).min(POOL_CAPACITY),
    }
}

fn resolve_delta(delta: Delta, size: u64, maximum: u64) -> u64 {
    match delta {
        Delta::Small(delta) | Delta::Huge(delta) => delta,
        Delta::ToMaximum(offset) => {
            let delta = i128::from(maximum) - i128::from(size) + i128::from(offset);
            delta.clamp(0, i128::from(u64::MAX)) as u64
        }
        Delta::Overflow(offset) => (u64::MAX - size).saturating_add(offset),
    }
}

/// Whether growing to `size` elements would really allocate a size in [`UNSAFE_SIZES`].
fn allocates_unsafe_size(policy: LimiterPolicy, size: Option<u64>, maximum: u64) -> bool {
    size.is_some_and(|size| {
        UNSAFE_SIZES.contains(&size) && size <= maximum && approves(policy, size)
    })
}

/// Runs `case` on the facade and on Wasmtime, comparing after creation and after every step.
pub fn run(case: &Case) -> Result<Report, TestCaseError> {
    let mut report = Report::default();
    for spec in &case.tables {
        let maximum = runtime_maximum(spec, case.placement);
        prop_assume!(!allocates_unsafe_size(case.policy, Some(spec.min), maximum));
    }
    let mut facade = FacadeSide::new(case);
    let mut oracle = WasmtimeSide::new(case);
    let mut created = 0;
    for (index, spec) in case.tables.iter().enumerate() {
        let ours = facade.create(index, spec, case.placement);
        let theirs = oracle.create(index, spec, case.placement);
        *report.outcomes.entry(theirs.name()).or_default() += 1;
        let step = format!("creating table {index} of {spec:?}");
        if theirs == Outcome::ExceedsStaticCapacity {
            compare_pool_refusal(&step, spec, &mut facade, &mut oracle, &ours)?;
            report.pool_refusals += 1;
            return Ok(report);
        }
        let both = ours == Outcome::Created && theirs == Outcome::Created;
        let compared = created + usize::from(both);
        compare(
            &step,
            None,
            &mut facade,
            &mut oracle,
            compared,
            ours.clone(),
            theirs,
        )?;
        if ours != Outcome::Created {
            return Ok(report);
        }
        created += 1;
    }
    for (number, op) in case.ops.iter().enumerate() {
        let mut delta = 0;
        if let Op::Grow {
            table,
            delta: requested,
            via_wasm,
            ..
        } = *op
        {
            let spec = &case.tables[table];
            let size = facade.size(table);
            let maximum = runtime_maximum(spec, case.placement);
            delta = resolve_delta(requested, size, maximum);
            if via_wasm && case.placement == Placement::Pooled && !spec.table64 {
                // `table.grow` on a 32-bit table takes an i32 operand.
                delta = u64::from(delta as u32);
            }
            let policy = facade.limiter.policy;
            if allocates_unsafe_size(policy, size.checked_add(delta), maximum) {
                report.skipped += 1;
                continue;
            }
        }
        let ours = facade.apply(op, delta);
        let theirs = oracle.apply(op, delta);
        *report.outcomes.entry(theirs.name()).or_default() += 1;
        let step = format!("step {number}: {op:?} (grow delta {delta})");
        let intended = compare(
            &step,
            Some(op),
            &mut facade,
            &mut oracle,
            created,
            ours,
            theirs,
        )?;
        report.intended_differences += usize::from(intended);
    }
    Ok(report)
}

/// Compares one step: its outcome, the limiter calls it made, then the sizes and contents of
/// the first `created` tables and the facade's reference counts. Returns whether the step hit
/// the intended difference.
fn compare(
    step: &str,
    op: Option<&Op>,
    facade: &mut FacadeSide,
    oracle: &mut WasmtimeSide,
    created: usize,
    ours: Outcome,
    theirs: Outcome,
) -> Result<bool, TestCaseError> {
    let our_calls = drain(&mut facade.limiter);
    let their_calls = drain(oracle.limiter());
    let intended = matches!(op, Some(Op::Grow { .. })) && theirs == Outcome::AllocationFailed;
    if intended {
        // The intended difference (`docs/semantics.md` §5): Wasmtime 44 returns the allocation
        // error; the facade reports it to `table_grow_failed` and answers "no growth" (or the
        // limiter's error, if `table_grow_failed` returns one).
        let expected = match facade.limiter.policy {
            LimiterPolicy::FailOnGrowFailed => Outcome::LimiterError,
            _ => Outcome::NoGrowth,
        };
        prop_assert_eq!(&ours, &expected, "{}: outcome", step);
        let (last, before) = our_calls
            .split_last()
            .ok_or_else(|| TestCaseError::fail(format!("{step}: no limiter calls")))?;
        prop_assert_eq!(before, &their_calls[..], "{}: limiter calls", step);
        prop_assert!(
            matches!(last, LimiterCall::GrowFailed(message) if message.contains("allocat")),
            "{}: the last limiter call is {:?}, not the allocation failure",
            step,
            last
        );
    } else {
        prop_assert_eq!(&ours, &theirs, "{}: outcome", step);
        prop_assert_eq!(&our_calls, &their_calls, "{}: limiter calls", step);
    }
    for table in 0..created {
        prop_assert_eq!(
            facade.size(table),
            oracle.size(table),
            "{}: size of table {}",
            step,
            table
        );
        let our_contents = facade.contents(table).map_err(TestCaseError::fail)?;
        let their_contents = oracle.contents(table).map_err(TestCaseError::fail)?;
        prop_assert_eq!(
            our_contents,
            their_contents,
            "{}: contents of table {}",
            step,
            table
        );
    }
    facade
        .check_reference_counts()
        .map_err(|message| TestCaseError::fail(format!("{step}: {message}")))?;
    prop_assert!(
        facade.bad_resolves.is_empty(),
        "{}: {:?}",
        step,
        facade.bad_resolves
    );
    Ok(intended)
}

/// A known difference that is not the facade's to remove: a pooling engine refuses a module
/// whose table minimum exceeds `table_elements` when the module is compiled, before anything
/// asks the limiter. The facade is handed memory, not a pool, so (like Wasmtime's own
/// `vm::Table::new_static`) it asks the limiter to approve the minimum first and only then finds
/// that the memory is too small. So the facade makes exactly one extra call,
/// `table_growing(0, min, declared maximum)`, and fails by its answer.
fn compare_pool_refusal(
    step: &str,
    spec: &TableSpec,
    facade: &mut FacadeSide,
    oracle: &mut WasmtimeSide,
    ours: &Outcome,
) -> Result<(), TestCaseError> {
    let our_calls = drain(&mut facade.limiter);
    let their_calls = drain(oracle.limiter());
    prop_assert_eq!(their_calls, vec![], "{}: Wasmtime's limiter calls", step);
    let [
        LimiterCall::Growing {
            current: 0,
            desired,
            maximum,
            answer,
        },
    ] = our_calls[..]
    else {
        return Err(TestCaseError::fail(format!(
            "{step}: the facade's limiter calls are {our_calls:?}"
        )));
    };
    prop_assert_eq!(desired as u64, spec.min, "{}: desired", step);
    prop_assert_eq!(
        maximum.map(|maximum| maximum as u64),
        Some(spec.dynamic_maximum()),
        "{}: maximum",
        step
    );
    let expected = match answer {
        Some(true) => Outcome::ExceedsStaticCapacity,
        Some(false) => Outcome::CreationRefused(format!(
            "table minimum size of {} elements exceeds table limits",
            spec.min
        )),
        None => Outcome::LimiterError,
    };
    prop_assert_eq!(ours, &expected, "{}: outcome", step);
    Ok(())
}
