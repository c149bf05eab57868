//! Wasmtime's table module (`wasmtime::runtime::vm::table`), implemented on wasm-tables.
//!
//! `cargo xtask wasmtime` copies Wasmtime 44.0.3 under `target/`, puts this file in place of
//! its `src/runtime/vm/table.rs` and adds `table-facade` as a dependency. Everything else in
//! Wasmtime is unchanged: its instances, libcalls, host API, pooling allocator and GC call the
//! methods below with the signatures and meanings of the module this file replaces, and its
//! compiled code reads and writes our slots through the `VMTableDefinition` it gets from
//! [`Table::vmtable`].
//!
//! The adapter only converts: Wasmtime's pointer and reference types to ours (same layouts,
//! asserted below), its resource limiter and GC store to our traits, and our errors to its
//! `Error` and `Trap`. Table semantics (bounds, limits, growth, lazy-init tagging, barriers)
//! are table-facade's. One difference is kept on purpose: when a grow cannot allocate, the table
//! tells the limiter (`table_grow_failed` with an `OutOfMemory`) and `table.grow` returns -1, as
//! the WebAssembly spec allows, where stock Wasmtime returns the allocation error.
//!
//! Where the stock module panics (a value of another kind than the table's, a GC table written
//! without a GC store while a heap reference is involved, reading an uninitialised slot through
//! `get_func`), this one panics too, with the same meaning: those are bugs in the caller that
//! Wasmtime's validation and store rule out.

use crate::prelude::*;
use crate::runtime::store::StoreResourceLimiter;
use crate::runtime::vm::stack_switching::VMContObj;
use crate::runtime::vm::vmcontext::{VMFuncRef, VMTableDefinition};
use crate::runtime::vm::{GcStore, SendSyncPtr, VMGcRef};
use core::future::Future;
use core::mem::{align_of, size_of};
use core::ptr::NonNull;
use table_facade::table_cont::ContTable;
use table_facade::table_func::{FuncSlotValue, FuncTable};
use table_facade::table_gcref::GcRefTable;
use table_facade::{
    AsyncTableLimiter, FacadeError, GrowFailure, LimiterError, TableContext, TableLimiter,
};
use wasmtime_environ::{Trap, Tunables, WasmRefType};

/// The element kind of a table: table-facade's, whose variants and `element_size` are the ones
/// Wasmtime's instance and pooling allocator use.
pub use table_facade::TableElementType;

/// The largest element size a pooling allocator sizes table slots for (funcref and GC
/// reference elements; continuation tables get half the elements in the same memory).
#[cfg(feature = "pooling-allocator")]
pub const NOMINAL_MAX_TABLE_ELEM_SIZE: usize = table_facade::NOMINAL_MAX_TABLE_ELEMENT_SIZE;

/// The element kind of tables whose elements have type `ty`.
pub(crate) fn wasm_to_table_type(ty: WasmRefType) -> TableElementType {
    TableElementType::of(&ty)
}

// Our slot-level types and Wasmtime's have the same layouts, so references and slices convert
// by casts. The element crates assert their layouts against `wasmtime-environ`; these assert
// the pairs directly.
const _: () = {
    assert!(size_of::<Option<VMGcRef>>() == size_of::<Option<table_facade::VMGcRef>>());
    assert!(align_of::<Option<VMGcRef>>() == align_of::<Option<table_facade::VMGcRef>>());
    assert!(size_of::<VMContObj>() == size_of::<table_facade::VMContObj>());
    assert!(size_of::<VMTableDefinition>() == size_of::<table_facade::VMTableDefinition>());
};

/// A WebAssembly table of any element kind, in dynamic or static (pooling-allocator) storage.
pub struct Table(table_facade::Table);

impl Table {
    /// Creates a dynamic (movable) table of type `ty`, asking `limiter` to approve its minimum.
    pub async fn new_dynamic(
        ty: &wasmtime_environ::Table,
        tunables: &Tunables,
        limiter: Option<&mut StoreResourceLimiter<'_>>,
    ) -> Result<Self> {
        let mut limiter = limiter.map(Limiter);
        table_facade::Table::new_dynamic_async(ty, tunables, limiter.as_mut())
            .await
            .map(Table)
            .map_err(into_error)
    }

