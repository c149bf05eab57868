//! The async entry points a runtime drives on a multi-threaded executor return `Send` futures
//! when the limiter is `Send`: creation in static memory (the memory pointer is carried inside),
//! the creation-limits procedure, and growth of each kind with its init value (encoded into a
//! slot first). A future that
//! held a raw pointer across its await would not compile here.
#![cfg(all(feature = "func", feature = "gc", feature = "cont"))]

mod support;

use std::future::Future;
use support::table_type;
use table_core::{NoLimiter, TableLimits};
use table_facade::wasmtime_environ::{IndexType, Tunables, WasmHeapType};
use table_facade::{Table, VMContObj};
use table_testkit::StaticMemory;

fn assert_send<F: Future + Send>(future: F) -> F {
    future
}

#[test]
fn static_creation_and_growth_futures_are_send() {
    let memory = StaticMemory::new(64 * 16, 16);
    let tunables = Tunables::default_host();
    let mut limiter = NoLimiter;
    let func_type = table_type(WasmHeapType::Func, IndexType::I32, 1, Some(4));
    let extern_type = table_type(WasmHeapType::Extern, IndexType::I32, 1, Some(4));
    let cont_type = table_type(WasmHeapType::Cont, IndexType::I32, 1, Some(4));
    let mut anchor = [0usize; 4];
    let pointer = std::ptr::NonNull::from(&mut anchor);

    // SAFETY: zeroed memory that outlives the table built in it, which is dropped right away.
    unsafe {
        let facade = assert_send(Table::new_static_async(
            &func_type,
            &tunables,
            memory.memory(),
            Some(&mut limiter),
        ));
        drop(table_testkit::block_on(facade).unwrap());
    }
    let limits = assert_send(TableLimits::for_table_async(
        &extern_type,
        Some(&mut limiter),
    ));
    assert_eq!(table_testkit::block_on(limits).unwrap().minimum, 1);

    let mut funcs = Table::new_dynamic(&func_type, &tunables, None).unwrap();
    let funcs = funcs.as_func_mut().unwrap();
    let grow = assert_send(funcs.grow_async(1, Some(pointer.cast()), Some(&mut limiter)));
    assert_eq!(table_testkit::block_on(grow).unwrap(), Some(1));
    let mut externs = Table::new_dynamic(&extern_type, &tunables, None).unwrap();
    let externs = externs.as_gc_ref_mut().unwrap();
    let grow = assert_send(externs.grow_async(1, None, Some(&mut limiter), None));
    assert_eq!(table_testkit::block_on(grow).unwrap(), Some(1));
    let mut conts = Table::new_dynamic(&cont_type, &tunables, None).unwrap();
    let conts = conts.as_cont_mut().unwrap();
    let init = VMContObj::new(pointer.cast(), 3);
    let grow = assert_send(conts.grow_async(1, Some(init), Some(&mut limiter)));
    assert_eq!(table_testkit::block_on(grow).unwrap(), Some(1));
}
