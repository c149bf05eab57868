//! The test kit every wasm-tables crate's tests share (and the fuzzer, the spec runner and the
//! differential suite): the [`Fixture`] that builds any kind's table over either storage, table
//! type and tunables builders, static memory blocks, a limiter that records its calls, a slot type
//! with a slow path, and the resident-set probe.

use core::future::{Future, ready};
use core::ptr::NonNull;
use std::alloc::{Layout, alloc_zeroed, dealloc};
use std::string::{String, ToString};
use std::vec::Vec;
use table_core::wasmtime_environ;
use table_core::{AsyncTableLimiter, GrowFailure, LimiterError, TableLimiter};
use wasmtime_environ::error::Error;

/// A zeroed block of memory standing in for a pooling allocator's table slot.
pub struct StaticMemory {
    block: NonNull<u8>,
    layout: Layout,
    offset: usize,
    len: usize,
}

impl StaticMemory {
    /// `len` zero bytes aligned to `align`.
    pub fn new(len: usize, align: usize) -> Self {
        Self::with_offset(len, align, 0)
    }

    /// `len` zero bytes starting `offset` bytes past an `align`-aligned address (a misaligned
    /// block when `offset % align != 0`).
    pub fn with_offset(len: usize, align: usize, offset: usize) -> Self {
        let layout = Layout::from_size_align(len + offset + 1, align).expect("test layout");
        // SAFETY: the layout's size is at least 1.
        let block = unsafe { alloc_zeroed(layout) };
        let block = NonNull::new(block).expect("test allocation");
        StaticMemory {
            block,
            layout,
            offset,
            len,
        }
    }

    /// The block, as static table storage takes it.
    pub fn memory(&self) -> NonNull<[u8]> {
        // SAFETY: `offset + len < layout.size()`, so the pointer stays inside the allocation.
        let start = unsafe { self.block.add(self.offset) };
        NonNull::slice_from_raw_parts(start, self.len)
    }
}

impl Drop for StaticMemory {
    fn drop(&mut self) {
        // SAFETY: `block` was allocated with `layout` in `with_offset`.
        unsafe { dealloc(self.block.as_ptr(), self.layout) };
    }
}

/// One call a [`RecordingLimiter`] received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimiterCall {
    /// `table_growing(current, desired, maximum)` and what the limiter answered.
    Growing {
        /// The current size.
        current: usize,
        /// The size asked for.
        desired: usize,
        /// The table's maximum.
        maximum: Option<usize>,
        /// The answer: `Some(allowed)`, or `None` for an error.
        answer: Option<bool>,
    },
    /// `table_grow_failed` with the error's message.
    GrowFailed(String),
}

/// How a [`RecordingLimiter`] answers `table_growing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimiterPolicy {
    /// Approve everything.
    Allow,
    /// Refuse everything.
    Refuse,
    /// Approve sizes up to and including this many elements.
    AllowUpTo(usize),
    /// Return an error ([`LimiterRefusal`]) from `table_growing`.
    Fail,
    /// Approve, but return an error ([`LimiterRefusal`]) from `table_grow_failed`.
    FailOnGrowFailed,
}

/// The error a [`RecordingLimiter`] returns, for tests that downcast it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimiterRefusal;

impl core::fmt::Display for LimiterRefusal {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("the test limiter refused with an error")
    }
}

impl core::error::Error for LimiterRefusal {}

/// A limiter that answers by a [`LimiterPolicy`] and records every call, usable both as a
/// [`TableLimiter`] and an [`AsyncTableLimiter`].
#[derive(Debug, Clone)]
pub struct RecordingLimiter {
    /// How `table_growing` answers.
    pub policy: LimiterPolicy,
    /// Every call so far, in order.
    pub calls: Vec<LimiterCall>,
}

impl RecordingLimiter {
    /// A limiter with `policy` and no calls yet.
    pub fn new(policy: LimiterPolicy) -> Self {
        RecordingLimiter {
            policy,
            calls: Vec::new(),
        }
    }

    fn growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> Result<bool, LimiterError> {
        let answer = match self.policy {
            LimiterPolicy::Allow | LimiterPolicy::FailOnGrowFailed => Ok(true),
            LimiterPolicy::Refuse => Ok(false),
            LimiterPolicy::AllowUpTo(limit) => Ok(desired <= limit),
            LimiterPolicy::Fail => Err(LimiterError::new(LimiterRefusal)),
        };
        self.calls.push(LimiterCall::Growing {
            current,
            desired,
            maximum,
            answer: answer.as_ref().ok().copied(),
        });
        answer
    }

    fn grow_failed(&mut self, failure: GrowFailure<'_>) -> Result<(), LimiterError> {
        // Recorded as Wasmtime's limiter would be told it, for comparison with Wasmtime.
        self.record_grow_failed(Error::from(failure).to_string())
    }