    /// Creates a static (immovable) table of type `ty` in `data`, memory handed in by the
    /// pooling allocator, asking `limiter` to approve its minimum.
    ///
    /// # Safety
    ///
    /// `data` is valid for reads and writes for the table's whole life, is used only through
    /// the table (and the `VMTableDefinition` it hands out) and is all zero: the pooling
    /// allocator's table slots, which it zeroes again when a table is deallocated.
    pub async unsafe fn new_static(
        ty: &wasmtime_environ::Table,
        tunables: &Tunables,
        data: SendSyncPtr<[u8]>,
        limiter: Option<&mut StoreResourceLimiter<'_>>,
    ) -> Result<Self> {
        let mut limiter = limiter.map(Limiter);
        // SAFETY: the caller's promises about `data` are `Table::new_static`'s.
        unsafe {
            table_facade::Table::new_static_async(
                ty,
                tunables,
                data.as_non_null(),
                limiter.as_mut(),
            )
        }
        .await
        .map(Table)
        .map_err(into_error)
    }

    /// The element kind of this table.
    #[inline]
    pub fn element_type(&self) -> TableElementType {
        self.0.element_type()
    }

    /// Whether this table lives in static (pooling-allocator) memory.
    #[cfg(feature = "pooling-allocator")]
    #[inline]
    pub(crate) fn is_static(&self) -> bool {
        self.0.is_static()
    }

    /// The number of elements.
    #[inline]
    pub fn size(&self) -> usize {
        self.0.size()
    }

    /// The most elements the table can hold at run time: the static capacity, or the type's
    /// maximum (`None` when it does not fit in `usize`).
    #[inline]
    pub fn maximum(&self) -> Option<usize> {
        self.0.maximum()
    }

    /// Writes `val` into `table[dst..dst + len]`.
    #[inline]
    pub fn fill_func(
        &mut self,
        dst: u64,
        val: Option<NonNull<VMFuncRef>>,
        len: u64,
    ) -> Result<(), Trap> {
        self.funcs_mut()
            .fill(dst, val.map(NonNull::cast), len)
            .map_err(trap)
    }

    /// Writes `val` into `table[dst..dst + len]` through the GC store's write barrier.
    pub fn fill_gc_ref(
        &mut self,
        gc_store: Option<&mut GcStore>,
        dst: u64,
        val: Option<&VMGcRef>,
        len: u64,
    ) -> Result<(), Trap> {
        let mut store = gc_store.map(Collector);
        self.gc_refs_table_mut()
            .fill(dst, val.map(ours), len, store.as_mut().map(as_dyn_store))
            .map_err(trap)
    }

    /// Writes `val` into `table[dst..dst + len]`.
    #[inline]
    pub fn fill_cont(&mut self, dst: u64, val: Option<VMContObj>, len: u64) -> Result<(), Trap> {
        self.conts_mut()
            .fill(dst, val.map(our_cont), len)
            .map_err(trap)
    }

    /// Grows a funcref table by `delta` elements holding `init_value`.
    ///
    /// Returns the old size, or `None` when growth is refused (by the limiter, the maximum, an
    /// overflowing size, or memory that could not be allocated).
    ///
    /// # Safety
    ///
    /// A dynamic table may move: the caller refreshes the `VMTableDefinition` compiled code
    /// reads before running it again (`Instance::defined_table_grow` does).
    pub async unsafe fn grow_func(
        &mut self,
        limiter: Option<&mut StoreResourceLimiter<'_>>,
        delta: u64,
        init_value: Option<SendSyncPtr<VMFuncRef>>,
    ) -> Result<Option<usize>, Error> {
        let init = init_value.map(|func| func.as_non_null().cast());
        let table = self.funcs_mut();
        match store_limiter(limiter) {
            StoreLimiter::Sync(mut limiter) => {
                table.grow(delta, init, as_dyn_limiter(&mut limiter))
            }
            StoreLimiter::Async(mut limiter) => {
                Box::pin(table.grow_async(delta, init, Some(&mut limiter))).await
            }
        }
        .map_err(|error| into_error(error.into()))
    }

