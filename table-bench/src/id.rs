//! Names of the measurements: which operation, on which element kind, in which storage or
//! baseline or peer, at which size.
//!
//! A [`BenchId`] names one criterion benchmark and the directory criterion writes its results to
//! (`<criterion>/<op>/<kind>-<variant>/<size>/new/estimates.json`). The names use only
//! `[a-z0-9_-]`, which criterion keeps unchanged in directory names.

use std::fmt;
use std::path::{Path, PathBuf};

/// A table operation, as the issue lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Op {
    /// Create a table of null elements (and drop it).
    Create,
    /// Grow an empty table to the size in one call.
    GrowTo,
    /// Grow an empty table by one element, size times.
    GrowByOne,
    /// `table.fill` over the whole table.
    Fill,
    /// `table.copy` within one table, overlapping: three quarters of the table moved up by a
    /// quarter.
    CopyWithin,
    /// `table.copy` from one table to another, the whole table.
    Copy,
    /// `table.init` from an element segment as long as the table.
    Init,
    /// `table.get` of every element, in index order.
    Get,
    /// `table.set` of every element, in index order.
    Set,
    /// `table.copy` out of a lazily initialised funcref table whose every slot is initialised.
    CopyLazyInitialized,
    /// `table.copy` out of a lazily initialised funcref table with 1% of its slots uninitialised
    /// (resolved and written back by the copy).
    CopyLazyUninit1,
    /// `table.fill` of a GC table with a heap reference over heap references, through the
    /// counting GC store.
    FillHeap,
    /// `table.copy` of heap references between GC tables, through the counting GC store.
    CopyHeap,
}

impl Op {
    /// Every operation, in report order.
    pub const ALL: [Op; 13] = [
        Op::Create,
        Op::GrowTo,
        Op::GrowByOne,
        Op::Fill,
        Op::CopyWithin,
        Op::Copy,
        Op::Init,
        Op::Get,
        Op::Set,
        Op::CopyLazyInitialized,
        Op::CopyLazyUninit1,
        Op::FillHeap,
        Op::CopyHeap,
    ];

