//! What every benchmark builds on: table types, our tables in either storage, the values they
//! hold, and the plain-memory element types of the baselines.

use std::ffi::c_void;
use std::ptr::NonNull;
use table_bench::{Kind, Storage};
use table_facade::table_core::{TableElement, TableLimits, TableStorage};
use table_facade::table_func::FuncSlot;
use table_facade::table_gcref::{GcRefSlot, I31};
use table_facade::wasmtime_environ::{
    Table as TableType, Tunables, VMSharedTypeIndex, WasmHeapType,
};
use table_facade::{
    ContSlot, ElementSegment, FuncRef, GcRefTable, Table, TableValue, VMContObj, VMFuncRef, VMGcRef,
};
use table_testkit::StaticMemory;

/// The sizes of the per-element operations.
pub const SIZES: [u64; 2] = [1_000, 1_000_000];
/// The sizes of the bulk operations: [`SIZES`] after two small ones, from which with 1e3 the
/// report fits each row's fixed cost per call (ours and the baselines only below 1e3).
pub const BULK_SIZES: [u64; 4] = [16, 100, 1_000, 1_000_000];
/// The sizes of table creation.
pub const CREATE_SIZES: [u64; 3] = [1_000, 1_000_000, 100_000_000];
/// The size the grow benchmarks reach.
pub const GROW_SIZE: u64 = 1_000_000;
/// The kinds of the generic operations (the lazy funcref table has its own copy benchmarks).
pub const KINDS: [Kind; 3] = [Kind::Func, Kind::Gc, Kind::Cont];

/// The kinds of the bulk benchmarks: also lazily initialised funcref tables (filled: every slot
/// initialised) and GC tables with a heap-reference summary.
pub const BULK_KINDS: [Kind; 5] = [
    Kind::Func,
    Kind::FuncLazy,
    Kind::Gc,
    Kind::GcSummary,
    Kind::Cont,
];

/// The kinds of the access benchmarks: every kind the facade holds (the 4-byte handle is a
/// `TableStorage` of its own, measured in `handle.rs`).
pub const ACCESS_KINDS: [Kind; 5] = [
    Kind::Func,
    Kind::FuncLazy,
    Kind::Gc,
    Kind::GcSummary,
    Kind::Cont,
];

/// The message of the fixtures that build facade tables, which a 4-byte handle is not.
const NOT_A_FACADE_KIND: &str = "handle32 tables are table-core storages (see handle.rs)";

/// A 32-bit table type of `kind` with minimum `minimum` and no maximum.
pub fn table_type(kind: Kind, minimum: u64) -> TableType {
    let heap_type = match kind {
        Kind::Func | Kind::FuncLazy => WasmHeapType::Func,
        Kind::Gc | Kind::GcSummary => WasmHeapType::Extern,
        Kind::Cont => WasmHeapType::Cont,
        Kind::Handle => panic!("{NOT_A_FACADE_KIND}"),
    };
    table_testkit::table_type(heap_type, minimum, None)
}

/// The engine settings of `kind`: lazy initialisation only for the lazy funcref table.
pub fn tunables(kind: Kind) -> Tunables {
    table_testkit::tunables(kind == Kind::FuncLazy)
}

/// Zeroed memory for `elements` slots of `kind`, as a pooling allocator would hand it in.
pub fn static_memory(kind: Kind, elements: u64) -> StaticMemory {
    let bytes =
        usize::try_from(elements).expect("benchmark sizes fit in usize") * kind.element_size();
    StaticMemory::new(bytes, std::mem::align_of::<usize>())
}

/// A null table of `kind` with `minimum` slots over `memory`.
///
/// # Safety
///
/// `memory` must be all zero and used by no other table while the returned one lives, and must
/// outlive it.
pub unsafe fn static_table(kind: Kind, minimum: u64, memory: &StaticMemory) -> Table {
    // SAFETY: the caller promises the memory is zero, exclusively this table's, and outlives it.
    unsafe {
        Table::new_static(
            &table_type(kind, minimum),
            &tunables(kind),
            memory.memory(),
            None,
        )
    }
    .expect("static benchmark table")
}

