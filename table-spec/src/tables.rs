//! Every table access of the runner, as a VM built on table-facade performs it.
//!
//! Each table instance is a facade [`Table`] created from its `wasmtime_environ::Table` type and
//! `Tunables` (lazy funcref initialisation on or off), with a resource limiter. Next to them
//! lives a vmctx-like array of [`VMTableDefinition`]s, refreshed after creation and after every
//! grow, failed or not; `table.size` reads it as compiled code would. Funcref slots hold
//! pointers to per-function [`VMFuncRef`](table_facade::VMFuncRef) records; an uninitialised slot
//! of a lazy table is resolved through the facade from the defining instance's initial image.
//! GC-reference slots hold [`VMGcRef`]s into the [`HostHeap`] GC store, lent to every operation.

use std::collections::HashMap;

use table_facade::wasmtime_environ::{
    EngineOrModuleTypeIndex, IndexType, Limits, Table as EnvTable, Tunables, WasmHeapType,
    WasmRefType,
};
use table_facade::{
    ElementSegment, FacadeError, FuncRef, LimiterError, Table, TableContext, TableElementType,
    TableLimiter, TableValue, VMGcRef, VMTableDefinition,
};
use wasmtime_environ::wasmparser::types::CoreTypeId;
use wasmtime_environ::wasmparser::{AbstractHeapType, HeapType, TableType, UnpackedIndex};

use crate::error::SpecError;
use crate::func_refs::FuncRefs;
use crate::host_heap::HostHeap;
use crate::types::RefTop;
use crate::types::{TypeKind, TypeRegistry};
use crate::value::{FuncAddr, Ref};

/// The store-wide address of a table instance.
pub type TableAddr = usize;

/// Tables never grow (or start) beyond this many elements in the runner: the limiter refuses,
/// and `table.grow` returns -1 as the specification allows for any growth.
pub const RUNNER_TABLE_ELEMENTS: usize = 10_000_000;

/// The runner's resource limiter: approves tables up to the number of elements it holds
/// ([`RUNNER_TABLE_ELEMENTS`] unless [`Tables::limit_elements`] says otherwise).
#[derive(Debug)]
struct RunnerLimiter(usize);

impl TableLimiter for RunnerLimiter {
    fn table_growing(
        &mut self,
        _: usize,
        desired: usize,
        _: Option<usize>,
    ) -> Result<bool, LimiterError> {
        Ok(desired <= self.0)
    }
}

/// The initial contents of a lazily initialised funcref table, consulted for slots the table
/// reports as uninitialised: the table's initial value, overridden by the active segments
/// instantiation recorded instead of writing them.
#[derive(Debug, Default)]
struct InitialImage {
    default: Option<FuncAddr>,
    segments: Vec<(u64, Vec<Option<FuncAddr>>)>,
}

impl InitialImage {
    fn at(&self, index: u64) -> Option<FuncAddr> {
        for (offset, items) in self.segments.iter().rev() {
            if let Some(item) = index
                .checked_sub(*offset)
                .and_then(|i| items.get(i as usize))
            {
                return *item;
            }
        }
        self.default
    }
}

/// How the runner used the facade, for the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableStats {
    /// Tables created.
    pub created: usize,
    /// `table.grow` calls, and how many of them grew.
    pub grows: usize,
    /// Grows that returned the old size.
    pub grown: usize,
    /// Uninitialised funcref slots resolved through the facade's resolver.
    pub lazy_resolutions: usize,
    /// Active segments kept in a lazy table's initial image instead of being written.
    pub precomputed_segments: usize,
    /// The most host objects alive in the GC store at once.
    pub peak_host_objects: usize,
}

impl TableStats {
    /// Adds `other` (peaks take the larger).
    pub fn add(&mut self, other: TableStats) {
        self.created += other.created;
        self.grows += other.grows;
        self.grown += other.grown;
        self.lazy_resolutions += other.lazy_resolutions;
        self.precomputed_segments += other.precomputed_segments;
        self.peak_host_objects = self.peak_host_objects.max(other.peak_host_objects);
    }
}

