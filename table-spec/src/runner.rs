//! The script driver: runs each directive of a `.wast` script against one store and records
//! whether it passed, failed or was skipped (and why).

use std::collections::HashMap;
use std::rc::Rc;

use wasmtime_environ::Trap;
use wasmtime_environ::wasmparser::{Validator, WasmFeatures};
use wast::core::{AbstractHeapType, HeapType, NanPattern, WastArgCore, WastRetCore};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

use crate::error::SpecError;
use crate::instantiate::instantiate;
use crate::interp::invoke;
use crate::module::{Module, decode};
use crate::report::{Outcome, ScriptReport, Verdict};
use crate::store::{ExternVal, InstAddr, Store};
use crate::types::RefTop;
use crate::value::{Ref, Val};

/// The `spectest` host module every script may import from: the globals, tables, memory and
/// print functions the specification's harness provides (printing does nothing here).
const SPECTEST: &str = r#"(module
  (global (export "global_i32") i32 (i32.const 666))
  (global (export "global_i64") i64 (i64.const 666))
  (global (export "global_f32") f32 (f32.const 666.6))
  (global (export "global_f64") f64 (f64.const 666.6))
  (table (export "table") 10 20 funcref)
  (table (export "table64") i64 10 20 funcref)
  (memory (export "memory") 1 2)
  (func (export "print"))
  (func (export "print_i32") (param i32))
  (func (export "print_i64") (param i64))
  (func (export "print_f32") (param f32))
  (func (export "print_f64") (param f64))
  (func (export "print_i32_f32") (param i32 f32))
  (func (export "print_f64_f64") (param f64 f64))
)"#;

/// How a script runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// `Tunables::table_lazy_init`: funcref slots start uninitialised and are resolved from the
    /// instance's initial image on first read.
    pub lazy_init: bool,
    /// Instructions one invocation may execute before it fails (so an endless loop cannot hang
    /// the job).
    pub instruction_budget: u64,
}

impl RunOptions {
    /// The default budget: far more than any specification script needs.
    pub const DEFAULT_INSTRUCTION_BUDGET: u64 = 500_000_000;

    /// Default options with the given funcref mode.
    pub fn with_lazy_init(lazy_init: bool) -> RunOptions {
        RunOptions {
            lazy_init,
            ..RunOptions::default()
        }
    }
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            lazy_init: true,
            instruction_budget: RunOptions::DEFAULT_INSTRUCTION_BUDGET,
        }
    }
}

/// A module a script can refer to.
#[derive(Debug, Clone)]
enum ModuleSlot {
    /// Instantiated.
    Ready(InstAddr),
    /// Its instantiation reached something out of scope: directives using it are skipped.
    Skipped(String),
    /// Its instantiation failed: directives using it fail.
    Broken(String),
}

/// The state of one script run.
struct ScriptRunner {
    store: Store,
    validator: Validator,
    registered: HashMap<String, InstAddr>,
    named: HashMap<String, ModuleSlot>,
    current: Option<ModuleSlot>,
    definitions: HashMap<String, Rc<Module>>,
    last_definition: Option<Rc<Module>>,
}

/// Runs a whole script and reports every directive.
pub fn run_script(name: &str, text: &str, options: RunOptions) -> ScriptReport {
    let mut report = ScriptReport::new(name);
    let buffer = match ParseBuffer::new(text) {
        Ok(buffer) => buffer,
        Err(error) => {
            report.fatal(format!("cannot lex script: {error}"));
            return report;
        }
    };
    let wast = match parser::parse::<Wast<'_>>(&buffer) {
        Ok(wast) => wast,
        Err(mut error) => {
            error.set_text(text);
            report.fatal(format!("cannot parse script: {error}"));
            return report;
        }
    };
    let mut runner = match ScriptRunner::new(options) {
        Ok(runner) => runner,
        Err(error) => {
            report.fatal(format!("cannot set up the spectest module: {error}"));
            return report;
        }
    };
    for directive in wast.directives {
        let line = directive.span().linecol_in(text).0 + 1;
        let (what, verdict) = runner.directive(directive);
        report.push(Outcome {
            line,
            what,
            verdict,
        });
    }
    if let Err(problem) = runner.store.tables.check_heap() {
        report.fatal(format!("GC store check after the script: {problem}"));
    }
    report.stats = runner.store.tables.stats();
    report
}