    /// The short name used in benchmark ids and the report.
    pub const fn name(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::GrowTo => "grow_to",
            Op::GrowByOne => "grow_by_1",
            Op::Fill => "fill",
            Op::CopyWithin => "copy_within",
            Op::Copy => "copy",
            Op::Init => "init",
            Op::Get => "get",
            Op::Set => "set",
            Op::CopyLazyInitialized => "copy_lazy_0pct",
            Op::CopyLazyUninit1 => "copy_lazy_1pct",
            Op::FillHeap => "fill_heap",
            Op::CopyHeap => "copy_heap",
        }
    }

    /// What one iteration does, for the report's legend.
    pub const fn description(self) -> &'static str {
        match self {
            Op::Create => "create a null table of `size` elements, then drop it",
            Op::GrowTo => "grow an empty table by `size` null elements in one call",
            Op::GrowByOne => "grow an empty table by 1 null element, `size` times",
            Op::Fill => "fill all `size` elements with a non-null value (i31 for GC)",
            Op::CopyWithin => {
                "copy elements [0, 3/4 size) to [size/4, size) of the same table (overlapping)"
            }
            Op::Copy => "copy all `size` elements from one table to another",
            Op::Init => "write an element segment of `size` non-null values",
            Op::Get => "read every element in index order (bounds-checked)",
            Op::Set => "write every element in index order (bounds-checked)",
            Op::CopyLazyInitialized => {
                "copy all `size` elements out of a lazy funcref table, every slot initialised"
            }
            Op::CopyLazyUninit1 => {
                "copy all `size` elements out of a lazy funcref table, 1% of slots uninitialised"
            }
            Op::FillHeap => "fill a GC table holding heap refs with a heap ref (counting store)",
            Op::CopyHeap => "copy heap refs over heap refs between GC tables (counting store)",
        }
    }

    /// The baseline measured for this operation, for the report's legend.
    pub const fn baseline(self) -> &'static str {
        match self {
            Op::Create => "`alloc_zeroed` + `dealloc` of the same bytes",
            Op::GrowTo => "`Vec::resize` of an empty `Vec`",
            Op::GrowByOne => "`Vec::push` into an empty `Vec`",
            Op::Fill | Op::FillHeap => "`slice::fill`",
            Op::CopyWithin => "`slice::copy_within`",
            Op::Copy | Op::Init | Op::CopyLazyInitialized | Op::CopyLazyUninit1 | Op::CopyHeap => {
                "`slice::copy_from_slice`"
            }
            Op::Get => "`slice::get` (bounds-checked read)",
            Op::Set => "`slice::get_mut` (bounds-checked write)",
        }
    }

    /// The read+write baseline of this operation, for the report's legend: the limit of a bulk
    /// write that must look at every slot it overwrites (as a GC table's must, for its
    /// barrier), measured for the GC kind only.
    pub const fn read_write_baseline(self) -> Option<&'static str> {
        match self {
            Op::Fill => Some(
                "for each `u32` slot: read it (OR-accumulated, the result `black_box`ed), write \
                 the value",
            ),
            Op::Copy | Op::Init => Some(
                "for each `u32` slot: read it and the source slot (OR-accumulated, the result \
                 `black_box`ed), write the source slot",
            ),
            Op::CopyWithin => Some(
                "as for `copy`, in `memmove` order: from the end, in pieces as long as the \
                 distance between source and destination, so no piece overlaps itself",
            ),
            _ => None,
        }
    }

    /// Whether the operation streams the whole table through memory, so that its speed is the
    /// memory's or a cache's: these are also measured beyond the last-level cache.
    pub const fn bandwidth_bound(self) -> bool {
        matches!(
            self,
            Op::Create | Op::Fill | Op::CopyWithin | Op::Copy | Op::Init
        )
    }

    /// What Wasmtime runs for this operation, for the report's legend.
    pub const fn wasmtime(self) -> &'static str {
        match self {
            Op::Create => "host `Table::new` with a null init (new store per iteration, untimed)",
            Op::GrowTo => "wasm `table.grow` by `size`; host `Table::grow` by `size`",
            Op::GrowByOne => "wasm loop of `table.grow` by 1; host loop of `Table::grow` by 1",
            Op::Fill => "wasm `table.fill` (`ref.func` / `ref.i31`); host `Table::fill`",
            Op::CopyWithin => "wasm `table.copy` within one table; host `Table::copy`",
            Op::Copy => "wasm `table.copy` between two tables; host `Table::copy`",
            Op::Init => "not measured",
            Op::Get => "wasm loop of `table.get` + `ref.is_null`",
            Op::Set => "wasm loop of `table.set`",
            Op::CopyLazyInitialized | Op::CopyLazyUninit1 => {
                "the `copy` peer: Wasmtime's funcref tables are lazy by default and its copy runs \
                 the lazy-init pass over every source element (fully initialised source, so a \
                 lower bound for the 1% case)"
            }
            Op::FillHeap => "wasm `table.fill` of an `externref` param; host `Table::fill`",
            Op::CopyHeap => "wasm `table.copy` of `externref`s; host `Table::copy`",
        }
    }

    /// What wasmi's host API runs for this operation, for the report's legend.
    pub const fn wasmi(self) -> &'static str {
        match self {
            Op::Create => "`Table::new` with a null init (new store per iteration, untimed)",
            Op::GrowTo => "`Table::grow` by `size`",
            Op::GrowByOne => "loop of `Table::grow` by 1",
            Op::Fill => "`Table::fill` (a host `Func` / an `ExternRef`)",
            Op::CopyWithin => "`Table::copy` within one table",
            Op::Copy => "`Table::copy` between two tables",
            Op::Init => "not measured: the host API has no `table.init`",
            Op::Get => "loop of `Table::get` + `Ref::is_null`",
            Op::Set => "loop of `Table::set`",
            Op::CopyLazyInitialized | Op::CopyLazyUninit1 => {
                "the `copy` peer: wasmi's funcref tables have no lazy initialisation"
            }
            Op::FillHeap | Op::CopyHeap => {
                "not measured: wasmi has no collector, so no barrier work to compare"
            }
        }
    }

    /// The elements one iteration touches at table size `size`: the report divides by this.
    pub const fn elements(self, size: u64) -> u64 {
        match self {
            Op::CopyWithin => size - size / 4,
            _ => size,
        }
    }

    /// The operation whose peer measurements this one is compared with: the lazy copies are
    /// compared with the peers' `table.copy` (Wasmtime's always runs its lazy-init pass first;
    /// wasmi has no lazy tables).
    pub const fn peer_op(self) -> Op {
        match self {
            Op::CopyLazyInitialized | Op::CopyLazyUninit1 => Op::Copy,
            other => other,
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The element kind of a table, with funcref split by lazy-initialisation mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Eagerly initialised funcref table (slots hold plain pointers).
    Func,
    /// Lazily initialised funcref table (Wasmtime's default; slots carry the init bit).
    FuncLazy,
    /// A runtime's own 4-byte handle on table-core (the shape of wasmi's `RawRef`; 0 = null):
    /// a `table_core::TableStorage` of a slot type of the benchmark's own, with no element
    /// crate and no facade. The like-for-like comparison with wasmi, whose tables hold such
    /// handles.
    Handle,
    /// GC-reference table (4-byte slots).
    Gc,
    /// GC-reference table keeping a heap-reference summary (`GcRefTable::with_heap_summary`).
    GcSummary,
    /// Continuation table (two-word slots).
    Cont,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 6] = [
        Kind::Func,
        Kind::FuncLazy,
        Kind::Handle,
        Kind::Gc,
        Kind::GcSummary,
        Kind::Cont,
    ];

    /// The short name used in benchmark ids and the report.
    pub const fn name(self) -> &'static str {
        match self {
            Kind::Func => "func",
            Kind::FuncLazy => "func-lazy",
            Kind::Handle => "handle32",
            Kind::Gc => "gc",
            Kind::GcSummary => "gc-summary",
            Kind::Cont => "cont",
        }
    }

    /// What one slot holds, for the report's legend.
    pub const fn description(self) -> &'static str {
        match self {
            Kind::Func => "8-byte `VMFuncRef` pointer (0 = null), eagerly initialised",
            Kind::FuncLazy => {
                "8-byte `VMFuncRef` pointer with the lazy-init bit (0 = not yet initialised)"
            }
            Kind::Handle => {
                "4-byte handle (0 = null), a runtime's own slot type on table-core: the shape \
                 of wasmi's `RawRef`"
            }
            Kind::Gc => "4-byte `VMGcRef` (null or i31 here), GC table",
            Kind::GcSummary => {
                "4-byte `VMGcRef` (null or i31 here), GC table keeping a heap-reference summary"
            }
            Kind::Cont => "16-byte continuation (`VMContObj`: pointer and revision)",
        }
    }

    /// The bytes of one slot on a 64-bit host; baselines use elements of this size (`usize`,
    /// `u32`, `[usize; 2]`).
    pub const fn element_size(self) -> usize {
        match self {
            Kind::Func | Kind::FuncLazy => 8,
            Kind::Handle | Kind::Gc | Kind::GcSummary => 4,
            Kind::Cont => 16,
        }
    }

    /// The kind under which Wasmtime's measurements for this kind are taken: Wasmtime has one
    /// funcref table (lazily initialised by default, 8-byte slots) and no continuation tables in
    /// this build; a 4-byte handle has no Wasmtime counterpart.
    pub const fn wasmtime_peer(self) -> Option<Kind> {
        match self {
            Kind::Func | Kind::FuncLazy => Some(Kind::Func),
            Kind::Gc | Kind::GcSummary => Some(Kind::Gc),
            Kind::Handle | Kind::Cont => None,
        }
    }

    /// The kind under which wasmi's measurements for this kind are taken: wasmi has funcref and
    /// externref tables only, both vectors of 4-byte handles. Its funcref table is the 4-byte
    /// handle's peer (like for like) and the funcref kinds' (8-byte slots against its 4-byte
    /// ones); its `externref` table stands for the GC kinds.
    pub const fn wasmi_peer(self) -> Option<Kind> {
        match self {
            Kind::Func | Kind::FuncLazy | Kind::Handle => Some(Kind::Func),
            Kind::Gc | Kind::GcSummary => Some(Kind::Gc),
            Kind::Cont => None,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where our table's slots live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Storage {
    /// Owned, growable memory.
    Dynamic,
    /// Caller-provided memory, as a pooling allocator hands it in.
    Static,
}

impl Storage {
    /// Both storages, dynamic first.
    pub const ALL: [Storage; 2] = [Storage::Dynamic, Storage::Static];

    /// The short name used in benchmark ids and the report.
    pub const fn name(self) -> &'static str {
        match self {
            Storage::Dynamic => "dynamic",
            Storage::Static => "static",
        }
    }
}

