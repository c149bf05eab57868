//! Differential tests against Wasmtime 44: the facade's `Table` and Wasmtime's public `Table`
//! API run the same random operation sequences, and after every step they must agree on the
//! result (value, old size, "no growth", trap or limiter error), the size, every element (funcrefs
//! by identity: Wasmtime's `Func::to_raw` pointer and our `VMFuncRef` stand-in map to the same
//! id; `externref`s by host value, our side through a GC store that maps heap indices to host
//! values), and the exact resource-limiter calls (`table_growing` arguments and answers,
//! `table_grow_failed` messages), with the same limiter policy on both sides.
//!
//! Host-created Wasmtime tables are always dynamic, so static storage is compared with tables
//! that a module defines on a pooling engine (`table_elements` = the facade's static capacity),
//! grown both through the module's exported `table.grow` function and through the host API.
//!
//! # The one intended difference
//!
//! When growing needs memory that cannot be allocated, Wasmtime 44's `Table::grow` returns the
//! allocation error (and does not call `table_grow_failed`). The facade follows the WebAssembly
//! spec instead (`docs/semantics.md` §5): it tells the limiter through `table_grow_failed` and
//! reports "no growth", so `table.grow` returns -1. The comparison accepts exactly that: Wasmtime's
//! allocation error against the facade's "no growth" (or the limiter's own error if
//! `table_grow_failed` returns one) plus one extra `table_grow_failed` call naming the
//! allocation. Everything else must match.
//!
//! # Differences found that are not the facade's to remove
//!
//! - A pooling engine refuses a module whose table minimum exceeds `table_elements` when it
//!   compiles the module, before any limiter call; the facade, handed memory rather than a pool,
//!   asks the limiter first and then fails on the small memory (`compare_pool_refusal` in
//!   `differential/run.rs` checks exactly that).
//! - A table type whose minimum exceeds its maximum (invalid WebAssembly that
//!   `wasmtime::TableType::new` accepts): Wasmtime creates it, the facade refuses it
//!   (`minimum_above_maximum_is_created_by_wasmtime_and_refused_here`). Storage built from
//!   such limits directly (`TableLimits::new(5, Some(2))`) is refused the same way by both of
//!   table-core's storages.
//! - Error order when a host call is wrong twice: the facade checks bounds first (as the spec
//!   orders a trap before anything else), then the value's kind, then what the context must
//!   lend; Wasmtime's `Table::set`/`fill` convert the value (a type error) before they check
//!   the index. The random operations here never pass a value of the wrong kind, so the
//!   comparison does not meet this; `tests/error_order.rs` holds the facade's order.
//! - Kinds, not types: like Wasmtime's internal table module, the facade checks element kinds
//!   only. Wasmtime's public API also checks reference types (it refuses copying an
//!   `externref` table into an `anyref` table, and an `externref` value into a `(ref extern)`
//!   slot as null); the facade leaves that to the validator and the embedder (see the crate
//!   docs, "Kinds, not types"). The comparison uses one nullable type per kind, so it does not
//!   meet this either.

#[path = "differential/case.rs"]
mod case;
#[path = "differential/facade_side.rs"]
mod facade_side;
#[path = "differential/limiter.rs"]
mod limiter;
#[path = "differential/outcome.rs"]
mod outcome;
#[path = "differential/run.rs"]
mod run;
#[path = "differential/wasmtime_side.rs"]
mod wasmtime_side;

use case::{Case, Delta, Kind, Op, Placement, TableSpec};
use proptest::prelude::*;
use table_testkit::{LimiterCall, LimiterPolicy, proptest_cases};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(proptest_cases(500)))]

    #[test]
    fn lazy_funcref_tables_match_wasmtime(case in case::case(Kind::FuncLazy, Placement::Dynamic)) {
        run::run(&case)?;
    }

    #[test]
    fn eager_funcref_tables_match_wasmtime(
        case in case::case(Kind::FuncEager, Placement::Dynamic),
    ) {
        run::run(&case)?;
    }

    #[test]
    fn externref_tables_match_wasmtime(case in case::case(Kind::Extern, Placement::Dynamic)) {
        run::run(&case)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(proptest_cases(200)))]

    #[test]
    fn static_lazy_funcref_tables_match_wasmtime_pooled_tables(
        case in case::case(Kind::FuncLazy, Placement::Pooled),
    ) {
        run::run(&case)?;
    }

    #[test]
    fn static_eager_funcref_tables_match_wasmtime_pooled_tables(
        case in case::case(Kind::FuncEager, Placement::Pooled),
    ) {
        run::run(&case)?;
    }

    #[test]
    fn static_externref_tables_match_wasmtime_pooled_tables(
        case in case::case(Kind::Extern, Placement::Pooled),
    ) {
        run::run(&case)?;
    }
}

fn unbounded_table64() -> TableSpec {
    TableSpec {
        table64: true,
        min: 0,
        max: None,
        init: None,
        presets: Vec::new(),
        unfilled: false,
    }
}

