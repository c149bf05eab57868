//! The peer: Wasmtime 44 running table instructions compiled from wat, and its host `Table` API.
//!
//! One engine (Wasmtime's defaults: Cranelift, lazily initialised funcref tables, on-demand
//! allocation, the DRC collector) compiles two modules: funcref tables `$t`/`$u` storing
//! `ref.func $f`, and anyref tables `$t`/`$u` storing `ref.i31 7` plus externref tables `$x`/`$y`
//! for heap references. Every export loops or runs a bulk instruction over `n` elements.

use table_bench::Kind;
use wasmtime::{
    AnyRef, Config, Engine, ExternRef, I31, Instance, Module, Ref, RefType, Rooted, Store, Table,
    TableType, TypedFunc, WasmParams, WasmResults,
};

/// The functions both modules export, over table `$t` (and `$u` as a copy destination).
const TABLE_FUNCTIONS: &str = r#"
  (table $t (export "t") 0 ELEM)
  (table $u (export "u") 0 ELEM)
  (func (export "grow") (param $n i32) (result i32)
    (table.grow $t (NULL) (local.get $n)))
  (func (export "grow_by_1") (param $n i32) (result i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (drop (table.grow $t (NULL) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (table.size $t))
  (func (export "fill") (param $n i32)
    (table.fill $t (i32.const 0) (VALUE) (local.get $n)))
  (func (export "copy_within") (param $dst i32) (param $src i32) (param $len i32)
    (table.copy $t $t (local.get $dst) (local.get $src) (local.get $len)))
  (func (export "copy") (param $n i32)
    (table.copy $u $t (i32.const 0) (i32.const 0) (local.get $n)))
  (func (export "get") (param $n i32) (result i32)
    (local $i i32) (local $nulls i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $nulls
          (i32.add (local.get $nulls) (ref.is_null (table.get $t (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $nulls))
  (func (export "set") (param $n i32)
    (local $i i32) (local $v ELEM)
    (local.set $v (VALUE))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (table.set $t (local.get $i) (local.get $v))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))
"#;

/// The heap-reference functions of the GC module, over externref tables `$x` and `$y`.
const HEAP_FUNCTIONS: &str = r#"
  (table $x (export "x") 0 externref)
  (table $y (export "y") 0 externref)
  (func (export "fill_heap") (param $v externref) (param $n i32)
    (table.fill $x (i32.const 0) (local.get $v) (local.get $n)))
  (func (export "copy_heap") (param $n i32)
    (table.copy $y $x (i32.const 0) (i32.const 0) (local.get $n)))
"#;

/// The text of the funcref module.
fn func_module() -> String {
    let tables = TABLE_FUNCTIONS
        .replace("ELEM", "funcref")
        .replace("(NULL)", "(ref.null func)")
        .replace("(VALUE)", "(ref.func $f)");
    format!("(module (func $f (export \"f\")) (elem declare func $f) {tables})")
}

/// The text of the GC module.
fn gc_module() -> String {
    let tables = TABLE_FUNCTIONS
        .replace("ELEM", "anyref")
        .replace("(NULL)", "(ref.null any)")
        .replace("(VALUE)", "(ref.i31 (i32.const 7))");
    format!("(module {tables} {HEAP_FUNCTIONS})")
}

/// The engine and both compiled modules, built once per run.
pub struct Wasmtime {
    engine: Engine,
    func_module: Module,
    gc_module: Module,
}

impl Wasmtime {
    /// Compiles both modules with Wasmtime's default settings plus the GC proposal.
    pub fn new() -> Self {
        let mut config = Config::new();
        config.wasm_function_references(true).wasm_gc(true);
        let engine = Engine::new(&config).expect("Wasmtime engine");
        let func_module = Module::new(&engine, func_module()).expect("funcref module");
        let gc_module = Module::new(&engine, gc_module()).expect("GC module");
        Wasmtime {
            engine,
            func_module,
            gc_module,
        }
    }

    /// A fresh store with an instance of the module for `kind` (`func` or `gc`).
    pub fn instance(&self, kind: Kind) -> PeerInstance {
        let mut store = Store::new(&self.engine, ());
        let module = match kind {
            Kind::Gc => &self.gc_module,
            _ => &self.func_module,
        };
        let instance = Instance::new(&mut store, module, &[]).expect("instantiate");
        let t = instance.get_table(&mut store, "t").expect("table t");
        let u = instance.get_table(&mut store, "u").expect("table u");
        let value = match kind {
            Kind::Gc => Ref::Any(Some(AnyRef::from_i31(&mut store, I31::wrapping_u32(7)))),
            _ => Ref::Func(Some(instance.get_func(&mut store, "f").expect("func f"))),
        };
        PeerInstance {
            store,
            instance,
            t,
            u,
            value,
            null: null(kind),
        }
    }

    /// A fresh store, for host tables created inside the timed region.
    pub fn store(&self) -> Store<()> {
        Store::new(&self.engine, ())
    }
}

/// The null reference of `kind`'s peer tables.
pub fn null(kind: Kind) -> Ref {
    match kind {
        Kind::Gc => Ref::Any(None),
        _ => Ref::Func(None),
    }
}

/// The table type of `kind`'s peer host tables.
pub fn table_type(kind: Kind, minimum: u64) -> TableType {
    let element = match kind {
        Kind::Gc => RefType::ANYREF,
        _ => RefType::FUNCREF,
    };
    TableType::new(
        element,
        u32::try_from(minimum).expect("sizes fit in u32"),
        None,
    )
}

/// A peer module instance in its own store.
pub struct PeerInstance {
    /// The store owning everything below.
    pub store: Store<()>,
    instance: Instance,
    /// The table the functions work on.
    pub t: Table,
    /// The destination of `copy`.
    pub u: Table,
    /// The non-null value the functions store (`ref.func $f` or `ref.i31 7`).
    pub value: Ref,
    /// The table's null.
    pub null: Ref,
}

impl PeerInstance {
    /// The typed export `name`.
    pub fn func<P: WasmParams, R: WasmResults>(&mut self, name: &str) -> TypedFunc<P, R> {
        self.instance
            .get_typed_func(&mut self.store, name)
            .unwrap_or_else(|error| panic!("export {name}: {error}"))
    }

    /// Grows `$t` and `$u` to `size` and fills `$t` with the value.
    pub fn prepare(&mut self, size: u64) {
        for table in [self.t, self.u] {
            table
                .grow(&mut self.store, size, self.null.clone())
                .expect("grow peer table");
        }
        self.t
            .fill(&mut self.store, 0, self.value.clone(), size)
            .expect("fill peer table");
    }

    /// The externref tables `$x` and `$y` grown to `size` and both filled with one new
    /// heap reference, which is returned.
    pub fn prepare_heap(&mut self, size: u64) -> (Table, Table, Rooted<ExternRef>) {
        let x = self
            .instance
            .get_table(&mut self.store, "x")
            .expect("table x");
        let y = self
            .instance
            .get_table(&mut self.store, "y")
            .expect("table y");
        let heap = ExternRef::new(&mut self.store, 7u32).expect("externref");
        for table in [x, y] {
            table
                .grow(&mut self.store, size, Ref::Extern(None))
                .expect("grow heap table");
            table
                .fill(&mut self.store, 0, Ref::Extern(Some(heap)), size)
                .expect("fill heap table");
        }
        (x, y, heap)
    }
}
