//! `VMGcRef` and `I31`: the bit representation of null, `i31ref` and heap references, and its
//! agreement with what `wasmtime-environ` tells compiled code.

use std::mem::size_of;
use table_core::wasmtime_environ::{
    I31_DISCRIMINANT, WasmRefType, WasmStorageType, WasmValType, byte_size_of_wasm_ty_in_gc_heap,
};
use table_gcref::{GcRefSlot, GcTableError, I31, VMGcRef};

#[test]
fn zero_is_null_and_non_zero_bits_are_references() {
    assert_eq!(VMGcRef::from_raw_u32(0), None);
    assert_eq!(VMGcRef::from_raw_u32(6).map(|r| r.as_raw_u32()), Some(6));
    assert_eq!(size_of::<Option<VMGcRef>>(), 4);
}

#[test]
fn odd_bits_are_i31_and_even_bits_are_heap_references() {
    let odd = VMGcRef::from_raw_u32(0x11).unwrap();
    let even = VMGcRef::from_raw_u32(0x10).unwrap();

    assert!(odd.is_i31() && !odd.is_heap());
    assert!(even.is_heap() && !even.is_i31());
    assert_eq!(odd.as_i31(), Some(I31::wrapping_u32(8)));
    assert_eq!(odd.as_heap_index(), None);
    assert_eq!(even.as_heap_index().map(|index| index.get()), Some(0x10));
    assert_eq!(even.as_i31(), None);
}

#[test]
fn i31_payload_lives_in_the_upper_31_bits() {
    let cases: [(u32, u32); 4] = [
        (0, 1),
        (1, 3),
        (I31::MAX_U32, u32::MAX),
        // The top bit of the input does not fit and is dropped.
        (u32::MAX, u32::MAX),
    ];
    for (input, raw) in cases {
        let gc_ref = VMGcRef::from_i31(I31::wrapping_u32(input));
        assert_eq!(gc_ref.as_raw_u32(), raw, "{input:#x}");
        assert_eq!(
            gc_ref.as_i31().map(I31::get_u32),
            Some(input & I31::MAX_U32)
        );
    }
}

#[test]
fn i31_reads_back_sign_extended_or_zero_extended() {
    let cases: [(i32, i32, u32); 5] = [
        (0, 0, 0),
        (-1, -1, 0x7fff_ffff),
        (0x3fff_ffff, 0x3fff_ffff, 0x3fff_ffff),
        (0x4000_0000, -0x4000_0000, 0x4000_0000),
        (i32::MIN, 0, 0),
    ];
    for (input, signed, unsigned) in cases {
        let value = VMGcRef::from_i31(I31::wrapping_i32(input))
            .as_i31()
            .unwrap();
        assert_eq!(
            (value.get_i32(), value.get_u32()),
            (signed, unsigned),
            "{input}"
        );
    }
}

#[test]
fn heap_indices_must_be_even_and_non_zero() {
    assert_eq!(VMGcRef::from_heap_index(8).unwrap().as_raw_u32(), 8);
    for index in [0, 7] {
        let error = VMGcRef::from_heap_index(index).unwrap_err();
        assert!(matches!(error, GcTableError::InvalidHeapIndex { index: i } if i == index));
    }
    assert_eq!(
        VMGcRef::from_heap_index(7).unwrap_err().to_string(),
        "0x7 is not a GC heap index: heap indices are even and non-zero"
    );
}

#[test]
fn unchecked_copy_has_the_same_bits() {
    let gc_ref = VMGcRef::from_heap_index(0x40).unwrap();

    let copy = gc_ref.unchecked_copy();

    assert_eq!(copy, gc_ref);
}

#[test]
fn debug_output_names_the_kind() {
    assert_eq!(
        format!("{:?}", VMGcRef::from_i31(I31::wrapping_u32(5))),
        "VMGcRef::I31(5)"
    );
    assert_eq!(
        format!("{:?}", VMGcRef::from_heap_index(0x20).unwrap()),
        "VMGcRef::Heap(0x20)"
    );
}

#[test]
fn slot_layout_matches_wasmtime_environ() {
    let gc_ref_in_heap = byte_size_of_wasm_ty_in_gc_heap(&WasmStorageType::Val(WasmValType::Ref(
        WasmRefType::EXTERNREF,
    )));
    assert_eq!(size_of::<GcRefSlot>() as u32, gc_ref_in_heap);
    assert_eq!(size_of::<Option<VMGcRef>>() as u32, gc_ref_in_heap);
    let i31 = VMGcRef::from_i31(I31::wrapping_u32(0x1234));
    assert_eq!(i31.as_raw_u32() & I31_DISCRIMINANT, I31_DISCRIMINANT);
    let heap = VMGcRef::from_heap_index(0x1234).unwrap();
    assert_eq!(heap.as_raw_u32() & I31_DISCRIMINANT, 0);
}
