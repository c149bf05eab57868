//! A VM-shaped program for `cargo xtask size`, which builds it once per feature set of the facade
//! and measures its code. It does with tables what a VM does and nothing else: creates one table
//! of each element kind the build enables from a `wasmtime-environ` table type, grows them under a
//! resource limiter, runs `table.get`/`set`/`fill`/`copy`/`init` on them through one dispatch (a
//! VM's libcalls do not know a table's kind in advance), publishes each `VMTableDefinition` for
//! compiled code, empties the tables through the GC store and exits.
//!
//! Every input passes through `black_box`, so the optimiser can neither fold an operation away nor
//! specialise a call site to the one kind it happens to see here.
//!
//! Run with `cargo run -p table-size-probe --no-default-features --features func`
//! (any non-empty set of `func`, `gc` and `cont`).

use std::hint::black_box;
use table_facade::wasmtime_environ::{
    IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType,
};
use table_facade::{
    ElementSegment, FacadeError, LimiterError, Table, TableContext, TableLimiter, TableValue,
    VMTableDefinition,
};

#[cfg(feature = "cont")]
use table_facade::{ContSlot, VMContObj};
#[cfg(feature = "func")]
use table_facade::{FuncRef, VMFuncRef};
#[cfg(feature = "gc")]
use table_facade::{GcStore, VMGcRef};

/// The embedder's resource limiter: no table may hold more than `max_elements`.
struct Limiter {
    max_elements: usize,
}

impl TableLimiter for Limiter {
    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool, LimiterError> {
        Ok(desired <= self.max_elements)
    }
}

/// A reference-counting collector reduced to its count of the references tables hold.
#[cfg(feature = "gc")]
struct CountingStore {
    held: usize,
}

#[cfg(feature = "gc")]
impl GcStore for CountingStore {
    fn clone_gc_ref(&mut self, gc_ref: &VMGcRef) -> VMGcRef {
        self.held += 1;
        gc_ref.unchecked_copy()
    }

    fn drop_gc_ref(&mut self, _gc_ref: VMGcRef) {
        self.held -= 1;
    }
}

/// What the VM's module declares for one table: its element type, a value its code stores and
/// an element segment.
struct DeclaredTable<'a> {
    heap_type: WasmHeapType,
    value: TableValue,
    segment: ElementSegment<'a>,
}

fn table_type(heap_type: WasmHeapType) -> TableType {
    TableType {
        idx_type: IndexType::I32,
        limits: Limits {
            min: black_box(4),
            max: black_box(Some(256)),
        },
        ref_type: WasmRefType {
            nullable: true,
            heap_type,
        },
    }
}

/// Instantiates one declared table and runs a function body's worth of table instructions on it,
/// returning the definition compiled code would read and the value `table.get` returned.
#[inline(never)]
fn run_table(
    declared: &DeclaredTable<'_>,
    tunables: &Tunables,
    limiter: &mut Limiter,
    cx: &mut TableContext<'_>,
) -> Result<(VMTableDefinition, TableValue), FacadeError> {
    let ty = black_box(table_type(declared.heap_type));
    let mut table = Table::new_dynamic(&ty, tunables, Some(&mut *limiter))?;
    let mut spare = Table::new_dynamic(&ty, tunables, Some(&mut *limiter))?;
    let null = TableValue::null(table.element_type()).expect("the kind is compiled in");

    let grown = table.grow(black_box(28), &null, Some(&mut *limiter), cx)?;
    black_box(grown);
    // Past the limiter's cap: "no growth", and the definition is re-read all the same.
    let refused = table.grow(black_box(1 << 20), &null, Some(&mut *limiter), cx)?;
    black_box(refused);
    table.set(black_box(1), &declared.value, cx)?;
    table.fill(black_box(4), &declared.value, black_box(8), cx)?;
    table.init(black_box(16), declared.segment, cx)?;
    table.copy_within(black_box(20), black_box(0), black_box(8), cx)?;
    Table::copy(
        &mut spare,
        &table,
        black_box(0),
        black_box(2),
        black_box(4),
        cx,
    )?;
    let read = table.get(black_box(5), cx)?;
    let definition = table.vmtable();

    // The instance is torn down: its tables give their GC references back first.
    let len = table.size() as u64;
    table.fill(0, &null, len, cx)?;
    let len = spare.size() as u64;
    spare.fill(0, &null, len, cx)?;
    Ok((definition, read))
}

fn main() {
    #[cfg(feature = "func")]
    let funcs: [Option<FuncRef>; 3] = black_box([
        Some(std::ptr::NonNull::<VMFuncRef>::dangling()),
        None,
        Some(std::ptr::NonNull::<VMFuncRef>::dangling()),
    ]);
    #[cfg(feature = "gc")]
    let gc_refs: [Option<VMGcRef>; 2] = [
        VMGcRef::from_raw_u32(black_box(8)),
        VMGcRef::from_raw_u32(black_box(3)),
    ];
    #[cfg(feature = "cont")]
    let conts: [ContSlot; 2] = black_box([
        ContSlot::from(Some(VMContObj::new(std::ptr::NonNull::dangling(), 1))),
        ContSlot::from(None),
    ]);

    let declared: Vec<DeclaredTable<'_>> = vec![
        #[cfg(feature = "func")]
        DeclaredTable {
            heap_type: WasmHeapType::Func,
            value: TableValue::Func(funcs[0]),
            segment: ElementSegment::Func(&funcs),
        },
        #[cfg(feature = "gc")]
        DeclaredTable {
            heap_type: WasmHeapType::Extern,
            value: TableValue::GcRef(VMGcRef::from_raw_u32(black_box(6))),
            segment: ElementSegment::GcRef(&gc_refs),
        },
        #[cfg(feature = "cont")]
        DeclaredTable {
            heap_type: WasmHeapType::Cont,
            value: TableValue::Cont(conts[0].get()),
            segment: ElementSegment::Cont(&conts),
        },
    ];

    let tunables = black_box(Tunables::default_host());
    let mut limiter = Limiter {
        max_elements: black_box(1024),
    };
    #[cfg(feature = "gc")]
    let mut store = CountingStore { held: 0 };
    #[cfg(feature = "func")]
    let mut resolve = |_index: u64| funcs[2];

    let cx = TableContext::new();
    #[cfg(feature = "gc")]
    let cx = cx.with_gc_store(&mut store);
    #[cfg(feature = "func")]
    let cx = cx.with_func_resolver(&mut resolve);
    let mut cx = cx;

    let mut vmctx = Vec::new();
    for declared in black_box(&declared) {
        match run_table(declared, &tunables, &mut limiter, &mut cx) {
            Ok((definition, read)) => {
                vmctx.push(definition);
                black_box(read);
            }
            Err(error) => {
                eprintln!("table of {:?}: {error}", declared.heap_type);
                std::process::exit(1);
            }
        }
    }
    black_box(&vmctx);
}
