//! The facade's own behaviour: kind mapping, construction, dispatch and its typed errors. The
//! per-kind semantics are tested in each element crate and against Wasmtime in `differential.rs`.

use std::mem::size_of;
use table_facade::wasmtime_environ::{WasmHeapType, WasmRefType};
use table_facade::{FacadeError, NOMINAL_MAX_TABLE_ELEMENT_SIZE, Table, TableElementType};
use table_testkit::StaticMemory;

use table_testkit::{table_type, tunables};

#[test]
fn element_kind_follows_the_top_heap_type() {
    let cases = [
        (WasmHeapType::Func, TableElementType::Func),
        (WasmHeapType::NoFunc, TableElementType::Func),
        (WasmHeapType::Extern, TableElementType::GcRef),
        (WasmHeapType::NoExtern, TableElementType::GcRef),
        (WasmHeapType::Any, TableElementType::GcRef),
        (WasmHeapType::Eq, TableElementType::GcRef),
        (WasmHeapType::I31, TableElementType::GcRef),
        (WasmHeapType::None, TableElementType::GcRef),
        (WasmHeapType::Exn, TableElementType::GcRef),
        (WasmHeapType::Cont, TableElementType::Cont),
        (WasmHeapType::NoCont, TableElementType::Cont),
    ];
    for (heap_type, kind) in cases {
        let ref_type = WasmRefType {
            nullable: true,
            heap_type,
        };
        assert_eq!(TableElementType::of(&ref_type), kind, "{heap_type:?}");
    }
}

#[test]
fn element_sizes_and_the_nominal_maximum() {
    assert_eq!(TableElementType::Func.element_size(), size_of::<usize>());
    assert_eq!(TableElementType::GcRef.element_size(), 4);
    assert_eq!(
        TableElementType::Cont.element_size(),
        2 * size_of::<usize>()
    );
    // The larger of funcref and GC ref; continuations are left out on purpose.
    assert_eq!(NOMINAL_MAX_TABLE_ELEMENT_SIZE, size_of::<usize>());
}

#[test]
fn default_table_is_an_empty_funcref_table_that_cannot_grow() {
    #[cfg(feature = "func")]
    {
        use table_facade::{TableContext, TableValue};
        let mut table = Table::default();
        assert_eq!(table.element_type(), TableElementType::Func);
        assert_eq!(table.size(), 0);
        assert_eq!(table.maximum(), Some(0));
        let grown = table.grow(1, &TableValue::Func(None), None, &mut TableContext::new());
        assert_eq!(grown.unwrap(), None);
    }
}

#[test]
fn tables_of_every_enabled_kind_are_created_dynamic_and_static() {
    let kinds = [
        (WasmHeapType::Func, TableElementType::Func),
        (WasmHeapType::Extern, TableElementType::GcRef),
        (WasmHeapType::Cont, TableElementType::Cont),
    ];
    for (heap_type, kind) in kinds {
        let ty = table_type(heap_type, 3, Some(10));
        let dynamic = Table::new_dynamic(&ty, &tunables(true), None);
        let memory = StaticMemory::new(8 * kind.element_size(), 16);
        // SAFETY: zeroed memory that outlives the table and is used only through it.
        let static_table =
            unsafe { Table::new_static(&ty, &tunables(true), memory.memory(), None) };
        if !kind.is_enabled() {
            for result in [dynamic, static_table] {
                let error = result.unwrap_err();
                assert!(
                    matches!(error, FacadeError::KindDisabled { kind: k, feature } if k == kind && feature == kind.feature())
                );
                assert!(error.to_string().contains(kind.feature()));
            }
            continue;
        }
        let dynamic = dynamic.unwrap();
        assert_eq!(dynamic.element_type(), kind);
        assert_eq!((dynamic.size(), dynamic.maximum()), (3, Some(10)));
        assert!(!dynamic.is_static());
        let static_table = static_table.unwrap();
        assert_eq!(static_table.element_type(), kind);
        assert_eq!((static_table.size(), static_table.maximum()), (3, Some(8)));
        assert!(static_table.is_static());
        assert_eq!(static_table.bytes_held(), 8 * kind.element_size());
    }
}

#[test]
fn disabled_kind_is_refused_before_the_limiter_is_asked() {
    use table_testkit::{LimiterPolicy, RecordingLimiter};
    for heap_type in [WasmHeapType::Func, WasmHeapType::Extern, WasmHeapType::Cont] {
        let ty = table_type(heap_type, 1, None);
        let mut limiter = RecordingLimiter::new(LimiterPolicy::Allow);
        let result = Table::new_dynamic(&ty, &tunables(false), Some(&mut limiter));
        assert_eq!(result.is_ok(), !limiter.calls.is_empty(), "{heap_type:?}");
    }
}

