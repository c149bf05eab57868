//! The runner's instruction set: WebAssembly operators with their immediates resolved (branch
//! targets as instruction positions, block arities as counts, null types as hierarchy tops).

use crate::types::RefTop;

/// Integer unary operators (`i32.*` and `i64.*` share the list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntUnary {
    /// `clz`
    Clz,
    /// `ctz`
    Ctz,
    /// `popcnt`
    Popcnt,
    /// `extend8_s`
    Extend8S,
    /// `extend16_s`
    Extend16S,
    /// `extend32_s` (`i64` only)
    Extend32S,
}

/// Integer binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntBinary {
    /// `add`
    Add,
    /// `sub`
    Sub,
    /// `mul`
    Mul,
    /// `div_s`
    DivS,
    /// `div_u`
    DivU,
    /// `rem_s`
    RemS,
    /// `rem_u`
    RemU,
    /// `and`
    And,
    /// `or`
    Or,
    /// `xor`
    Xor,
    /// `shl`
    Shl,
    /// `shr_s`
    ShrS,
    /// `shr_u`
    ShrU,
    /// `rotl`
    Rotl,
    /// `rotr`
    Rotr,
}

/// Integer comparisons, including `eqz`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntCompare {
    /// `eqz` (unary)
    Eqz,
    /// `eq`
    Eq,
    /// `ne`
    Ne,
    /// `lt_s`
    LtS,
    /// `lt_u`
    LtU,
    /// `gt_s`
    GtS,
    /// `gt_u`
    GtU,
    /// `le_s`
    LeS,
    /// `le_u`
    LeU,
    /// `ge_s`
    GeS,
    /// `ge_u`
    GeU,
}

/// Float unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatUnary {
    /// `abs`
    Abs,
    /// `neg`
    Neg,
    /// `ceil`
    Ceil,
    /// `floor`
    Floor,
    /// `trunc`
    Trunc,
    /// `nearest`
    Nearest,
    /// `sqrt`
    Sqrt,
}

/// Float binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatBinary {
    /// `add`
    Add,
    /// `sub`
    Sub,
    /// `mul`
    Mul,
    /// `div`
    Div,
    /// `min`
    Min,
    /// `max`
    Max,
    /// `copysign`
    Copysign,
}

/// Float comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatCompare {
    /// `eq`
    Eq,
    /// `ne`
    Ne,
    /// `lt`
    Lt,
    /// `gt`
    Gt,
    /// `le`
    Le,
    /// `ge`
    Ge,
}

/// Conversions between numeric types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(
    missing_docs,
    reason = "each variant is the instruction of the same name"
)]
pub enum Convert {
    I32WrapI64,
    I64ExtendI32S,
    I64ExtendI32U,
    I32TruncF32S,
    I32TruncF32U,
    I32TruncF64S,
    I32TruncF64U,
    I64TruncF32S,
    I64TruncF32U,
    I64TruncF64S,
    I64TruncF64U,
    I32TruncSatF32S,
    I32TruncSatF32U,
    I32TruncSatF64S,
    I32TruncSatF64U,
    I64TruncSatF32S,
    I64TruncSatF32U,
    I64TruncSatF64S,
    I64TruncSatF64U,
    F32ConvertI32S,
    F32ConvertI32U,
    F32ConvertI64S,
    F32ConvertI64U,
    F64ConvertI32S,
    F64ConvertI32U,
    F64ConvertI64S,
    F64ConvertI64U,
    F32DemoteF64,
    F64PromoteF32,
    I32ReinterpretF32,
    I64ReinterpretF64,
    F32ReinterpretI32,
    F64ReinterpretI64,
}

/// How a load reads memory and widens the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadKind {
    /// `i32.load`
    I32,
    /// `i64.load`
    I64,
    /// `f32.load`
    F32,
    /// `f64.load`
    F64,
    /// `i32.load8_s`/`_u`: 1 byte, signed or not.
    I32Narrow {
        /// Bytes read.
        bytes: u8,
        /// Sign-extend.
        signed: bool,
    },
    /// `i64.load8/16/32_s`/`_u`.
    I64Narrow {
        /// Bytes read.
        bytes: u8,
        /// Sign-extend.
        signed: bool,
    },
}

/// The immediates of a memory access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemArg {
    /// The memory index.
    pub memory: u32,
    /// The constant offset added to the address.
    pub offset: u64,
}

