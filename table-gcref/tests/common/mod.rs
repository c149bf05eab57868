//! Helpers shared by this crate's integration tests: tables over either storage, values of each
//! barrier class, and reference-count checks against a `CountingStore`.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

pub use table_core::TableLimits;
use table_core::wasmtime_environ::{Table, WasmHeapType};
use table_gcref::testing::CountingStore;
use table_gcref::{GcRefTable, GcStore, I31, VMGcRef};
use table_testkit::Fixture;

pub use table_testkit::StorageKind as Storage;

/// Both storages, for tests that run on each.
pub const STORAGES: [Storage; 2] = Storage::BOTH;

/// An `externref` table type.
pub fn externref_table(min: u64, max: Option<u64>) -> Table {
    table_testkit::table_type(WasmHeapType::Extern, min, max)
}

/// A GC-reference table with the static memory it may live in.
pub type TestTable = Fixture<GcRefTable>;

/// A table of `min` null slots that can grow to `max` (the static capacity, for static storage).
pub fn new_table(storage: Storage, min: u64, max: u64) -> TestTable {
    new_table_with(storage, min, max, false)
}

/// [`new_table`] with or without a heap-reference summary.
pub fn new_table_with(storage: Storage, min: u64, max: u64, summary: bool) -> TestTable {
    let limits = TableLimits::new(min as usize, Some(max as usize));
    let wrap = if summary {
        GcRefTable::with_heap_summary
    } else {
        GcRefTable::from_storage
    };
    Fixture::new(storage, limits, max as usize, wrap)
}

/// The three classes of value the barrier distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// The null reference.
    Null,
    /// An unboxed `i31ref`.
    I31,
    /// A reference to a heap object.
    Heap,
}

/// Every class, for table-driven barrier tests.
pub const CLASSES: [Class; 3] = [Class::Null, Class::I31, Class::Heap];

/// A value of `class`; a heap value is freshly allocated, with its one count owned by the test.
pub fn value_of(class: Class, store: &mut CountingStore) -> Option<VMGcRef> {
    match class {
        Class::Null => None,
        Class::I31 => Some(VMGcRef::from_i31(I31::wrapping_u32(42))),
        Class::Heap => Some(store.allocate()),
    }
}

/// The raw bits of every slot (0 is null).
pub fn raw_slots(table: &GcRefTable) -> Vec<u32> {
    (0..table.size() as u64)
        .map(|index| raw(table.get(index).expect("in bounds")))
        .collect()
}

/// The raw bits of a value (0 is null).
pub fn raw(value: Option<&VMGcRef>) -> u32 {
    value.map_or(0, VMGcRef::as_raw_u32)
}

/// Fills `table` with `values` through the store.
pub fn load(table: &mut GcRefTable, values: &[Option<&VMGcRef>], store: &mut CountingStore) {
    for (index, value) in values.iter().enumerate() {
        table
            .set(index as u64, *value, Some(store))
            .expect("set in bounds with a store");
    }
}

/// Asserts that each heap reference in `held` (references the test owns one count of) has a live
/// count of one plus the number of slots of `tables` holding it.
pub fn assert_counts(store: &CountingStore, held: &[&VMGcRef], tables: &[&GcRefTable]) {
    for gc_ref in held.iter().filter(|gc_ref| gc_ref.is_heap()) {
        let in_tables = tables
            .iter()
            .flat_map(|table| raw_slots(table))
            .filter(|&bits| bits == gc_ref.as_raw_u32())
            .count() as u64;
        assert_eq!(
            store.live_count(gc_ref),
            1 + in_tables,
            "count of {gc_ref:?} (held once, in {in_tables} slots)"
        );
    }
    assert!(store.violations().is_empty(), "{:?}", store.violations());
}

/// Empties `tables` through the store, releases `held`, and checks that nothing leaked and no
/// reference was dropped twice.
pub fn release_all(store: &mut CountingStore, held: Vec<VMGcRef>, tables: &mut [&mut GcRefTable]) {
    for table in tables.iter_mut() {
        let size = table.size() as u64;
        table
            .fill(0, None, size, Some(store))
            .expect("clearing a table with a store");
    }
    for gc_ref in held.into_iter().filter(VMGcRef::is_heap) {
        store.drop_gc_ref(gc_ref);
    }
    store.verify().expect("no leaks and no double drops");
}

/// Runs `copy_within(dst, src, len)` with the store on `table`, whose heap references are all
/// among `heaps` (the test owns one count of each), and checks the bits against `memmove`, every
/// count against the store, and that emptying the table then leaks nothing and drops nothing
/// twice. `case` names the situation in failure messages.
pub fn check_copy_within_like_memmove(
    table: &mut GcRefTable,
    store: &mut CountingStore,
    heaps: Vec<VMGcRef>,
    [dst, src, len]: [u64; 3],
    case: &str,
) {
    let mut expected = raw_slots(table);
    expected.copy_within(src as usize..(src + len) as usize, dst as usize);

    table.copy_within(dst, src, len, Some(store)).unwrap();

    assert_eq!(raw_slots(table), expected, "{case}");
    let held: Vec<&VMGcRef> = heaps.iter().collect();
    assert_counts(store, &held, &[table]);
    release_all(store, heaps, &mut [table]);
}