#[test]
fn async_creation_matches_sync_creation() {
    use table_testkit::{LimiterPolicy, RecordingLimiter, block_on};
    for policy in [LimiterPolicy::Allow, LimiterPolicy::Refuse] {
        for heap_type in [WasmHeapType::Func, WasmHeapType::Extern, WasmHeapType::Cont] {
            let ty = table_type(heap_type, 2, Some(4));
            let mut sync_limiter = RecordingLimiter::new(policy);
            let mut async_limiter = RecordingLimiter::new(policy);
            let sync = Table::new_dynamic(&ty, &tunables(true), Some(&mut sync_limiter));
            let asynchronous = block_on(Table::new_dynamic_async(
                &ty,
                &tunables(true),
                Some(&mut async_limiter),
            ));
            assert_eq!(
                sync.as_ref().map(Table::size).map_err(ToString::to_string),
                asynchronous
                    .as_ref()
                    .map(Table::size)
                    .map_err(ToString::to_string)
            );
            assert_eq!(sync_limiter.calls, async_limiter.calls);
        }
    }
}

#[cfg(feature = "func")]
mod func {
    use super::*;
    use std::ptr::NonNull;
    use table_facade::wasmtime_environ::Trap;
    use table_facade::{ElementSegment, FuncRef, TableContext, TableValue};

    /// Stand-ins for `VMFuncRef`s: the tables never dereference them.
    fn funcs(count: usize) -> (Vec<[usize; 4]>, Vec<FuncRef>) {
        let mut records = vec![[0usize; 4]; count];
        let refs = records
            .iter_mut()
            .map(|record| NonNull::from(record).cast())
            .collect();
        (records, refs)
    }

    #[test]
    fn lazy_funcref_get_resolves_uninitialised_slots_through_the_context() {
        let (_records, f) = funcs(2);
        let ty = table_type(WasmHeapType::Func, 3, None);
        let mut table = Table::new_dynamic(&ty, &tunables(true), None).unwrap();
        let error = table.get(1, &mut TableContext::new()).unwrap_err();
        assert!(
            error.to_string().contains("slot 1 is not initialised"),
            "{error}"
        );
        let mut calls = Vec::new();
        let mut resolve = |index: u64| {
            calls.push(index);
            Some(f[0])
        };
        let value = table
            .get(1, &mut TableContext::new().with_func_resolver(&mut resolve))
            .unwrap();
        assert_eq!(value, TableValue::Func(Some(f[0])));
        // Written back: no resolver needed any more.
        assert_eq!(
            table.get(1, &mut TableContext::new()).unwrap(),
            TableValue::Func(Some(f[0]))
        );
        assert_eq!(calls, [1]);
    }

    #[test]
    fn copy_out_of_a_lazy_table_without_resolver_fails_on_uninitialised_slots() {
        let (_records, f) = funcs(1);
        let ty = table_type(WasmHeapType::Func, 4, None);
        let mut table = Table::new_dynamic(&ty, &tunables(true), None).unwrap();
        let mut cx = TableContext::new();
        table
            .set(0, &TableValue::Func(Some(f[0])), &mut cx)
            .unwrap();
        table.set(1, &TableValue::Func(None), &mut cx).unwrap();
        // Initialised source range: no resolver needed.
        table.copy_within(2, 0, 2, &mut cx).unwrap();
        assert_eq!(table.get(2, &mut cx).unwrap(), TableValue::Func(Some(f[0])));
        let other = Table::new_dynamic(&ty, &tunables(true), None).unwrap();
        let error = Table::copy(&mut table, &other, 0, 0, 2, &mut cx).unwrap_err();
        assert!(
            error.to_string().contains("slot 0 is not initialised"),
            "{error}"
        );
        assert_eq!(table.get(0, &mut cx).unwrap(), TableValue::Func(Some(f[0])));
    }

    #[test]
    fn a_shared_read_resolves_a_lazy_slot_without_writing_it_back() {
        let (_records, f) = funcs(1);
        let ty = table_type(WasmHeapType::Func, 2, None);
        let table = Table::new_dynamic(&ty, &tunables(true), None).unwrap();
        let shared = &table;
        let mut resolve = |_: u64| Some(f[0]);
        let mut cx = TableContext::new().with_func_resolver(&mut resolve);
        assert_eq!(
            shared.read(1, &mut cx).unwrap(),
            TableValue::Func(Some(f[0]))
        );
        assert_eq!(
            table.as_func().unwrap().first_uninitialized(0, 2).unwrap(),
            Some(0)
        );
        assert_eq!(
            table.as_func().unwrap().first_uninitialized(1, 1).unwrap(),
            Some(1)
        );
        let error = shared.read(0, &mut TableContext::new()).unwrap_err();
        assert!(
            error.to_string().contains("slot 0 is not initialised"),
            "{error}"
        );
        assert!(shared.read(2, &mut TableContext::new()).is_err());
    }

