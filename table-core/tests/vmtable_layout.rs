//! The table definition's layout matches what `wasmtime-environ` tells compiled code.

use std::mem::{offset_of, size_of};
use table_core::VMTableDefinition;
use table_core::wasmtime_environ::{HostPtr, VMOffsets, VMOffsetsFields};

#[test]
fn vmtable_layout_matches_wasmtime_environ_offsets() {
    let offsets = VMOffsets::from(VMOffsetsFields {
        ptr: HostPtr,
        num_imported_functions: 0,
        num_imported_tables: 0,
        num_imported_memories: 0,
        num_imported_globals: 0,
        num_imported_tags: 0,
        num_defined_tables: 0,
        num_defined_memories: 0,
        num_owned_memories: 0,
        num_defined_globals: 0,
        num_defined_tags: 0,
        num_escaped_funcs: 0,
    });
    assert_eq!(
        usize::from(offsets.vmtable_definition_base()),
        offset_of!(VMTableDefinition, base)
    );
    assert_eq!(
        usize::from(offsets.vmtable_definition_current_elements()),
        offset_of!(VMTableDefinition, current_elements)
    );
    assert_eq!(
        usize::from(offsets.size_of_vmtable_definition()),
        size_of::<VMTableDefinition>()
    );
}
