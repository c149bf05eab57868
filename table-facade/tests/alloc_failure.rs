//! Allocation-failure injection: every allocation a table operation makes is failed in turn, and
//! each time the operation must return its error (or "no growth", `docs/semantics.md` §5), leave
//! the table unchanged and usable, and give back every byte it took.
//!
//! This binary installs a global allocator that fails the Nth allocation made on the current
//! thread while armed. The limiter and GC store used here suspend injection while they run, so
//! only the tables' own allocations are failed.

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::ptr::NonNull;
use table_core::TableError;
use table_facade::table_gcref::testing::CountingStore;
use table_facade::wasmtime_environ::{
    IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType,
};
use table_facade::{
    AsyncTableLimiter, FacadeError, GcStore, GrowFailure, LimiterError, Table, TableContext,
    TableLimiter, TableValue, VMContObj, VMGcRef,
};
use table_testkit::{LimiterCall, LimiterPolicy, RecordingLimiter, block_on};

thread_local! {
    /// Fail the Nth allocation (1-based) counted while armed; 0 when disarmed.
    static FAIL_AT: Cell<usize> = const { Cell::new(0) };
    /// Allocations counted since arming.
    static COUNTED: Cell<usize> = const { Cell::new(0) };
    /// Whether every allocation after the Nth fails too.
    static PERSISTENT: Cell<bool> = const { Cell::new(false) };
    /// Whether the armed failure happened.
    static INJECTED: Cell<bool> = const { Cell::new(false) };
    /// Nesting depth of code that must not see failures (test limiter and store).
    static SUSPENDED: Cell<u32> = const { Cell::new(0) };
    /// Bytes allocated and not yet freed on this thread.
    static LIVE_BYTES: Cell<isize> = const { Cell::new(0) };
}

struct InjectingAllocator;

#[global_allocator]
static ALLOCATOR: InjectingAllocator = InjectingAllocator;

impl InjectingAllocator {
    /// Whether this allocation is the one to fail.
    fn should_fail() -> bool {
        let armed = FAIL_AT.try_with(Cell::get).unwrap_or(0);
        if armed == 0 || SUSPENDED.try_with(Cell::get).unwrap_or(1) != 0 {
            return false;
        }
        let count = COUNTED.with(|counted| {
            counted.set(counted.get() + 1);
            counted.get()
        });
        if count == armed || (count > armed && PERSISTENT.with(Cell::get)) {
            INJECTED.with(|injected| injected.set(true));
            true
        } else {
            false
        }
    }

