//! Instantiation: matching imports, allocating instances, running active segments and the
//! start function, in the order the specification gives.

use std::collections::HashMap;
use std::rc::Rc;

use wasmtime_environ::wasmparser::{MemoryType, RefType, TableType, ValType};

use crate::error::SpecError;
use crate::interp::{eval_const, invoke};
use crate::memory::Memory;
use crate::module::{ElemItem, ElemMode, ExternKind, Module};
use crate::store::{ExternVal, GlobalInst, InstAddr, Instance, Store};
use crate::types::RefTop;
use crate::types::TypeScope;
use crate::value::{Ref, Val, null_of};

/// Instantiates `module`, resolving imports through `registered` (instance addresses by the
/// name they were registered under).
///
/// # Errors
///
/// [`SpecError::Link`] when an import is missing or has an incompatible type (nothing has
/// changed then); a trap from a segment or the start function (earlier segment writes to
/// imported tables remain, as the specification requires); [`SpecError::Unsupported`] for
/// imports of kinds the runner does not link.
pub fn instantiate(
    store: &mut Store,
    module: Rc<Module>,
    registered: &HashMap<String, InstAddr>,
) -> Result<InstAddr, SpecError> {
    let imports = resolve_imports(store, &module, registered)?;
    let inst = store.instances.len();
    let mut instance = Instance {
        module: Rc::clone(&module),
        ..Instance::default()
    };
    for value in imports {
        match value {
            ExternVal::Func(addr) => instance.funcs.push(addr),
            ExternVal::Table(addr) => instance.tables.push(addr),
            ExternVal::Memory(addr) => instance.memories.push(addr),
            ExternVal::Global(addr) => instance.globals.push(addr),
        }
    }
    store.instances.push(instance);

    let imported_funcs = store.instances[inst].funcs.len();
    for (i, body) in module.bodies.iter().enumerate() {
        let addr = store.add_func(inst, Rc::clone(body), module.funcs[imported_funcs + i]);
        store.instances[inst].funcs.push(addr);
    }

    let imported_globals = store.instances[inst].globals.len();
    for (i, init) in module.global_inits.iter().enumerate() {
        let value = eval_const(store, inst, init)?;
        let addr = store.globals.len();
        store.globals.push(GlobalInst {
            ty: module.globals[imported_globals + i],
            value,
        });
        store.instances[inst].globals.push(addr);
    }

    let imported_tables = store.instances[inst].tables.len();
    for (i, init) in module.table_inits.iter().enumerate() {
        let ty = module.tables[imported_tables + i];
        let scope = TypeScope {
            registry: &store.registry,
            module: &module.types,
        };
        let top = RefTop::of_heap(ty.element_type.heap_type(), &scope);
        let null = null_of(ty.element_type, &scope);
        let init = match init {
            Some(expr) => as_ref(eval_const(store, inst, expr)?)?,
            None => null,
        };
        let addr = store.tables.create(ty, &store.registry, top, init)?;
        store.instances[inst].tables.push(addr);
    }

    let imported_memories = store.instances[inst].memories.len();
    for ty in &module.memories[imported_memories..] {
        let memory = Memory::new(ty).ok_or_else(|| {
            SpecError::Unsupported(format!(
                "a memory of {} pages (beyond the runner's 1 GiB)",
                ty.initial
            ))
        })?;
        store.instances[inst].memories.push(store.memories.len());
        store.memories.push(memory);
    }

    for segment in &module.elems {
        let mut items = Vec::with_capacity(segment.items.len());
        for item in &segment.items {
            items.push(match item {
                ElemItem::Func(index) => Ref::Func(store.instances[inst].funcs[*index as usize]),
                ElemItem::Expr(expr) => as_ref(eval_const(store, inst, expr)?)?,
            });
        }
        store.instances[inst].elems.push(store.elems.len());
        store.elems.push(items);
    }
    for segment in &module.datas {
        store.instances[inst].datas.push(store.datas.len());
        store.datas.push(Rc::clone(&segment.bytes));
    }

    let mut exports = HashMap::new();
    for export in &module.exports {
        let instance = &store.instances[inst];
        let index = export.index as usize;
        let value = match export.kind {
            ExternKind::Func => ExternVal::Func(instance.funcs[index]),
            ExternKind::Table => ExternVal::Table(instance.tables[index]),
            ExternKind::Memory => ExternVal::Memory(instance.memories[index]),
            ExternKind::Global => ExternVal::Global(instance.globals[index]),
            ExternKind::Tag => continue,
        };
        exports.insert(export.name.clone(), value);
    }
    store.instances[inst].exports = exports;

    run_active_elements(store, inst, &module, imported_tables)?;
    run_active_data(store, inst, &module)?;

    if let Some(start) = module.start {
        let func = store.instances[inst].funcs[start as usize];
        invoke(store, func, &[])?;
    }
    Ok(inst)
}

