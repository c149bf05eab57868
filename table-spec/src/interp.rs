//! The interpreter: a loop over [`Instr`]s with an explicit frame stack (so deep recursion
//! exhausts a counted budget, not the host stack) and a runtime label stack.

use std::rc::Rc;

use wasmtime_environ::Trap;

use crate::error::SpecError;
use crate::instr::{Instr, LoadKind};
use crate::module::FuncBody;
use crate::numeric;
use crate::store::{InstAddr, Store};
use crate::tables::TableAddr;
use crate::value::{FuncAddr, Ref, RefTop, Val};

/// Calls nested deeper than this exhaust the call stack (`assert_exhaustion`).
const MAX_FRAMES: usize = 10_000;

/// An open block: where a branch to it continues and what it keeps.
#[derive(Debug, Clone, Copy)]
struct Label {
    /// Stack height below the block's values.
    height: usize,
    /// Values a branch to this label carries.
    arity: usize,
    /// Where a branch continues.
    cont: usize,
}

/// An active call.
struct Frame {
    body: Rc<FuncBody>,
    instance: InstAddr,
    pc: usize,
    locals_base: usize,
    label_base: usize,
}

/// The operand stack, labels and suspended frames of one invocation.
struct Machine<'s> {
    store: &'s mut Store,
    budget: u64,
    stack: Vec<Val>,
    labels: Vec<Label>,
    frames: Vec<Frame>,
}