/// One of our tables with the memory under it, in either storage.
pub struct OursTable {
    /// The table (declared first: dropped before its static memory).
    pub table: Table,
    _memory: Option<StaticMemory>,
}

impl OursTable {
    /// A null table of `kind` with `minimum` slots; static storage gets room for `capacity`.
    pub fn new(kind: Kind, storage: Storage, minimum: u64, capacity: u64) -> Self {
        if kind == Kind::GcSummary {
            return Self::with_heap_summary(storage, minimum, capacity);
        }
        match storage {
            Storage::Dynamic => OursTable {
                table: Table::new_dynamic(&table_type(kind, minimum), &tunables(kind), None)
                    .expect("dynamic benchmark table"),
                _memory: None,
            },
            Storage::Static => {
                let memory = static_memory(kind, capacity);
                // SAFETY: the memory is fresh and zero, only this table uses it, and the struct
                // drops the table before the memory.
                let table = unsafe { static_table(kind, minimum, &memory) };
                OursTable {
                    table,
                    _memory: Some(memory),
                }
            }
        }
    }

    /// A GC table with a heap-reference summary: the facade's `GcRef` variant around a table
    /// built from storage, since the facade's constructors make summary-less tables.
    fn with_heap_summary(storage: Storage, minimum: u64, capacity: u64) -> Self {
        let limits = TableLimits::for_table(&table_type(Kind::GcSummary, minimum), None)
            .expect("benchmark limits");
        let (slots, memory) = match storage {
            Storage::Dynamic => (
                TableStorage::new_dynamic(limits, GcRefSlot::EMPTY, None),
                None,
            ),
            Storage::Static => {
                let memory = static_memory(Kind::GcSummary, capacity);
                // SAFETY: the memory is fresh and zero, only this table uses it, and the struct
                // drops the table before the memory.
                let slots = unsafe { TableStorage::new_static(memory.memory(), limits) };
                (slots, Some(memory))
            }
        };
        let table = GcRefTable::with_heap_summary(slots.expect("summary benchmark table"));
        OursTable {
            table: Table::from(table),
            _memory: memory,
        }
    }

    /// A table of `size` slots, every one holding [`value`] of its kind.
    pub fn filled(kind: Kind, storage: Storage, size: u64) -> Self {
        let mut ours = Self::new(kind, storage, size, size);
        ours.table
            .fill(0, &value(kind), size, &mut Default::default())
            .expect("fill benchmark table");
        ours
    }
}

/// The function every funcref benchmark stores: a record that is never called or written.
pub fn func_ref() -> FuncRef {
    static RECORD: std::sync::OnceLock<&'static VMFuncRef> = std::sync::OnceLock::new();
    let record = RECORD.get_or_init(|| {
        Box::leak(Box::new(VMFuncRef {
            array_call: NonNull::<c_void>::dangling(),
            wasm_call: None,
            type_index: VMSharedTypeIndex::new(0),
            vmctx: NonNull::<c_void>::dangling(),
        }))
    });
    NonNull::from(*record)
}

/// The GC value the null/i31 benchmarks store: an `i31ref`, which needs no GC store.
pub fn i31_ref() -> VMGcRef {
    VMGcRef::from_i31(I31::wrapping_u32(7))
}

/// The continuation every continuation benchmark stores (never resumed).
pub fn cont_obj() -> VMContObj {
    VMContObj::new(NonNull::dangling(), 1)
}

/// The non-null value benchmarks write into tables of `kind`.
pub fn value(kind: Kind) -> TableValue {
    match kind {
        Kind::Func | Kind::FuncLazy => TableValue::Func(Some(func_ref())),
        Kind::Gc | Kind::GcSummary => TableValue::GcRef(Some(i31_ref())),
        Kind::Cont => TableValue::Cont(Some(cont_obj())),
        Kind::Handle => panic!("{NOT_A_FACADE_KIND}"),
    }
}

