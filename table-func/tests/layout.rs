//! `VMFuncRef` and the slot word have the layout `wasmtime-environ` tells compiled code.

use core::mem::{align_of, size_of};
use memoffset::offset_of;
use table_core::TableElement;
use table_func::{FuncSlot, VMFuncRef};
use wasmtime_environ::{FUNCREF_INIT_BIT, FUNCREF_MASK, HostPtr, PtrSize};

/// Offsets of `VMFuncRef`'s fields and its size, as `#[repr(C)]` lays out our field list
/// (array_call: pointer, wasm_call: pointer, type_index: u32, vmctx: pointer) for a target with
/// `pointer`-byte pointers.
fn repr_c_layout(pointer: usize) -> ([usize; 4], usize) {
    let fields = [
        (pointer, pointer),
        (pointer, pointer),
        (4, 4),
        (pointer, pointer),
    ];
    let mut offsets = [0; 4];
    let mut end: usize = 0;
    let mut align: usize = 1;
    for (offset, (size, field_align)) in offsets.iter_mut().zip(fields) {
        *offset = end.next_multiple_of(field_align);
        end = *offset + size;
        align = align.max(field_align);
    }
    (offsets, end.next_multiple_of(align))
}

/// The offsets and size `wasmtime-environ` gives for `VMFuncRef`.
fn environ_layout(ptr: &impl PtrSize) -> ([usize; 4], usize) {
    (
        [
            ptr.vm_func_ref_array_call().into(),
            ptr.vm_func_ref_wasm_call().into(),
            ptr.vm_func_ref_type_index().into(),
            ptr.vm_func_ref_vmctx().into(),
        ],
        ptr.size_of_vm_func_ref().into(),
    )
}

#[test]
fn vm_func_ref_matches_environ_for_the_host() {
    let actual = (
        [
            offset_of!(VMFuncRef, array_call),
            offset_of!(VMFuncRef, wasm_call),
            offset_of!(VMFuncRef, type_index),
            offset_of!(VMFuncRef, vmctx),
        ],
        size_of::<VMFuncRef>(),
    );
    assert_eq!(actual, environ_layout(&HostPtr));
    assert_eq!(usize::from(HostPtr.size()), align_of::<VMFuncRef>());
}

#[test]
fn field_list_matches_environ_for_4_and_8_byte_pointers() {
    assert_eq!(repr_c_layout(4), environ_layout(&4u8));
    assert_eq!(repr_c_layout(8), environ_layout(&8u8));
}

#[test]
fn field_list_model_agrees_with_the_compiler_on_the_host() {
    let host = repr_c_layout(size_of::<usize>());
    let actual = [
        offset_of!(VMFuncRef, array_call),
        offset_of!(VMFuncRef, wasm_call),
        offset_of!(VMFuncRef, type_index),
        offset_of!(VMFuncRef, vmctx),
    ];
    assert_eq!(host, (actual, size_of::<VMFuncRef>()));
}

#[test]
fn slot_is_one_pointer_and_tag_fits_below_record_alignment() {
    assert_eq!(FuncSlot::SIZE, usize::from(HostPtr.size()));
    assert_eq!(size_of::<FuncSlot>(), size_of::<*mut VMFuncRef>());
    assert_eq!(align_of::<FuncSlot>(), align_of::<*mut VMFuncRef>());
    assert_eq!(FUNCREF_INIT_BIT & FUNCREF_MASK, 0);
    assert!(FUNCREF_INIT_BIT < align_of::<VMFuncRef>());
}
