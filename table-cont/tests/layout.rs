//! The continuation reference's layout matches what `wasmtime-environ` tells compiled code.

mod support;

use core::mem::{offset_of, size_of};
use support::{Storage, cont};
use table_cont::table_core::TableElement;
use table_cont::table_core::wasmtime_environ::{HostPtr, PtrSize};
use table_cont::{ContSlot, VMContObj};

/// `(what, wasmtime-environ's number, ours)` for the host pointer size.
fn host_layout() -> [(&'static str, u8, usize); 3] {
    [
        (
            "contref offset",
            HostPtr.vmcontobj_contref(),
            offset_of!(VMContObj, contref),
        ),
        (
            "revision offset",
            HostPtr.vmcontobj_revision(),
            offset_of!(VMContObj, revision),
        ),
        ("size", HostPtr.size_of_vmcontobj(), size_of::<VMContObj>()),
    ]
}

#[test]
fn vmcontobj_layout_matches_wasmtime_environ_for_the_host() {
    for (what, environ, ours) in host_layout() {
        assert_eq!(usize::from(environ), ours, "{what}");
    }
}

#[test]
fn vmcontobj_layout_matches_wasmtime_environ_for_64_bit_targets() {
    let explicit = [
        8u8.vmcontobj_contref(),
        8u8.vmcontobj_revision(),
        8u8.size_of_vmcontobj(),
    ];
    assert_eq!(explicit, [0, 8, 16]);
    if cfg!(target_pointer_width = "64") {
        let host = host_layout().map(|(_, _, ours)| ours);
        assert_eq!(explicit.map(usize::from), host);
    }
}

#[test]
fn optional_vmcontobj_and_slot_are_as_large_as_vmcontobj() {
    assert_eq!(size_of::<Option<VMContObj>>(), size_of::<VMContObj>());
    assert_eq!(size_of::<ContSlot>(), size_of::<VMContObj>());
    assert_eq!(
        <ContSlot as TableElement>::SIZE,
        usize::from(HostPtr.size_of_vmcontobj())
    );
}

#[test]
fn all_zero_slot_is_none() {
    let zero: ContSlot = bytemuck::Zeroable::zeroed();
    assert_eq!(zero, <ContSlot as TableElement>::EMPTY);
    assert_eq!(ContSlot::default(), zero);
}

#[test]
fn stored_references_read_through_vmtable_as_pointer_then_revision() {
    for storage in support::BOTH {
        let mut fixture = support::new_fixture(storage, 3, Some(3));
        let value = cont(7, usize::MAX - 3);
        fixture.set(1, Some(value)).unwrap();
        let definition = fixture.vmtable();
        assert_eq!(definition.current_elements, 3);
        let words = definition.base.cast::<[usize; 2]>();
        // SAFETY: the table has 3 slots of two words each at `base`; slot 1 holds `Some`, so
        // both of its words are initialised, and slots 0 and 2 were never written (zeroed).
        let (first, second, third) =
            unsafe { (words.read(), words.add(1).read(), words.add(2).read()) };
        assert_eq!(first, [0, 0], "{storage:?}");
        assert_eq!(
            second,
            [value.contref.addr().get(), value.revision],
            "{storage:?}"
        );
        assert_eq!(third, [0, 0], "{storage:?}");
        assert_eq!(fixture.is_static(), storage == Storage::Static);
    }
}

#[test]
fn null_written_over_a_reference_zeroes_both_words() {
    for storage in support::BOTH {
        let mut fixture = support::new_fixture(storage, 3, Some(3));
        fixture.fill(0, Some(cont(3, 9)), 3).unwrap();
        fixture.set(0, None).unwrap();
        fixture.fill(1, None, 1).unwrap();
        fixture.init(2, &[None]).unwrap();
        let words = fixture.vmtable().base.cast::<[usize; 2]>();
        for slot in 0..3 {
            // SAFETY: the table has 3 slots of two initialised words each at `base`.
            let raw = unsafe { words.add(slot).read() };
            assert_eq!(raw, [0, 0], "{storage:?} slot {slot}");
        }
    }
}