/// The funcref resolver a lazy table's reads and copies lend the facade: an uninitialised slot
/// gets the defining instance's initial element there (null without an image).
fn resolver<'a>(
    image: Option<&'a InitialImage>,
    func_refs: &'a FuncRefs,
    resolutions: &'a mut usize,
) -> impl FnMut(u64) -> Option<FuncRef> + 'a {
    move |index| {
        *resolutions += 1;
        image
            .and_then(|image| image.at(index))
            .and_then(|func| func_refs.func_ref(func))
    }
}

struct TableEntry {
    table: Table,
    ty: TableType,
    top: RefTop,
    image: Option<InitialImage>,
}

/// All tables of a store, with what their operations borrow: function records and GC store.
pub struct Tables {
    tunables: Tunables,
    entries: Vec<TableEntry>,
    /// The vmctx-like array compiled code would read: one definition per table.
    definitions: Vec<VMTableDefinition>,
    func_refs: FuncRefs,
    heap: HostHeap,
    stats: TableStats,
    /// The most elements the limiter lets a table have.
    max_elements: usize,
}

/// Facade errors the program observes become traps; others stay embedder errors.
impl From<FacadeError> for SpecError {
    fn from(error: FacadeError) -> Self {
        match error.as_trap() {
            Some(trap) => SpecError::Trap(trap),
            None => SpecError::Facade(error),
        }
    }
}

impl Tables {
    /// No tables yet; funcref tables will be lazily initialised when `lazy_init` is set.
    pub fn new(lazy_init: bool) -> Tables {
        let mut tunables = Tunables::default_host();
        tunables.table_lazy_init = lazy_init;
        Tables {
            tunables,
            entries: Vec::new(),
            definitions: Vec::new(),
            func_refs: FuncRefs::default(),
            heap: HostHeap::default(),
            stats: TableStats::default(),
            max_elements: RUNNER_TABLE_ELEMENTS,
        }
    }

    /// Lets the limiter approve tables of at most `max_elements` elements (creation and
    /// growth), as a runtime's store limits do.
    pub fn limit_elements(&mut self, max_elements: usize) {
        self.max_elements = max_elements;
    }

    /// Creates the `VMFuncRef` record of function `addr`.
    pub fn register_function(&mut self, addr: FuncAddr, ty: CoreTypeId) {
        self.func_refs.register(addr, ty);
    }

    /// Creates a table of type `ty` whose slots all hold `init` (the table's initial-value
    /// expression, or null).
    ///
    /// # Errors
    ///
    /// The facade's creation errors (a minimum the limiter refuses or that cannot be allocated).
    pub fn create(
        &mut self,
        ty: TableType,
        registry: &TypeRegistry,
        top: RefTop,
        init: Ref,
    ) -> Result<TableAddr, SpecError> {
        let env_type = self.environ_type(&ty, registry);
        let mut limiter = RunnerLimiter(self.max_elements);
        let table = Table::new_dynamic(&env_type, &self.tunables, Some(&mut limiter))?;
        let lazy = table.as_func().is_ok_and(|table| table.is_lazy());
        let addr = self.entries.len();
        self.stats.created += 1;
        self.entries.push(TableEntry {
            table,
            ty,
            top,
            image: lazy.then(InitialImage::default),
        });
        self.definitions.push(VMTableDefinition {
            base: std::ptr::null_mut(),
            current_elements: 0,
        });
        self.refresh_definition(addr);
        match (&mut self.entries[addr].image, init) {
            // A lazy table starts all-uninitialised: its initial value lives in the image.
            (Some(image), Ref::Func(func)) => image.default = Some(func),
            (_, init) if !init.is_null() => self.fill(addr, 0, init, ty.initial)?,
            _ => {}
        }
        Ok(addr)
    }

