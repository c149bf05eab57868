//! The oracle: the same two tables in Wasmtime 44, through its public API only.

use crate::case::{Case, Kind, Op, POOL_CAPACITY, Placement, TableSpec, VALUES, Value};
use crate::facade_side::extern_host_value;
use crate::limiter::OracleLimiter;
use crate::outcome::{self, Outcome};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use table_testkit::RecordingLimiter;
use wasmtime::{
    Config, Engine, ExternRef, Func, InstanceAllocationStrategy, Module, PoolingAllocationConfig,
    Ref, RefType, RootScope, Rooted, Store, Table, TableType, Val,
};

/// The engine for `kind` in `placement`, shared by every case.
pub fn engine(kind: Kind, placement: Placement) -> &'static Engine {
    static ENGINES: [OnceLock<Engine>; 4] = [const { OnceLock::new() }; 4];
    let lazy_init = kind.lazy_init();
    let pooled = placement == Placement::Pooled;
    ENGINES[usize::from(lazy_init) * 2 + usize::from(pooled)].get_or_init(|| {
        let mut config = Config::new();
        config.table_lazy_init(lazy_init);
        config.wasm_memory64(true);
        if pooled {
            let mut pool = PoolingAllocationConfig::new();
            pool.table_elements(POOL_CAPACITY as usize)
                .max_tables_per_module(1)
                .total_tables(32)
                .total_core_instances(32)
                .total_memories(8)
                .total_gc_heaps(8);
            config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        }
        Engine::new(&config).expect("engine")
    })
}

/// A module defining one table of `spec`'s type, exporting it as `table` and its `table.grow`
/// as `grow(init, delta) -> old size or -1`. Compiled once per engine and type.
///
/// # Errors
///
/// The pooling engine refuses to compile a module whose table minimum exceeds the pool's
/// `table_elements`.
fn module(kind: Kind, spec: &TableSpec) -> wasmtime::Result<Module> {
    type Key = (bool, bool, bool, u64, Option<u64>);
    static MODULES: OnceLock<Mutex<HashMap<Key, Module>>> = OnceLock::new();
    let key = (
        kind.lazy_init(),
        kind.is_func(),
        spec.table64,
        spec.min,
        spec.max,
    );
    let modules = MODULES.get_or_init(Default::default);
    if let Some(module) = modules.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return Ok(module.clone());
    }
    let index_type = if spec.table64 { "i64" } else { "i32" };
    let reference = if kind.is_func() {
        "funcref"
    } else {
        "externref"
    };
    let max = spec.max.map(|max| max.to_string()).unwrap_or_default();
    let wat = format!(
        "(module
           (table $t (export \"table\") {index_type} {min} {max} {reference})
           (func (export \"grow\") (param $init {reference}) (param $delta {index_type})
                 (result {index_type})
             (table.grow $t (local.get $init) (local.get $delta))))",
        min = spec.min,
    );
    let module = Module::new(engine(kind, Placement::Pooled), wat)?;
    modules
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, module.clone());
    Ok(module)
}

pub struct WasmtimeSide {
    kind: Kind,
    pub store: Store<OracleLimiter>,
    tables: [Option<Table>; 2],
    /// Pooled tables: the module's exported `grow` function.
    grow_functions: [Option<Func>; 2],
    funcs: Vec<Func>,
    /// `Func::to_raw` of each function, by value id: how funcrefs are identified.
    func_ids: HashMap<usize, u32>,
    externs: Vec<Rooted<ExternRef>>,
}

impl WasmtimeSide {
    pub fn new(case: &Case) -> Self {
        let mut store = Store::new(
            engine(case.kind, case.placement),
            OracleLimiter(RecordingLimiter::new(case.policy)),
        );
        store.limiter(|limiter| limiter as &mut dyn wasmtime::ResourceLimiter);
        let funcs: Vec<Func> = (0..VALUES)
            .map(|k| Func::wrap(&mut store, move || i32::from(k)))
            .collect();
        let func_ids = funcs
            .iter()
            .enumerate()
            .map(|(id, func)| (func.to_raw(&mut store) as usize, id as u32))
            .collect();
        let externs = if case.kind.is_func() {
            Vec::new()
        } else {
            (0..VALUES)
                .map(|k| ExternRef::new(&mut store, extern_host_value(k)).expect("externref"))
                .collect()
        };
        WasmtimeSide {
            kind: case.kind,
            store,
            tables: [None, None],
            grow_functions: [None, None],
            funcs,
            func_ids,
            externs,
        }
    }

    pub fn limiter(&mut self) -> &mut RecordingLimiter {
        &mut self.store.data_mut().0
    }

    fn value(&self, value: Value) -> Ref {
        if self.kind.is_func() {
            Ref::Func(value.map(|id| self.funcs[usize::from(id)]))
        } else {
            Ref::Extern(value.map(|id| self.externs[usize::from(id)]))
        }
    }

    fn val(&self, value: Value) -> Val {
        match self.value(value) {
            Ref::Func(func) => Val::FuncRef(func),
            Ref::Extern(externref) => Val::ExternRef(externref),
            other => unreachable!("{other:?}"),
        }
    }

