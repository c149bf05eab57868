//! Turns a validated operator sequence into the runner's [`Instr`] vector, resolving block
//! arities and the positions of `else` and `end`.

use wasmtime_environ::wasmparser::{BlockType, MemArg as WasmMemArg, Operator, OperatorsReader};

use crate::error::SpecError;
use crate::instr::{
    Convert as C, FloatBinary as FB, FloatCompare as FC, FloatUnary as FU, Instr, IntBinary as IB,
    IntCompare as IC, IntUnary as IU, LoadKind, MemArg,
};
use crate::types::RefTop;
use crate::types::TypeScope;

/// An open block while compiling: where its opening instruction and its `else` are.
struct OpenBlock {
    start: usize,
    else_at: Option<usize>,
}

/// Compiles a function body or constant expression. The final `end` becomes [`Instr::Return`].
///
/// # Errors
///
/// [`SpecError::Decode`] when the operators cannot be read (validated input never does this).
pub fn compile(
    mut reader: OperatorsReader<'_>,
    scope: &TypeScope<'_>,
) -> Result<Vec<Instr>, SpecError> {
    let mut code = Vec::new();
    let mut open: Vec<OpenBlock> = Vec::new();
    while !reader.eof() {
        let op = reader.read().map_err(SpecError::decode)?;
        let pc = code.len();
        let instr = match op {
            Operator::Block { blockty } => {
                let (params, results) = arity(blockty, scope);
                open.push(OpenBlock {
                    start: pc,
                    else_at: None,
                });
                Instr::Block {
                    params,
                    results,
                    end: 0,
                }
            }
            Operator::Loop { blockty } => {
                open.push(OpenBlock {
                    start: pc,
                    else_at: None,
                });
                Instr::Loop {
                    params: arity(blockty, scope).0,
                }
            }
            Operator::If { blockty } => {
                let (params, results) = arity(blockty, scope);
                open.push(OpenBlock {
                    start: pc,
                    else_at: None,
                });
                Instr::If {
                    params,
                    results,
                    else_at: 0,
                    end: 0,
                }
            }
            Operator::Else => {
                if let Some(block) = open.last_mut() {
                    block.else_at = Some(pc);
                }
                Instr::Else { end: 0 }
            }
            Operator::BrTable { targets } => Instr::BrTable {
                default: targets.default(),
                targets: targets
                    .targets()
                    .collect::<Result<Vec<u32>, _>>()
                    .map_err(SpecError::decode)?
                    .into(),
            },
            Operator::End => match open.pop() {
                None => Instr::Return,
                Some(block) => {
                    close(&mut code, block, pc);
                    Instr::End
                }
            },
            other => translate(other, scope),
        };
        code.push(instr);
    }
    Ok(code)
}

/// Writes the now-known `end` (and `else`) positions into a block's opening instruction.
fn close(code: &mut [Instr], block: OpenBlock, end_at: usize) {
    let end = position(end_at);
    if let Some(else_pc) = block.else_at {
        code[else_pc] = Instr::Else { end };
    }
    match &mut code[block.start] {
        Instr::Block { end: slot, .. } => *slot = end,
        Instr::If {
            else_at, end: slot, ..
        } => {
            *slot = end;
            *else_at = block.else_at.map_or(end, |else_pc| position(else_pc + 1));
        }
        _ => {}
    }
}

fn position(pc: usize) -> u32 {
    // A function body is at most a few megabytes (validator limits), far below u32::MAX.
    u32::try_from(pc).unwrap_or(u32::MAX)
}

fn arity(blockty: BlockType, scope: &TypeScope<'_>) -> (u32, u32) {
    match blockty {
        BlockType::Empty => (0, 0),
        BlockType::Type(_) => (0, 1),
        BlockType::FuncType(index) => scope
            .module
            .get(index as usize)
            .and_then(|id| scope.registry.signature(*id))
            .map_or((0, 0), |sig| {
                (position(sig.params.len()), position(sig.results.len()))
            }),
    }
}

fn mem(arg: WasmMemArg) -> MemArg {
    MemArg {
        memory: arg.memory,
        offset: arg.offset,
    }
}