    #[test]
    fn a_copy_reads_its_source_only_and_copies_uninitialised_slots_as_resolved() {
        let (_records, f) = funcs(4);
        let ty = table_type(WasmHeapType::Func, 4, None);
        for dst_lazy in [true, false] {
            let mut src = Table::new_dynamic(&ty, &tunables(true), None).unwrap();
            let mut cx = TableContext::new();
            src.set(1, &TableValue::Func(Some(f[1])), &mut cx).unwrap();
            let mut dst = Table::new_dynamic(&ty, &tunables(dst_lazy), None).unwrap();
            // Source index -> its initial element.
            let mut resolve = |index: u64| Some(f[index as usize]);
            let mut cx = TableContext::new().with_func_resolver(&mut resolve);
            let source = &src;
            Table::copy(&mut dst, source, 1, 0, 3, &mut cx).unwrap();
            let copied: Vec<_> = (1..4).map(|i| dst.read(i, &mut cx).unwrap()).collect();
            let expected = [f[0], f[1], f[2]].map(|func| TableValue::Func(Some(func)));
            assert_eq!(copied, expected, "destination lazy: {dst_lazy}");
            // The source kept its uninitialised slots.
            let funcs = src.as_func().unwrap();
            assert_eq!(funcs.first_uninitialized(0, 4).unwrap(), Some(0));
            assert_eq!(funcs.first_uninitialized(1, 3).unwrap(), Some(2));
            // A trap on the destination comes first, and resolves nothing.
            let mut calls = 0;
            let mut counting = |_: u64| {
                calls += 1;
                None
            };
            let mut cx = TableContext::new().with_func_resolver(&mut counting);
            let error = Table::copy(&mut dst, &src, 2, 0, 3, &mut cx).unwrap_err();
            assert_eq!(error.as_trap(), Some(Trap::TableOutOfBounds));
            assert_eq!(calls, 0);
        }
    }

    #[test]
    fn with_initialized_sources_copies_move_funcref_words_as_they_are() {
        let (_records, f) = funcs(1);
        let ty = table_type(WasmHeapType::Func, 4, None);
        let mut table = Table::new_dynamic(&ty, &tunables(true), None).unwrap();
        let mut cx = TableContext::new();
        table
            .set(0, &TableValue::Func(Some(f[0])), &mut cx)
            .unwrap();
        // Without the promise, an uninitialised source slot needs a resolver.
        assert!(table.copy_within(2, 0, 2, &mut cx).is_err());
        // With it, the words move: slot 1's uninitialised word lands in slot 3.
        let mut cx = TableContext::new().with_initialized_sources();
        table.copy_within(2, 0, 2, &mut cx).unwrap();
        let funcs = table.as_func().unwrap();
        assert_eq!(funcs.first_uninitialized(2, 2).unwrap(), Some(3));
        assert_eq!(
            table.read(2, &mut cx).unwrap(),
            TableValue::Func(Some(f[0]))
        );
        let other = Table::new_dynamic(&ty, &tunables(true), None).unwrap();
        Table::copy(&mut table, &other, 0, 0, 1, &mut cx).unwrap();
        assert_eq!(
            table.as_func().unwrap().first_uninitialized(0, 1).unwrap(),
            Some(0)
        );
    }

    #[test]
    fn values_of_another_kind_are_refused() {
        let ty = table_type(WasmHeapType::Func, 2, None);
        let mut table = Table::new_dynamic(&ty, &tunables(false), None).unwrap();
        #[cfg(feature = "cont")]
        {
            let mut cx = TableContext::new();
            let cont = TableValue::Cont(None);
            let error = table.set(0, &cont, &mut cx).unwrap_err();
            assert_eq!(
                error.to_string(),
                "a continuation value cannot be stored in a funcref table"
            );
            assert!(table.fill(0, &cont, 1, &mut cx).is_err());
            assert!(table.grow(1, &cont, None, &mut cx).is_err());
            assert!(
                table
                    .init(
                        0,
                        ElementSegment::Cont(&[<table_facade::ContSlot as table_facade::table_core::TableElement>::EMPTY]),
                        &mut cx
                    )
                    .is_err()
            );
            assert_eq!(table.size(), 2);
        }
        let _ = (&mut table, ElementSegment::Func(&[]));
        assert!(table.as_func().is_ok());
        #[cfg(feature = "gc")]
        assert!(matches!(
            table.as_gc_ref_mut(),
            Err(FacadeError::WrongTableKind {
                requested: TableElementType::GcRef,
                actual: TableElementType::Func
            })
        ));
    }

