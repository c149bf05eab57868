//! One scenario: two tables of one flavour and storage, a random operation sequence, and a check
//! against the model after every step.

use crate::model::{Element, Model};
use crate::rng::Rng;
use std::collections::HashMap;
use std::ptr::NonNull;
use table_facade::table_func::FuncSlotValue;
use table_facade::table_gcref::I31;
use table_facade::table_gcref::testing::CountingStore;
use table_facade::wasmtime_environ::{
    IndexType, Limits, Table as TableType, Trap, Tunables, WasmHeapType, WasmRefType,
};
use table_facade::{
    ElementSegment, FacadeError, FuncRef, GcStore, Table, TableContext, TableElementType,
    TableValue, VMContObj, VMGcRef,
};
use table_testkit::{LimiterPolicy, RecordingLimiter, StaticMemory};

/// The table flavours a scenario can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// Funcref, eagerly initialised.
    FuncEager,
    /// Funcref, lazily initialised.
    FuncLazy,
    /// externref (GC references: i31 and heap references through a counting store).
    GcRef,
    /// Continuation references.
    Cont,
}

const FLAVOURS: [Flavour; 4] = [
    Flavour::FuncEager,
    Flavour::FuncLazy,
    Flavour::GcRef,
    Flavour::Cont,
];

/// Distinct non-null values a scenario uses per kind.
const VALUES: u32 = 6;
/// Ids at or above this are GC heap references; below, `i31ref`s.
const HEAP_BASE: u32 = 3;

/// What one scenario did.
#[derive(Debug, Clone, Copy)]
pub struct ScenarioReport {
    /// The flavour it exercised.
    pub flavour: Flavour,
    /// Whether its tables were static.
    pub is_static: bool,
    /// The operations it ran.
    pub operations: u64,
}

/// The real references behind the model's value ids, and the maps back.
struct Values {
    flavour: Flavour,
    /// Stand-in `VMFuncRef`/`VMContRef` records; tables never dereference them.
    anchors: Vec<[usize; 4]>,
    /// Heap references the scenario owns (ids `HEAP_BASE..VALUES`), created in the store.
    heap: Vec<VMGcRef>,
    by_address: HashMap<usize, u32>,
}

impl Values {
    fn new(flavour: Flavour, store: &mut CountingStore) -> Self {
        let mut values = Values {
            flavour,
            anchors: vec![[0; 4]; VALUES as usize],
            heap: Vec::new(),
            by_address: HashMap::new(),
        };
        for id in 0..VALUES {
            let address = values.anchor(id).addr().get();
            values.by_address.insert(address, id);
        }
        if flavour == Flavour::GcRef {
            values.heap = (HEAP_BASE..VALUES).map(|_| store.allocate()).collect();
            for (offset, gc_ref) in values.heap.iter().enumerate() {
                values
                    .by_address
                    .insert(gc_ref.as_raw_u32() as usize, HEAP_BASE + offset as u32);
            }
        }
        values
    }

    fn anchor(&self, id: u32) -> NonNull<[usize; 4]> {
        NonNull::from(&self.anchors[id as usize])
    }

    fn func(&self, id: u32) -> FuncRef {
        self.anchor(id).cast()
    }

    /// The table value for a model element (never `Uninitialized`).
    fn value(&self, element: Element) -> TableValue {
        let id = match element {
            Element::Value(id) => Some(id),
            _ => None,
        };
        match self.flavour {
            Flavour::FuncEager | Flavour::FuncLazy => TableValue::Func(id.map(|id| self.func(id))),
            Flavour::GcRef => TableValue::GcRef(id.map(|id| {
                if id < HEAP_BASE {
                    VMGcRef::from_i31(I31::wrapping_u32(id))
                } else {
                    self.heap[(id - HEAP_BASE) as usize].unchecked_copy()
                }
            })),
            Flavour::Cont => {
                TableValue::Cont(id.map(|id| VMContObj::new(self.anchor(id).cast(), id as usize)))
            }
        }
    }