/// Writes active segments in order, then drops them and the declarative ones. Segments for
/// tables this instance defines become part of the lazy initial image while every earlier
/// segment did too; the first one that cannot (an imported table, out of range, or an eager
/// table) and all after it are written through `table.init`, keeping the specification's order.
fn run_active_elements(
    store: &mut Store,
    inst: InstAddr,
    module: &Module,
    imported_tables: usize,
) -> Result<(), SpecError> {
    let mut precomputing = true;
    for (index, segment) in module.elems.iter().enumerate() {
        let elem = store.instances[inst].elems[index];
        match &segment.mode {
            ElemMode::Passive => continue,
            ElemMode::Declared => {}
            ElemMode::Active { table, offset } => {
                let offset = address(eval_const(store, inst, offset)?);
                let table_addr = store.instances[inst].tables[*table as usize];
                let items = std::mem::take(&mut store.elems[elem]);
                precomputing = precomputing
                    && *table as usize >= imported_tables
                    && store.tables.precompute_segment(table_addr, offset, &items);
                if !precomputing {
                    store.tables.init(table_addr, offset, &items)?;
                }
            }
        }
        store.elems[elem] = Vec::new();
    }
    Ok(())
}

fn run_active_data(store: &mut Store, inst: InstAddr, module: &Module) -> Result<(), SpecError> {
    for (index, segment) in module.datas.iter().enumerate() {
        let data = store.instances[inst].datas[index];
        if let Some((memory, offset)) = &segment.active {
            let offset = address(eval_const(store, inst, offset)?);
            let memory = store.instances[inst].memories[*memory as usize];
            let bytes = Rc::clone(&store.datas[data]);
            store.memories[memory].write(offset, &bytes)?;
            store.datas[data] = Rc::from(Vec::new());
        }
    }
    Ok(())
}

fn address(value: Val) -> u64 {
    match value {
        Val::I32(v) => u64::from(v as u32),
        Val::I64(v) => v as u64,
        _ => 0,
    }
}

fn as_ref(value: Val) -> Result<Ref, SpecError> {
    match value {
        Val::Ref(r) => Ok(r),
        other => Err(SpecError::Decode(format!(
            "reference expected, constant gave {}",
            other.describe()
        ))),
    }
}

/// Looks every import up and checks its type, before anything is allocated.
fn resolve_imports(
    store: &Store,
    module: &Module,
    registered: &HashMap<String, InstAddr>,
) -> Result<Vec<ExternVal>, SpecError> {
    let mut resolved = Vec::with_capacity(module.imports.len());
    let (mut funcs, mut tables, mut memories, mut globals) = (0, 0, 0, 0);
    for import in &module.imports {
        let value = registered
            .get(&import.module)
            .and_then(|inst| store.instances[*inst].exports.get(&import.name))
            .copied();
        let incompatible = || {
            SpecError::Link(format!(
                "incompatible import type for {}.{}",
                import.module, import.name
            ))
        };
        let value = match (import.kind, value) {
            (ExternKind::Tag, _) => {
                return Err(SpecError::Unsupported(
                    "exception tag imports (exception handling)".into(),
                ));
            }
            (_, None) => {
                return Err(SpecError::Link(format!(
                    "unknown import: {}.{}",
                    import.module, import.name
                )));
            }
            (ExternKind::Func, Some(ExternVal::Func(addr))) => {
                let expected = module.funcs[funcs];
                funcs += 1;
                if !store
                    .registry
                    .id_is_subtype(store.funcs[addr].type_id(), expected)
                {
                    return Err(incompatible());
                }
                ExternVal::Func(addr)
            }
            (ExternKind::Table, Some(ExternVal::Table(addr))) => {
                let expected = module.tables[tables];
                tables += 1;
                let actual = store.tables.table_type(addr);
                let size = store.tables.size(addr);
                if !table_matches(store, actual, size, &expected) {
                    return Err(incompatible());
                }
                ExternVal::Table(addr)
            }
            (ExternKind::Memory, Some(ExternVal::Memory(addr))) => {
                let expected = module.memories[memories];
                memories += 1;
                if !memory_matches(&store.memories[addr], &expected) {
                    return Err(incompatible());
                }
                ExternVal::Memory(addr)
            }
            (ExternKind::Global, Some(ExternVal::Global(addr))) => {
                let expected = module.globals[globals];
                globals += 1;
                let actual = store.globals[addr].ty;
                let registry = &store.registry;
                let types_match = if expected.mutable {
                    equivalent(registry, actual.content_type, expected.content_type)
                } else {
                    registry.val_is_subtype(actual.content_type, expected.content_type)
                };
                if actual.mutable != expected.mutable || !types_match {
                    return Err(incompatible());
                }
                ExternVal::Global(addr)
            }
            _ => return Err(incompatible()),
        };
        resolved.push(value);
    }
    Ok(resolved)
}

fn equivalent(registry: &crate::types::TypeRegistry, a: ValType, b: ValType) -> bool {
    registry.val_is_subtype(a, b) && registry.val_is_subtype(b, a)
}

fn limits_match(
    size: u64,
    maximum: Option<u64>,
    expected_min: u64,
    expected_max: Option<u64>,
) -> bool {
    size >= expected_min
        && match expected_max {
            None => true,
            Some(expected) => maximum.is_some_and(|actual| actual <= expected),
        }
}

fn table_matches(store: &Store, actual: &TableType, size: u64, expected: &TableType) -> bool {
    let ref_equivalent = |a: RefType, b: RefType| {
        store.registry.ref_is_subtype(a, b) && store.registry.ref_is_subtype(b, a)
    };
    actual.table64 == expected.table64
        && ref_equivalent(actual.element_type, expected.element_type)
        && limits_match(size, actual.maximum, expected.initial, expected.maximum)
}

fn memory_matches(actual: &Memory, expected: &MemoryType) -> bool {
    actual.is_64() == expected.memory64
        && limits_match(
            actual.pages(),
            actual.declared_maximum(),
            expected.initial,
            expected.maximum,
        )
}
