//! The system under test: two facade tables, the limiter they share, the GC store behind their
//! `externref`s and the `VMFuncRef` stand-ins behind their funcrefs.

use crate::case::{Case, Kind, Op, POOL_CAPACITY, Placement, TableSpec, VALUES, Value};
use crate::outcome::{self, Outcome};
use std::ffi::c_void;
use std::ptr::NonNull;
use table_facade::table_func::FuncSlotValue;
use table_facade::table_gcref::testing::CountingStore;
use table_facade::wasmtime_environ::{
    IndexType, Limits, Table as TableType, Tunables, VMSharedTypeIndex, WasmRefType,
};
use table_facade::{FuncRef, GcStore, Table, TableContext, TableValue, VMFuncRef, VMGcRef};
use table_testkit::{RecordingLimiter, StaticMemory, block_on};

/// The host value the k-th `externref` of a case carries (on both sides).
pub fn extern_host_value(k: u8) -> u32 {
    7000 + u32::from(k)
}

/// A resolver for a table's uninitialised slots, as `TableContext` takes it.
type Resolver<'a> = &'a mut dyn FnMut(u64) -> Option<FuncRef>;

pub struct FacadeSide {
    kind: Kind,
    asynchronous: bool,
    // Declared before `memories`: static tables borrow those blocks and must go first.
    tables: [Option<Table>; 2],
    memories: Vec<StaticMemory>,
    pub limiter: RecordingLimiter,
    pub store: CountingStore,
    /// The `VMFuncRef` stand-ins, by value id; never resized, so their addresses stay put.
    funcs: Vec<VMFuncRef>,
    /// The test's own reference to each `externref` object, by value id.
    externs: Vec<VMGcRef>,
    /// Per table: the values of `[0, min)` a resolver answers, when the table was left
    /// unfilled (lazy funcref tables only).
    initial: [Option<Vec<Value>>; 2],
    /// Everything the resolvers were asked that they should not have been asked.
    pub bad_resolves: Vec<String>,
}

impl FacadeSide {
    pub fn new(case: &Case) -> Self {
        let funcs = (0..VALUES)
            .map(|k| VMFuncRef {
                array_call: NonNull::<c_void>::dangling(),
                wasm_call: None,
                type_index: VMSharedTypeIndex::new(u32::from(k)),
                vmctx: NonNull::<c_void>::dangling(),
            })
            .collect();
        let mut store = CountingStore::new();
        let externs = (0..VALUES)
            .map(|k| store.allocate_value(extern_host_value(k)))
            .collect();
        FacadeSide {
            kind: case.kind,
            asynchronous: case.asynchronous,
            tables: [None, None],
            memories: Vec::new(),
            limiter: RecordingLimiter::new(case.policy),
            store,
            funcs,
            externs,
            initial: [None, None],
            bad_resolves: Vec::new(),
        }
    }

    fn table_type(&self, spec: &TableSpec) -> TableType {
        TableType {
            idx_type: if spec.table64 {
                IndexType::I64
            } else {
                IndexType::I32
            },
            limits: Limits {
                min: spec.min,
                max: spec.max,
            },
            ref_type: if self.kind.is_func() {
                WasmRefType::FUNCREF
            } else {
                WasmRefType::EXTERNREF
            },
        }
    }

    fn func_ref(&self, id: u8) -> FuncRef {
        NonNull::from(&self.funcs[usize::from(id)])
    }

    fn value(&self, value: Value) -> TableValue {
        if self.kind.is_func() {
            TableValue::Func(value.map(|id| self.func_ref(id)))
        } else {
            TableValue::GcRef(value.map(|id| self.externs[usize::from(id)].unchecked_copy()))
        }
    }

    /// The identity a function stand-in is compared by: its value id.
    fn func_id(&self, func: FuncRef) -> Result<u32, String> {
        self.funcs
            .iter()
            .position(|stand_in| std::ptr::eq(stand_in, func.as_ptr()))
            .map(|id| id as u32)
            .ok_or_else(|| format!("the facade returned an unknown funcref {func:p}"))
    }

    fn host_value(&self, gc_ref: &VMGcRef) -> Result<u32, String> {
        self.store
            .value_of(gc_ref)
            .ok_or_else(|| format!("the facade returned a dead or unknown {gc_ref:?}"))
    }

