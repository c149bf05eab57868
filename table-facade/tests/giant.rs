//! Giant tables: creation costs no per-slot writes and no touched pages, and a table that cannot
//! be allocated is an error value, not an abort.

mod support;

use support::{FLAVOURS, table_type, tunables};
use table_core::TableError;
use table_facade::wasmtime_environ::IndexType;
use table_facade::{FacadeError, Table, TableElementType};
use table_testkit::resident_bytes;

#[test]
fn table64_of_2_pow_40_elements_fails_with_an_allocation_error() {
    for (flavour, heap_type, lazy) in FLAVOURS {
        let ty = table_type(heap_type, IndexType::I64, 1 << 40, None);
        let size = TableElementType::of(&ty.ref_type).element_size();
        let error = Table::new_dynamic(&ty, &tunables(lazy), None).unwrap_err();
        assert!(
            matches!(error, FacadeError::Core(TableError::OutOfMemory { bytes }) if bytes == size << 40),
            "{flavour}: {error}"
        );
    }
}

#[test]
fn hundred_million_element_tables_are_created_without_touching_memory() {
    const ELEMENTS: u64 = 100_000_000;
    for (flavour, heap_type, lazy) in FLAVOURS {
        let ty = table_type(heap_type, IndexType::I32, ELEMENTS, None);
        let before = resident_bytes();
        let table = Table::new_dynamic(&ty, &tunables(lazy), None).unwrap();
        let grown = resident_bytes().saturating_sub(before);
        assert!(
            grown < 16 << 20,
            "{flavour}: creation made {grown} bytes resident"
        );
        assert_eq!(table.size(), ELEMENTS as usize);

        // Every slot is the all-zero empty element.
        let definition = table.vmtable();
        // SAFETY: `base` points at the table's `bytes_held()` bytes of initialised slots (the
        // capacity equals the size here), and the table is not otherwise borrowed while the
        // slice lives.
        let bytes =
            unsafe { std::slice::from_raw_parts(definition.base.cast_const(), table.bytes_held()) };
        let zeros = vec![0u8; 1 << 20];
        assert!(
            bytes
                .chunks(zeros.len())
                .all(|chunk| chunk == &zeros[..chunk.len()]),
            "{flavour}: a slot is not empty"
        );
    }
}