fn verdict_of(result: Result<(), SpecError>) -> Verdict {
    match result {
        Ok(()) => Verdict::Passed,
        Err(SpecError::Unsupported(reason)) => Verdict::Skipped(reason),
        Err(error) => Verdict::Failed(error.to_string()),
    }
}

impl ScriptRunner {
    fn new(options: RunOptions) -> Result<ScriptRunner, SpecError> {
        let mut runner = ScriptRunner {
            store: Store::new(options.lazy_init, options.instruction_budget),
            validator: Validator::new_with_features(WasmFeatures::WASM3),
            registered: HashMap::new(),
            named: HashMap::new(),
            current: None,
            definitions: HashMap::new(),
            last_definition: None,
        };
        let buffer = ParseBuffer::new(SPECTEST).map_err(|e| SpecError::Parse(e.to_string()))?;
        let mut wat =
            parser::parse::<Wat<'_>>(&buffer).map_err(|e| SpecError::Parse(e.to_string()))?;
        let bytes = wat.encode().map_err(|e| SpecError::Parse(e.to_string()))?;
        let module = runner.decode(&bytes)?;
        let inst = instantiate(&mut runner.store, Rc::new(module), &runner.registered)?;
        runner.registered.insert("spectest".into(), inst);
        Ok(runner)
    }

    fn decode(&mut self, bytes: &[u8]) -> Result<Module, SpecError> {
        decode(bytes, &mut self.validator, &mut self.store.registry)
    }

    fn build(&mut self, module: &mut QuoteWat<'_>) -> Result<Module, SpecError> {
        let bytes = module
            .encode()
            .map_err(|error| SpecError::Parse(error.to_string()))?;
        self.decode(&bytes)
    }

    fn build_wat(&mut self, module: &mut Wat<'_>) -> Result<Module, SpecError> {
        let bytes = module
            .encode()
            .map_err(|error| SpecError::Parse(error.to_string()))?;
        self.decode(&bytes)
    }

    fn slot(&self, name: Option<wast::token::Id<'_>>) -> Result<InstAddr, SpecError> {
        let slot = match name {
            Some(id) => self.named.get(id.name()),
            None => self.current.as_ref(),
        };
        match slot {
            Some(ModuleSlot::Ready(inst)) => Ok(*inst),
            Some(ModuleSlot::Skipped(reason)) => Err(SpecError::Unsupported(format!(
                "its module was skipped: {reason}"
            ))),
            Some(ModuleSlot::Broken(reason)) => {
                Err(SpecError::Script(format!("its module failed: {reason}")))
            }
            None => Err(SpecError::Script("no such module".into())),
        }
    }

    /// Instantiates a module and makes it current (and named, if it has a name).
    fn define_instance(
        &mut self,
        name: Option<&str>,
        module: Result<Rc<Module>, SpecError>,
    ) -> Verdict {
        let result =
            module.and_then(|module| instantiate(&mut self.store, module, &self.registered));
        let (slot, verdict) = match result {
            Ok(inst) => (ModuleSlot::Ready(inst), Verdict::Passed),
            Err(SpecError::Unsupported(reason)) => (
                ModuleSlot::Skipped(reason.clone()),
                Verdict::Skipped(reason),
            ),
            Err(error) => (
                ModuleSlot::Broken(error.to_string()),
                Verdict::Failed(error.to_string()),
            ),
        };
        if let Some(name) = name {
            self.named.insert(name.to_string(), slot.clone());
        }
        self.current = Some(slot);
        verdict
    }