    /// Creates table `index` like `wasmtime::Table::new` (or instantiation) does: creation under
    /// the limiter, then the initial contents.
    pub fn create(&mut self, index: usize, spec: &TableSpec, placement: Placement) -> Outcome {
        let ty = self.table_type(spec);
        let mut tunables = Tunables::default_host();
        tunables.table_lazy_init = self.kind.lazy_init();
        let limiter = &mut self.limiter;
        let created = match placement {
            Placement::Dynamic if self.asynchronous => {
                block_on(Table::new_dynamic_async(&ty, &tunables, Some(limiter)))
            }
            Placement::Dynamic => Table::new_dynamic(&ty, &tunables, Some(limiter)),
            Placement::Pooled => {
                let element_size = if self.kind.is_func() {
                    size_of::<usize>()
                } else {
                    size_of::<u32>()
                };
                let memory = StaticMemory::new(POOL_CAPACITY as usize * element_size, 8);
                let block = memory.memory();
                self.memories.push(memory);
                if self.asynchronous {
                    // SAFETY: the block is zeroed, is kept in `self.memories` until after the
                    // tables are dropped, and nothing else touches it.
                    let creation =
                        unsafe { Table::new_static_async(&ty, &tunables, block, Some(limiter)) };
                    block_on(creation)
                } else {
                    // SAFETY: as above.
                    unsafe { Table::new_static(&ty, &tunables, block, Some(limiter)) }
                }
            }
        };
        let mut table = match created {
            Ok(table) => table,
            Err(error) => return outcome::of_facade_error(&error),
        };
        if self.kind.lazy_init() && spec.unfilled {
            self.initial[index] = Some((0..spec.min).map(|slot| spec.initial(slot)).collect());
        } else {
            let init = self.value(spec.init);
            let mut cx = TableContext::new().with_gc_store(&mut self.store);
            table
                .fill(0, &init, spec.min, &mut cx)
                .expect("filling [0, min) of a new table");
            for (slot, value) in &spec.presets {
                let value = self.value(*value);
                let mut cx = TableContext::new().with_gc_store(&mut self.store);
                table
                    .set(*slot, &value, &mut cx)
                    .expect("setting an element below the minimum");
            }
        }
        self.tables[index] = Some(table);
        Outcome::Created
    }

    pub fn size(&self, index: usize) -> u64 {
        self.tables[index].as_ref().expect("created").size() as u64
    }

    /// Applies one operation (with its grow delta already resolved).
    pub fn apply(&mut self, op: &Op, delta: u64) -> Outcome {
        let result = match *op {
            Op::Get { table, index } => return self.get(table, index),
            Op::Set {
                table,
                index,
                value,
            } => {
                let value = self.value(value);
                self.with_context(table, |tables, cx| {
                    tables[table].as_mut().unwrap().set(index, &value, cx)
                })
                .map(|()| Outcome::Done)
            }
            Op::Fill {
                table,
                dst,
                value,
                len,
            } => {
                let value = self.value(value);
                self.with_context(table, |tables, cx| {
                    tables[table].as_mut().unwrap().fill(dst, &value, len, cx)
                })
                .map(|()| Outcome::Done)
            }
            Op::Grow {
                table,
                value,
                asynchronous,
                ..
            } => {
                let value = self.value(value);
                let Self {
                    tables,
                    limiter,
                    store,
                    ..
                } = self;
                let mut cx = TableContext::new().with_gc_store(store);
                let table = tables[table].as_mut().unwrap();
                let grown = if asynchronous {
                    block_on(table.grow_async(delta, &value, Some(limiter), &mut cx))
                } else {
                    table.grow(delta, &value, Some(limiter), &mut cx)
                };
                grown.map(|grown| match grown {
                    Some(old_size) => Outcome::Grown(old_size as u64),
                    None => Outcome::NoGrowth,
                })
            }
            Op::CopyWithin {
                table,
                dst,
                src,
                len,
            } => self
                .with_context(table, |tables, cx| {
                    tables[table]
                        .as_mut()
                        .unwrap()
                        .copy_within(dst, src, len, cx)
                })
                .map(|()| Outcome::Done),
            Op::Copy {
                dst_table,
                dst,
                src,
                len,
            } => self
                .with_context(1 - dst_table, |tables, cx| {
                    let [first, second] = tables;
                    let (to, from) = if dst_table == 0 {
                        (first, second)
                    } else {
                        (second, first)
                    };
                    Table::copy(
                        to.as_mut().unwrap(),
                        from.as_mut().unwrap(),
                        dst,
                        src,
                        len,
                        cx,
                    )
                })
                .map(|()| Outcome::Done),
            Op::SetPolicy(policy) => {
                self.limiter.policy = policy;
                return Outcome::Done;
            }
        };
        result.unwrap_or_else(|error| outcome::of_facade_error(&error))
    }