    fn track(delta: isize) {
        let _ = LIVE_BYTES.try_with(|live| live.set(live.get() + delta));
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments, or returns null (a
// permitted allocation failure) without touching memory.
unsafe impl GlobalAlloc for InjectingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if Self::should_fail() {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded from the caller.
        let block = unsafe { System.alloc(layout) };
        if !block.is_null() {
            Self::track(layout.size() as isize);
        }
        block
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if Self::should_fail() {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded from the caller.
        let block = unsafe { System.alloc_zeroed(layout) };
        if !block.is_null() {
            Self::track(layout.size() as isize);
        }
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        Self::track(-(layout.size() as isize));
        // SAFETY: forwarded from the caller.
        unsafe { System.dealloc(block, layout) }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if Self::should_fail() {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded from the caller.
        let moved = unsafe { System.realloc(block, layout, new_size) };
        if !moved.is_null() {
            Self::track(new_size as isize - layout.size() as isize);
        }
        moved
    }
}

/// How injected failures continue after the first one.
#[derive(Debug, Clone, Copy)]
enum Mode {
    /// Only the Nth allocation fails: a retry may succeed.
    Once,
    /// The Nth and every later allocation fail: error paths that allocate fail too.
    FromThenOn,
}

/// Runs `f` with the `n`th allocation failing (and, in `Mode::FromThenOn`, every later one);
/// returns its result and whether a failure was injected.
fn with_failure_at<R>(n: usize, mode: Mode, f: impl FnOnce() -> R) -> (R, bool) {
    PERSISTENT.with(|persistent| persistent.set(matches!(mode, Mode::FromThenOn)));
    COUNTED.with(|counted| counted.set(0));
    INJECTED.with(|injected| injected.set(false));
    FAIL_AT.with(|armed| armed.set(n));
    let result = f();
    FAIL_AT.with(|armed| armed.set(0));
    (result, INJECTED.with(Cell::get))
}

/// Runs `f` where no allocation may be failed.
fn unfailing<R>(f: impl FnOnce() -> R) -> R {
    SUSPENDED.with(|depth| depth.set(depth.get() + 1));
    let result = f();
    SUSPENDED.with(|depth| depth.set(depth.get() - 1));
    result
}

fn live_bytes() -> isize {
    LIVE_BYTES.with(Cell::get)
}

/// The recording limiter, shielded from injection.
struct ShieldedLimiter(RecordingLimiter);

impl TableLimiter for ShieldedLimiter {
    fn table_growing(
        &mut self,
        c: usize,
        d: usize,
        m: Option<usize>,
    ) -> Result<bool, LimiterError> {
        unfailing(|| TableLimiter::table_growing(&mut self.0, c, d, m))
    }

    fn table_grow_failed(&mut self, failure: GrowFailure<'_>) -> Result<(), LimiterError> {
        unfailing(|| TableLimiter::table_grow_failed(&mut self.0, failure))
    }
}

impl AsyncTableLimiter for ShieldedLimiter {
    async fn table_growing(
        &mut self,
        c: usize,
        d: usize,
        m: Option<usize>,
    ) -> Result<bool, LimiterError> {
        unfailing(|| TableLimiter::table_growing(&mut self.0, c, d, m))
    }

    async fn table_grow_failed(&mut self, failure: GrowFailure<'_>) -> Result<(), LimiterError> {
        unfailing(|| TableLimiter::table_grow_failed(&mut self.0, failure))
    }
}

/// The counting GC store, shielded from injection.
struct ShieldedStore(CountingStore);

impl GcStore for ShieldedStore {
    fn clone_gc_ref(&mut self, gc_ref: &VMGcRef) -> VMGcRef {
        unfailing(|| self.0.clone_gc_ref(gc_ref))
    }

    fn drop_gc_ref(&mut self, gc_ref: VMGcRef) {
        unfailing(|| self.0.drop_gc_ref(gc_ref))
    }
}

/// Sync and async entry points, each with both failure modes.
fn variants() -> [(bool, Mode); 4] {
    [
        (false, Mode::Once),
        (false, Mode::FromThenOn),
        (true, Mode::Once),
        (true, Mode::FromThenOn),
    ]
}

/// The table types under test: every kind, 32-bit and table64, funcref eager and lazy.
fn cases() -> Vec<(&'static str, TableType, Tunables)> {
    let ty = |heap_type, idx_type| TableType {
        idx_type,
        limits: Limits {
            min: 1000,
            max: None,
        },
        ref_type: WasmRefType {
            nullable: true,
            heap_type,
        },
    };
    let tunables = |lazy| {
        let mut tunables = Tunables::default_host();
        tunables.table_lazy_init = lazy;
        tunables
    };
    vec![
        (
            "funcref lazy",
            ty(WasmHeapType::Func, IndexType::I32),
            tunables(true),
        ),
        (
            "funcref eager",
            ty(WasmHeapType::Func, IndexType::I64),
            tunables(false),
        ),
        (
            "externref",
            ty(WasmHeapType::Extern, IndexType::I32),
            tunables(false),
        ),
        (
            "anyref64",
            ty(WasmHeapType::Any, IndexType::I64),
            tunables(false),
        ),
        (
            "contref",
            ty(WasmHeapType::Cont, IndexType::I32),
            tunables(false),
        ),
    ]
}

/// A non-null value of the table's kind, backed by `anchor` (funcref and continuation
/// stand-ins are never dereferenced) or by `store` (GC references).
fn some_value(table: &Table, anchor: &mut [usize; 4], store: &mut ShieldedStore) -> TableValue {
    let pointer = NonNull::from(anchor);
    match table.element_type() {
        table_facade::TableElementType::Func => TableValue::Func(Some(pointer.cast())),
        table_facade::TableElementType::GcRef => TableValue::GcRef(Some(store.0.allocate())),
        table_facade::TableElementType::Cont => {
            TableValue::Cont(Some(VMContObj::new(pointer.cast(), 7)))
        }
    }
}

fn release(value: TableValue, store: &mut ShieldedStore) {
    if let TableValue::GcRef(Some(gc_ref)) = value {
        store.drop_gc_ref(gc_ref);
    }
}

/// Builds and drops an error the way a failed grow does, so one-time lazy state it initialises
/// (backtrace capture settings, when the `backtrace` feature of wasmtime's error type is on) is
/// not mistaken for a leak of the first failing operation.
fn warm_up_lazy_statics() {
    let ty = &cases()[0].1;
    let mut table = Table::new_dynamic(ty, &Tunables::default_host(), None).unwrap();
    let mut limiter = ShieldedLimiter(RecordingLimiter::new(LimiterPolicy::Allow));
    let null = TableValue::null(table.element_type()).unwrap();
    let grown = table.grow(
        u64::MAX,
        &null,
        Some(&mut limiter),
        &mut TableContext::new(),
    );
    assert_eq!(grown.unwrap(), None);
}

#[test]
fn every_allocation_point_fails_cleanly() {
    let mut points = 0;
    warm_up_lazy_statics();

    for (name, ty, tunables) in cases() {
        // Creation, sync and async.
        for (asynchronous, mode) in variants() {
            for n in 1.. {
                let baseline = live_bytes();
                let mut limiter = ShieldedLimiter(RecordingLimiter::new(LimiterPolicy::Allow));
                let (result, injected) = with_failure_at(n, mode, || {
                    if asynchronous {
                        block_on(Table::new_dynamic_async(&ty, &tunables, Some(&mut limiter)))
                    } else {
                        Table::new_dynamic(&ty, &tunables, Some(&mut limiter))
                    }
                });
                if !injected {
                    let table = result.unwrap();
                    assert_eq!(table.size(), 1000);
                    break;
                }
                points += 1;
                let error = result.unwrap_err();
                assert!(
                    matches!(error, FacadeError::Core(TableError::OutOfMemory { bytes }) if bytes == 1000 * table_facade::TableElementType::of(&ty.ref_type).element_size()),
                    "{name}: creation with allocation {n} failing gave {error:?}"
                );
                drop(limiter);
                assert_eq!(live_bytes(), baseline, "{name}: creation leaked");
            }
        }

        // Growth past the capacity (by much, and by little: then a failed doubling is retried
        // with the exact size), sync and async, with a non-null init value.
        for ((asynchronous, mode), delta) in
            variants().into_iter().flat_map(|v| [(v, 5000), (v, 10)])
        {
            for n in 1.. {
                let mut store = ShieldedStore(CountingStore::new());
                let mut anchor = [0usize; 4];
                let mut table = Table::new_dynamic(&ty, &tunables, None).unwrap();
                let init = some_value(&table, &mut anchor, &mut store);
                {
                    let mut cx = TableContext::new().with_gc_store(&mut store);
                    table.fill(0, &init, 10, &mut cx).unwrap();
                }
                let before = unfailing(|| support::snapshot(&table));
                let baseline = live_bytes();
                let mut limiter = ShieldedLimiter(RecordingLimiter::new(LimiterPolicy::Allow));
                let (result, injected) = with_failure_at(n, mode, || {
                    let mut cx = TableContext::new().with_gc_store(&mut store);
                    if asynchronous {
                        block_on(table.grow_async(delta, &init, Some(&mut limiter), &mut cx))
                    } else {
                        table.grow(delta, &init, Some(&mut limiter), &mut cx)
                    }
                });
                let calls = limiter.0.calls.clone();
                drop(limiter);
                if injected {
                    points += 1;
                }
                match result.unwrap() {
                    // Succeeded, possibly through a retry after the injected failure.
                    Some(old_size) => {
                        assert_eq!(old_size, 1000, "{name}");
                        assert_eq!(table.size(), 1000 + delta as usize, "{name}");
                        assert_eq!(
                            unfailing(|| support::snapshot(&table))[..before.len()],
                            before[..],
                            "{name}"
                        );
                        assert!(
                            calls
                                .iter()
                                .all(|c| !matches!(c, LimiterCall::GrowFailed(_)))
                        );
                    }
                    None => {
                        assert!(injected, "{name}: grow failed without an injected failure");
                        assert!(
                            matches!(&calls[..], [LimiterCall::Growing { .. }, LimiterCall::GrowFailed(message)] if message.contains("allocate") || message.contains("out of memory")),
                            "{name}: limiter saw {calls:?}"
                        );
                        drop(calls);
                        assert_eq!(
                            unfailing(|| support::snapshot(&table)),
                            before,
                            "{name}: a failed grow changed the table"
                        );
                        assert_eq!(live_bytes(), baseline, "{name}: a failed grow leaked");
                        // Still usable.
                        let mut cx = TableContext::new().with_gc_store(&mut store);
                        assert_eq!(table.grow(1, &init, None, &mut cx).unwrap(), Some(1000));
                    }
                }
                let null = TableValue::null(table.element_type()).unwrap();
                let size = table.size() as u64;
                let mut cx = TableContext::new().with_gc_store(&mut store);
                table.fill(0, &null, size, &mut cx).unwrap();
                drop(table);
                release(init, &mut store);
                store.0.verify().unwrap();
                if !injected {
                    break;
                }
            }
        }
    }

    println!("allocation failure points exercised: {points}");
    assert!(points >= 60, "only {points} failure points were exercised");
}

#[test]
fn static_tables_allocate_nothing() {
    for (name, ty, tunables) in cases() {
        // Fresh memory per table: growing a lazy funcref table writes tagged nulls, so memory a
        // table used is no longer zero.
        let memory = table_testkit::StaticMemory::new(1 << 16, 16);
        let (result, injected) = with_failure_at(1, Mode::Once, || {
            // SAFETY: zeroed memory that outlives the table and is used only through it.
            unsafe { Table::new_static(&ty, &tunables, memory.memory(), None) }
        });
        assert!(!injected, "{name}: static creation allocated");
        let mut table = result.unwrap();
        let null = TableValue::null(table.element_type()).unwrap();
        let (grown, injected) = with_failure_at(1, Mode::Once, || {
            table.grow(10, &null, None, &mut TableContext::new())
        });
        assert!(!injected, "{name}: static growth allocated");
        assert_eq!(grown.unwrap(), Some(1000));
    }
}