    /// Records an active segment in a lazy table's initial image instead of writing it.
    /// Returns `false` (recording nothing) when the caller must write it eagerly: the table is
    /// not a lazy funcref table, or the segment does not fit its current size.
    pub fn precompute_segment(&mut self, t: TableAddr, offset: u64, items: &[Ref]) -> bool {
        let entry = &mut self.entries[t];
        let Some(image) = &mut entry.image else {
            return false;
        };
        let fits = table_core::check_range(entry.table.size(), offset, items.len() as u64).is_ok();
        let funcs: Option<Vec<Option<FuncAddr>>> = items
            .iter()
            .map(|item| match item {
                Ref::Func(func) => Some(Some(*func)),
                Ref::Null(_) => Some(None),
                Ref::Extern(_) => None,
            })
            .collect();
        match funcs {
            Some(funcs) if fits => {
                image.segments.push((offset, funcs));
                self.stats.precomputed_segments += 1;
                true
            }
            _ => false,
        }
    }

    /// The table's type.
    pub fn table_type(&self, t: TableAddr) -> &TableType {
        &self.entries[t].ty
    }

    /// The current size, read from the table's definition as compiled code reads it.
    pub fn size(&self, t: TableAddr) -> u64 {
        self.definitions[t].current_elements as u64
    }

    /// `table.get`
    ///
    /// # Errors
    ///
    /// Out of bounds (a trap), or a facade error.
    pub fn get(&mut self, t: TableAddr, index: u64) -> Result<Ref, SpecError> {
        let Tables {
            entries,
            func_refs,
            heap,
            stats,
            ..
        } = self;
        let entry = &mut entries[t];
        let mut resolve = resolver(entry.image.as_ref(), func_refs, &mut stats.lazy_resolutions);
        let mut cx = TableContext::new()
            .with_gc_store(heap)
            .with_func_resolver(&mut resolve);
        let value = entry.table.get(index, &mut cx)?;
        Ok(match value {
            TableValue::Func(Some(func)) => {
                Ref::Func(func_refs.func_of(func).ok_or_else(|| {
                    SpecError::Script(format!("table {t} holds an unknown function record"))
                })?)
            }
            TableValue::GcRef(Some(gc_ref)) => {
                let host = heap.host_of(&gc_ref);
                table_facade::GcStore::drop_gc_ref(heap, gc_ref);
                Ref::Extern(host.ok_or_else(|| {
                    SpecError::Script(format!("table {t} holds a reference to no host value"))
                })?)
            }
            _ => Ref::Null(entry.top),
        })
    }

    /// `table.set`
    ///
    /// # Errors
    ///
    /// Out of bounds (a trap), or a facade error.
    pub fn set(&mut self, t: TableAddr, index: u64, value: Ref) -> Result<(), SpecError> {
        let value = self.table_value(value)?;
        let mut cx = TableContext::new().with_gc_store(&mut self.heap);
        let result = self.entries[t].table.set(index, &value, &mut cx);
        self.release(value);
        Ok(result?)
    }

    /// `table.grow`: the old size, or `None` when growth is refused. The table's definition is
    /// re-read afterwards either way.
    ///
    /// # Errors
    ///
    /// A facade or limiter error.
    pub fn grow(&mut self, t: TableAddr, delta: u64, init: Ref) -> Result<Option<u64>, SpecError> {
        let value = self.table_value(init)?;
        let mut limiter = RunnerLimiter(self.max_elements);
        let mut cx = TableContext::new().with_gc_store(&mut self.heap);
        let result = self.entries[t]
            .table
            .grow(delta, &value, Some(&mut limiter), &mut cx);
        self.release(value);
        self.refresh_definition(t);
        let old = result?;
        self.stats.grows += 1;
        self.stats.grown += usize::from(old.is_some());
        Ok(old.map(|old| old as u64))
    }

    /// `table.fill`
    ///
    /// # Errors
    ///
    /// Out of bounds (a trap), or a facade error.
    pub fn fill(&mut self, t: TableAddr, dst: u64, value: Ref, len: u64) -> Result<(), SpecError> {
        let value = self.table_value(value)?;
        let mut cx = TableContext::new().with_gc_store(&mut self.heap);
        let result = self.entries[t].table.fill(dst, &value, len, &mut cx);
        self.release(value);
        Ok(result?)
    }