    /// Same as [`Table::grow_func`], for GC references: each new element is written through
    /// the GC store's barrier.
    ///
    /// # Safety
    ///
    /// As for [`Table::grow_func`].
    pub async unsafe fn grow_gc_ref(
        &mut self,
        limiter: Option<&mut StoreResourceLimiter<'_>>,
        gc_store: Option<&mut GcStore>,
        delta: u64,
        init_value: Option<&VMGcRef>,
    ) -> Result<Option<usize>, Error> {
        let mut store = gc_store.map(Collector);
        let init = init_value.map(ours);
        let table = self.gc_refs_table_mut();
        match store_limiter(limiter) {
            StoreLimiter::Sync(mut limiter) => table.grow(
                delta,
                init,
                as_dyn_limiter(&mut limiter),
                store.as_mut().map(as_dyn_store),
            ),
            StoreLimiter::Async(mut limiter) => {
                let store = store.as_mut().map(as_dyn_send_store);
                Box::pin(table.grow_async(delta, init, Some(&mut limiter), store)).await
            }
        }
        .map_err(|error| into_error(error.into()))
    }

    /// Same as [`Table::grow_func`], for continuations.
    ///
    /// # Safety
    ///
    /// As for [`Table::grow_func`].
    pub async unsafe fn grow_cont(
        &mut self,
        limiter: Option<&mut StoreResourceLimiter<'_>>,
        delta: u64,
        init_value: Option<VMContObj>,
    ) -> Result<Option<usize>, Error> {
        let init = init_value.map(our_cont);
        let table = self.conts_mut();
        match store_limiter(limiter) {
            StoreLimiter::Sync(mut limiter) => {
                table.grow(delta, init, as_dyn_limiter(&mut limiter))
            }
            StoreLimiter::Async(mut limiter) => {
                Box::pin(table.grow_async(delta, init, Some(&mut limiter))).await
            }
        }
        .map_err(|error| into_error(error.into()))
    }

    /// The function reference at `index`; `None` for null.
    ///
    /// # Panics
    ///
    /// When the element is uninitialised (lazy tables): callers initialise first, as the stock
    /// module requires too.
    #[inline]
    pub fn get_func(&self, index: u64) -> Result<Option<NonNull<VMFuncRef>>, Trap> {
        match self.get_func_maybe_init(index)? {
            Some(func) => Ok(func),
            None => panic!("function index should have been initialized"),
        }
    }

    /// The element at `index`: `None` when uninitialised, `Some(None)` for null.
    #[inline]
    pub fn get_func_maybe_init(
        &self,
        index: u64,
    ) -> Result<Option<Option<NonNull<VMFuncRef>>>, Trap> {
        Ok(match self.funcs().read(index).map_err(trap)? {
            FuncSlotValue::Uninitialized => None,
            FuncSlotValue::Null => Some(None),
            FuncSlotValue::Func(func) => Some(Some(func.cast())),
        })
    }

    /// The first uninitialised element in `[start, start + len)`: `None` when there is none, the
    /// table is eager or holds no funcrefs, or the range is out of bounds. Not called by stock
    /// Wasmtime: the companion patch's lazy-initialisation loop asks it instead of reading every
    /// element (`integrations/wasmtime/companion.rs`).
    #[inline]
    pub fn first_uninitialized_func(&self, start: u64, len: u64) -> Option<u64> {
        let table = self.0.as_func().ok()?;
        table.first_uninitialized(start, len).ok().flatten()
    }

    /// Initialises every uninitialised slot of `[start, start + len)` to null and returns how
    /// many it initialised: none in an eager table, a table of another kind or a range out of
    /// bounds. Only where the table may hold uninitialised slots is looked at (table-func's
    /// `FuncTable::resolve_range`). Not used by Wasmtime: the companion patch's lazy-initialisation
    /// loop calls it for the slots past a module's precomputed values
    /// (`integrations/wasmtime/companion.rs`).
    #[inline]
    pub fn initialize_null_funcs(&mut self, start: u64, len: u64) -> usize {
        let Ok(table) = self.0.as_func_mut() else {
            return 0;
        };
        table.resolve_range(start, len, &mut |_| None).unwrap_or(0)
    }

    /// The GC reference at `index`, borrowed from the table.
    #[inline]
    pub fn get_gc_ref(&self, index: u64) -> Result<Option<&VMGcRef>, Trap> {
        Ok(self.gc_refs_table().get(index).map_err(trap)?.map(theirs))
    }