/// The null value of `kind`.
pub fn null(kind: Kind) -> TableValue {
    match kind {
        Kind::Func | Kind::FuncLazy => TableValue::Func(None),
        Kind::Gc | Kind::GcSummary => TableValue::GcRef(None),
        Kind::Cont => TableValue::Cont(None),
        Kind::Handle => panic!("{NOT_A_FACADE_KIND}"),
    }
}

/// An element segment's values for a table of `kind`.
pub enum Segment {
    /// Function references.
    Func(Vec<Option<FuncRef>>),
    /// GC references.
    Gc(Vec<Option<VMGcRef>>),
    /// Continuations.
    Cont(Vec<ContSlot>),
}

impl Segment {
    /// `len` non-null values of `kind`.
    pub fn new(kind: Kind, len: u64) -> Self {
        let len = usize::try_from(len).expect("benchmark sizes fit in usize");
        match kind {
            Kind::Func | Kind::FuncLazy => Segment::Func(vec![Some(func_ref()); len]),
            Kind::Gc | Kind::GcSummary => Segment::Gc((0..len).map(|_| Some(i31_ref())).collect()),
            Kind::Cont => Segment::Cont(vec![ContSlot::from(Some(cont_obj())); len]),
            Kind::Handle => panic!("{NOT_A_FACADE_KIND}"),
        }
    }

    /// The values as the facade takes them.
    pub fn as_segment(&self) -> ElementSegment<'_> {
        match self {
            Segment::Func(values) => ElementSegment::Func(values),
            Segment::Gc(values) => ElementSegment::GcRef(values),
            Segment::Cont(values) => ElementSegment::Cont(values),
        }
    }
}

/// The empty slot of a lazy funcref table ("not yet initialised").
pub const UNINITIALIZED: FuncSlot = <FuncSlot as table_core::TableElement>::EMPTY;

/// A baseline element: plain memory of a kind's slot size.
pub trait Plain: Copy + Default + Send + 'static {
    /// The non-null value baselines write.
    const VALUE: Self;
    /// A number derived from the value, so reads cannot be optimised away.
    fn weight(self) -> usize;
}

impl Plain for usize {
    const VALUE: Self = 0x1000;
    fn weight(self) -> usize {
        self
    }
}

impl Plain for u32 {
    const VALUE: Self = 15;
    fn weight(self) -> usize {
        self as usize
    }
}

impl Plain for [usize; 2] {
    const VALUE: Self = [0x1000, 1];
    fn weight(self) -> usize {
        self[0].wrapping_add(self[1])
    }
}

/// Runs `$body` with `$plain` naming the baseline element type of `$kind`: `usize` for
/// funcrefs, `u32` for 4-byte handles and GC references, `[usize; 2]` for continuations.
macro_rules! with_plain {
    ($kind:expr, $plain:ident => $body:expr) => {
        match $kind {
            table_bench::Kind::Func | table_bench::Kind::FuncLazy => {
                type $plain = usize;
                $body
            }
            table_bench::Kind::Handle | table_bench::Kind::Gc | table_bench::Kind::GcSummary => {
                type $plain = u32;
                $body
            }
            table_bench::Kind::Cont => {
                type $plain = [usize; 2];
                $body
            }
        }
    };
}
pub(crate) use with_plain;

/// `len` copies of the baseline value.
pub fn plain_vec<T: Plain>(len: u64) -> Vec<T> {
    vec![T::VALUE; usize::try_from(len).expect("benchmark sizes fit in usize")]
}

/// `0..len` as table indices, in memory so the compiler cannot see them.
pub fn indices(len: u64) -> Vec<u64> {
    (0..len).collect()
}