    /// Records a `table_grow_failed` told `message` and answers it by the policy: what both
    /// limiter traits do, and what a Wasmtime `ResourceLimiter` wrapper calls with the message
    /// Wasmtime gave it.
    ///
    /// # Errors
    ///
    /// [`LimiterRefusal`] under [`LimiterPolicy::FailOnGrowFailed`].
    pub fn record_grow_failed(&mut self, message: String) -> Result<(), LimiterError> {
        self.calls.push(LimiterCall::GrowFailed(message));
        match self.policy {
            LimiterPolicy::FailOnGrowFailed => Err(LimiterError::new(LimiterRefusal)),
            _ => Ok(()),
        }
    }
}

impl TableLimiter for RecordingLimiter {
    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> Result<bool, LimiterError> {
        self.growing(current, desired, maximum)
    }

    fn table_grow_failed(&mut self, failure: GrowFailure<'_>) -> Result<(), LimiterError> {
        self.grow_failed(failure)
    }
}

impl AsyncTableLimiter for RecordingLimiter {
    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> impl Future<Output = Result<bool, LimiterError>> + Send {
        let answer = self.growing(current, desired, maximum);
        // Suspend once before answering, so the async path is exercised as truly async.
        YieldOnce::new(answer)
    }

    fn table_grow_failed(
        &mut self,
        failure: GrowFailure<'_>,
    ) -> impl Future<Output = Result<(), LimiterError>> + Send {
        ready(self.grow_failed(failure))
    }
}

/// A future that returns `Pending` once (waking itself) before yielding its value.
struct YieldOnce<T> {
    value: Option<T>,
    yielded: bool,
}

impl<T> YieldOnce<T> {
    fn new(value: T) -> Self {
        YieldOnce {
            value: Some(value),
            yielded: false,
        }
    }
}

impl<T: Unpin> Future for YieldOnce<T> {
    type Output = T;

    fn poll(
        mut self: core::pin::Pin<&mut Self>,
        cx: &mut core::task::Context<'_>,
    ) -> core::task::Poll<T> {
        if !self.yielded {
            self.yielded = true;
            cx.waker().wake_by_ref();
            return core::task::Poll::Pending;
        }
        core::task::Poll::Ready(self.value.take().expect("polled after completion"))
    }
}

/// Runs a future to completion on the current thread by polling it until it is ready.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = core::pin::pin!(future);
    let mut context = core::task::Context::from_waker(core::task::Waker::noop());
    loop {
        if let core::task::Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}

/// The resident set size of this process in bytes (Linux: `/proc/self/statm`).
pub fn resident_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("read /proc/self/statm");
    let pages: usize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|field| field.parse().ok())
        .expect("resident pages in /proc/self/statm");
    pages * 4096
}

/// A plain 8-byte slot type for testing storage without any element kind's meaning: a slot whose
/// top bit is set needs the slow path ([`TestSlot::SLOW`] is one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, bytemuck::Zeroable)]
#[repr(transparent)]
pub struct TestSlot(pub u64);

impl TestSlot {
    /// The bit that sends a slot down the slow path.
    pub const SLOW_BIT: u64 = 1 << 63;
    /// A slot that needs the slow path.
    pub const SLOW: TestSlot = TestSlot(Self::SLOW_BIT);
}

// SAFETY: a `u64` newtype: zero is a valid value and `EMPTY`, it is moved bitwise, has no drop
// glue and is not zero-sized.
unsafe impl table_core::TableElement for TestSlot {
    const EMPTY: Self = TestSlot(0);
    const HAS_SLOW_PATH: bool = true;

    #[inline]
    fn needs_slow_path(&self) -> bool {
        self.0 & Self::SLOW_BIT != 0
    }
}

/// Which storage a [`Fixture`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageKind {
    /// Static storage ([`TableStorage::new_static`](table_core::TableStorage::new_static)) over a
    /// [`StaticMemory`] block.
    Static,
    /// Dynamic storage ([`TableStorage::new_dynamic`](table_core::TableStorage::new_dynamic)).
    Dynamic,
}

impl StorageKind {
    /// Both storages, for tests that run on each.
    pub const BOTH: [StorageKind; 2] = [StorageKind::Static, StorageKind::Dynamic];
}

/// A table of any kind over test storage, owning the static memory it may live in: the fixture
/// every crate's tests build their tables with. The table is reached through `Deref`, so it
/// cannot be moved out of the memory's owner.
pub struct Fixture<X> {
    /// Which storage the table lives in.
    pub kind: StorageKind,
    // Declared before `_memory`, so it is dropped before the memory it borrows.
    table: X,
    _memory: Option<StaticMemory>,
}

/// Storage alone, for table-core's own tests.
pub type StorageFixture<T> = Fixture<table_core::TableStorage<T>>;