    /// The continuation at `index`.
    #[inline]
    pub fn get_cont(&self, index: u64) -> Result<Option<VMContObj>, Trap> {
        Ok(self
            .conts()
            .get(index)
            .map_err(trap)?
            .map(|cont| VMContObj::new(cont.contref.cast(), cont.revision)))
    }

    /// Writes `elem` into element `index`.
    #[inline]
    pub fn set_func(&mut self, index: u64, elem: Option<NonNull<VMFuncRef>>) -> Result<(), Trap> {
        self.funcs_mut()
            .set(index, elem.map(NonNull::cast))
            .map_err(trap)
    }

    /// Writes `elem` into element `index` through the GC store's write barrier.
    #[inline]
    pub fn set_gc_ref(
        &mut self,
        store: Option<&mut GcStore>,
        index: u64,
        elem: Option<&VMGcRef>,
    ) -> Result<(), Trap> {
        let mut store = store.map(Collector);
        self.gc_refs_table_mut()
            .set(index, elem.map(ours), store.as_mut().map(as_dyn_store))
            .map_err(trap)
    }

    /// Copies `self[src_index..][..len]` into `dst[dst_index..][..len]`.
    ///
    /// A lazy source range has been initialised by the caller (Wasmtime's instance does that
    /// first), so funcref words move as they are.
    pub fn copy_to(
        &self,
        dst: &mut Table,
        gc_store: Option<&mut GcStore>,
        dst_index: u64,
        src_index: u64,
        len: u64,
    ) -> Result<(), Trap> {
        let mut store = gc_store.map(Collector);
        let mut cx = context(&mut store);
        table_facade::Table::copy(&mut dst.0, &self.0, dst_index, src_index, len, &mut cx)
            .map_err(trap)
    }

    /// Copies `self[src_index..][..len]` into `self[dst_index..][..len]`; overlapping ranges
    /// behave like `memmove`.
    pub fn copy_within(
        &mut self,
        gc_store: Option<&mut GcStore>,
        dst_index: u64,
        src_index: u64,
        len: u64,
    ) -> Result<(), Trap> {
        let mut store = gc_store.map(Collector);
        let mut cx = context(&mut store);
        self.0
            .copy_within(dst_index, src_index, len, &mut cx)
            .map_err(trap)
    }

    /// The definition compiled code reads. Re-read after every grow: a dynamic table may move.
    #[inline]
    pub fn vmtable(&mut self) -> VMTableDefinition {
        let definition = self.0.vmtable();
        // The base of a table's storage is never null (an empty table's is dangling).
        let base = NonNull::new(definition.base).unwrap_or(NonNull::dangling());
        VMTableDefinition {
            base: base.into(),
            current_elements: definition.current_elements,
        }
    }

    /// Every element of a GC-reference table, mutably, for root tracing.
    ///
    /// # Panics
    ///
    /// When this is not a table of GC references.
    pub fn gc_refs_mut(&mut self) -> &mut [Option<VMGcRef>] {
        let slots = self.gc_refs_table_mut().gc_refs_mut();
        // SAFETY: `Option<VMGcRef>` has the same layout here and in table-gcref (both
        // transparent `NonZeroU32`s with the zero niche, sizes asserted above), so the slices
        // have the same layout and length; the result borrows the table exclusively.
        unsafe { &mut *(core::ptr::from_mut(slots) as *mut [Option<VMGcRef>]) }
    }

    #[inline]
    fn funcs(&self) -> &FuncTable {
        self.0.as_func().unwrap_or_else(|error| panic!("{error}"))
    }

    #[inline]
    fn funcs_mut(&mut self) -> &mut FuncTable {
        self.0
            .as_func_mut()
            .unwrap_or_else(|error| panic!("{error}"))
    }

    #[inline]
    fn gc_refs_table(&self) -> &GcRefTable {
        self.0.as_gc_ref().unwrap_or_else(|error| panic!("{error}"))
    }

    #[inline]
    fn gc_refs_table_mut(&mut self) -> &mut GcRefTable {
        self.0
            .as_gc_ref_mut()
            .unwrap_or_else(|error| panic!("{error}"))
    }

    #[inline]
    fn conts(&self) -> &ContTable {
        self.0.as_cont().unwrap_or_else(|error| panic!("{error}"))
    }

