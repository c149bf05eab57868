//! The runner's table layer on table-facade: definitions follow growth, and the GC store's
//! reference counts follow the table slots that hold host values.

use table_spec::tables::Tables;
use table_spec::types::RefTop;
use table_spec::types::TypeRegistry;
use table_spec::value::Ref;
use wasmtime_environ::wasmparser::{RefType, TableType};

fn externref_table(initial: u64, maximum: Option<u64>) -> TableType {
    TableType {
        element_type: RefType::EXTERNREF,
        table64: false,
        initial,
        maximum,
        shared: false,
    }
}

#[test]
fn size_follows_the_definition_refreshed_after_every_grow() {
    let mut tables = Tables::new(true);
    let t = tables
        .create(
            externref_table(1, Some(3)),
            &TypeRegistry::default(),
            RefTop::Extern,
            Ref::Null(RefTop::Extern),
        )
        .unwrap();
    assert_eq!(tables.size(t), 1);
    assert_eq!(tables.grow(t, 2, Ref::Extern(4)).unwrap(), Some(1));
    assert_eq!(tables.size(t), 3);
    assert_eq!(tables.grow(t, 1, Ref::Null(RefTop::Extern)).unwrap(), None);
    assert_eq!(tables.size(t), 3);
    assert_eq!(tables.get(t, 2).unwrap(), Ref::Extern(4));
}

#[test]
fn host_objects_live_exactly_while_table_slots_hold_them() {
    let mut tables = Tables::new(true);
    let registry = TypeRegistry::default();
    let a = tables
        .create(
            externref_table(4, None),
            &registry,
            RefTop::Extern,
            Ref::Null(RefTop::Extern),
        )
        .unwrap();
    let b = tables
        .create(
            externref_table(4, None),
            &registry,
            RefTop::Extern,
            Ref::Extern(9),
        )
        .unwrap();
    tables.set(a, 0, Ref::Extern(1)).unwrap();
    tables.fill(a, 1, Ref::Extern(2), 3).unwrap();
    tables.copy(b, a, 0, 0, 2).unwrap();
    tables.copy(a, a, 2, 0, 2).unwrap();
    tables.init(b, 3, &[Ref::Extern(3)]).unwrap();
    assert_eq!(tables.get(b, 1).unwrap(), Ref::Extern(2));
    assert_eq!(tables.get(a, 3).unwrap(), Ref::Extern(2));
    tables.check_heap().unwrap();
    assert_eq!(tables.live_host_objects(), 4);

    tables.fill(a, 0, Ref::Null(RefTop::Extern), 4).unwrap();
    tables.fill(b, 0, Ref::Null(RefTop::Extern), 4).unwrap();
    tables.check_heap().unwrap();
    assert_eq!(tables.live_host_objects(), 0);
}

#[test]
fn a_failing_operation_changes_no_reference_count() {
    let mut tables = Tables::new(false);
    let t = tables
        .create(
            externref_table(2, None),
            &TypeRegistry::default(),
            RefTop::Extern,
            Ref::Extern(1),
        )
        .unwrap();
    assert!(tables.fill(t, 1, Ref::Extern(2), 2).is_err());
    assert!(tables.set(t, 2, Ref::Extern(2)).is_err());
    assert!(
        tables
            .init(t, 1, &[Ref::Extern(2), Ref::Extern(3)])
            .is_err()
    );
    tables.check_heap().unwrap();
    assert_eq!(tables.live_host_objects(), 1);
    assert_eq!(tables.get(t, 1).unwrap(), Ref::Extern(1));
}