/// What was measured: our table, a plain-memory baseline, Wasmtime, or wasmi.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variant {
    /// wasm-tables, in the given storage.
    Ours(Storage),
    /// The same memory operation on a `Vec` or raw allocation.
    Baseline,
    /// The bulk write on a `Vec` that reads every slot it overwrites (and the source slot)
    /// before writing it: the limit of a fill or copy that must look at what it overwrites
    /// (see [`Op::read_write_baseline`]).
    BaselineReadWrite,
    /// Wasmtime 44 running a loop or bulk instruction compiled from a wat module.
    WasmtimeWasm,
    /// Wasmtime 44's host API (`wasmtime::Table`).
    WasmtimeHost,
    /// wasmi 2.0's host API (`wasmi::Table`).
    WasmiHost,
}

impl Variant {
    /// The short name used in benchmark ids and the report.
    pub const fn name(self) -> &'static str {
        match self {
            Variant::Ours(Storage::Dynamic) => "ours-dynamic",
            Variant::Ours(Storage::Static) => "ours-static",
            Variant::Baseline => "baseline",
            Variant::BaselineReadWrite => "baseline-read-write",
            Variant::WasmtimeWasm => "wasmtime-wasm",
            Variant::WasmtimeHost => "wasmtime-host",
            Variant::WasmiHost => "wasmi-host",
        }
    }
}

