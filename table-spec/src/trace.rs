//! This runtime as one of the runtimes the module fuzzer compares (`cargo xtask fuzz --modules`,
//! `xtask/src/module_fuzz.rs`): the trace of one binary module, in the format the Wasmtime and
//! wasmi runners write (`integrations/wasmtime/runner/main.rs`, `trace_module`).
//!
//! ```text
//! module rejected                      the validator rejects it
//! unsupported REASON                   it reaches something outside this runtime's scope (GC
//!                                      objects, exceptions, SIMD ...): nothing to compare
//! instantiate ok | trap CODE | error   instantiation (segments and start function included)
//! call NAME ok V...                    an exported function returned these values
//! call NAME trap CODE | error          ... trapped, or failed otherwise
//! call NAME skipped                    ... takes a non-nullable reference
//! table NAME SIZE S*N,...              an exported table, after instantiation and each call
//! count NAME N                         at the end, each non-zero counter the fuzzer added
//! ```
//!
//! Functions are called in the byte order of their export names with zero and null arguments
//! (but the Wasmtime runner's slot readers, `__is_null:NAME`).
//! Export names (NAME) are written quoted and escaped as Rust string literals, so that no name
//! can split a line; the counters' names (the fuzzer's own) as they are.
//! Trap codes are Wasmtime's names (this runtime traps with `wasmtime_environ::Trap`); an
//! invocation that spends its instruction budget is written `trap OutOfFuel`, as a runtime out
//! of fuel is. Slots and references: `n` null, `f:NAME` the function exported as NAME, `f?`
//! another, `x#K` a host value (K numbering distinct values in the order they first appear in
//! the line); runs of equal slots are written `SLOT*COUNT`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::rc::Rc;

use wasmtime_environ::wasmparser::{ValType, Validator, WasmFeatures};

use crate::error::SpecError;
use crate::instantiate::instantiate;
use crate::interp::invoke;
use crate::module::decode;
use crate::store::{ExternVal, Store};
use crate::tables::TableAddr;
use crate::types::RefTop;
use crate::types::TypeScope;
use crate::value::{FuncAddr, Ref, Val};

/// How a traced module runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceOptions {
    /// `Tunables::table_lazy_init` for funcref tables.
    pub lazy_init: bool,
    /// Instructions each invocation (the start function's, each call's) may execute.
    pub instruction_budget: u64,
    /// The most elements a table may have, at creation and by growth (a runtime's store
    /// limits): a grow past it is "no growth", a creation past it an instantiation error.
    pub max_table_elements: usize,
    /// The module fuzzer's self-check: after the first call, the first slot of the first
    /// non-empty funcref table gets another value (an exported function for a null, null for a
    /// function), which the comparison with the other runtimes must report.
    pub corrupt: bool,
}

/// The export names of the counters the module fuzzer adds (`xtask/src/table_counters.rs`).
const COUNTER_PREFIX: &str = "__count:";

/// The export names of the slot readers the module fuzzer's table programs add to continuation
/// tables (`xtask/src/table_programs.rs`), which only the Wasmtime runner calls, for its
/// snapshots: they are not called as the program's functions.
const SLOT_READER_PREFIX: &str = "__is_null:";

/// The trace of the module `bytes` (see the module documentation).
pub fn trace_module(bytes: &[u8], options: TraceOptions) -> String {
    match run(bytes, options) {
        Ok(trace) => trace,
        Err(Stop::Rejected) => "module rejected\n".to_string(),
        Err(Stop::Unsupported(reason)) => format!("unsupported {}\n", one_line(&reason)),
    }
}

/// Why a module gives no trace of its run.
enum Stop {
    Rejected,
    Unsupported(String),
}