fn narrow32(bytes: u8, signed: bool, arg: WasmMemArg) -> Instr {
    Instr::Load(LoadKind::I32Narrow { bytes, signed }, mem(arg))
}

fn narrow64(bytes: u8, signed: bool, arg: WasmMemArg) -> Instr {
    Instr::Load(LoadKind::I64Narrow { bytes, signed }, mem(arg))
}

fn store(bytes: u8, arg: WasmMemArg) -> Instr {
    Instr::Store {
        bytes,
        arg: mem(arg),
    }
}

/// Translates every operator that is not structured control flow.
fn translate(op: Operator<'_>, scope: &TypeScope<'_>) -> Instr {
    use Operator as O;
    match op {
        O::Unreachable => Instr::Unreachable,
        O::Nop => Instr::Nop,
        O::Br { relative_depth } => Instr::Br(relative_depth),
        O::BrIf { relative_depth } => Instr::BrIf(relative_depth),
        O::BrOnNull { relative_depth } => Instr::BrOnNull(relative_depth),
        O::BrOnNonNull { relative_depth } => Instr::BrOnNonNull(relative_depth),
        O::Return => Instr::Return,
        O::Call { function_index } => Instr::Call(function_index),
        O::CallIndirect {
            type_index,
            table_index,
        } => Instr::CallIndirect {
            type_index,
            table: table_index,
        },
        O::CallRef { .. } => Instr::CallRef,
        O::ReturnCall { function_index } => Instr::ReturnCall(function_index),
        O::ReturnCallIndirect {
            type_index,
            table_index,
        } => Instr::ReturnCallIndirect {
            type_index,
            table: table_index,
        },
        O::ReturnCallRef { .. } => Instr::ReturnCallRef,
        O::Drop => Instr::Drop,
        O::Select | O::TypedSelect { .. } => Instr::Select,
        O::LocalGet { local_index } => Instr::LocalGet(local_index),
        O::LocalSet { local_index } => Instr::LocalSet(local_index),
        O::LocalTee { local_index } => Instr::LocalTee(local_index),
        O::GlobalGet { global_index } => Instr::GlobalGet(global_index),
        O::GlobalSet { global_index } => Instr::GlobalSet(global_index),
        O::TableGet { table } => Instr::TableGet(table),
        O::TableSet { table } => Instr::TableSet(table),
        O::TableSize { table } => Instr::TableSize(table),
        O::TableGrow { table } => Instr::TableGrow(table),
        O::TableFill { table } => Instr::TableFill(table),
        O::TableCopy {
            dst_table,
            src_table,
        } => Instr::TableCopy {
            dst: dst_table,
            src: src_table,
        },
        O::TableInit { elem_index, table } => Instr::TableInit {
            segment: elem_index,
            table,
        },
        O::ElemDrop { elem_index } => Instr::ElemDrop(elem_index),
        O::RefNull { hty } => Instr::RefNull(RefTop::of_heap(hty, scope)),
        O::RefIsNull => Instr::RefIsNull,
        O::RefFunc { function_index } => Instr::RefFunc(function_index),
        O::RefAsNonNull => Instr::RefAsNonNull,
        O::I32Const { value } => Instr::I32Const(value),
        O::I64Const { value } => Instr::I64Const(value),
        O::F32Const { value } => Instr::F32Const(value.bits()),
        O::F64Const { value } => Instr::F64Const(value.bits()),

        O::I32Load { memarg } => Instr::Load(LoadKind::I32, mem(memarg)),
        O::I64Load { memarg } => Instr::Load(LoadKind::I64, mem(memarg)),
        O::F32Load { memarg } => Instr::Load(LoadKind::F32, mem(memarg)),
        O::F64Load { memarg } => Instr::Load(LoadKind::F64, mem(memarg)),
        O::I32Load8S { memarg } => narrow32(1, true, memarg),
        O::I32Load8U { memarg } => narrow32(1, false, memarg),
        O::I32Load16S { memarg } => narrow32(2, true, memarg),
        O::I32Load16U { memarg } => narrow32(2, false, memarg),
        O::I64Load8S { memarg } => narrow64(1, true, memarg),
        O::I64Load8U { memarg } => narrow64(1, false, memarg),
        O::I64Load16S { memarg } => narrow64(2, true, memarg),
        O::I64Load16U { memarg } => narrow64(2, false, memarg),
        O::I64Load32S { memarg } => narrow64(4, true, memarg),
        O::I64Load32U { memarg } => narrow64(4, false, memarg),
        O::I32Store { memarg } | O::F32Store { memarg } | O::I64Store32 { memarg } => {
            store(4, memarg)
        }
        O::I64Store { memarg } | O::F64Store { memarg } => store(8, memarg),
        O::I32Store8 { memarg } | O::I64Store8 { memarg } => store(1, memarg),
        O::I32Store16 { memarg } | O::I64Store16 { memarg } => store(2, memarg),
        O::MemorySize { mem } => Instr::MemorySize(mem),
        O::MemoryGrow { mem } => Instr::MemoryGrow(mem),
        O::MemoryFill { mem } => Instr::MemoryFill(mem),
        O::MemoryCopy { dst_mem, src_mem } => Instr::MemoryCopy {
            dst: dst_mem,
            src: src_mem,
        },
        O::MemoryInit { data_index, mem } => Instr::MemoryInit {
            segment: data_index,
            memory: mem,
        },
        O::DataDrop { data_index } => Instr::DataDrop(data_index),

        O::I32Eqz => Instr::I32Compare(IC::Eqz),
        O::I32Eq => Instr::I32Compare(IC::Eq),
        O::I32Ne => Instr::I32Compare(IC::Ne),
        O::I32LtS => Instr::I32Compare(IC::LtS),
        O::I32LtU => Instr::I32Compare(IC::LtU),
        O::I32GtS => Instr::I32Compare(IC::GtS),
        O::I32GtU => Instr::I32Compare(IC::GtU),
        O::I32LeS => Instr::I32Compare(IC::LeS),
        O::I32LeU => Instr::I32Compare(IC::LeU),
        O::I32GeS => Instr::I32Compare(IC::GeS),
        O::I32GeU => Instr::I32Compare(IC::GeU),
        O::I64Eqz => Instr::I64Compare(IC::Eqz),
        O::I64Eq => Instr::I64Compare(IC::Eq),
        O::I64Ne => Instr::I64Compare(IC::Ne),
        O::I64LtS => Instr::I64Compare(IC::LtS),
        O::I64LtU => Instr::I64Compare(IC::LtU),
        O::I64GtS => Instr::I64Compare(IC::GtS),
        O::I64GtU => Instr::I64Compare(IC::GtU),
        O::I64LeS => Instr::I64Compare(IC::LeS),
        O::I64LeU => Instr::I64Compare(IC::LeU),
        O::I64GeS => Instr::I64Compare(IC::GeS),
        O::I64GeU => Instr::I64Compare(IC::GeU),

        O::I32Clz => Instr::I32Unary(IU::Clz),
        O::I32Ctz => Instr::I32Unary(IU::Ctz),
        O::I32Popcnt => Instr::I32Unary(IU::Popcnt),
        O::I32Extend8S => Instr::I32Unary(IU::Extend8S),
        O::I32Extend16S => Instr::I32Unary(IU::Extend16S),
        O::I64Clz => Instr::I64Unary(IU::Clz),
        O::I64Ctz => Instr::I64Unary(IU::Ctz),
        O::I64Popcnt => Instr::I64Unary(IU::Popcnt),
        O::I64Extend8S => Instr::I64Unary(IU::Extend8S),
        O::I64Extend16S => Instr::I64Unary(IU::Extend16S),
        O::I64Extend32S => Instr::I64Unary(IU::Extend32S),

        O::I32Add => Instr::I32Binary(IB::Add),
        O::I32Sub => Instr::I32Binary(IB::Sub),
        O::I32Mul => Instr::I32Binary(IB::Mul),
        O::I32DivS => Instr::I32Binary(IB::DivS),
        O::I32DivU => Instr::I32Binary(IB::DivU),
        O::I32RemS => Instr::I32Binary(IB::RemS),
        O::I32RemU => Instr::I32Binary(IB::RemU),
        O::I32And => Instr::I32Binary(IB::And),
        O::I32Or => Instr::I32Binary(IB::Or),
        O::I32Xor => Instr::I32Binary(IB::Xor),
        O::I32Shl => Instr::I32Binary(IB::Shl),
        O::I32ShrS => Instr::I32Binary(IB::ShrS),
        O::I32ShrU => Instr::I32Binary(IB::ShrU),
        O::I32Rotl => Instr::I32Binary(IB::Rotl),
        O::I32Rotr => Instr::I32Binary(IB::Rotr),
        O::I64Add => Instr::I64Binary(IB::Add),
        O::I64Sub => Instr::I64Binary(IB::Sub),
        O::I64Mul => Instr::I64Binary(IB::Mul),
        O::I64DivS => Instr::I64Binary(IB::DivS),
        O::I64DivU => Instr::I64Binary(IB::DivU),
        O::I64RemS => Instr::I64Binary(IB::RemS),
        O::I64RemU => Instr::I64Binary(IB::RemU),
        O::I64And => Instr::I64Binary(IB::And),
        O::I64Or => Instr::I64Binary(IB::Or),
        O::I64Xor => Instr::I64Binary(IB::Xor),
        O::I64Shl => Instr::I64Binary(IB::Shl),
        O::I64ShrS => Instr::I64Binary(IB::ShrS),
        O::I64ShrU => Instr::I64Binary(IB::ShrU),
        O::I64Rotl => Instr::I64Binary(IB::Rotl),
        O::I64Rotr => Instr::I64Binary(IB::Rotr),

        O::F32Eq => Instr::F32Compare(FC::Eq),
        O::F32Ne => Instr::F32Compare(FC::Ne),
        O::F32Lt => Instr::F32Compare(FC::Lt),
        O::F32Gt => Instr::F32Compare(FC::Gt),
        O::F32Le => Instr::F32Compare(FC::Le),
        O::F32Ge => Instr::F32Compare(FC::Ge),
        O::F64Eq => Instr::F64Compare(FC::Eq),
        O::F64Ne => Instr::F64Compare(FC::Ne),
        O::F64Lt => Instr::F64Compare(FC::Lt),
        O::F64Gt => Instr::F64Compare(FC::Gt),
        O::F64Le => Instr::F64Compare(FC::Le),
        O::F64Ge => Instr::F64Compare(FC::Ge),
        O::F32Abs => Instr::F32Unary(FU::Abs),
        O::F32Neg => Instr::F32Unary(FU::Neg),
        O::F32Ceil => Instr::F32Unary(FU::Ceil),
        O::F32Floor => Instr::F32Unary(FU::Floor),
        O::F32Trunc => Instr::F32Unary(FU::Trunc),
        O::F32Nearest => Instr::F32Unary(FU::Nearest),
        O::F32Sqrt => Instr::F32Unary(FU::Sqrt),
        O::F64Abs => Instr::F64Unary(FU::Abs),
        O::F64Neg => Instr::F64Unary(FU::Neg),
        O::F64Ceil => Instr::F64Unary(FU::Ceil),
        O::F64Floor => Instr::F64Unary(FU::Floor),
        O::F64Trunc => Instr::F64Unary(FU::Trunc),
        O::F64Nearest => Instr::F64Unary(FU::Nearest),
        O::F64Sqrt => Instr::F64Unary(FU::Sqrt),
        O::F32Add => Instr::F32Binary(FB::Add),
        O::F32Sub => Instr::F32Binary(FB::Sub),
        O::F32Mul => Instr::F32Binary(FB::Mul),
        O::F32Div => Instr::F32Binary(FB::Div),
        O::F32Min => Instr::F32Binary(FB::Min),
        O::F32Max => Instr::F32Binary(FB::Max),
        O::F32Copysign => Instr::F32Binary(FB::Copysign),
        O::F64Add => Instr::F64Binary(FB::Add),
        O::F64Sub => Instr::F64Binary(FB::Sub),
        O::F64Mul => Instr::F64Binary(FB::Mul),
        O::F64Div => Instr::F64Binary(FB::Div),
        O::F64Min => Instr::F64Binary(FB::Min),
        O::F64Max => Instr::F64Binary(FB::Max),
        O::F64Copysign => Instr::F64Binary(FB::Copysign),

        O::I32WrapI64 => Instr::Convert(C::I32WrapI64),
        O::I64ExtendI32S => Instr::Convert(C::I64ExtendI32S),
        O::I64ExtendI32U => Instr::Convert(C::I64ExtendI32U),
        O::I32TruncF32S => Instr::Convert(C::I32TruncF32S),
        O::I32TruncF32U => Instr::Convert(C::I32TruncF32U),
        O::I32TruncF64S => Instr::Convert(C::I32TruncF64S),
        O::I32TruncF64U => Instr::Convert(C::I32TruncF64U),
        O::I64TruncF32S => Instr::Convert(C::I64TruncF32S),
        O::I64TruncF32U => Instr::Convert(C::I64TruncF32U),
        O::I64TruncF64S => Instr::Convert(C::I64TruncF64S),
        O::I64TruncF64U => Instr::Convert(C::I64TruncF64U),
        O::I32TruncSatF32S => Instr::Convert(C::I32TruncSatF32S),
        O::I32TruncSatF32U => Instr::Convert(C::I32TruncSatF32U),
        O::I32TruncSatF64S => Instr::Convert(C::I32TruncSatF64S),
        O::I32TruncSatF64U => Instr::Convert(C::I32TruncSatF64U),
        O::I64TruncSatF32S => Instr::Convert(C::I64TruncSatF32S),
        O::I64TruncSatF32U => Instr::Convert(C::I64TruncSatF32U),
        O::I64TruncSatF64S => Instr::Convert(C::I64TruncSatF64S),
        O::I64TruncSatF64U => Instr::Convert(C::I64TruncSatF64U),
        O::F32ConvertI32S => Instr::Convert(C::F32ConvertI32S),
        O::F32ConvertI32U => Instr::Convert(C::F32ConvertI32U),
        O::F32ConvertI64S => Instr::Convert(C::F32ConvertI64S),
        O::F32ConvertI64U => Instr::Convert(C::F32ConvertI64U),
        O::F64ConvertI32S => Instr::Convert(C::F64ConvertI32S),
        O::F64ConvertI32U => Instr::Convert(C::F64ConvertI32U),
        O::F64ConvertI64S => Instr::Convert(C::F64ConvertI64S),
        O::F64ConvertI64U => Instr::Convert(C::F64ConvertI64U),
        O::F32DemoteF64 => Instr::Convert(C::F32DemoteF64),
        O::F64PromoteF32 => Instr::Convert(C::F64PromoteF32),
        O::I32ReinterpretF32 => Instr::Convert(C::I32ReinterpretF32),
        O::I64ReinterpretF64 => Instr::Convert(C::I64ReinterpretF64),
        O::F32ReinterpretI32 => Instr::Convert(C::F32ReinterpretI32),
        O::F64ReinterpretI64 => Instr::Convert(C::F64ReinterpretI64),

        other => Instr::Unsupported(operator_name(&other).into()),
    }
}

/// The text-format name of an operator, derived from its `Debug` variant name
/// (`I32AtomicLoad { .. }` -> `i32.atomic_load`), for skip reasons.
pub fn operator_name(op: &Operator<'_>) -> String {
    let debug = format!("{op:?}");
    let variant: String = debug
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    const PREFIXES: [&str; 18] = [
        "I8x16", "I16x8", "I32x4", "I64x2", "F32x4", "F64x2", "V128", "I32", "I64", "F32", "F64",
        "Memory", "Table", "Struct", "Array", "Ref", "Any", "Extern",
    ];
    let (prefix, rest) = PREFIXES
        .iter()
        .find_map(|prefix| variant.strip_prefix(prefix).map(|rest| (*prefix, rest)))
        .unwrap_or(("", variant.as_str()));
    let mut name = prefix.to_ascii_lowercase();
    if !prefix.is_empty() && !rest.is_empty() {
        name.push('.');
    }
    for (i, c) in rest.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            name.push('_');
        }
        name.push(c.to_ascii_lowercase());
    }
    name
}
