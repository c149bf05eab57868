//! The second peer: wasmi 2.0 through its host `Table` API, measured beside Wasmtime's host API
//! on the same operations, kinds and sizes.
//!
//! wasmi keeps a table as a vector of 32-bit handles inside its store and resolves the `Table`
//! handle on every call. It has funcref and externref tables only: the funcref kinds are
//! measured on a funcref table holding a host function (`Func::wrap`), the GC kinds on an
//! externref table holding an `ExternRef` allocated in the store. The funcref table's figures
//! are also the `handle32` rows' (`handle.rs`): the same 4-byte slots on table-core, the
//! like-for-like comparison; beside the `func` rows they compare 8-byte slots with 4-byte ones. wasmi has no i31 and no
//! collector, so a heap reference costs a table write nothing more than any other value: its
//! `fill_heap` and `copy_heap` would be the writes of `fill` and `copy` again, without the
//! barrier work those rows measure, so they are not measured.
//!
//! Measured, as Wasmtime's host API is: `create` (`Table::new`), `grow_to` and `grow_by_1`
//! (`Table::grow`), `fill` (`Table::fill`), `copy_within` and `copy` (`Table::copy`); and,
//! since wasmi has no compiled-wasm variant here, `get` and
//! `set` through `Table::get` and `Table::set`, one call per element.
//!
//! Not measured (shown as "—"):
//! - `init`: element segments are internal to module instantiation; the host API has no
//!   `table.init`;
//! - the lazy copies as such: wasmi's funcref tables are not lazily initialised, so those rows
//!   are compared with its `copy`, as they are with Wasmtime's;
//! - anything on continuation tables, which wasmi does not have.

use std::hint::black_box;
use table_bench::Kind;
use wasmi::{Engine, ExternRef, Func, Nullable, Ref, RefType, Store, Table, TableType};

/// The engine the stores of every wasmi measurement belong to (its default configuration; no
/// module is ever compiled).
pub struct Wasmi {
    engine: Engine,
}

impl Wasmi {
    /// An engine with wasmi's defaults.
    pub fn new() -> Self {
        Wasmi {
            engine: Engine::default(),
        }
    }

    /// A fresh store, for tables created inside the timed region.
    pub fn store(&self) -> Store<()> {
        Store::new(&self.engine, ())
    }

    /// A fresh store with two tables of `kind`'s peer of `size` elements: `t` holding the
    /// non-null value everywhere, `u` null.
    pub fn tables(&self, kind: Kind, size: u64) -> WasmiTables {
        let mut store = self.store();
        let value = match kind {
            Kind::Gc => Ref::Extern(Nullable::Val(ExternRef::new(&mut store, 7u32))),
            _ => Ref::Func(Nullable::Val(Func::wrap(&mut store, || {}))),
        };
        let ty = table_type(kind, size);
        let t = Table::new(&mut store, ty, value).expect("wasmi Table::new");
        let u = Table::new(&mut store, ty, null(kind)).expect("wasmi Table::new");
        WasmiTables { store, t, u, value }
    }
}

/// The null reference of `kind`'s peer tables: funcref, or externref for the GC kinds.
pub fn null(kind: Kind) -> Ref {
    Ref::null(element(kind))
}

/// The table type of `kind`'s peer tables, with minimum `minimum` and no maximum.
pub fn table_type(kind: Kind, minimum: u64) -> TableType {
    TableType::new(
        element(kind),
        u32::try_from(minimum).expect("sizes fit in u32"),
        None,
    )
}

fn element(kind: Kind) -> RefType {
    match kind {
        Kind::Gc | Kind::GcSummary => RefType::Extern,
        _ => RefType::Func,
    }
}

/// Two peer tables in their own store.
pub struct WasmiTables {
    /// The store owning the tables and the value.
    pub store: Store<()>,
    /// The table the operations work on (the source of `copy`).
    pub t: Table,
    /// The destination of `copy`.
    pub u: Table,
    /// The non-null value `t` holds and the operations write.
    pub value: Ref,
}

impl WasmiTables {
    /// Reads every index of `t` through `Table::get`; the number of nulls, or `usize::MAX` if a
    /// read was out of bounds.
    #[inline(never)]
    pub fn get_each(&self, indices: &[u64]) -> usize {
        let mut nulls = 0usize;
        for &index in indices {
            let Some(value) = self.t.get(&self.store, index) else {
                return usize::MAX;
            };
            nulls += usize::from(value.is_null());
        }
        nulls
    }

    /// Writes the value at every index of `t` through `Table::set`; false if a write failed.
    #[inline(never)]
    pub fn set_each(&mut self, indices: &[u64]) -> bool {
        let (table, value) = (self.t, black_box(self.value));
        indices
            .iter()
            .all(|&index| table.set(&mut self.store, index, value).is_ok())
    }
}
