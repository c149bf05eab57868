//! Runtime values: what lives on the operand stack, in locals and globals, and what scripts pass
//! in and expect back.

use wasmtime_environ::wasmparser::{RefType, ValType};

use crate::types::{RefTop, TypeScope};

/// The store-wide address of a function instance.
pub type FuncAddr = usize;

/// A reference value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ref {
    /// A null reference of the hierarchy with the given top.
    Null(RefTop),
    /// A function.
    Func(FuncAddr),
    /// A host value, written `ref.extern N` in scripts.
    Extern(u32),
}

impl Ref {
    /// Whether this is a null reference.
    pub fn is_null(self) -> bool {
        matches!(self, Ref::Null(_))
    }
}

/// A WebAssembly value. Floats are kept as bits so NaN payloads survive untouched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Val {
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// An `f32`, as its bits.
    F32(u32),
    /// An `f64`, as its bits.
    F64(u64),
    /// A `v128`.
    V128(u128),
    /// A reference.
    Ref(Ref),
}

impl Val {
    /// The default (zero or null) value of a type, as locals and tables start out.
    pub fn default_of(ty: ValType, types: &TypeScope<'_>) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::V128 => Val::V128(0),
            ValType::Ref(ty) => Val::Ref(Ref::Null(RefTop::of_heap(ty.heap_type(), types))),
        }
    }

    /// Whether the value can be passed where `ty` is expected (references are checked by
    /// hierarchy only).
    pub fn has_type(&self, ty: ValType) -> bool {
        matches!(
            (self, ty),
            (Val::I32(_), ValType::I32)
                | (Val::I64(_), ValType::I64)
                | (Val::F32(_), ValType::F32)
                | (Val::F64(_), ValType::F64)
                | (Val::V128(_), ValType::V128)
                | (Val::Ref(_), ValType::Ref(_))
        )
    }

    /// A short description for reports, e.g. `i32:7` or `ref.extern 3`.
    pub fn describe(&self) -> String {
        match self {
            Val::I32(v) => format!("i32:{v}"),
            Val::I64(v) => format!("i64:{v}"),
            Val::F32(v) => format!("f32:{}", f32::from_bits(*v)),
            Val::F64(v) => format!("f64:{}", f64::from_bits(*v)),
            Val::V128(v) => format!("v128:{v:#x}"),
            Val::Ref(Ref::Null(top)) => format!("ref.null {top:?}"),
            Val::Ref(Ref::Func(addr)) => format!("ref.func #{addr}"),
            Val::Ref(Ref::Extern(host)) => format!("ref.extern {host}"),
        }
    }
}

/// The null a reference type's values default to.
pub fn null_of(ty: RefType, types: &TypeScope<'_>) -> Ref {
    Ref::Null(RefTop::of_heap(ty.heap_type(), types))
}