    /// Creates table `index`: `Table::new` for dynamic tables, instantiation of a module that
    /// defines it for pooled ones; then the presets.
    pub fn create(&mut self, index: usize, spec: &TableSpec, placement: Placement) -> Outcome {
        let created = match placement {
            Placement::Dynamic => {
                let element = if self.kind.is_func() {
                    RefType::FUNCREF
                } else {
                    RefType::EXTERNREF
                };
                let ty = if spec.table64 {
                    TableType::new64(element, spec.min, spec.max)
                } else {
                    let narrow = |n: u64| u32::try_from(n).expect("32-bit table limits");
                    TableType::new(element, narrow(spec.min), spec.max.map(narrow))
                };
                let init = self.value(spec.init);
                Table::new(&mut self.store, ty, init)
            }
            Placement::Pooled => module(self.kind, spec)
                .and_then(|module| wasmtime::Instance::new(&mut self.store, &module, &[]))
                .map(|instance| {
                    self.grow_functions[index] = instance.get_func(&mut self.store, "grow");
                    instance
                        .get_table(&mut self.store, "table")
                        .expect("exported table")
                }),
        };
        let table = match created {
            Ok(table) => table,
            Err(error) => return outcome::of_wasmtime_error(&error),
        };
        for (slot, value) in &spec.presets {
            let value = self.value(*value);
            table
                .set(&mut self.store, *slot, value)
                .expect("setting an element below the minimum");
        }
        self.tables[index] = Some(table);
        Outcome::Created
    }

    pub fn size(&self, index: usize) -> u64 {
        self.tables[index].expect("created").size(&self.store)
    }

    /// Applies one operation (with its grow delta already resolved).
    pub fn apply(&mut self, op: &Op, delta: u64) -> Outcome {
        let tables = self.tables.map(|table| table.expect("created"));
        let result = match *op {
            Op::Get { table, index } => {
                let mut scope = RootScope::new(&mut self.store);
                return match tables[table].get(&mut scope, index) {
                    None => Outcome::Trap(wasmtime::Trap::TableOutOfBounds),
                    Some(element) => match identify(&self.func_ids, &mut scope, element) {
                        Ok(value) => Outcome::Value(value),
                        Err(message) => Outcome::Other(message),
                    },
                };
            }
            Op::Set {
                table,
                index,
                value,
            } => {
                let value = self.value(value);
                tables[table]
                    .set(&mut self.store, index, value)
                    .map(|()| Outcome::Done)
            }
            Op::Fill {
                table,
                dst,
                value,
                len,
            } => {
                let value = self.value(value);
                tables[table]
                    .fill(&mut self.store, dst, value, len)
                    .map(|()| Outcome::Done)
            }
            Op::Grow {
                table,
                value,
                via_wasm,
                ..
            } => match self.grow_functions[table] {
                Some(grow) if via_wasm => {
                    let table64 = tables[table].ty(&self.store).is_64();
                    let delta = if table64 {
                        Val::I64(delta as i64)
                    } else {
                        Val::I32(delta as u32 as i32)
                    };
                    let init = self.val(value);
                    let mut result = [Val::I32(0)];
                    grow.call(&mut self.store, &[init, delta], &mut result)
                        .map(|()| match result[0] {
                            Val::I32(-1) | Val::I64(-1) => Outcome::NoGrowth,
                            Val::I32(old) => Outcome::Grown(u64::from(old as u32)),
                            Val::I64(old) => Outcome::Grown(old as u64),
                            ref other => Outcome::Other(format!("grow returned {other:?}")),
                        })
                }
                _ => {
                    let init = self.value(value);
                    tables[table]
                        .grow(&mut self.store, delta, init)
                        .map(Outcome::Grown)
                }
            },
            Op::CopyWithin {
                table,
                dst,
                src,
                len,
            } => Table::copy(
                &mut self.store,
                &tables[table],
                dst,
                &tables[table],
                src,
                len,
            )
            .map(|()| Outcome::Done),
            Op::Copy {
                dst_table,
                dst,
                src,
                len,
            } => Table::copy(
                &mut self.store,
                &tables[dst_table],
                dst,
                &tables[1 - dst_table],
                src,
                len,
            )
            .map(|()| Outcome::Done),
            Op::SetPolicy(policy) => {
                self.limiter().policy = policy;
                return Outcome::Done;
            }
        };
        result.unwrap_or_else(|error| outcome::of_wasmtime_error(&error))
    }

    /// Every element of table `index`, identified by function id or host value.
    pub fn contents(&mut self, index: usize) -> Result<Vec<Option<u32>>, String> {
        let table = self.tables[index].expect("created");
        let mut scope = RootScope::new(&mut self.store);
        (0..table.size(&scope))
            .map(|slot| {
                let element = table
                    .get(&mut scope, slot)
                    .ok_or_else(|| format!("slot {slot} below the size is out of bounds"))?;
                identify(&self.func_ids, &mut scope, element)
            })
            .collect()
    }
}

/// A function's id (through `Func::to_raw`) or an `externref`'s host value.
fn identify(
    func_ids: &HashMap<usize, u32>,
    store: &mut RootScope<&mut Store<OracleLimiter>>,
    element: Ref,
) -> Result<Option<u32>, String> {
    match element {
        Ref::Func(None) | Ref::Extern(None) => Ok(None),
        Ref::Func(Some(func)) => {
            let raw = func.to_raw(&mut *store) as usize;
            func_ids
                .get(&raw)
                .copied()
                .map(Some)
                .ok_or_else(|| format!("wasmtime returned an unknown funcref {raw:#x}"))
        }
        Ref::Extern(Some(externref)) => externref
            .data(&*store)
            .map_err(|e| e.to_string())?
            .and_then(|data| data.downcast_ref::<u32>().copied())
            .map(Some)
            .ok_or_else(|| "an externref without a u32 host value".to_string()),
        other => Err(format!("unexpected element {other:?}")),
    }
}