    /// The model element for a value read from a table.
    fn element(&self, value: &TableValue) -> Element {
        let id = match value {
            TableValue::Func(func) => func.map(|f| self.by_address[&f.addr().get()]),
            TableValue::GcRef(gc_ref) => gc_ref.as_ref().map(|r| match r.as_i31() {
                Some(i31) => i31.get_u32(),
                None => self.by_address[&(r.as_raw_u32() as usize)],
            }),
            TableValue::Cont(cont) => cont.map(|c| {
                let id = self.by_address[&c.contref.addr().get()];
                assert_eq!(c.revision, id as usize, "revision changed");
                id
            }),
        };
        id.map_or(Element::Null, Element::Value)
    }

    /// The model contents of `table`, read without resolving or cloning.
    fn contents(&self, table: &Table) -> Vec<Element> {
        if let Ok(t) = table.as_func() {
            return (0..t.size() as u64)
                .map(|i| match t.read(i).unwrap() {
                    FuncSlotValue::Uninitialized => Element::Uninitialized,
                    FuncSlotValue::Null => Element::Null,
                    FuncSlotValue::Func(f) => Element::Value(self.by_address[&f.addr().get()]),
                })
                .collect();
        }
        if let Ok(t) = table.as_gc_ref() {
            return (0..t.size() as u64)
                .map(|i| {
                    let value = TableValue::GcRef(t.get(i).unwrap().map(VMGcRef::unchecked_copy));
                    self.element(&value)
                })
                .collect();
        }
        let t = table
            .as_cont()
            .expect("a table of a kind the scenario builds");
        t.elements()
            .map(|e| self.element(&TableValue::Cont(e)))
            .collect()
    }
}

/// The module's initial element at `index` that lazy tables resolve to.
fn initial_element(index: u64) -> Element {
    if index.is_multiple_of(3) {
        Element::Null
    } else {
        Element::Value((index % u64::from(VALUES)) as u32)
    }
}

/// A random index: mostly within `[0, size]`, sometimes at the edges past it.
fn index(rng: &mut Rng, size: usize) -> u64 {
    if rng.chance(9, 10) {
        rng.below(size as u64 + 1)
    } else {
        rng.pick(&[size as u64 + 1, u64::from(u32::MAX), u64::MAX, u64::MAX - 1])
    }
}

/// A random length for a range starting at `start`.
fn length(rng: &mut Rng, size: usize, start: u64) -> u64 {
    if rng.chance(9, 10) {
        rng.below((size as u64).saturating_sub(start) + 2)
    } else {
        rng.pick(&[
            u64::from(u32::MAX),
            u64::MAX,
            u64::MAX - start.min(u64::MAX - 1),
        ])
    }
}

fn element(rng: &mut Rng) -> Element {
    if rng.chance(1, 4) {
        Element::Null
    } else {
        Element::Value(rng.below(u64::from(VALUES)) as u32)
    }
}

fn is_trap(result: &Result<impl Sized, FacadeError>) -> bool {
    matches!(result, Err(error) if error.as_trap() == Some(Trap::TableOutOfBounds))
}

/// Runs one scenario from `seed` with `operations` random operations.
///
/// # Errors
///
/// A description of the first disagreement with the model (or store violation).
pub fn run_scenario(seed: u64, operations: u64) -> Result<ScenarioReport, String> {
    run(Rng::new(seed), operations).map_err(|error| format!("seed {seed:#x} {error}"))
}

/// The most operations one fuzzer input drives.
pub const INPUT_OPERATIONS: u64 = 1000;

/// Runs the scenario a coverage-guided fuzzer's `input` describes: its bytes choose the flavour,
/// storage, table types and each operation with its arguments, until they run out (at most
/// [`INPUT_OPERATIONS`] operations).
///
/// # Errors
///
/// As for [`run_scenario`].
pub fn run_input(input: &[u8]) -> Result<ScenarioReport, String> {
    run(Rng::from_bytes(input), INPUT_OPERATIONS)
}

