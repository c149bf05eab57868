//! Which element kind a table stores, decided by its reference type's top heap type.

use core::fmt;
use core::mem::size_of;
#[allow(
    unused_imports,
    reason = "used by the size assertions of the kinds compiled in"
)]
use table_core::TableElement;
use wasmtime_environ::{WasmHeapTopType, WasmRefType};

/// The element kind of a table.
///
/// Example: [`Table::element_type`](crate::Table::element_type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TableElementType {
    /// Function references (`funcref` and typed function references).
    Func,
    /// GC references: `anyref`, `externref`, `exnref` and their subtypes.
    GcRef,
    /// Continuation references (stack switching).
    Cont,
}

impl TableElementType {
    /// The element kind of tables whose elements have type `ref_type`: `func` -> funcref;
    /// `any`, `extern` and `exn` -> GC reference; `cont` -> continuation.
    ///
    /// # Examples
    ///
    /// ```
    /// use table_facade::TableElementType;
    /// use table_facade::wasmtime_environ::{WasmHeapType, WasmRefType};
    ///
    /// let anyref = WasmRefType { nullable: true, heap_type: WasmHeapType::Any };
    /// assert_eq!(TableElementType::of(&anyref), TableElementType::GcRef);
    /// ```
    pub fn of(ref_type: &WasmRefType) -> Self {
        match ref_type.heap_type.top() {
            WasmHeapTopType::Func => TableElementType::Func,
            WasmHeapTopType::Any | WasmHeapTopType::Extern | WasmHeapTopType::Exn => {
                TableElementType::GcRef
            }
            WasmHeapTopType::Cont => TableElementType::Cont,
        }
    }

    /// The size in bytes of one stored element of this kind.
    ///
    /// # Examples
    ///
    /// ```
    /// use table_facade::TableElementType;
    ///
    /// // What a pool sizes a slot of 100 continuation elements with.
    /// assert_eq!(100 * TableElementType::Cont.element_size(), 100 * 2 * size_of::<usize>());
    /// ```
    pub const fn element_size(self) -> usize {
        match self {
            TableElementType::Func => FUNC_ELEMENT_SIZE,
            TableElementType::GcRef => GC_REF_ELEMENT_SIZE,
            TableElementType::Cont => CONT_ELEMENT_SIZE,
        }
    }

    /// The cargo feature of this crate that compiles the kind in.
    ///
    /// # Examples
    ///
    /// ```
    /// use table_facade::TableElementType;
    ///
    /// assert_eq!(TableElementType::GcRef.feature(), "gc");
    /// ```
    pub const fn feature(self) -> &'static str {
        match self {
            TableElementType::Func => "func",
            TableElementType::GcRef => "gc",
            TableElementType::Cont => "cont",
        }
    }

    /// Whether this build of the facade can hold tables of this kind.
    ///
    /// # Examples
    ///
    /// ```
    /// use table_facade::TableElementType;
    ///
    /// assert_eq!(TableElementType::Func.is_enabled(), cfg!(feature = "func"));
    /// ```
    pub const fn is_enabled(self) -> bool {
        match self {
            TableElementType::Func => cfg!(feature = "func"),
            TableElementType::GcRef => cfg!(feature = "gc"),
            TableElementType::Cont => cfg!(feature = "cont"),
        }
    }
}

impl fmt::Display for TableElementType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TableElementType::Func => "funcref",
            TableElementType::GcRef => "GC reference",
            TableElementType::Cont => "continuation",
        })
    }
}

// The sizes are known without the element crates (a pool is sized before any kind is chosen);
// where a crate is compiled in, its slot type must agree.
const FUNC_ELEMENT_SIZE: usize = size_of::<usize>();
const GC_REF_ELEMENT_SIZE: usize = size_of::<u32>();
const CONT_ELEMENT_SIZE: usize = 2 * size_of::<usize>();

#[cfg(feature = "func")]
static_assertions::const_assert_eq!(
    FUNC_ELEMENT_SIZE,
    <table_func::FuncSlot as TableElement>::SIZE
);
#[cfg(feature = "gc")]
static_assertions::const_assert_eq!(
    GC_REF_ELEMENT_SIZE,
    <table_gcref::GcRefSlot as TableElement>::SIZE
);
#[cfg(feature = "cont")]
static_assertions::const_assert_eq!(
    CONT_ELEMENT_SIZE,
    <table_cont::ContSlot as TableElement>::SIZE
);

/// The element size a pooling allocator sizes table slots with: the larger of funcref and GC
/// reference. Continuations are left out on purpose: a pool that hosts continuation tables sizes
/// them itself.
///
/// A pool slot for a table of up to `max` elements of any kind but continuations is
/// `max * NOMINAL_MAX_TABLE_ELEMENT_SIZE` bytes; [`Table::new_static`](crate::Table::new_static)
/// shows a table placed in such memory.
pub const NOMINAL_MAX_TABLE_ELEMENT_SIZE: usize = if FUNC_ELEMENT_SIZE > GC_REF_ELEMENT_SIZE {
    FUNC_ELEMENT_SIZE
} else {
    GC_REF_ELEMENT_SIZE
};