fn run(bytes: &[u8], options: TraceOptions) -> Result<String, Stop> {
    let mut store = Store::new(options.lazy_init, options.instruction_budget);
    store.tables.limit_elements(options.max_table_elements);
    let mut validator = Validator::new_with_features(WasmFeatures::all());
    let module = match decode(bytes, &mut validator, &mut store.registry) {
        Ok(module) => Rc::new(module),
        Err(SpecError::Unsupported(reason)) => return Err(Stop::Unsupported(reason)),
        Err(_) => return Err(Stop::Rejected),
    };
    let mut out = String::new();
    let inst = match instantiate(&mut store, Rc::clone(&module), &HashMap::new()) {
        Ok(inst) => inst,
        Err(error) => {
            out.push_str(&format!("instantiate {}\n", outcome(error)?));
            return Ok(out);
        }
    };
    out.push_str("instantiate ok\n");
    let mut exports: Vec<(String, ExternVal)> = store.instances[inst]
        .exports
        .iter()
        .map(|(name, value)| (name.clone(), *value))
        .collect();
    exports.sort_by(|(a, _), (b, _)| a.cmp(b));
    let all_funcs: Vec<(&str, FuncAddr)> = exports
        .iter()
        .filter_map(|(name, value)| match value {
            ExternVal::Func(addr) => Some((name.as_str(), *addr)),
            _ => None,
        })
        .collect();
    // The fuzzer's slot readers are the Wasmtime runner's, for its snapshots: not called.
    let funcs: Vec<(&str, FuncAddr)> = all_funcs
        .iter()
        .copied()
        .filter(|(name, _)| !name.starts_with(SLOT_READER_PREFIX))
        .collect();
    let tables: Vec<(&str, TableAddr)> = exports
        .iter()
        .filter_map(|(name, value)| match value {
            ExternVal::Table(addr) => Some((name.as_str(), *addr)),
            _ => None,
        })
        .collect();
    let names: HashMap<FuncAddr, &str> = all_funcs
        .iter()
        .map(|(name, addr)| (*addr, *name))
        .collect();
    snapshot(&mut store, &tables, &names, &mut out)?;
    let mut corrupted = !options.corrupt;
    for (name, func) in &funcs {
        let Some(params) = arguments(&store, &module.types, *func) else {
            out.push_str(&format!("call {name:?} skipped\n"));
            continue;
        };
        match invoke(&mut store, *func, &params) {
            Ok(results) => {
                let mut ids = HashMap::new();
                let values: Vec<String> = results
                    .iter()
                    .map(|value| value_label(value, &names, &mut ids))
                    .collect();
                out.push_str(&format!("call {name:?} ok {}\n", values.join(" ")));
            }
            Err(error) => out.push_str(&format!("call {name:?} {}\n", outcome(error)?)),
        }
        if !corrupted {
            corrupted = corrupt_one_slot(&mut store, &tables, &funcs);
        }
        snapshot(&mut store, &tables, &names, &mut out)?;
    }
    for (name, value) in &exports {
        if let (true, ExternVal::Global(addr)) = (name.starts_with(COUNTER_PREFIX), value)
            && let Val::I64(count @ 1..) = store.globals[*addr].value
        {
            out.push_str(&format!("count {name} {count}\n"));
        }
    }
    Ok(out)
}

/// Zero and null arguments for `func`, or `None` if it takes a non-nullable reference.
fn arguments(
    store: &Store,
    types: &[wasmtime_environ::wasmparser::types::CoreTypeId],
    func: FuncAddr,
) -> Option<Vec<Val>> {
    let signature = store.registry.signature(store.funcs[func].type_id())?;
    let scope = TypeScope {
        registry: &store.registry,
        module: types,
    };
    signature
        .params
        .iter()
        .map(|ty| match ty {
            ValType::Ref(reference) if !reference.is_nullable() => None,
            ty => Some(Val::default_of(*ty, &scope)),
        })
        .collect()
}

/// `trap CODE` or `error` for what stopped an instantiation or a call; a module that reached
/// something unsupported stops the trace.
fn outcome(error: SpecError) -> Result<String, Stop> {
    match error {
        SpecError::Trap(trap) => Ok(format!("trap {trap:?}")),
        SpecError::OutOfBudget(_) => Ok("trap OutOfFuel".to_string()),
        SpecError::Unsupported(reason) => Err(Stop::Unsupported(reason)),
        _ => Ok("error".to_string()),
    }
}

/// One `table` line per exported table.
fn snapshot(
    store: &mut Store,
    tables: &[(&str, TableAddr)],
    names: &HashMap<FuncAddr, &str>,
    out: &mut String,
) -> Result<(), Stop> {
    for (name, table) in tables {
        let size = store.tables.size(*table);
        let mut ids = HashMap::new();
        let mut runs: Vec<(String, u64)> = Vec::new();
        for index in 0..size {
            let slot = match store.tables.get(*table, index) {
                Ok(slot) => ref_label(slot, names, &mut ids),
                Err(SpecError::Unsupported(reason)) => return Err(Stop::Unsupported(reason)),
                Err(_) => "?".to_string(),
            };
            match runs.last_mut() {
                Some((last, count)) if *last == slot => *count += 1,
                _ => runs.push((slot, 1)),
            }
        }
        let _ = write!(out, "table {name:?} {size} ");
        let slots: Vec<String> = runs
            .into_iter()
            .map(|(slot, count)| format!("{slot}*{count}"))
            .collect();
        out.push_str(&slots.join(","));
        out.push('\n');
    }
    Ok(())
}