fn run(mut rng: Rng, operations: u64) -> Result<ScenarioReport, String> {
    let flavour = rng.pick(&FLAVOURS);
    let is_static = rng.chance(1, 2);
    let mut store = CountingStore::new();
    let values = Values::new(flavour, &mut store);
    let result = Scenario::new(&mut rng, flavour, is_static, &values).and_then(|mut scenario| {
        let outcome = scenario.run(&mut rng, &mut store, operations);
        scenario.clear(&mut store);
        outcome
    });
    for gc_ref in values.heap {
        store.drop_gc_ref(gc_ref);
    }
    let report = result.map_err(|error| format!("({flavour:?}, static: {is_static}): {error}"))?;
    store
        .verify()
        .map_err(|report| format!("({flavour:?}): GC store: {report:?}"))?;
    Ok(ScenarioReport {
        flavour,
        is_static,
        operations: report,
    })
}

struct Scenario<'v> {
    values: &'v Values,
    tables: [Table; 2],
    models: [Model; 2],
    limiter: RecordingLimiter,
    /// Static memory behind the tables, if static; dropped after them.
    _memory: Vec<StaticMemory>,
}

impl<'v> Scenario<'v> {
    fn new(
        rng: &mut Rng,
        flavour: Flavour,
        is_static: bool,
        values: &'v Values,
    ) -> Result<Self, String> {
        let heap_type = match flavour {
            Flavour::FuncEager | Flavour::FuncLazy => WasmHeapType::Func,
            Flavour::GcRef => WasmHeapType::Extern,
            Flavour::Cont => WasmHeapType::Cont,
        };
        let mut tunables = Tunables::default_host();
        tunables.table_lazy_init = flavour == Flavour::FuncLazy;
        let mut memory = Vec::new();
        let mut make = |rng: &mut Rng| -> Result<(Table, Model), String> {
            let min = rng.below(24);
            let max = rng.chance(1, 2).then(|| min + rng.below(40));
            let ty = TableType {
                idx_type: rng.pick(&[IndexType::I32, IndexType::I64]),
                limits: Limits { min, max },
                ref_type: WasmRefType {
                    nullable: true,
                    heap_type,
                },
            };
            let table = if is_static {
                let capacity = min as usize + rng.below(48) as usize;
                let size = TableElementType::of(&ty.ref_type).element_size();
                let block = StaticMemory::new(capacity * size, 16);
                // SAFETY: zeroed memory kept in the scenario until after its tables are dropped,
                // used only through the table.
                let table = unsafe { Table::new_static(&ty, &tunables, block.memory(), None) };
                memory.push(block);
                table
            } else {
                Table::new_dynamic(&ty, &tunables, None)
            }
            .map_err(|error| format!("creating {ty:?}: {error}"))?;
            let empty = if flavour == Flavour::FuncLazy {
                Element::Uninitialized
            } else {
                Element::Null
            };
            let model = Model {
                elements: vec![empty; min as usize],
                maximum: table.maximum(),
            };
            Ok((table, model))
        };
        let (a, model_a) = make(rng)?;
        let (b, model_b) = make(rng)?;
        Ok(Scenario {
            values,
            tables: [a, b],
            models: [model_a, model_b],
            limiter: RecordingLimiter::new(LimiterPolicy::AllowUpTo(rng.below(160) as usize)),
            _memory: memory,
        })
    }

    fn run(
        &mut self,
        rng: &mut Rng,
        store: &mut CountingStore,
        operations: u64,
    ) -> Result<u64, String> {
        for step in 0..operations {
            if rng.is_exhausted() {
                return Ok(step);
            }
            let which = rng.below(2) as usize;
            let description = self.step(rng, store, which)?;
            for t in 0..2 {
                let actual = self.values.contents(&self.tables[t]);
                if actual != self.models[t].elements {
                    return Err(format!(
                        "step {step} ({description}): table {t} holds {actual:?}, the model {:?}",
                        self.models[t].elements
                    ));
                }
            }
        }
        Ok(operations)
    }

    /// Resolves the model's uninitialised elements in `[start, start + len)` of table `t`, as a
    /// copy within a lazy table does first.
    fn resolve_model(&mut self, t: usize, start: u64, len: u64) {
        for i in Model::range(start, len) {
            if self.models[t].elements[i] == Element::Uninitialized {
                self.models[t].elements[i] = initial_element(i as u64);
            }
        }
    }