    /// `table.copy`, within one table or between two.
    ///
    /// # Errors
    ///
    /// Out of bounds (a trap), or a facade error.
    pub fn copy(
        &mut self,
        dst_t: TableAddr,
        src_t: TableAddr,
        dst: u64,
        src: u64,
        len: u64,
    ) -> Result<(), SpecError> {
        let Tables {
            entries,
            func_refs,
            heap,
            stats,
            ..
        } = self;
        let resolutions = &mut stats.lazy_resolutions;
        if dst_t == src_t {
            let entry = &mut entries[dst_t];
            let mut resolve = resolver(entry.image.as_ref(), func_refs, resolutions);
            let mut cx = TableContext::new()
                .with_gc_store(heap)
                .with_func_resolver(&mut resolve);
            return Ok(entry.table.copy_within(dst, src, len, &mut cx)?);
        }
        // The source is only read, so the destination is moved out for the copy (an empty
        // table allocates nothing) and back after it, rather than splitting the borrow of
        // `entries`.
        let mut dst_table = core::mem::take(&mut entries[dst_t].table);
        let result = {
            let src_entry = &entries[src_t];
            let mut resolve = resolver(src_entry.image.as_ref(), func_refs, resolutions);
            let mut cx = TableContext::new()
                .with_gc_store(heap)
                .with_func_resolver(&mut resolve);
            Table::copy(&mut dst_table, &src_entry.table, dst, src, len, &mut cx)
        };
        entries[dst_t].table = dst_table;
        Ok(result?)
    }

