//! A small WebAssembly runtime that runs the specification's table scripts on table-facade.
//!
//! It holds tables as a VM does: one facade `Table` per table instance, a vmctx-like array of
//! `VMTableDefinition`s refreshed after every grow, funcref slots pointing at per-function
//! `VMFuncRef`s (resolved lazily through the facade when `table_lazy_init` is on), and
//! externrefs as GC references into a small host-value GC store. Everything else a table script
//! needs (instantiation, linking through `register`, the `spectest` module, an interpreter for
//! the scripts' instructions, linear memory and floats) is here so the scripts run unmodified.
//!
//! Scripts are parsed with `wast`, modules validated with wasmparser (from
//! `wasmtime_environ`), so `assert_invalid` and `assert_malformed` are checked. Anything outside
//! the runtime's scope (SIMD, exceptions, GC objects, threads) makes its directive a *skip* that
//! names the instruction or feature, never a silent pass.
//!
//! Map: [`runner`] drives scripts over the [`suite`] or given files; [`module`] and [`compile`]
//! decode into [`instr`]; [`types`] keeps canonical types; [`instantiate`] links into the
//! [`store`]; [`interp`] executes (with [`numeric`] and [`memory`]); [`tables`] is the only
//! module that touches tables, lending them [`func_refs`] and the [`host_heap`] GC store;
//! [`report`] and [`cli`] print; [`trace`] runs one binary module for the module fuzzer.

#![deny(unsafe_op_in_unsafe_fn)]

pub mod cli;
pub mod compile;
pub mod error;
pub mod func_refs;
pub mod host_heap;
pub mod instantiate;
pub mod instr;
pub mod interp;
pub mod memory;
pub mod module;
pub mod numeric;
pub mod report;
pub mod runner;
pub mod store;
pub mod suite;
pub mod tables;
pub mod trace;
pub mod types;
pub mod value;

pub use error::SpecError;
pub use report::{Counts, Outcome, ScriptReport, Verdict};
pub use runner::{RunOptions, run_script};