    fn step(
        &mut self,
        rng: &mut Rng,
        store: &mut CountingStore,
        t: usize,
    ) -> Result<String, String> {
        let values = self.values;
        let mut resolve = |index: u64| match initial_element(index) {
            Element::Value(id) => Some(values.func(id)),
            _ => None,
        };
        let size = self.models[t].elements.len();
        match rng.below(8) {
            0 => {
                let i = index(rng, size);
                let mut cx = TableContext::new()
                    .with_gc_store(store)
                    .with_func_resolver(&mut resolve);
                let result = self.tables[t].get(i, &mut cx);
                let model = &mut self.models[t];
                if i >= size as u64 {
                    return expect_trap(&result, format!("get({i})"));
                }
                if model.elements[i as usize] == Element::Uninitialized {
                    model.elements[i as usize] = initial_element(i);
                }
                let value = result.map_err(|e| format!("get({i}): {e}"))?;
                let read = values.element(&value);
                if let TableValue::GcRef(Some(gc_ref)) = value
                    && gc_ref.is_heap()
                {
                    store.drop_gc_ref(gc_ref);
                }
                if read != model.elements[i as usize] {
                    return Err(format!(
                        "get({i}) read {read:?}, model {:?}",
                        model.elements[i as usize]
                    ));
                }
                Ok(format!("get({i})"))
            }
            1 => {
                let i = index(rng, size);
                let element = element(rng);
                let result = self.tables[t].set(
                    i,
                    &values.value(element),
                    &mut TableContext::new().with_gc_store(store),
                );
                if i >= size as u64 {
                    return expect_trap(&result, format!("set({i})"));
                }
                result.map_err(|e| format!("set({i}): {e}"))?;
                self.models[t].elements[i as usize] = element;
                Ok(format!("set({i}, {element:?})"))
            }
            2 => {
                let dst = index(rng, size);
                let len = length(rng, size, dst);
                let element = element(rng);
                let what = format!("fill({dst}, {element:?}, {len})");
                let result = self.tables[t].fill(
                    dst,
                    &values.value(element),
                    len,
                    &mut TableContext::new().with_gc_store(store),
                );
                if !self.models[t].in_bounds(dst, len) {
                    return expect_trap(&result, what);
                }
                result.map_err(|e| format!("{what}: {e}"))?;
                self.models[t].elements[Model::range(dst, len)].fill(element);
                Ok(what)
            }
            3 => {
                let dst = index(rng, size);
                let src = index(rng, size);
                let len = length(rng, size, dst.max(src));
                let what = format!("copy_within({dst}, {src}, {len})");
                let mut cx = TableContext::new()
                    .with_gc_store(store)
                    .with_func_resolver(&mut resolve);
                let result = self.tables[t].copy_within(dst, src, len, &mut cx);
                if !(self.models[t].in_bounds(dst, len) && self.models[t].in_bounds(src, len)) {
                    return expect_trap(&result, what);
                }
                result.map_err(|e| format!("{what}: {e}"))?;
                self.resolve_model(t, src, len);
                let elements = &mut self.models[t].elements;
                elements.copy_within(Model::range(src, len), dst as usize);
                Ok(what)
            }
            4 => {
                let s = 1 - t;
                let src_size = self.models[s].elements.len();
                let dst = index(rng, size);
                let src = index(rng, src_size);
                let len = length(rng, size.min(src_size), dst.max(src));
                let what = format!("copy(table {t} @ {dst} <- table {s} @ {src}, {len})");
                let [a, b] = &mut self.tables;
                let (dst_table, src_table) = if t == 0 { (a, b) } else { (b, a) };
                let mut cx = TableContext::new()
                    .with_gc_store(store)
                    .with_func_resolver(&mut resolve);
                let result = Table::copy(dst_table, src_table, dst, src, len, &mut cx);
                if !(self.models[t].in_bounds(dst, len) && self.models[s].in_bounds(src, len)) {
                    return expect_trap(&result, what);
                }
                result.map_err(|e| format!("{what}: {e}"))?;
                // The source is only read: its uninitialised elements arrive resolved (for their
                // source index) and stay uninitialised in it.
                let copied: Vec<Element> = Model::range(src, len)
                    .map(|i| match self.models[s].elements[i] {
                        Element::Uninitialized => initial_element(i as u64),
                        element => element,
                    })
                    .collect();
                self.models[t].elements[Model::range(dst, len)].copy_from_slice(&copied);
                Ok(what)
            }
            5 => {
                let dst = index(rng, size);
                let count = rng.below(6);
                let segment: Vec<Element> = (0..count).map(|_| element(rng)).collect();
                let what = format!("init({dst}, {segment:?})");
                let mut cx = TableContext::new().with_gc_store(store);
                let result = match values.flavour {
                    Flavour::FuncEager | Flavour::FuncLazy => {
                        let funcs: Vec<_> = segment
                            .iter()
                            .map(|e| match values.value(*e) {
                                TableValue::Func(f) => f,
                                _ => unreachable!(),
                            })
                            .collect();
                        self.tables[t].init(dst, ElementSegment::Func(&funcs), &mut cx)
                    }
                    Flavour::GcRef => {
                        let refs: Vec<_> = segment
                            .iter()
                            .map(|e| match values.value(*e) {
                                TableValue::GcRef(r) => r,
                                _ => unreachable!(),
                            })
                            .collect();
                        self.tables[t].init(dst, ElementSegment::GcRef(&refs), &mut cx)
                    }
                    Flavour::Cont => {
                        let conts: Vec<_> = segment
                            .iter()
                            .map(|e| match values.value(*e) {
                                TableValue::Cont(c) => table_facade::ContSlot::from(c),
                                _ => unreachable!(),
                            })
                            .collect();
                        self.tables[t].init(dst, ElementSegment::Cont(&conts), &mut cx)
                    }
                };
                if !self.models[t].in_bounds(dst, count) {
                    return expect_trap(&result, what);
                }
                result.map_err(|e| format!("{what}: {e}"))?;
                self.models[t].elements[Model::range(dst, count)].copy_from_slice(&segment);
                Ok(what)
            }
            _ => {
                let delta = if rng.chance(9, 10) {
                    rng.below(12)
                } else {
                    rng.pick(&[u64::from(u32::MAX), u64::MAX, 1 << 40])
                };
                let element = element(rng);
                let what = format!("grow({delta}, {element:?})");
                let mut cx = TableContext::new().with_gc_store(store);
                let result = self.tables[t]
                    .grow(
                        delta,
                        &values.value(element),
                        Some(&mut self.limiter),
                        &mut cx,
                    )
                    .map_err(|e| format!("{what}: {e}"))?;
                let model = &mut self.models[t];
                let LimiterPolicy::AllowUpTo(cap) = self.limiter.policy else {
                    unreachable!()
                };
                let expected = match (size as u64).checked_add(delta) {
                    _ if delta == 0 => Some(size),
                    Some(new)
                        if new <= cap as u64 && model.maximum.is_none_or(|m| new <= m as u64) =>
                    {
                        model.elements.resize(new as usize, element);
                        Some(size)
                    }
                    _ => None,
                };
                if result != expected {
                    return Err(format!("{what} gave {result:?}, the model {expected:?}"));
                }
                if self.tables[t].size() != model.elements.len() {
                    return Err(format!(
                        "{what}: size {} after grow, model {}",
                        self.tables[t].size(),
                        model.elements.len()
                    ));
                }
                Ok(what)
            }
        }
    }

    /// Releases every reference the tables hold, through the store.
    fn clear(&mut self, store: &mut CountingStore) {
        for table in &mut self.tables {
            if let Some(null) = TableValue::null(table.element_type()) {
                let size = table.size() as u64;
                let _ = table.fill(
                    0,
                    &null,
                    size,
                    &mut TableContext::new().with_gc_store(store),
                );
            }
        }
    }
}

fn expect_trap<T>(result: &Result<T, FacadeError>, what: String) -> Result<String, String> {
    if is_trap(result) {
        Ok(what)
    } else {
        Err(format!(
            "{what} should trap out of bounds, gave {}",
            match result {
                Ok(_) => "success".to_string(),
                Err(error) => error.to_string(),
            }
        ))
    }
}