/// One benchmark: an operation on a kind at a size, measured for one variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BenchId {
    /// The operation.
    pub op: Op,
    /// The element kind (for the peers' variants, the kind the peer stands for: `func` or
    /// `gc`; see [`Kind::wasmtime_peer`] and [`Kind::wasmi_peer`]).
    pub kind: Kind,
    /// The table size in elements.
    pub size: u64,
    /// What was measured.
    pub variant: Variant,
}

impl BenchId {
    /// The criterion group: the operation.
    pub fn group(&self) -> &'static str {
        self.op.name()
    }

    /// The criterion function id: kind and variant.
    pub fn function(&self) -> String {
        format!("{}-{}", self.kind.name(), self.variant.name())
    }

    /// The criterion parameter: the size.
    pub fn parameter(&self) -> String {
        self.size.to_string()
    }

    /// The elements one iteration touches (see [`Op::elements`]).
    pub fn elements(&self) -> u64 {
        self.op.elements(self.size)
    }

    /// The bytes of one slot of the table measured: the kind's ([`Kind::element_size`], also
    /// Wasmtime's for the kinds it stands for), except wasmi's, whose tables hold 4-byte handles
    /// whatever the kind.
    pub fn slot_size(&self) -> usize {
        match self.variant {
            Variant::WasmiHost => 4,
            _ => self.kind.element_size(),
        }
    }

    /// Where criterion writes this benchmark's latest estimates under `criterion_root`.
    pub fn estimates_path(&self, criterion_root: &Path) -> PathBuf {
        criterion_root
            .join(self.group())
            .join(self.function())
            .join(self.parameter())
            .join("new")
            .join("estimates.json")
    }
}

impl fmt::Display for BenchId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.group(), self.function(), self.size)
    }
}