    #[test]
    fn funcref_operations_dispatch_to_the_funcref_table() {
        let (_records, f) = funcs(3);
        let ty = table_type(WasmHeapType::Func, 2, Some(8));
        let mut table = Table::new_dynamic(&ty, &tunables(false), None).unwrap();
        let mut cx = TableContext::new();
        assert_eq!(
            table
                .grow(2, &TableValue::Func(Some(f[0])), None, &mut cx)
                .unwrap(),
            Some(2)
        );
        table
            .fill(0, &TableValue::Func(Some(f[1])), 1, &mut cx)
            .unwrap();
        table
            .init(1, ElementSegment::Func(&[Some(f[2]), None]), &mut cx)
            .unwrap();
        table.copy_within(0, 2, 2, &mut cx).unwrap();
        let contents: Vec<_> = (0..4).map(|i| table.get(i, &mut cx).unwrap()).collect();
        let expected = [None, Some(f[0]), None, Some(f[0])];
        assert_eq!(contents, expected.map(TableValue::Func));
        let trap = table.get(4, &mut cx).unwrap_err();
        assert_eq!(
            trap.as_trap(),
            Some(table_facade::wasmtime_environ::Trap::TableOutOfBounds)
        );
    }

    #[test]
    fn vmtable_is_refreshed_after_grow() {
        let ty = table_type(WasmHeapType::Func, 1, None);
        let mut table = Table::new_dynamic(&ty, &tunables(true), None).unwrap();
        let before = table.vmtable();
        table
            .grow(
                1000,
                &TableValue::Func(None),
                None,
                &mut TableContext::new(),
            )
            .unwrap();
        let after = table.vmtable();
        assert_eq!((before.current_elements, after.current_elements), (1, 1001));
        let slots = table.as_func_mut().unwrap().vmtable();
        assert_eq!(slots.base, after.base);
    }
}

#[cfg(feature = "gc")]
mod gc {
    use super::*;
    use table_facade::table_gcref::testing::CountingStore;
    use table_facade::{GcStore, TableContext, TableValue, VMGcRef};

    #[test]
    fn gc_operations_go_through_the_store_and_leak_nothing() {
        let mut store = CountingStore::new();
        let object = store.allocate();
        let ty = table_type(WasmHeapType::Extern, 3, None);
        let mut table = Table::new_dynamic(&ty, &tunables(false), None).unwrap();
        {
            let mut cx = TableContext::new().with_gc_store(&mut store);
            let value = TableValue::GcRef(Some(object.unchecked_copy()));
            table.fill(0, &value, 3, &mut cx).unwrap();
            table.copy_within(1, 0, 2, &mut cx).unwrap();
            let read = table.get(2, &mut cx).unwrap();
            assert_eq!(read, value);
            let TableValue::GcRef(Some(read)) = read else {
                unreachable!()
            };
            let mut roots = 0;
            table.visit_gc_roots(&mut |_: &mut VMGcRef| roots += 1);
            assert_eq!(roots, 3);
            table.fill(0, &TableValue::GcRef(None), 3, &mut cx).unwrap();
            GcStore::drop_gc_ref(&mut store, read);
        }
        GcStore::drop_gc_ref(&mut store, object);
        store.verify().unwrap();
    }

    #[test]
    fn heap_references_without_a_store_are_a_typed_error() {
        let mut store = CountingStore::new();
        let object = store.allocate();
        let ty = table_type(WasmHeapType::Any, 1, None);
        let mut table = Table::new_dynamic(&ty, &tunables(false), None).unwrap();
        let error = table
            .set(
                0,
                &TableValue::GcRef(Some(object.unchecked_copy())),
                &mut TableContext::new(),
            )
            .unwrap_err();
        assert!(error.to_string().contains("needs a GC store"), "{error}");
        GcStore::drop_gc_ref(&mut store, object);
        store.verify().unwrap();
    }

    #[cfg(feature = "func")]
    #[test]
    fn copy_between_kinds_is_a_typed_error() {
        let mut funcs = Table::new_dynamic(
            &table_type(WasmHeapType::Func, 2, None),
            &tunables(false),
            None,
        )
        .unwrap();
        let externs = Table::new_dynamic(
            &table_type(WasmHeapType::Extern, 2, None),
            &tunables(false),
            None,
        )
        .unwrap();
        let error =
            Table::copy(&mut funcs, &externs, 0, 0, 1, &mut TableContext::new()).unwrap_err();
        assert!(matches!(
            error,
            FacadeError::CopyBetweenKinds {
                dst: TableElementType::Func,
                src: TableElementType::GcRef
            }
        ));
    }
}