/// The intended difference, on purpose: growing an unbounded table64 to `u64::MAX` elements
/// passes the limiter and the maximum, then cannot be allocated.
#[test]
fn grow_allocation_failure_is_no_growth_here_and_an_error_in_wasmtime() {
    for kind in [Kind::FuncLazy, Kind::FuncEager, Kind::Extern] {
        for policy in [LimiterPolicy::Allow, LimiterPolicy::FailOnGrowFailed] {
            let case = Case {
                kind,
                placement: Placement::Dynamic,
                policy,
                asynchronous: false,
                tables: [unbounded_table64(), unbounded_table64()],
                ops: vec![Op::Grow {
                    table: 0,
                    delta: Delta::Overflow(0),
                    value: Some(1),
                    via_wasm: false,
                    asynchronous: false,
                }],
            };
            let report = run::run(&case).unwrap_or_else(|error| panic!("{kind:?}: {error}"));
            assert_eq!(report.intended_differences, 1, "{kind:?} {policy:?}");
        }
    }
}

/// A known difference from Wasmtime: a table type whose minimum exceeds its
/// maximum. Such a type is invalid WebAssembly, but `wasmtime::TableType::new` accepts it, and
/// Wasmtime 44's `Table::new` creates a table of `min` elements that can never grow. The facade
/// (table-core's `TableLimits::for_table`) refuses it once the limiter has approved the minimum.
/// Both ask the limiter the same question first.
#[test]
fn minimum_above_maximum_is_created_by_wasmtime_and_refused_here() {
    for kind in [Kind::FuncLazy, Kind::FuncEager, Kind::Extern] {
        let spec = TableSpec {
            table64: false,
            min: 5,
            max: Some(2),
            init: Some(0),
            presets: Vec::new(),
            unfilled: false,
        };
        let case = Case {
            kind,
            placement: Placement::Dynamic,
            policy: LimiterPolicy::Allow,
            asynchronous: false,
            tables: [spec.clone(), spec.clone()],
            ops: Vec::new(),
        };
        let mut facade = facade_side::FacadeSide::new(&case);
        let mut oracle = wasmtime_side::WasmtimeSide::new(&case);
        let approval = LimiterCall::Growing {
            current: 0,
            desired: 5,
            maximum: Some(2),
            answer: Some(true),
        };

        assert_eq!(
            oracle.create(0, &spec, Placement::Dynamic),
            outcome::Outcome::Created
        );
        assert_eq!(oracle.size(0), 5, "{kind:?}");
        assert_eq!(
            oracle.limiter().calls,
            std::slice::from_ref(&approval),
            "{kind:?}"
        );

        assert_eq!(
            facade.create(0, &spec, Placement::Dynamic),
            outcome::Outcome::CreationRefused(
                "table minimum size of 5 elements exceeds table limits".to_string()
            ),
            "{kind:?}"
        );
        assert_eq!(facade.limiter.calls, [approval], "{kind:?}");
    }
}

/// Guards the generators: a fixed-seed batch of cases of every kind and placement must reach
/// every outcome the comparison is meant to cover, so the differential tests cannot pass by
/// comparing nothing.
#[test]
fn generated_cases_reach_every_outcome() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{TestCaseError, TestRunner};

    for placement in [Placement::Dynamic, Placement::Pooled] {
        for kind in [Kind::FuncLazy, Kind::FuncEager, Kind::Extern] {
            let mut runner = TestRunner::deterministic();
            let strategy = case::case(kind, placement);
            let mut total = run::Report::default();
            for _ in 0..300 {
                let case = strategy.new_tree(&mut runner).expect("a case").current();
                let report = match run::run(&case) {
                    Ok(report) => report,
                    Err(TestCaseError::Reject(_)) => continue,
                    Err(error) => panic!("{kind:?} {placement:?}: {error}\n{case:#?}"),
                };
                for (outcome, count) in report.outcomes {
                    *total.outcomes.entry(outcome).or_default() += count;
                }
                total.intended_differences += report.intended_differences;
                total.skipped += report.skipped;
                total.pool_refusals += report.pool_refusals;
            }
            eprintln!("{kind:?} {placement:?}: {total:?}");
            let mut expected = vec![
                "Created",
                "Done",
                "Value(null)",
                "Value(non-null)",
                "Grown",
                "NoGrowth",
                "Trap",
                "LimiterError",
                "CreationRefused",
            ];
            match placement {
                Placement::Dynamic => {
                    expected.push("AllocationFailed");
                    assert!(total.intended_differences > 0, "{kind:?}: {total:?}");
                }
                Placement::Pooled => {
                    expected.push("ExceedsStaticCapacity");
                    assert!(total.pool_refusals > 0, "{kind:?}: {total:?}");
                }
            }
            for outcome in expected {
                assert!(
                    total.outcomes.contains_key(outcome),
                    "{kind:?} {placement:?}: no {outcome} in {total:?}"
                );
            }
            assert_eq!(total.outcomes.get("Other"), None, "{total:?}");
        }
    }
}
