//! The store: every function, table, memory, global and segment instance of a script, and the
//! module instances that index into them.

use std::collections::HashMap;
use std::rc::Rc;

use wasmtime_environ::wasmparser::{GlobalType, types::CoreTypeId};

use crate::memory::Memory;
use crate::module::{FuncBody, Module};
use crate::tables::{TableAddr, Tables};
use crate::types::TypeRegistry;
use crate::value::{FuncAddr, Ref, Val};

/// Address of a module instance.
pub type InstAddr = usize;

/// A function instance: code closed over its module instance.
#[derive(Debug)]
pub struct FuncInst {
    /// The instance whose index spaces the code uses.
    pub instance: InstAddr,
    /// The compiled body.
    pub body: Rc<FuncBody>,
    /// The function's canonical type followed by its declared supertypes.
    pub type_chain: Rc<[CoreTypeId]>,
}

impl FuncInst {
    /// The function's own canonical type.
    pub fn type_id(&self) -> CoreTypeId {
        self.type_chain[0]
    }
}

/// A global instance.
#[derive(Debug, Clone)]
pub struct GlobalInst {
    /// Its type.
    pub ty: GlobalType,
    /// Its value.
    pub value: Val,
}

/// Something an instance exports or an import resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternVal {
    /// A function.
    Func(FuncAddr),
    /// A table.
    Table(TableAddr),
    /// A memory.
    Memory(usize),
    /// A global.
    Global(usize),
}

/// A module instance: the module and the store addresses of its index spaces.
#[derive(Debug, Default)]
pub struct Instance {
    /// The module.
    pub module: Rc<Module>,
    /// Function index space.
    pub funcs: Vec<FuncAddr>,
    /// Table index space.
    pub tables: Vec<TableAddr>,
    /// Memory index space.
    pub memories: Vec<usize>,
    /// Global index space.
    pub globals: Vec<usize>,
    /// Element segments (store addresses).
    pub elems: Vec<usize>,
    /// Data segments (store addresses).
    pub datas: Vec<usize>,
    /// Exports by name.
    pub exports: HashMap<String, ExternVal>,
}

/// Everything a script has instantiated.
pub struct Store {
    /// Canonical types of every module of the script.
    pub registry: TypeRegistry,
    /// Function instances.
    pub funcs: Vec<FuncInst>,
    /// Table instances (the part of the runtime built on table-facade).
    pub tables: Tables,
    /// Memory instances.
    pub memories: Vec<Memory>,
    /// Global instances.
    pub globals: Vec<GlobalInst>,
    /// Element segment instances (emptied by `elem.drop`).
    pub elems: Vec<Vec<Ref>>,
    /// Data segment instances (emptied by `data.drop`).
    pub datas: Vec<Rc<[u8]>>,
    /// Module instances.
    pub instances: Vec<Instance>,
    /// Instructions one invocation may execute before the runner gives up on it.
    pub instruction_budget: u64,
}

impl Store {
    /// An empty store whose funcref tables use lazy initialisation when `lazy_init` is set, and
    /// whose invocations may each execute `instruction_budget` instructions.
    pub fn new(lazy_init: bool, instruction_budget: u64) -> Store {
        Store {
            registry: TypeRegistry::default(),
            funcs: Vec::new(),
            tables: Tables::new(lazy_init),
            memories: Vec::new(),
            globals: Vec::new(),
            elems: Vec::new(),
            datas: Vec::new(),
            instances: Vec::new(),
            instruction_budget,
        }
    }

    /// Adds a function instance and makes it known to the funcref tables.
    pub fn add_func(&mut self, instance: InstAddr, body: Rc<FuncBody>, ty: CoreTypeId) -> FuncAddr {
        let addr = self.funcs.len();
        let type_chain: Rc<[CoreTypeId]> = self.registry.supertype_chain(ty).into();
        self.funcs.push(FuncInst {
            instance,
            body,
            type_chain,
        });
        self.tables.register_function(addr, ty);
        addr
    }
}