    fn get(&mut self, table: usize, index: u64) -> Outcome {
        let read = self.with_context(table, |tables, cx| {
            tables[table].as_mut().unwrap().get(index, cx)
        });
        match read {
            Err(error) => outcome::of_facade_error(&error),
            Ok(TableValue::Func(func)) => match func.map(|func| self.func_id(func)).transpose() {
                Ok(id) => Outcome::Value(id),
                Err(message) => Outcome::Other(message),
            },
            Ok(TableValue::GcRef(gc_ref)) => {
                let value = gc_ref.as_ref().map(|r| self.host_value(r)).transpose();
                // `get` handed us an owned clone: release it.
                if let Some(gc_ref) = gc_ref.filter(VMGcRef::is_heap) {
                    self.store.drop_gc_ref(gc_ref);
                }
                match value {
                    Ok(value) => Outcome::Value(value),
                    Err(message) => Outcome::Other(message),
                }
            }
            Ok(other) => Outcome::Other(format!("a {other:?} from a table of {:?}", self.kind)),
        }
    }

    /// Runs `operation` with a context lending the GC store and, when table `resolve_in` was
    /// left unfilled, a resolver for its uninitialised slots.
    fn with_context<R>(
        &mut self,
        resolve_in: usize,
        operation: impl FnOnce(&mut [Option<Table>; 2], &mut TableContext<'_>) -> R,
    ) -> R {
        let Self {
            tables,
            store,
            funcs,
            initial,
            bad_resolves,
            ..
        } = self;
        let initial = initial[resolve_in].as_deref();
        let mut resolve = |slot: u64| -> Option<FuncRef> {
            match initial.and_then(|values| values.get(slot as usize)) {
                Some(value) => value.map(|id| NonNull::from(&funcs[usize::from(id)])),
                None => {
                    bad_resolves.push(format!(
                        "table {resolve_in}: resolver asked for slot {slot}, past its initial elements"
                    ));
                    None
                }
            }
        };
        let mut cx = TableContext::new().with_gc_store(store);
        if initial.is_some() {
            cx = cx.with_func_resolver(&mut resolve as Resolver<'_>);
        }
        operation(tables, &mut cx)
    }

    /// Every element of table `index`, read without resolving anything: an uninitialised slot
    /// reads as what the resolver would answer, and only where the resolver may be asked.
    pub fn contents(&self, index: usize) -> Result<Vec<Option<u32>>, String> {
        let table = self.tables[index].as_ref().expect("created");
        (0..table.size() as u64)
            .map(|slot| {
                if self.kind.is_func() {
                    let func = table.as_func().map_err(|e| e.to_string())?;
                    match func.read(slot).map_err(|e| e.to_string())? {
                        FuncSlotValue::Null => Ok(None),
                        FuncSlotValue::Func(func) => self.func_id(func).map(Some),
                        FuncSlotValue::Uninitialized => {
                            let initial = self.initial[index]
                                .as_ref()
                                .and_then(|values| values.get(slot as usize))
                                .ok_or_else(|| {
                                    format!("table {index} slot {slot} is uninitialised")
                                })?;
                            Ok(initial.map(u32::from))
                        }
                    }
                } else {
                    let gc = table.as_gc_ref().map_err(|e| e.to_string())?;
                    match gc.get(slot).map_err(|e| e.to_string())? {
                        None => Ok(None),
                        Some(gc_ref) => self.host_value(gc_ref).map(Some),
                    }
                }
            })
            .collect()
    }

    /// Checks the GC store's books: no misuse, and each object owned exactly by the test's own
    /// reference plus every slot (of either table) that holds it.
    pub fn check_reference_counts(&self) -> Result<(), String> {
        if let Some(misuse) = self.store.violations().first() {
            return Err(format!("GC store misuse: {misuse}"));
        }
        for (id, gc_ref) in self.externs.iter().enumerate() {
            let in_slots: u64 = self
                .tables
                .iter()
                .flatten()
                .map(|table| {
                    table
                        .as_gc_ref()
                        .map(|gc| gc.gc_roots().filter(|root| *root == gc_ref).count() as u64)
                        .unwrap_or(0)
                })
                .sum();
            let count = self.store.live_count(gc_ref);
            if count != 1 + in_slots {
                return Err(format!(
                    "externref {id} has a count of {count}, but 1 + {in_slots} owners"
                ));
            }
        }
        Ok(())
    }
}
