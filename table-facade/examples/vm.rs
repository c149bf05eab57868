//! A minimal VM shape over `table-facade`: tables created from `wasmtime-environ` types, their
//! `VMTableDefinition`s kept in a vmctx-like array that compiled code would read, and every
//! definition refreshed after each grow — also after a failed one, as the crate docs recommend.
//!
//! Run with `cargo run -p table-facade --example vm`.

use std::alloc::{Layout, alloc_zeroed, dealloc};
use std::ptr::NonNull;
use table_facade::wasmtime_environ::{
    IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType,
};
use table_facade::{
    GrowFailure, LimiterError, NOMINAL_MAX_TABLE_ELEMENT_SIZE, Table, TableContext, TableLimiter,
    TableValue, VMTableDefinition,
};

/// The per-instance context compiled code reads: one table definition per defined table.
struct VMContext {
    tables: Vec<VMTableDefinition>,
}

/// An embedder's resource limiter: caps every table at `max_elements`.
struct Limiter {
    max_elements: usize,
}

impl TableLimiter for Limiter {
    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> Result<bool, LimiterError> {
        let allowed = desired <= self.max_elements;
        println!("  limiter: table_growing({current}, {desired}, {maximum:?}) -> {allowed}");
        Ok(allowed)
    }

    fn table_grow_failed(&mut self, failure: GrowFailure<'_>) -> Result<(), LimiterError> {
        println!("  limiter: table_grow_failed({failure})");
        Ok(())
    }
}

/// One slot of a pooling allocator: zeroed memory the VM owns and lends to a static table.
struct PoolSlot {
    base: NonNull<u8>,
    layout: Layout,
}

impl PoolSlot {
    fn new(elements: usize) -> Self {
        let layout = Layout::from_size_align(elements * NOMINAL_MAX_TABLE_ELEMENT_SIZE, 16)
            .expect("pool slot layout");
        // SAFETY: the layout has a non-zero size.
        let base = NonNull::new(unsafe { alloc_zeroed(layout) }).expect("pool slot allocation");
        PoolSlot { base, layout }
    }

    fn memory(&self) -> NonNull<[u8]> {
        NonNull::slice_from_raw_parts(self.base, self.layout.size())
    }
}

impl Drop for PoolSlot {
    fn drop(&mut self) {
        // SAFETY: `base` was allocated with `layout` in `new`.
        unsafe { dealloc(self.base.as_ptr(), self.layout) };
    }
}

/// The VM: its tables, the context compiled code sees, and the embedder's limiter.
struct Instance {
    tables: Vec<Table>,
    vmctx: VMContext,
    limiter: Limiter,
    // Declared last so it outlives the static table built in it.
    _pool: Vec<PoolSlot>,
}

impl Instance {
    /// `table.grow` as the VM's libcall does it: grow, then refresh the definition whatever the
    /// outcome, since a dynamic table may have moved.
    fn table_grow(&mut self, index: usize, delta: u64, init: &TableValue) -> i64 {
        let table = &mut self.tables[index];
        let outcome = table.grow(
            delta,
            init,
            Some(&mut self.limiter),
            &mut TableContext::new(),
        );
        self.vmctx.tables[index] = table.vmtable();
        match outcome {
            Ok(Some(old_size)) => old_size as i64,
            Ok(None) => -1,
            Err(error) => {
                println!("  grow failed with an embedder error: {error}");
                -1
            }
        }
    }
}

fn table_type(heap_type: WasmHeapType, min: u64, max: Option<u64>) -> TableType {
    TableType {
        idx_type: IndexType::I32,
        limits: Limits { min, max },
        ref_type: WasmRefType {
            nullable: true,
            heap_type,
        },
    }
}

fn main() {
    let tunables = Tunables::default_host();
    let mut limiter = Limiter { max_elements: 64 };
    let pool = vec![PoolSlot::new(32)];

    let funcs = Table::new_dynamic(
        &table_type(WasmHeapType::Func, 4, None),
        &tunables,
        Some(&mut limiter),
    )
    .expect("funcref table");
    let externs = Table::new_dynamic(
        &table_type(WasmHeapType::Extern, 2, Some(10)),
        &tunables,
        Some(&mut limiter),
    )
    .expect("externref table");
    let conts = Table::new_dynamic(
        &table_type(WasmHeapType::Cont, 1, None),
        &tunables,
        Some(&mut limiter),
    )
    .expect("continuation table");
    // SAFETY: the pool slot is zeroed, lives in `Instance::_pool` longer than the table, and is
    // used only through the table.
    let pooled = unsafe {
        Table::new_static(
            &table_type(WasmHeapType::Func, 8, None),
            &tunables,
            pool[0].memory(),
            Some(&mut limiter),
        )
    }
    .expect("static funcref table");

    let tables = vec![funcs, externs, conts, pooled];
    let definitions = tables.iter().map(Table::vmtable).collect();
    let mut instance = Instance {
        tables,
        vmctx: VMContext {
            tables: definitions,
        },
        limiter,
        _pool: pool,
    };
    for (index, table) in instance.tables.iter().enumerate() {
        println!(
            "table {index}: {} table, size {}, maximum {:?}, static {}, {} bytes",
            table.element_type(),
            table.size(),
            table.maximum(),
            table.is_static(),
            table.bytes_held()
        );
    }

    let grows: [(usize, u64, TableValue); 5] = [
        (0, 100, TableValue::Func(None)),
        (0, 10, TableValue::Func(None)),
        (1, 20, TableValue::GcRef(None)),
        (2, 3, TableValue::Cont(None)),
        (3, 30, TableValue::Func(None)),
    ];
    for (index, delta, init) in grows {
        let before = instance.vmctx.tables[index];
        println!("table.grow table {index} by {delta}:");
        let result = instance.table_grow(index, delta, &init);
        let after = instance.vmctx.tables[index];
        println!(
            "  -> {result}; definition {} elements at {:p} (was {} at {:p}{})",
            after.current_elements,
            after.base,
            before.current_elements,
            before.base,
            if after.base == before.base {
                ""
            } else {
                ", moved"
            }
        );
        assert_eq!(after, instance.tables[index].vmtable());
    }
}