    #[inline]
    fn conts_mut(&mut self) -> &mut ContTable {
        self.0
            .as_cont_mut()
            .unwrap_or_else(|error| panic!("{error}"))
    }
}

// The default table is an empty funcref table that cannot grow, as the stock module's is.
impl Default for Table {
    fn default() -> Self {
        Table(table_facade::Table::default())
    }
}

/// The store's resource limiter as one of our table limiters.
///
/// A synchronous limiter, or none, is driven by the synchronous grow procedure, which inlines
/// into the `table.grow` libcall; only an asynchronous limiter goes through the procedure's
/// future, boxed: every `table.grow` moves the adapter's future into place, and with the
/// procedure's states inside it that move alone cost a tenth of a grow by one element. Stock
/// Wasmtime polls one future for both; before the synchronous ones were taken apart, growing by
/// one element cost a quarter more time through ours (`cargo xtask wasmtime --bench`, the
/// `table.grow` programs). An asynchronous limiter's own answer is a boxed future already.
enum StoreLimiter<'a, 'b> {
    Sync(Option<SyncLimiter<'a>>),
    Async(Limiter<'a, 'b>),
}

fn store_limiter<'a, 'b>(
    limiter: Option<&'a mut StoreResourceLimiter<'b>>,
) -> StoreLimiter<'a, 'b> {
    match limiter {
        None => StoreLimiter::Sync(None),
        Some(StoreResourceLimiter::Sync(limiter)) => {
            StoreLimiter::Sync(Some(SyncLimiter(&mut **limiter)))
        }
        #[cfg(feature = "async")]
        Some(limiter) => StoreLimiter::Async(Limiter(limiter)),
    }
}

fn as_dyn_limiter<'s>(
    limiter: &'s mut Option<SyncLimiter<'_>>,
) -> Option<&'s mut dyn TableLimiter> {
    limiter
        .as_mut()
        .map(|limiter| limiter as &mut dyn TableLimiter)
}

/// Wasmtime's synchronous resource limiter as our table limiter, told what
/// `StoreResourceLimiter` would tell it.
struct SyncLimiter<'a>(&'a mut dyn crate::ResourceLimiter);

impl TableLimiter for SyncLimiter<'_> {
    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> Result<bool, LimiterError> {
        self.0
            .table_growing(current, desired, maximum)
            .map_err(LimiterError::from)
    }

    fn table_grow_failed(&mut self, failure: GrowFailure<'_>) -> Result<(), LimiterError> {
        // Told in Wasmtime's own words, as below.
        self.0
            .table_grow_failed(Error::from(failure))
            .map_err(LimiterError::from)
    }
}

/// Wasmtime's store limiter as our asynchronous table limiter.
struct Limiter<'a, 'b>(&'a mut StoreResourceLimiter<'b>);

impl AsyncTableLimiter for Limiter<'_, '_> {
    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> impl Future<Output = Result<bool, LimiterError>> + Send {
        let answer = self.0.table_growing(current, desired, maximum);
        async move { answer.await.map_err(LimiterError::from) }
    }

    fn table_grow_failed(
        &mut self,
        failure: GrowFailure<'_>,
    ) -> impl Future<Output = Result<(), LimiterError>> + Send {
        // Told in Wasmtime's own words (its messages, `OutOfMemory` for allocation failures).
        core::future::ready(
            self.0
                .table_grow_failed(Error::from(failure))
                .map_err(LimiterError::from),
        )
    }
}

/// Wasmtime's GC store as our tables' collector interface: clones, drops and write barriers go
/// to Wasmtime's GC heap.
struct Collector<'a>(&'a mut GcStore);