    fn directive(&mut self, directive: WastDirective<'_>) -> (String, Verdict) {
        match directive {
            WastDirective::Module(mut module) => {
                let name = module.name().map(|id| id.name().to_string());
                let built = self.build(&mut module).map(Rc::new);
                (
                    "module".into(),
                    self.define_instance(name.as_deref(), built),
                )
            }
            WastDirective::ModuleDefinition(mut module) => {
                let name = module.name().map(|id| id.name().to_string());
                let verdict = match self.build(&mut module) {
                    Ok(module) => {
                        let module = Rc::new(module);
                        if let Some(name) = name {
                            self.definitions.insert(name, Rc::clone(&module));
                        }
                        self.last_definition = Some(module);
                        Verdict::Passed
                    }
                    Err(error) => verdict_of(Err(error)),
                };
                ("module definition".into(), verdict)
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let definition = match module {
                    Some(id) => self.definitions.get(id.name()).cloned(),
                    None => self.last_definition.clone(),
                };
                let definition =
                    definition.ok_or_else(|| SpecError::Script("no such module definition".into()));
                let name = instance.map(|id| id.name().to_string());
                let verdict = self.define_instance(name.as_deref(), definition);
                ("module instance".into(), verdict)
            }
            WastDirective::Register { name, module, .. } => {
                let result = self.slot(module).map(|inst| {
                    self.registered.insert(name.to_string(), inst);
                });
                (format!("register {name:?}"), verdict_of(result))
            }
            WastDirective::Invoke(call) => {
                let what = format!("invoke {:?}", call.name);
                (what, verdict_of(self.invoke(call).map(drop)))
            }
            WastDirective::AssertReturn { exec, results, .. } => {
                let what = format!("assert_return {}", describe_exec(&exec));
                let result = self
                    .execute(exec)
                    .and_then(|actual| check_results(&actual, &results));
                (what, verdict_of(result))
            }
            WastDirective::AssertTrap { exec, message, .. } => {
                let what = format!("assert_trap {}", describe_exec(&exec));
                let result = match self.execute(exec) {
                    Ok(values) => Err(SpecError::Script(format!(
                        "expected trap `{message}`, got [{}]",
                        describe_values(&values)
                    ))),
                    Err(SpecError::Trap(trap)) => check_trap(trap, message),
                    Err(other) => Err(other),
                };
                (what, verdict_of(result))
            }
            WastDirective::AssertExhaustion { call, message, .. } => {
                let what = format!("assert_exhaustion invoke {:?}", call.name);
                let result = match self.invoke(call) {
                    Ok(_) => Err(SpecError::Script(format!("expected `{message}`"))),
                    Err(SpecError::Trap(Trap::StackOverflow)) => Ok(()),
                    Err(other) => Err(other),
                };
                (what, verdict_of(result))
            }
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            } => {
                // Rejection counts at any stage: `wast` resolves names while encoding, so an
                // unknown identifier is reported there rather than by the validator. The
                // messages are not compared: wasmparser words its errors differently.
                let result = match self.build(&mut module) {
                    Ok(_) => Err(SpecError::Script(format!(
                        "module is valid, expected `{message}`"
                    ))),
                    Err(SpecError::Invalid(_) | SpecError::Parse(_)) => Ok(()),
                    Err(other) => Err(other),
                };
                ("assert_invalid".into(), verdict_of(result))
            }
            WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => {
                let result = match self.build(&mut module) {
                    Ok(_) => Err(SpecError::Script(format!(
                        "module was accepted, expected `{message}`"
                    ))),
                    Err(SpecError::Invalid(_) | SpecError::Parse(_)) => Ok(()),
                    Err(other) => Err(other),
                };
                ("assert_malformed".into(), verdict_of(result))
            }
            WastDirective::AssertUnlinkable {
                mut module,
                message,
                ..
            } => {
                let result = self.build_wat(&mut module).and_then(|module| {
                    match instantiate(&mut self.store, Rc::new(module), &self.registered) {
                        Ok(_) => Err(SpecError::Script(format!(
                            "module linked, expected `{message}`"
                        ))),
                        Err(SpecError::Link(_)) => Ok(()),
                        Err(other) => Err(other),
                    }
                });
                ("assert_unlinkable".into(), verdict_of(result))
            }
            WastDirective::AssertInvalidCustom { .. }
            | WastDirective::AssertMalformedCustom { .. } => (
                "assert custom section".into(),
                Verdict::Skipped(
                    "custom-section checks (no custom sections are interpreted)".into(),
                ),
            ),
            WastDirective::AssertException { .. } => (
                "assert_exception".into(),
                Verdict::Skipped("exceptions (exception handling is out of scope)".into()),
            ),
            WastDirective::AssertSuspension { .. } => (
                "assert_suspension".into(),
                Verdict::Skipped("stack switching is out of scope".into()),
            ),
            WastDirective::Thread(_) | WastDirective::Wait { .. } => (
                "thread".into(),
                Verdict::Skipped("threads are out of scope".into()),
            ),
        }
    }

    fn invoke(&mut self, call: WastInvoke<'_>) -> Result<Vec<Val>, SpecError> {
        let inst = self.slot(call.module)?;
        let func = match self.store.instances[inst].exports.get(call.name) {
            Some(ExternVal::Func(func)) => *func,
            _ => {
                return Err(SpecError::Script(format!(
                    "no exported function {:?}",
                    call.name
                )));
            }
        };
        let args = call
            .args
            .iter()
            .map(argument)
            .collect::<Result<Vec<_>, _>>()?;
        invoke(&mut self.store, func, &args)
    }

    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Vec<Val>, SpecError> {
        match exec {
            WastExecute::Invoke(call) => self.invoke(call),
            WastExecute::Wat(mut module) => {
                let module = self.build_wat(&mut module)?;
                instantiate(&mut self.store, Rc::new(module), &self.registered).map(|_| Vec::new())
            }
            WastExecute::Get { module, global, .. } => {
                let inst = self.slot(module)?;
                match self.store.instances[inst].exports.get(global) {
                    Some(ExternVal::Global(addr)) => Ok(vec![self.store.globals[*addr].value]),
                    _ => Err(SpecError::Script(format!("no exported global {global:?}"))),
                }
            }
        }
    }
}