/// Calls function `func` with `args` and returns its results.
///
/// # Errors
///
/// A trap, call-stack exhaustion ([`Trap::StackOverflow`]), or an unsupported instruction.
pub fn invoke(store: &mut Store, func: FuncAddr, args: &[Val]) -> Result<Vec<Val>, SpecError> {
    let inst = &store.funcs[func];
    let params = store
        .registry
        .signature(inst.type_id())
        .map(|signature| signature.params.clone())
        .unwrap_or_default();
    let fits =
        params.len() == args.len() && params.iter().zip(args).all(|(ty, arg)| arg.has_type(*ty));
    if !fits {
        return Err(SpecError::Script(format!(
            "function takes ({}), given ({})",
            params
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" "),
            args.iter()
                .map(Val::describe)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let frame = Frame {
        body: Rc::clone(&inst.body),
        instance: inst.instance,
        pc: 0,
        locals_base: 0,
        label_base: 0,
    };
    let mut machine = Machine {
        budget: store.instruction_budget,
        store,
        stack: args.to_vec(),
        labels: Vec::new(),
        frames: Vec::new(),
    };
    machine.stack.extend_from_slice(&frame.body.locals);
    machine.run(frame)
}

/// Evaluates a constant expression in the scope of `instance`.
///
/// # Errors
///
/// Only for unsupported instructions (constant expressions do not trap).
pub fn eval_const(
    store: &mut Store,
    instance: InstAddr,
    expr: &Rc<FuncBody>,
) -> Result<Val, SpecError> {
    let frame = Frame {
        body: Rc::clone(expr),
        instance,
        pc: 0,
        locals_base: 0,
        label_base: 0,
    };
    let mut machine = Machine {
        budget: store.instruction_budget,
        store,
        stack: Vec::new(),
        labels: Vec::new(),
        frames: Vec::new(),
    };
    machine
        .run(frame)?
        .pop()
        .ok_or_else(|| SpecError::Decode("constant expression left no value".into()))
}

/// What ends the execution of one body's instruction run.
enum Transfer {
    /// Enter a function, suspending the current frame.
    Call(FuncAddr),
    /// Replace the current frame by a call (`return_call*`).
    TailCall(FuncAddr),
    /// Return from the current frame.
    Return,
}

impl Machine<'_> {
    fn pop(&mut self) -> Val {
        self.stack.pop().unwrap_or(Val::I32(0))
    }

    fn pop_i32(&mut self) -> i32 {
        match self.pop() {
            Val::I32(v) => v,
            _ => 0,
        }
    }

    fn pop_i64(&mut self) -> i64 {
        match self.pop() {
            Val::I64(v) => v,
            _ => 0,
        }
    }

    fn pop_f32(&mut self) -> u32 {
        match self.pop() {
            Val::F32(v) => v,
            _ => 0,
        }
    }

    fn pop_f64(&mut self) -> u64 {
        match self.pop() {
            Val::F64(v) => v,
            _ => 0,
        }
    }

    fn pop_ref(&mut self) -> Ref {
        match self.pop() {
            Val::Ref(r) => r,
            _ => Ref::Null(RefTop::Func),
        }
    }

    /// Pops an address or length: `i64` for 64-bit tables and memories, `i32` otherwise.
    fn pop_address(&mut self) -> u64 {
        match self.pop() {
            Val::I32(v) => u64::from(v as u32),
            Val::I64(v) => v as u64,
            _ => 0,
        }
    }

    fn push_address(&mut self, is_64: bool, value: Option<u64>) {
        self.stack.push(match (is_64, value) {
            (true, Some(v)) => Val::I64(v as i64),
            (true, None) => Val::I64(-1),
            (false, Some(v)) => Val::I32(v as u32 as i32),
            (false, None) => Val::I32(-1),
        });
    }

    fn table(&self, frame: &Frame, index: u32) -> TableAddr {
        self.store.instances[frame.instance].tables[index as usize]
    }

    fn run(&mut self, mut frame: Frame) -> Result<Vec<Val>, SpecError> {
        loop {
            match self.run_body(&mut frame)? {
                Transfer::Call(func) => {
                    if self.frames.len() >= MAX_FRAMES {
                        return Err(SpecError::Trap(Trap::StackOverflow));
                    }
                    let callee = self.enter(func, self.stack.len());
                    self.frames.push(std::mem::replace(&mut frame, callee));
                }
                Transfer::TailCall(func) => {
                    let params = self.store.funcs[func].body.params;
                    let args_at = self.stack.len() - params;
                    self.stack.drain(frame.locals_base..args_at);
                    self.labels.truncate(frame.label_base);
                    frame = self.enter(func, frame.locals_base + params);
                }
                Transfer::Return => {
                    let results = frame.body.results;
                    let results_at = self.stack.len() - results;
                    self.stack.drain(frame.locals_base..results_at);
                    self.labels.truncate(frame.label_base);
                    match self.frames.pop() {
                        Some(caller) => frame = caller,
                        None => return Ok(std::mem::take(&mut self.stack)),
                    }
                }
            }
        }
    }

    /// A frame for `func` whose arguments end at stack height `args_end`.
    fn enter(&mut self, func: FuncAddr, args_end: usize) -> Frame {
        let inst = &self.store.funcs[func];
        let frame = Frame {
            body: Rc::clone(&inst.body),
            instance: inst.instance,
            pc: 0,
            locals_base: args_end - inst.body.params,
            label_base: self.labels.len(),
        };
        self.stack.extend_from_slice(&frame.body.locals);
        frame
    }

    /// Branches to the label `depth` levels out; returns whether that left the function.
    fn branch(&mut self, frame: &mut Frame, depth: u32) -> bool {
        let open = self.labels.len() - frame.label_base;
        let depth = depth as usize;
        if depth >= open {
            return true;
        }
        let index = self.labels.len() - 1 - depth;
        let label = self.labels[index];
        let keep_from = self.stack.len() - label.arity;
        self.stack.drain(label.height..keep_from);
        self.labels.truncate(index);
        frame.pc = label.cont;
        false
    }

    fn indirect_target(
        &mut self,
        frame: &Frame,
        type_index: u32,
        table: u32,
    ) -> Result<FuncAddr, SpecError> {
        let table = self.table(frame, table);
        let index = self.pop_address();
        let func = match self.store.tables.get(table, index)? {
            Ref::Func(func) => func,
            Ref::Null(_) => return Err(Trap::IndirectCallToNull.into()),
            Ref::Extern(_) => return Err(Trap::BadSignature.into()),
        };
        let module = &self.store.instances[frame.instance].module;
        let expected = module.types[type_index as usize];
        if self.store.funcs[func].type_chain.contains(&expected) {
            Ok(func)
        } else {
            Err(Trap::BadSignature.into())
        }
    }

    fn call_ref_target(&mut self) -> Result<FuncAddr, SpecError> {
        match self.pop_ref() {
            Ref::Func(func) => Ok(func),
            _ => Err(Trap::NullReference.into()),
        }
    }

    /// Runs the current body until it calls or returns.
    fn run_body(&mut self, frame: &mut Frame) -> Result<Transfer, SpecError> {
        let body = Rc::clone(&frame.body);
        loop {
            let pc = frame.pc;
            frame.pc += 1;
            let Some(instr) = body.code.get(pc) else {
                return Ok(Transfer::Return);
            };
            self.budget = self.budget.checked_sub(1).ok_or_else(|| {
                SpecError::Script(format!(
                    "gave up after {} instructions (an endless loop?)",
                    self.store.instruction_budget
                ))
            })?;
            match instr {
                Instr::Unsupported(name) => {
                    return Err(SpecError::Unsupported(format!("instruction `{name}`")));
                }
                Instr::Unreachable => return Err(Trap::UnreachableCodeReached.into()),
                Instr::Nop => {}
                Instr::Block {
                    params,
                    results,
                    end,
                } => self.labels.push(Label {
                    height: self.stack.len() - *params as usize,
                    arity: *results as usize,
                    cont: *end as usize + 1,
                }),
                Instr::Loop { params } => self.labels.push(Label {
                    height: self.stack.len() - *params as usize,
                    arity: *params as usize,
                    cont: pc,
                }),
                Instr::If {
                    params,
                    results,
                    else_at,
                    end,
                } => {
                    let condition = self.pop_i32();
                    self.labels.push(Label {
                        height: self.stack.len() - *params as usize,
                        arity: *results as usize,
                        cont: *end as usize + 1,
                    });
                    if condition == 0 {
                        frame.pc = *else_at as usize;
                    }
                }
                Instr::Else { end } => frame.pc = *end as usize,
                Instr::End => {
                    self.labels.pop();
                }
                Instr::Br(depth) => {
                    if self.branch(frame, *depth) {
                        return Ok(Transfer::Return);
                    }
                }
                Instr::BrIf(depth) => {
                    if self.pop_i32() != 0 && self.branch(frame, *depth) {
                        return Ok(Transfer::Return);
                    }
                }
                Instr::BrTable { targets, default } => {
                    let index = self.pop_i32() as u32 as usize;
                    let depth = targets.get(index).copied().unwrap_or(*default);
                    if self.branch(frame, depth) {
                        return Ok(Transfer::Return);
                    }
                }
                Instr::BrOnNull(depth) => {
                    let value = self.pop_ref();
                    if value.is_null() {
                        if self.branch(frame, *depth) {
                            return Ok(Transfer::Return);
                        }
                    } else {
                        self.stack.push(Val::Ref(value));
                    }
                }
                Instr::BrOnNonNull(depth) => {
                    let value = self.pop_ref();
                    if !value.is_null() {
                        self.stack.push(Val::Ref(value));
                        if self.branch(frame, *depth) {
                            return Ok(Transfer::Return);
                        }
                    }
                }
                Instr::Return => return Ok(Transfer::Return),
                Instr::Call(index) => {
                    let func = self.store.instances[frame.instance].funcs[*index as usize];
                    return Ok(Transfer::Call(func));
                }
                Instr::ReturnCall(index) => {
                    let func = self.store.instances[frame.instance].funcs[*index as usize];
                    return Ok(Transfer::TailCall(func));
                }
                Instr::CallIndirect { type_index, table } => {
                    return Ok(Transfer::Call(self.indirect_target(
                        frame,
                        *type_index,
                        *table,
                    )?));
                }
                Instr::ReturnCallIndirect { type_index, table } => {
                    return Ok(Transfer::TailCall(self.indirect_target(
                        frame,
                        *type_index,
                        *table,
                    )?));
                }
                Instr::CallRef => return Ok(Transfer::Call(self.call_ref_target()?)),
                Instr::ReturnCallRef => return Ok(Transfer::TailCall(self.call_ref_target()?)),
                Instr::Drop => {
                    self.pop();
                }
                Instr::Select => {
                    let condition = self.pop_i32();
                    let second = self.pop();
                    let first = self.pop();
                    self.stack.push(if condition != 0 { first } else { second });
                }
                Instr::LocalGet(index) => {
                    let value = self.stack[frame.locals_base + *index as usize];
                    self.stack.push(value);
                }
                Instr::LocalSet(index) => {
                    let value = self.pop();
                    self.stack[frame.locals_base + *index as usize] = value;
                }
                Instr::LocalTee(index) => {
                    let value = *self.stack.last().unwrap_or(&Val::I32(0));
                    self.stack[frame.locals_base + *index as usize] = value;
                }
                Instr::GlobalGet(index) => {
                    let global = self.store.instances[frame.instance].globals[*index as usize];
                    self.stack.push(self.store.globals[global].value);
                }
                Instr::GlobalSet(index) => {
                    let global = self.store.instances[frame.instance].globals[*index as usize];
                    self.store.globals[global].value = self.pop();
                }
                Instr::TableGet(index) => {
                    let table = self.table(frame, *index);
                    let at = self.pop_address();
                    let value = self.store.tables.get(table, at)?;
                    self.stack.push(Val::Ref(value));
                }
                Instr::TableSet(index) => {
                    let table = self.table(frame, *index);
                    let value = self.pop_ref();
                    let at = self.pop_address();
                    self.store.tables.set(table, at, value)?;
                }
                Instr::TableSize(index) => {
                    let table = self.table(frame, *index);
                    let size = self.store.tables.size(table);
                    let is_64 = self.store.tables.table_type(table).table64;
                    self.push_address(is_64, Some(size));
                }
                Instr::TableGrow(index) => {
                    let table = self.table(frame, *index);
                    let delta = self.pop_address();
                    let init = self.pop_ref();
                    let old = self.store.tables.grow(table, delta, init)?;
                    let is_64 = self.store.tables.table_type(table).table64;
                    self.push_address(is_64, old);
                }
                Instr::TableFill(index) => {
                    let table = self.table(frame, *index);
                    let len = self.pop_address();
                    let value = self.pop_ref();
                    let dst = self.pop_address();
                    self.store.tables.fill(table, dst, value, len)?;
                }
                Instr::TableCopy { dst, src } => {
                    let dst_table = self.table(frame, *dst);
                    let src_table = self.table(frame, *src);
                    // The length has the smaller of the two index types.
                    let len = self.pop_address();
                    let src_at = self.pop_address();
                    let dst_at = self.pop_address();
                    self.store
                        .tables
                        .copy(dst_table, src_table, dst_at, src_at, len)?;
                }
                Instr::TableInit { segment, table } => {
                    let table = self.table(frame, *table);
                    let segment = self.store.instances[frame.instance].elems[*segment as usize];
                    let len = u64::from(self.pop_i32() as u32);
                    let src = u64::from(self.pop_i32() as u32);
                    let dst = self.pop_address();
                    let items = &self.store.elems[segment];
                    let range = table_core::check_range(items.len(), src, len)?;
                    self.store.tables.init(table, dst, &items[range])?;
                }
                Instr::ElemDrop(segment) => {
                    let segment = self.store.instances[frame.instance].elems[*segment as usize];
                    self.store.elems[segment] = Vec::new();
                }
                Instr::RefNull(top) => self.stack.push(Val::Ref(Ref::Null(*top))),
                Instr::RefIsNull => {
                    let value = self.pop_ref();
                    self.stack.push(Val::I32(value.is_null().into()));
                }
                Instr::RefFunc(index) => {
                    let func = self.store.instances[frame.instance].funcs[*index as usize];
                    self.stack.push(Val::Ref(Ref::Func(func)));
                }
                Instr::RefAsNonNull => {
                    let value = self.pop_ref();
                    if value.is_null() {
                        return Err(Trap::NullReference.into());
                    }
                    self.stack.push(Val::Ref(value));
                }
                Instr::I32Const(v) => self.stack.push(Val::I32(*v)),
                Instr::I64Const(v) => self.stack.push(Val::I64(*v)),
                Instr::F32Const(v) => self.stack.push(Val::F32(*v)),
                Instr::F64Const(v) => self.stack.push(Val::F64(*v)),
                Instr::I32Unary(op) => {
                    let x = self.pop_i32();
                    self.stack.push(Val::I32(numeric::i32_unary(*op, x)));
                }
                Instr::I64Unary(op) => {
                    let x = self.pop_i64();
                    self.stack.push(Val::I64(numeric::i64_unary(*op, x)));
                }
                Instr::I32Binary(op) => {
                    let y = self.pop_i32();
                    let x = self.pop_i32();
                    self.stack.push(Val::I32(numeric::i32_binary(*op, x, y)?));
                }
                Instr::I64Binary(op) => {
                    let y = self.pop_i64();
                    let x = self.pop_i64();
                    self.stack.push(Val::I64(numeric::i64_binary(*op, x, y)?));
                }
                Instr::I32Compare(op) => {
                    let y = if *op == crate::instr::IntCompare::Eqz {
                        0
                    } else {
                        self.pop_i32()
                    };
                    let x = self.pop_i32();
                    self.stack
                        .push(Val::I32(numeric::i32_compare(*op, x, y).into()));
                }
                Instr::I64Compare(op) => {
                    let y = if *op == crate::instr::IntCompare::Eqz {
                        0
                    } else {
                        self.pop_i64()
                    };
                    let x = self.pop_i64();
                    self.stack
                        .push(Val::I32(numeric::i64_compare(*op, x, y).into()));
                }
                Instr::F32Unary(op) => {
                    let x = self.pop_f32();
                    self.stack.push(Val::F32(numeric::f32_unary(*op, x)));
                }
                Instr::F64Unary(op) => {
                    let x = self.pop_f64();
                    self.stack.push(Val::F64(numeric::f64_unary(*op, x)));
                }
                Instr::F32Binary(op) => {
                    let y = self.pop_f32();
                    let x = self.pop_f32();
                    self.stack.push(Val::F32(numeric::f32_binary(*op, x, y)));
                }
                Instr::F64Binary(op) => {
                    let y = self.pop_f64();
                    let x = self.pop_f64();
                    self.stack.push(Val::F64(numeric::f64_binary(*op, x, y)));
                }
                Instr::F32Compare(op) => {
                    let y = self.pop_f32();
                    let x = self.pop_f32();
                    self.stack
                        .push(Val::I32(numeric::f32_compare(*op, x, y).into()));
                }
                Instr::F64Compare(op) => {
                    let y = self.pop_f64();
                    let x = self.pop_f64();
                    self.stack
                        .push(Val::I32(numeric::f64_compare(*op, x, y).into()));
                }
                Instr::Convert(op) => {
                    let x = self.pop();
                    let value = numeric::convert(*op, x)?
                        .ok_or_else(|| SpecError::Decode(format!("{op:?} applied to {x:?}")))?;
                    self.stack.push(value);
                }
                Instr::Load(kind, arg) => {
                    let memory = self.store.instances[frame.instance].memories[arg.memory as usize];
                    let address = self.pop_address();
                    let memory = &self.store.memories[memory];
                    let value = match kind {
                        LoadKind::I32 => {
                            Val::I32(i32::from_le_bytes(memory.load(address, arg.offset)?))
                        }
                        LoadKind::I64 => {
                            Val::I64(i64::from_le_bytes(memory.load(address, arg.offset)?))
                        }
                        LoadKind::F32 => {
                            Val::F32(u32::from_le_bytes(memory.load(address, arg.offset)?))
                        }
                        LoadKind::F64 => {
                            Val::F64(u64::from_le_bytes(memory.load(address, arg.offset)?))
                        }
                        LoadKind::I32Narrow { bytes, signed } => Val::I32(load_narrow(
                            memory, address, arg.offset, *bytes, *signed,
                        )?
                            as i32),
                        LoadKind::I64Narrow { bytes, signed } => {
                            Val::I64(load_narrow(memory, address, arg.offset, *bytes, *signed)?)
                        }
                    };
                    self.stack.push(value);
                }
                Instr::Store { bytes, arg } => {
                    let memory = self.store.instances[frame.instance].memories[arg.memory as usize];
                    let value = self.pop();
                    let address = self.pop_address();
                    let raw: u64 = match value {
                        Val::I32(v) => u64::from(v as u32),
                        Val::I64(v) => v as u64,
                        Val::F32(v) => v.into(),
                        Val::F64(v) => v,
                        _ => 0,
                    };
                    let le = raw.to_le_bytes();
                    self.store.memories[memory].store(
                        address,
                        arg.offset,
                        &le[..*bytes as usize],
                    )?;
                }
                Instr::MemorySize(index) => {
                    let memory = &self.store.memories
                        [self.store.instances[frame.instance].memories[*index as usize]];
                    let (is_64, pages) = (memory.is_64(), memory.pages());
                    self.push_address(is_64, Some(pages));
                }
                Instr::MemoryGrow(index) => {
                    let memory = self.store.instances[frame.instance].memories[*index as usize];
                    let delta = self.pop_address();
                    let memory = &mut self.store.memories[memory];
                    let old = memory.grow(delta);
                    let is_64 = memory.is_64();
                    self.push_address(is_64, old);
                }
                Instr::MemoryFill(index) => {
                    let memory = self.store.instances[frame.instance].memories[*index as usize];
                    let len = self.pop_address();
                    let value = self.pop_i32() as u8;
                    let dst = self.pop_address();
                    self.store.memories[memory].fill(dst, value, len)?;
                }
                Instr::MemoryCopy { dst, src } => {
                    let dst = self.store.instances[frame.instance].memories[*dst as usize];
                    let src = self.store.instances[frame.instance].memories[*src as usize];
                    let len = self.pop_address();
                    let src_at = self.pop_address();
                    let dst_at = self.pop_address();
                    if dst == src {
                        self.store.memories[dst].copy_within(dst_at, src_at, len)?;
                    } else {
                        let bytes = self.store.memories[src].read(src_at, len)?;
                        self.store.memories[dst].write(dst_at, &bytes)?;
                    }
                }
                Instr::MemoryInit { segment, memory } => {
                    let memory = self.store.instances[frame.instance].memories[*memory as usize];
                    let segment = self.store.instances[frame.instance].datas[*segment as usize];
                    let len = u64::from(self.pop_i32() as u32);
                    let src = u64::from(self.pop_i32() as u32);
                    let dst = self.pop_address();
                    let data = &self.store.datas[segment];
                    let end = src
                        .checked_add(len)
                        .filter(|end| *end <= data.len() as u64)
                        .ok_or(Trap::MemoryOutOfBounds)?;
                    let data = Rc::clone(data);
                    self.store.memories[memory].write(dst, &data[src as usize..end as usize])?;
                }
                Instr::DataDrop(segment) => {
                    let segment = self.store.instances[frame.instance].datas[*segment as usize];
                    self.store.datas[segment] = Rc::from(Vec::new());
                }
            }
        }
    }
}

fn load_narrow(
    memory: &crate::memory::Memory,
    address: u64,
    offset: u64,
    bytes: u8,
    signed: bool,
) -> Result<i64, Trap> {
    Ok(match (bytes, signed) {
        (1, true) => i8::from_le_bytes(memory.load(address, offset)?).into(),
        (1, false) => u8::from_le_bytes(memory.load(address, offset)?).into(),
        (2, true) => i16::from_le_bytes(memory.load(address, offset)?).into(),
        (2, false) => u16::from_le_bytes(memory.load(address, offset)?).into(),
        (_, true) => i32::from_le_bytes(memory.load(address, offset)?).into(),
        (_, false) => u32::from_le_bytes(memory.load(address, offset)?).into(),
    })
}
