//! The async entry points a runtime drives on a multi-threaded executor return `Send` futures
//! when the limiter is `Send`: creation in static memory (the memory pointer is carried inside)
//! and growth with funcref or continuation init values (encoded into slots first). A future that
//! held a raw pointer across its await would not compile here.
#![cfg(all(feature = "func", feature = "gc", feature = "cont"))]

mod support;

use std::future::Future;
use support::table_type;
use table_core::NoLimiter;
use table_core::testing::StaticMemory;
use table_facade::wasmtime_environ::{IndexType, Tunables, WasmHeapType};
use table_facade::{ContTable, FuncTable, GcRefTable, Table, VMContObj};

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

    // SAFETY: zeroed memory that outlives every table built in it; each table is dropped before
    // the next is built, and none is grown or written, so the memory stays zero.
    unsafe {
        let facade = assert_send(Table::new_static_async(
            &func_type,
            &tunables,
            memory.memory(),
            Some(&mut limiter),
        ));
        drop(table_core::testing::block_on(facade).unwrap());
        let func = assert_send(FuncTable::new_static_async(
            &func_type,
            true,
            memory.memory(),
            Some(&mut limiter),
        ));
        drop(table_core::testing::block_on(func).unwrap());
        let gc = assert_send(GcRefTable::new_static_async(
            &extern_type,
            memory.memory(),
            Some(&mut limiter),
        ));
        drop(table_core::testing::block_on(gc).unwrap());
        let cont = assert_send(ContTable::new_static_async(
            &cont_type,
            memory.memory(),
            Some(&mut limiter),
        ));
        drop(table_core::testing::block_on(cont).unwrap());
    }

    let mut funcs = FuncTable::new_dynamic(&func_type, true, None).unwrap();
    let grow = assert_send(funcs.grow_async(1, Some(pointer.cast()), Some(&mut limiter)));
    assert_eq!(table_core::testing::block_on(grow).unwrap(), Some(1));
    let mut conts = ContTable::new_dynamic(&cont_type, None).unwrap();
    let init = VMContObj::new(pointer.cast(), 3);
    let grow = assert_send(conts.grow_async(1, Some(init), Some(&mut limiter)));
    assert_eq!(table_core::testing::block_on(grow).unwrap(), Some(1));
}
