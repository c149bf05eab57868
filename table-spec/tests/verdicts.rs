//! The runner judges directives honestly: wrong expectations fail, out-of-scope instructions are
//! named skips, and invalid or malformed modules are really checked.

use table_spec::{RunOptions, ScriptReport, Verdict, run_script};

fn run(text: &str) -> ScriptReport {
    run_script("inline.wast", text, RunOptions::default())
}

fn verdicts(text: &str) -> Vec<Verdict> {
    let report = run(text);
    assert!(report.fatal.is_empty(), "{:?}", report.fatal);
    report.outcomes.into_iter().map(|o| o.verdict).collect()
}

fn is_failed(verdict: &Verdict) -> bool {
    matches!(verdict, Verdict::Failed(_))
}

const TABLE_MODULE: &str = r#"
(module
  (table $t 2 externref)
  (func (export "get") (param i32) (result externref) (table.get $t (local.get 0)))
  (func (export "set") (param i32 externref) (table.set $t (local.get 0) (local.get 1)))
)
"#;

#[test]
fn a_wrong_expected_result_is_a_failure() {
    let script = format!(
        "{TABLE_MODULE}
        (assert_return (invoke \"set\" (i32.const 0) (ref.extern 5)))
        (assert_return (invoke \"get\" (i32.const 0)) (ref.extern 6))"
    );
    let verdicts = verdicts(&script);
    assert_eq!(verdicts[..2], [Verdict::Passed, Verdict::Passed]);
    assert!(is_failed(&verdicts[2]), "{verdicts:?}");
}

#[test]
fn a_missing_trap_is_a_failure_and_a_wrong_trap_message_too() {
    let script = format!(
        "{TABLE_MODULE}
        (assert_trap (invoke \"get\" (i32.const 1)) \"out of bounds table access\")
        (assert_trap (invoke \"get\" (i32.const 2)) \"integer divide by zero\")
        (assert_trap (invoke \"get\" (i32.const 2)) \"out of bounds table access\")"
    );
    let verdicts = verdicts(&script);
    assert!(is_failed(&verdicts[1]), "{verdicts:?}");
    assert!(is_failed(&verdicts[2]), "{verdicts:?}");
    assert_eq!(verdicts[3], Verdict::Passed);
}

#[test]
fn assert_invalid_on_a_valid_module_fails_and_on_an_invalid_one_passes() {
    let verdicts = verdicts(
        r#"
        (assert_invalid (module (table 1 funcref)) "type mismatch")
        (assert_invalid (module (table 1 funcref) (func (table.set 0 (i32.const 0) (ref.null extern)))) "type mismatch")
        "#,
    );
    assert!(is_failed(&verdicts[0]), "{verdicts:?}");
    assert_eq!(verdicts[1], Verdict::Passed);
}

#[test]
fn assert_malformed_on_a_well_formed_module_fails() {
    let verdicts = verdicts(
        r#"
        (assert_malformed (module quote "(table 1 funcref)") "unexpected token")
        (assert_malformed (module quote "(table 1 funcref") "unexpected end")
        (assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
        "#,
    );
    assert!(is_failed(&verdicts[0]), "{verdicts:?}");
    assert_eq!(verdicts[1..], [Verdict::Passed, Verdict::Passed]);
}

#[test]
fn an_out_of_scope_instruction_is_a_skip_that_names_it() {
    let verdicts = verdicts(
        r#"
        (module (func (export "simd") (result i32) (i32x4.extract_lane 0 (v128.const i32x4 1 2 3 4))))
        (assert_return (invoke "simd") (i32.const 1))
        "#,
    );
    assert_eq!(verdicts[0], Verdict::Passed);
    match &verdicts[1] {
        Verdict::Skipped(reason) => assert!(reason.contains("v128.const"), "{reason}"),
        other => panic!("expected a skip, got {other:?}"),
    }
}

#[test]
fn directives_on_a_skipped_module_are_skipped_with_the_modules_reason() {
    let verdicts = verdicts(
        r#"
        (module (tag $e) (func (export "f")) (start $s) (func $s (throw $e)))
        (assert_return (invoke "f"))
        "#,
    );
    for verdict in &verdicts {
        match verdict {
            Verdict::Skipped(reason) => assert!(reason.contains("throw"), "{reason}"),
            other => panic!("expected skips, got {other:?}"),
        }
    }
}

#[test]
fn an_unknown_import_is_unlinkable_and_a_linkable_one_fails_the_assertion() {
    let verdicts = verdicts(
        r#"
        (assert_unlinkable (module (import "spectest" "nothing" (func))) "unknown import")
        (assert_unlinkable (module (import "spectest" "table" (table 10 funcref))) "incompatible import type")
        (assert_unlinkable (module (import "spectest" "table" (table 10 externref))) "incompatible import type")
        "#,
    );
    assert_eq!(verdicts[0], Verdict::Passed);
    assert!(is_failed(&verdicts[1]), "{verdicts:?}");
    assert_eq!(verdicts[2], Verdict::Passed);
}

#[test]
fn call_stack_exhaustion_is_reported_as_such() {
    let verdicts = verdicts(
        r#"
        (module (func $f (export "loop") (call $f)))
        (assert_exhaustion (invoke "loop") "call stack exhausted")
        "#,
    );
    assert_eq!(verdicts, [Verdict::Passed, Verdict::Passed]);
}

#[test]
fn an_unparsable_script_is_a_script_level_failure() {
    let report = run("(module (table 1 funcref)");
    assert_eq!(report.counts().failed, 1);
    assert!(report.outcomes.is_empty());
}

#[test]
fn an_endless_loop_fails_once_the_instruction_budget_is_spent() {
    let options = RunOptions {
        instruction_budget: 10_000,
        ..RunOptions::default()
    };
    let report = run_script(
        "loop.wast",
        r#"(module (func (export "spin") (loop (br 0))))
           (invoke "spin")"#,
        options,
    );
    match &report.outcomes[1].verdict {
        Verdict::Failed(message) => assert!(message.contains("10000 instructions"), "{message}"),
        other => panic!("expected a failure, got {other:?}"),
    }
}