impl table_facade::GcStore for Collector<'_> {
    fn clone_gc_ref(&mut self, gc_ref: &table_facade::VMGcRef) -> table_facade::VMGcRef {
        let cloned = self.0.clone_gc_ref(theirs(gc_ref));
        table_facade::VMGcRef::from_raw_non_zero(cloned.as_raw_non_zero_u32())
    }

    fn drop_gc_ref(&mut self, gc_ref: table_facade::VMGcRef) {
        self.0.drop_gc_ref(owned_theirs(gc_ref));
    }

    fn write_gc_ref(
        &mut self,
        slot: &mut Option<table_facade::VMGcRef>,
        new: Option<&table_facade::VMGcRef>,
    ) {
        // SAFETY: the two `Option<VMGcRef>` types have the same layout and validity (asserted
        // above), and the reference is exclusive for the call.
        let slot = unsafe { &mut *core::ptr::from_mut(slot).cast::<Option<VMGcRef>>() };
        self.0.write_gc_ref(slot, new.map(theirs));
    }

    fn fill_gc_refs(
        &mut self,
        slots: &mut [Option<table_facade::VMGcRef>],
        new: Option<&table_facade::VMGcRef>,
    ) {
        // SAFETY: as in `write_gc_ref`, for each element of the slice (same length, same
        // layout); the slice is exclusive for the call.
        let slots = unsafe { &mut *(core::ptr::from_mut(slots) as *mut [Option<VMGcRef>]) };
        let new = new.map(theirs);
        // The loop of the stock module's fill: Wasmtime's barrier, inlined, once per slot.
        for slot in slots {
            self.0.write_gc_ref(slot, new);
        }
    }
}

/// What our table operations borrow from Wasmtime: its GC store, if there is one, and the promise
/// that its instance initialises a lazy funcref source range before it copies
/// (`Instance::get_defined_table_with_lazy_init`), so funcref words move as they are.
fn context<'a>(store: &'a mut Option<Collector<'_>>) -> TableContext<'a> {
    let cx = TableContext::new().with_initialized_sources();
    match store {
        Some(store) => cx.with_gc_store(as_dyn_send_store(store)),
        None => cx,
    }
}

fn as_dyn_store<'s>(store: &'s mut Collector<'_>) -> &'s mut dyn table_facade::GcStore {
    store
}

fn as_dyn_send_store<'s>(
    store: &'s mut Collector<'_>,
) -> &'s mut (dyn table_facade::GcStore + Send) {
    store
}

/// Our view of one of Wasmtime's GC references (same bits, same layout).
fn ours(gc_ref: &VMGcRef) -> &table_facade::VMGcRef {
    // SAFETY: both are `#[repr(transparent)]` over `NonZeroU32` (sizes asserted above), and the
    // result borrows `gc_ref`.
    unsafe { &*core::ptr::from_ref(gc_ref).cast::<table_facade::VMGcRef>() }
}

/// Wasmtime's view of one of our GC references (same bits, same layout).
fn theirs(gc_ref: &table_facade::VMGcRef) -> &VMGcRef {
    // SAFETY: as in `ours`, in the other direction.
    unsafe { &*core::ptr::from_ref(gc_ref).cast::<VMGcRef>() }
}

/// An owned reference of ours as Wasmtime's, for handing ownership to its GC store.
fn owned_theirs(gc_ref: table_facade::VMGcRef) -> VMGcRef {
    theirs(&gc_ref).unchecked_copy()
}

fn our_cont(cont: VMContObj) -> table_facade::VMContObj {
    table_facade::VMContObj::new(cont.contref.cast(), cont.revision)
}

/// The trap a table operation reports. Every error of the operations that return `Trap` is an
/// out-of-bounds trap except a GC store missing where a heap reference is written, which the
/// stock module treats as a bug (it panics) and so does this one.
fn trap(error: impl Into<FacadeError>) -> Trap {
    let error = error.into();
    match error.as_trap() {
        Some(trap) => trap,
        None => panic!("table operation failed outside the WebAssembly semantics: {error}"),
    }
}

/// The `Error` Wasmtime's callers expect: traps as `Trap`, a limiter's own error unchanged,
/// allocation failure as `OutOfMemory`, the rest with our message (which for a refused or
/// impossible minimum is Wasmtime's own: "table minimum size of N elements exceeds table
/// limits").
fn into_error(error: FacadeError) -> Error {
    use table_facade::table_core::TableError;
    let core = match error {
        FacadeError::Core(core) => core,
        other => return Error::new(other),
    };
    match core {
        TableError::OutOfBounds => Error::from(Trap::TableOutOfBounds),
        TableError::Limiter(error) => Error::from(error),
        TableError::OutOfMemory { bytes } => Error::from(OutOfMemory::new(bytes)),
        other => format_err!("{other}"),
    }
}