fn describe_exec(exec: &WastExecute<'_>) -> String {
    match exec {
        WastExecute::Invoke(call) => format!("invoke {:?}", call.name),
        WastExecute::Wat(_) => "module".into(),
        WastExecute::Get { global, .. } => format!("get {global:?}"),
    }
}

fn describe_values(values: &[Val]) -> String {
    values
        .iter()
        .map(Val::describe)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether `trap` is the trap a script expects: its message contains the expected text, or
/// every word of the trap's own description appears in it (the specification's wording is
/// sometimes longer, e.g. "null function reference" for a null reference).
fn check_trap(trap: Trap, expected: &str) -> Result<(), SpecError> {
    let text = trap.to_string();
    let core = text.rsplit(": ").next().unwrap_or(&text);
    let words_match = core
        .split_whitespace()
        .all(|word| expected.split_whitespace().any(|e| e == word));
    if text.contains(expected) || words_match {
        Ok(())
    } else {
        Err(SpecError::Script(format!(
            "expected trap `{expected}`, got `{text}`"
        )))
    }
}

fn top_of(ty: &HeapType<'_>) -> Option<RefTop> {
    use AbstractHeapType as A;
    match ty {
        HeapType::Abstract { ty, .. } => Some(match ty {
            A::Func | A::NoFunc => RefTop::Func,
            A::Extern | A::NoExtern => RefTop::Extern,
            A::Exn | A::NoExn => RefTop::Exn,
            A::Cont | A::NoCont => RefTop::Cont,
            A::Any | A::Eq | A::Struct | A::Array | A::I31 | A::None => RefTop::Any,
        }),
        // A concrete type's hierarchy would need the module's type section; any null matches.
        HeapType::Concrete(_) | HeapType::Exact(_) => None,
    }
}

fn argument(arg: &WastArg<'_>) -> Result<Val, SpecError> {
    let WastArg::Core(arg) = arg else {
        return Err(SpecError::Unsupported("component-model arguments".into()));
    };
    Ok(match arg {
        WastArgCore::I32(v) => Val::I32(*v),
        WastArgCore::I64(v) => Val::I64(*v),
        WastArgCore::F32(v) => Val::F32(v.bits),
        WastArgCore::F64(v) => Val::F64(v.bits),
        WastArgCore::V128(_) => return Err(SpecError::Unsupported("v128 values (SIMD)".into())),
        WastArgCore::RefNull(ty) => Val::Ref(Ref::Null(top_of(ty).unwrap_or(RefTop::Func))),
        WastArgCore::RefExtern(host) => Val::Ref(Ref::Extern(*host)),
        WastArgCore::RefHost(_) => {
            return Err(SpecError::Unsupported(
                "`ref.host` values (GC proposal)".into(),
            ));
        }
    })
}

fn check_results(actual: &[Val], expected: &[WastRet<'_>]) -> Result<(), SpecError> {
    if actual.len() != expected.len() {
        return Err(SpecError::Script(format!(
            "expected {} results, got [{}]",
            expected.len(),
            describe_values(actual)
        )));
    }
    for (i, (value, expected)) in actual.iter().zip(expected).enumerate() {
        let WastRet::Core(expected) = expected else {
            return Err(SpecError::Unsupported("component-model results".into()));
        };
        if !matches_ret(value, expected)? {
            return Err(SpecError::Script(format!(
                "result {i}: expected {expected:?}, got {}",
                value.describe()
            )));
        }
    }
    Ok(())
}

fn matches_ret(value: &Val, expected: &WastRetCore<'_>) -> Result<bool, SpecError> {
    Ok(match (expected, value) {
        (WastRetCore::I32(e), Val::I32(v)) => e == v,
        (WastRetCore::I64(e), Val::I64(v)) => e == v,
        (WastRetCore::F32(pattern), Val::F32(bits)) => match pattern {
            NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
            NanPattern::ArithmeticNan => f32::from_bits(*bits).is_nan() && bits & 0x0040_0000 != 0,
            NanPattern::Value(e) => e.bits == *bits,
        },
        (WastRetCore::F64(pattern), Val::F64(bits)) => match pattern {
            NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
            NanPattern::ArithmeticNan => {
                f64::from_bits(*bits).is_nan() && bits & 0x0008_0000_0000_0000 != 0
            }
            NanPattern::Value(e) => e.bits == *bits,
        },
        (WastRetCore::V128(_), _) => {
            return Err(SpecError::Unsupported("v128 results (SIMD)".into()));
        }
        (WastRetCore::RefNull(ty), Val::Ref(Ref::Null(top))) => ty
            .as_ref()
            .and_then(top_of)
            .is_none_or(|expected| expected == *top),
        (WastRetCore::RefExtern(None), Val::Ref(Ref::Extern(_))) => true,
        (WastRetCore::RefExtern(Some(e)), Val::Ref(Ref::Extern(v))) => e == v,
        (WastRetCore::RefFunc(_), Val::Ref(Ref::Func(_))) => true,
        (
            WastRetCore::RefHost(_)
            | WastRetCore::RefAny
            | WastRetCore::RefEq
            | WastRetCore::RefArray
            | WastRetCore::RefStruct
            | WastRetCore::RefI31
            | WastRetCore::RefI31Shared,
            _,
        ) => {
            return Err(SpecError::Unsupported(
                "GC object results (GC proposal)".into(),
            ));
        }
        (WastRetCore::Either(options), value) => {
            for option in options {
                if matches_ret(value, option)? {
                    return Ok(true);
                }
            }
            false
        }
        _ => false,
    })
}