/// One instruction. Structured control flow carries precomputed positions in the function's
/// instruction vector.
#[derive(Debug, Clone, PartialEq)]
pub enum Instr {
    /// An operator the runner does not implement; executing it stops the directive as a skip.
    Unsupported(Box<str>),
    /// `unreachable`
    Unreachable,
    /// `nop`
    Nop,
    /// `block`: `end` is the position of its `end`.
    Block {
        /// Values the block takes from the stack.
        params: u32,
        /// Values the block leaves.
        results: u32,
        /// Position of the matching `end`.
        end: u32,
    },
    /// `loop`
    Loop {
        /// Values the loop takes (and a branch to it carries).
        params: u32,
    },
    /// `if`
    If {
        /// Values the branches take.
        params: u32,
        /// Values the construct leaves.
        results: u32,
        /// Position of `else` (or of `end` when there is none).
        else_at: u32,
        /// Position of the matching `end`.
        end: u32,
    },
    /// `else`, reached at the end of the taken `then` arm.
    Else {
        /// Position of the matching `end`.
        end: u32,
    },
    /// `end` of a block, loop or if.
    End,
    /// `br`
    Br(u32),
    /// `br_if`
    BrIf(u32),
    /// `br_table`
    BrTable {
        /// Label depths by index.
        targets: Box<[u32]>,
        /// Depth taken when the index is out of range.
        default: u32,
    },
    /// `br_on_null`
    BrOnNull(u32),
    /// `br_on_non_null`
    BrOnNonNull(u32),
    /// `return`, and the final `end` of a body.
    Return,
    /// `call`
    Call(u32),
    /// `call_indirect`
    CallIndirect {
        /// Index of the expected type in the module.
        type_index: u32,
        /// The table.
        table: u32,
    },
    /// `call_ref`
    CallRef,
    /// `return_call`
    ReturnCall(u32),
    /// `return_call_indirect`
    ReturnCallIndirect {
        /// Index of the expected type in the module.
        type_index: u32,
        /// The table.
        table: u32,
    },
    /// `return_call_ref`
    ReturnCallRef,
    /// `drop`
    Drop,
    /// `select` (typed or not)
    Select,
    /// `local.get`
    LocalGet(u32),
    /// `local.set`
    LocalSet(u32),
    /// `local.tee`
    LocalTee(u32),
    /// `global.get`
    GlobalGet(u32),
    /// `global.set`
    GlobalSet(u32),
    /// `table.get`
    TableGet(u32),
    /// `table.set`
    TableSet(u32),
    /// `table.size`
    TableSize(u32),
    /// `table.grow`
    TableGrow(u32),
    /// `table.fill`
    TableFill(u32),
    /// `table.copy`
    TableCopy {
        /// Destination table.
        dst: u32,
        /// Source table.
        src: u32,
    },
    /// `table.init`
    TableInit {
        /// Element segment.
        segment: u32,
        /// Destination table.
        table: u32,
    },
    /// `elem.drop`
    ElemDrop(u32),
    /// `ref.null`
    RefNull(RefTop),
    /// `ref.is_null`
    RefIsNull,
    /// `ref.func`
    RefFunc(u32),
    /// `ref.as_non_null`
    RefAsNonNull,
    /// `i32.const`
    I32Const(i32),
    /// `i64.const`
    I64Const(i64),
    /// `f32.const` (bits)
    F32Const(u32),
    /// `f64.const` (bits)
    F64Const(u64),
    /// `i32` unary operator.
    I32Unary(IntUnary),
    /// `i64` unary operator.
    I64Unary(IntUnary),
    /// `i32` binary operator.
    I32Binary(IntBinary),
    /// `i64` binary operator.
    I64Binary(IntBinary),
    /// `i32` comparison.
    I32Compare(IntCompare),
    /// `i64` comparison.
    I64Compare(IntCompare),
    /// `f32` unary operator.
    F32Unary(FloatUnary),
    /// `f64` unary operator.
    F64Unary(FloatUnary),
    /// `f32` binary operator.
    F32Binary(FloatBinary),
    /// `f64` binary operator.
    F64Binary(FloatBinary),
    /// `f32` comparison.
    F32Compare(FloatCompare),
    /// `f64` comparison.
    F64Compare(FloatCompare),
    /// A numeric conversion.
    Convert(Convert),
    /// A load.
    Load(LoadKind, MemArg),
    /// A store of the given width in bytes (`float` keeps the bits of an `f32`/`f64`).
    Store {
        /// Bytes written.
        bytes: u8,
        /// The access.
        arg: MemArg,
    },
    /// `memory.size`
    MemorySize(u32),
    /// `memory.grow`
    MemoryGrow(u32),
    /// `memory.fill`
    MemoryFill(u32),
    /// `memory.copy`
    MemoryCopy {
        /// Destination memory.
        dst: u32,
        /// Source memory.
        src: u32,
    },
    /// `memory.init`
    MemoryInit {
        /// Data segment.
        segment: u32,
        /// Destination memory.
        memory: u32,
    },
    /// `data.drop`
    DataDrop(u32),
}