/// The self-check's corruption (see [`TraceOptions::corrupt`]); returns whether a slot was
/// corrupted.
fn corrupt_one_slot(
    store: &mut Store,
    tables: &[(&str, TableAddr)],
    funcs: &[(&str, FuncAddr)],
) -> bool {
    for (_, table) in tables {
        if store.tables.size(*table) == 0 {
            continue;
        }
        let replacement = match store.tables.get(*table, 0) {
            Ok(Ref::Null(RefTop::Func)) => match funcs.first() {
                Some((_, func)) => Ref::Func(*func),
                None => continue,
            },
            Ok(Ref::Func(_)) => Ref::Null(RefTop::Func),
            _ => continue,
        };
        if store.tables.set(*table, 0, replacement).is_ok() {
            return true;
        }
    }
    false
}

/// A value as the trace writes it.
fn value_label(
    value: &Val,
    names: &HashMap<FuncAddr, &str>,
    ids: &mut HashMap<u32, usize>,
) -> String {
    match value {
        Val::I32(value) => value.to_string(),
        Val::I64(value) => value.to_string(),
        Val::F32(bits) => format!("f32:{bits:#x}"),
        Val::F64(bits) => format!("f64:{bits:#x}"),
        Val::V128(value) => format!("v128:{value:#x}"),
        Val::Ref(reference) => ref_label(*reference, names, ids),
    }
}

/// A reference as the trace writes it.
fn ref_label(
    reference: Ref,
    names: &HashMap<FuncAddr, &str>,
    ids: &mut HashMap<u32, usize>,
) -> String {
    match reference {
        Ref::Null(_) => "n".to_string(),
        Ref::Func(addr) => match names.get(&addr) {
            Some(name) => format!("f:{name:?}"),
            None => "f?".to_string(),
        },
        Ref::Extern(host) => {
            let next = ids.len();
            format!("x#{}", ids.entry(host).or_insert(next))
        }
    }
}

/// `text` on one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTIONS: TraceOptions = TraceOptions {
        lazy_init: true,
        instruction_budget: 10_000,
        max_table_elements: 100,
        corrupt: false,
    };

    fn trace(text: &str) -> String {
        let buffer = wast::parser::ParseBuffer::new(text).expect("lexes");
        let mut wat = wast::parser::parse::<wast::Wat<'_>>(&buffer).expect("parses");
        trace_module(&wat.encode().expect("encodes"), OPTIONS)
    }

    #[test]
    fn the_self_check_corrupts_one_funcref_slot_after_the_first_call() {
        let text = r#"(module
            (table $t (export "t") 2 funcref)
            (func $f (export "f")))"#;
        let buffer = wast::parser::ParseBuffer::new(text).expect("lexes");
        let mut wat = wast::parser::parse::<wast::Wat<'_>>(&buffer).expect("parses");
        let bytes = wat.encode().expect("encodes");
        let options = TraceOptions {
            corrupt: true,
            ..OPTIONS
        };

        let trace = trace_module(&bytes, options);

        assert_eq!(
            trace,
            "instantiate ok\ntable \"t\" 2 n*2\ncall \"f\" ok \ntable \"t\" 2 f:\"f\"*1,n*1\n"
        );
    }

    #[test]
    fn a_module_is_traced_call_by_call_in_export_name_order() {
        let trace = trace(
            r#"(module
                (table $t (export "t") 3 funcref)
                (elem (table $t) (i32.const 1) func $b)
                (func $b (export "b") (result i32)
                    (table.grow $t (ref.func $b) (i32.const 200)))
                (func (export "a") (result funcref) (table.get $t (i32.const 1)))
                (func (export "c") (table.fill $t (i32.const 0) (ref.null func) (i32.const 9)))
                (func (export "d") (loop (br 0))))"#,
        );

        assert_eq!(
            trace,
            r#"instantiate ok
table "t" 3 n*1,f:"b"*1,n*1
call "a" ok f:"b"
table "t" 3 n*1,f:"b"*1,n*1
call "b" ok -1
table "t" 3 n*1,f:"b"*1,n*1
call "c" trap TableOutOfBounds
table "t" 3 n*1,f:"b"*1,n*1
call "d" trap OutOfFuel
table "t" 3 n*1,f:"b"*1,n*1
"#
        );
    }

    #[test]
    fn a_module_beyond_the_runtime_says_so_instead_of_a_trace() {
        let trace = trace(
            r#"(module
                (type $s (struct (field i32)))
                (func (export "f") (drop (struct.new $s (i32.const 1)))))"#,
        );

        assert!(trace.starts_with("unsupported "), "{trace}");
        assert_eq!(trace.lines().count(), 1);
    }

    #[test]
    fn an_instantiation_trap_ends_the_trace() {
        let trace = trace(
            r#"(module
                (table 1 funcref)
                (func $f)
                (elem (i32.const 1) func $f))"#,
        );

        assert_eq!(trace, "instantiate trap TableOutOfBounds\n");
    }
}