impl<X> Fixture<X> {
    /// A table over storage of `kind` with `limits`, built by `wrap` (an element crate's
    /// `from_storage`); static memory holds `static_capacity` elements.
    pub fn new<T: table_core::TableElement>(
        kind: StorageKind,
        limits: table_core::TableLimits,
        static_capacity: usize,
        wrap: impl FnOnce(table_core::TableStorage<T>) -> X,
    ) -> Self {
        Self::try_new(kind, limits, static_capacity, wrap).expect("test storage")
    }

    /// [`Fixture::new`] for a table type, through the creation-limits procedure and `limiter`.
    ///
    /// # Errors
    ///
    /// As for [`TableLimits::for_table`](table_core::TableLimits::for_table) and the storage's
    /// creation.
    pub fn for_type<T: table_core::TableElement>(
        kind: StorageKind,
        ty: &wasmtime_environ::Table,
        static_capacity: usize,
        limiter: Option<&mut dyn TableLimiter>,
        wrap: impl FnOnce(table_core::TableStorage<T>) -> X,
    ) -> Result<Self, table_core::TableError> {
        let limits = table_core::TableLimits::for_table(ty, limiter)?;
        Self::try_new(kind, limits, static_capacity, wrap)
    }

    fn try_new<T: table_core::TableElement>(
        kind: StorageKind,
        limits: table_core::TableLimits,
        static_capacity: usize,
        wrap: impl FnOnce(table_core::TableStorage<T>) -> X,
    ) -> Result<Self, table_core::TableError> {
        let (storage, memory) = match kind {
            StorageKind::Dynamic => (
                table_core::TableStorage::new_dynamic(limits, T::EMPTY, None)?,
                None,
            ),
            StorageKind::Static => {
                let memory = StaticMemory::new(
                    static_capacity * core::mem::size_of::<T>(),
                    core::mem::align_of::<T>(),
                );
                // SAFETY: the block is zeroed, lives in `_memory` as long as the table, which is
                // dropped first, and nothing else touches it.
                let storage =
                    unsafe { table_core::TableStorage::new_static(memory.memory(), limits) }?;
                (storage, Some(memory))
            }
        };
        Ok(Fixture {
            kind,
            table: wrap(storage),
            _memory: memory,
        })
    }

    /// One table on each storage ([`StorageKind::BOTH`]), built by `wrap`.
    pub fn both<T: table_core::TableElement>(
        limits: table_core::TableLimits,
        static_capacity: usize,
        mut wrap: impl FnMut(table_core::TableStorage<T>) -> X,
    ) -> [Self; 2] {
        StorageKind::BOTH.map(|kind| Self::new(kind, limits, static_capacity, &mut wrap))
    }
}

impl<T: table_core::TableElement> StorageFixture<T> {
    /// Bare storage of `kind` with `limits`; static memory holds `static_capacity` elements.
    pub fn storage(
        kind: StorageKind,
        limits: table_core::TableLimits,
        static_capacity: usize,
    ) -> Self {
        Self::new(kind, limits, static_capacity, |storage| storage)
    }

    /// Bare storage on each storage kind ([`StorageKind::BOTH`]).
    pub fn storages(limits: table_core::TableLimits, static_capacity: usize) -> [Self; 2] {
        Self::both(limits, static_capacity, |storage| storage)
    }
}

impl<X> core::ops::Deref for Fixture<X> {
    type Target = X;

    fn deref(&self) -> &X {
        &self.table
    }
}

impl<X> core::ops::DerefMut for Fixture<X> {
    fn deref_mut(&mut self) -> &mut X {
        &mut self.table
    }
}

/// A table type of nullable `heap_type` references, 32-bit indices and the given limits (set
/// `idx_type` for a table64).
pub fn table_type(
    heap_type: wasmtime_environ::WasmHeapType,
    min: u64,
    max: Option<u64>,
) -> wasmtime_environ::Table {
    wasmtime_environ::Table {
        idx_type: wasmtime_environ::IndexType::I32,
        limits: wasmtime_environ::Limits { min, max },
        ref_type: wasmtime_environ::WasmRefType {
            nullable: true,
            heap_type,
        },
    }
}

/// The engine settings of a host build, with lazy table initialisation on or off.
pub fn tunables(lazy_init: bool) -> wasmtime_environ::Tunables {
    let mut tunables = wasmtime_environ::Tunables::default_host();
    tunables.table_lazy_init = lazy_init;
    tunables
}

/// The number of property-test cases to run: `PROPTEST_CASES` when set (CI lowers it under
/// valgrind), `default` otherwise.
pub fn proptest_cases(default: u32) -> u32 {
    match std::env::var("PROPTEST_CASES") {
        Ok(cases) => cases.parse().expect("PROPTEST_CASES is a number of cases"),
        Err(_) => default,
    }
}