    /// `table.init` (and active segments written eagerly): writes `items` at `dst`.
    ///
    /// # Errors
    ///
    /// Out of bounds (a trap), or a facade error.
    pub fn init(&mut self, t: TableAddr, dst: u64, items: &[Ref]) -> Result<(), SpecError> {
        if items.iter().any(|item| matches!(item, Ref::Extern(_)))
            || self.entries[t].table.element_type() == TableElementType::GcRef
        {
            let mut owned = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Ref::Extern(host) => match self.host_ref(*host) {
                        Ok(gc_ref) => owned.push(Some(gc_ref)),
                        Err(error) => {
                            for gc_ref in owned.into_iter().flatten() {
                                table_facade::GcStore::drop_gc_ref(&mut self.heap, gc_ref);
                            }
                            return Err(error);
                        }
                    },
                    _ => owned.push(None),
                }
            }
            self.note_heap_size();
            let mut cx = TableContext::new().with_gc_store(&mut self.heap);
            let result = self.entries[t]
                .table
                .init(dst, ElementSegment::GcRef(&owned), &mut cx);
            for gc_ref in owned.into_iter().flatten() {
                table_facade::GcStore::drop_gc_ref(&mut self.heap, gc_ref);
            }
            return Ok(result?);
        }
        let funcs = items
            .iter()
            .map(|item| match item {
                Ref::Func(func) => self.function(*func).map(Some),
                _ => Ok(None),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut cx = TableContext::new();
        Ok(self.entries[t]
            .table
            .init(dst, ElementSegment::Func(&funcs), &mut cx)?)
    }

    /// Checks the GC store against the tables: every live host object's reference count equals
    /// the number of table slots holding it (found by visiting the tables' GC roots).
    ///
    /// # Errors
    ///
    /// A description of the first inconsistency.
    pub fn check_heap(&mut self) -> Result<(), String> {
        let mut references: HashMap<u32, u32> = HashMap::new();
        for entry in &mut self.entries {
            entry.table.visit_gc_roots(&mut |gc_ref: &mut VMGcRef| {
                *references.entry(gc_ref.as_raw_u32()).or_default() += 1;
            });
        }
        self.heap.check_counts(&references)
    }

    /// Number of live host objects in the GC store.
    pub fn live_host_objects(&self) -> usize {
        self.heap.live_objects()
    }

    /// How the runner used the facade so far.
    pub fn stats(&self) -> TableStats {
        self.stats
    }

    fn note_heap_size(&mut self) {
        self.stats.peak_host_objects = self.stats.peak_host_objects.max(self.heap.live_objects());
    }

    fn refresh_definition(&mut self, t: TableAddr) {
        self.definitions[t] = self.entries[t].table.vmtable();
    }

    fn host_ref(&mut self, host: u32) -> Result<VMGcRef, SpecError> {
        Ok(self.heap.new_ref(host))
    }

    fn function(&self, func: FuncAddr) -> Result<FuncRef, SpecError> {
        self.func_refs
            .func_ref(func)
            .ok_or_else(|| SpecError::Script(format!("function #{func} has no record")))
    }

    /// The facade value for `value`; a host value becomes an owned GC reference that the caller
    /// hands back to [`Tables::release`].
    fn table_value(&mut self, value: Ref) -> Result<TableValue, SpecError> {
        Ok(match value {
            Ref::Func(func) => TableValue::Func(Some(self.function(func)?)),
            Ref::Extern(host) => {
                let gc_ref = self.host_ref(host)?;
                self.note_heap_size();
                TableValue::GcRef(Some(gc_ref))
            }
            Ref::Null(RefTop::Func) => TableValue::Func(None),
            Ref::Null(RefTop::Extern | RefTop::Any | RefTop::Exn) => TableValue::GcRef(None),
            Ref::Null(RefTop::Cont) => TableValue::Cont(None),
        })
    }

    fn release(&mut self, value: TableValue) {
        if let TableValue::GcRef(Some(gc_ref)) = value {
            table_facade::GcStore::drop_gc_ref(&mut self.heap, gc_ref);
        }
    }

    /// The `wasmtime_environ` form of a validated table type; concrete heap types carry the
    /// engine-wide type index of their canonical type.
    fn environ_type(&mut self, ty: &TableType, registry: &TypeRegistry) -> EnvTable {
        use AbstractHeapType as A;
        let heap_type = match ty.element_type.heap_type() {
            HeapType::Abstract { ty, .. } => match ty {
                A::Func => WasmHeapType::Func,
                A::NoFunc => WasmHeapType::NoFunc,
                A::Extern => WasmHeapType::Extern,
                A::NoExtern => WasmHeapType::NoExtern,
                A::Any => WasmHeapType::Any,
                A::Eq => WasmHeapType::Eq,
                A::I31 => WasmHeapType::I31,
                A::Struct => WasmHeapType::Struct,
                A::Array => WasmHeapType::Array,
                A::None => WasmHeapType::None,
                A::Exn => WasmHeapType::Exn,
                A::NoExn => WasmHeapType::NoExn,
                A::Cont => WasmHeapType::Cont,
                A::NoCont => WasmHeapType::NoCont,
            },
            HeapType::Concrete(UnpackedIndex::Id(id)) | HeapType::Exact(UnpackedIndex::Id(id)) => {
                let index = EngineOrModuleTypeIndex::Engine(self.func_refs.shared_type(id));
                match registry.kind(id) {
                    TypeKind::Func => WasmHeapType::ConcreteFunc(index),
                    TypeKind::Struct => WasmHeapType::ConcreteStruct(index),
                    TypeKind::Array => WasmHeapType::ConcreteArray(index),
                    TypeKind::Cont => WasmHeapType::ConcreteCont(index),
                }
            }
            // Validated types are canonical; anything else is treated as `func`.
            HeapType::Concrete(_) | HeapType::Exact(_) => WasmHeapType::Func,
        };
        EnvTable {
            idx_type: if ty.table64 {
                IndexType::I64
            } else {
                IndexType::I32
            },
            limits: Limits {
                min: ty.initial,
                max: ty.maximum,
            },
            ref_type: WasmRefType {
                nullable: ty.element_type.is_nullable(),
                heap_type,
            },
        }
    }
}
