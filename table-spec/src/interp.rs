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
use crate::value::{FuncAddr, Ref, Val};

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
    /// Pops the top operand. Validation guarantees one is there; an empty stack is an
    /// interpreter bug, reported as such rather than made up.
    fn pop(&mut self) -> Result<Val, SpecError> {
        self.stack
            .pop()
            .ok_or_else(|| SpecError::Interpreter("operand stack underflow".into()))
    }

    /// Pops the top operand as the type `unwrap` accepts (`expected` names it for the error).
    fn pop_as<T>(
        &mut self,
        expected: &str,
        unwrap: impl FnOnce(Val) -> Option<T>,
    ) -> Result<T, SpecError> {
        let value = self.pop()?;
        unwrap(value).ok_or_else(|| mismatch(expected, &value))
    }

    fn pop_i32(&mut self) -> Result<i32, SpecError> {
        self.pop_as("i32", |v| if let Val::I32(x) = v { Some(x) } else { None })
    }

    fn pop_i64(&mut self) -> Result<i64, SpecError> {
        self.pop_as("i64", |v| if let Val::I64(x) = v { Some(x) } else { None })
    }

    fn pop_f32(&mut self) -> Result<u32, SpecError> {
        self.pop_as("f32", |v| if let Val::F32(x) = v { Some(x) } else { None })
    }

    fn pop_f64(&mut self) -> Result<u64, SpecError> {
        self.pop_as("f64", |v| if let Val::F64(x) = v { Some(x) } else { None })
    }

    fn pop_ref(&mut self) -> Result<Ref, SpecError> {
        self.pop_as("a reference", |v| {
            if let Val::Ref(r) = v { Some(r) } else { None }
        })
    }

    /// Pops an address or length: `i64` for 64-bit tables and memories, `i32` otherwise.
    fn pop_address(&mut self) -> Result<u64, SpecError> {
        self.pop_as("an address (i32 or i64)", |v| match v {
            Val::I32(x) => Some(u64::from(x as u32)),
            Val::I64(x) => Some(x as u64),
            _ => None,
        })
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
        let index = self.pop_address()?;
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
        match self.pop_ref()? {
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
            self.budget = self
                .budget
                .checked_sub(1)
                .ok_or(SpecError::OutOfBudget(self.store.instruction_budget))?;
            if let Some(transfer) = self.execute(frame, instr, pc)? {
                return Ok(transfer);
            }
        }
    }

    /// Executes one instruction (at `pc`) by its family; `Some` when it ends the body's run.
    fn execute(
        &mut self,
        frame: &mut Frame,
        instr: &Instr,
        pc: usize,
    ) -> Result<Option<Transfer>, SpecError> {
        use Instr::*;
        match instr {
            Unsupported(_)
            | Unreachable
            | Nop
            | Block { .. }
            | Loop { .. }
            | If { .. }
            | Else { .. }
            | End
            | Br(_)
            | BrIf(_)
            | BrTable { .. }
            | BrOnNull(_)
            | BrOnNonNull(_)
            | Return => self.control(frame, instr, pc),
            Call(_)
            | ReturnCall(_)
            | CallIndirect { .. }
            | ReturnCallIndirect { .. }
            | CallRef
            | ReturnCallRef => self.call(frame, instr).map(Some),
            Drop | Select | LocalGet(_) | LocalSet(_) | LocalTee(_) | GlobalGet(_)
            | GlobalSet(_) => self.variable(frame, instr).map(|()| None),
            TableGet(_)
            | TableSet(_)
            | TableSize(_)
            | TableGrow(_)
            | TableFill(_)
            | TableCopy { .. }
            | TableInit { .. }
            | ElemDrop(_) => self.table_instruction(frame, instr).map(|()| None),
            RefNull(_) | RefIsNull | RefFunc(_) | RefAsNonNull => {
                self.reference(frame, instr).map(|()| None)
            }
            I32Const(_) | I64Const(_) | F32Const(_) | F64Const(_) | I32Unary(_) | I64Unary(_)
            | I32Binary(_) | I64Binary(_) | I32Compare(_) | I64Compare(_) | F32Unary(_)
            | F64Unary(_) | F32Binary(_) | F64Binary(_) | F32Compare(_) | F64Compare(_)
            | Convert(_) => self.numeric(instr).map(|()| None),
            Load(..)
            | Store { .. }
            | MemorySize(_)
            | MemoryGrow(_)
            | MemoryFill(_)
            | MemoryCopy { .. }
            | MemoryInit { .. }
            | DataDrop(_) => self.memory(frame, instr).map(|()| None),
        }
    }

    /// Blocks, branches and the instructions that stop a run in place.
    fn control(
        &mut self,
        frame: &mut Frame,
        instr: &Instr,
        pc: usize,
    ) -> Result<Option<Transfer>, SpecError> {
        let branch_to = |machine: &mut Self, frame: &mut Frame, depth: u32| {
            machine.branch(frame, depth).then_some(Transfer::Return)
        };
        Ok(match instr {
            Instr::Unsupported(name) => {
                return Err(SpecError::Unsupported(format!("instruction `{name}`")));
            }
            Instr::Unreachable => return Err(Trap::UnreachableCodeReached.into()),
            Instr::Nop => None,
            Instr::Block {
                params,
                results,
                end,
            } => {
                self.open(*params, *results, *end as usize + 1);
                None
            }
            Instr::Loop { params } => {
                self.open(*params, *params, pc);
                None
            }
            Instr::If {
                params,
                results,
                else_at,
                end,
            } => {
                let condition = self.pop_i32()?;
                self.open(*params, *results, *end as usize + 1);
                if condition == 0 {
                    frame.pc = *else_at as usize;
                }
                None
            }
            Instr::Else { end } => {
                frame.pc = *end as usize;
                None
            }
            Instr::End => {
                self.labels.pop();
                None
            }
            Instr::Br(depth) => branch_to(self, frame, *depth),
            Instr::BrIf(depth) => match self.pop_i32()? {
                0 => None,
                _ => branch_to(self, frame, *depth),
            },
            Instr::BrTable { targets, default } => {
                let index = self.pop_i32()? as u32 as usize;
                let depth = targets.get(index).copied().unwrap_or(*default);
                branch_to(self, frame, depth)
            }
            Instr::BrOnNull(depth) => {
                let value = self.pop_ref()?;
                if value.is_null() {
                    branch_to(self, frame, *depth)
                } else {
                    self.stack.push(Val::Ref(value));
                    None
                }
            }
            Instr::BrOnNonNull(depth) => {
                let value = self.pop_ref()?;
                if value.is_null() {
                    None
                } else {
                    self.stack.push(Val::Ref(value));
                    branch_to(self, frame, *depth)
                }
            }
            Instr::Return => Some(Transfer::Return),
            other => return Err(misrouted("control", other)),
        })
    }

    /// Opens a block whose `params` are on the stack, keeping `arity` values on a branch to it,
    /// which continues at `cont`.
    fn open(&mut self, params: u32, arity: u32, cont: usize) {
        self.labels.push(Label {
            height: self.stack.len() - params as usize,
            arity: arity as usize,
            cont,
        });
    }

    /// Direct, indirect and reference calls, plain and tail.
    fn call(&mut self, frame: &Frame, instr: &Instr) -> Result<Transfer, SpecError> {
        let funcs = &self.store.instances[frame.instance].funcs;
        Ok(match instr {
            Instr::Call(index) => Transfer::Call(funcs[*index as usize]),
            Instr::ReturnCall(index) => Transfer::TailCall(funcs[*index as usize]),
            Instr::CallIndirect { type_index, table } => {
                Transfer::Call(self.indirect_target(frame, *type_index, *table)?)
            }
            Instr::ReturnCallIndirect { type_index, table } => {
                Transfer::TailCall(self.indirect_target(frame, *type_index, *table)?)
            }
            Instr::CallRef => Transfer::Call(self.call_ref_target()?),
            Instr::ReturnCallRef => Transfer::TailCall(self.call_ref_target()?),
            other => return Err(misrouted("call", other)),
        })
    }

    /// `drop`, `select`, locals and globals.
    fn variable(&mut self, frame: &Frame, instr: &Instr) -> Result<(), SpecError> {
        let globals = &self.store.instances[frame.instance].globals;
        match instr {
            Instr::Drop => {
                self.pop()?;
            }
            Instr::Select => {
                let condition = self.pop_i32()?;
                let second = self.pop()?;
                let first = self.pop()?;
                self.stack.push(if condition != 0 { first } else { second });
            }
            Instr::LocalGet(index) => {
                let value = self.stack[frame.locals_base + *index as usize];
                self.stack.push(value);
            }
            Instr::LocalSet(index) => {
                let value = self.pop()?;
                self.stack[frame.locals_base + *index as usize] = value;
            }
            Instr::LocalTee(index) => {
                let value = self.pop()?;
                self.stack.push(value);
                self.stack[frame.locals_base + *index as usize] = value;
            }
            Instr::GlobalGet(index) => {
                let global = globals[*index as usize];
                self.stack.push(self.store.globals[global].value);
            }
            Instr::GlobalSet(index) => {
                let global = globals[*index as usize];
                self.store.globals[global].value = self.pop()?;
            }
            other => return Err(misrouted("variable", other)),
        }
        Ok(())
    }

    /// The `table.*` and `elem.drop` instructions, on the store's facade tables.
    fn table_instruction(&mut self, frame: &Frame, instr: &Instr) -> Result<(), SpecError> {
        match instr {
            Instr::TableGet(index) => {
                let table = self.table(frame, *index);
                let at = self.pop_address()?;
                let value = self.store.tables.get(table, at)?;
                self.stack.push(Val::Ref(value));
            }
            Instr::TableSet(index) => {
                let table = self.table(frame, *index);
                let value = self.pop_ref()?;
                let at = self.pop_address()?;
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
                let delta = self.pop_address()?;
                let init = self.pop_ref()?;
                let old = self.store.tables.grow(table, delta, init)?;
                let is_64 = self.store.tables.table_type(table).table64;
                self.push_address(is_64, old);
            }
            Instr::TableFill(index) => {
                let table = self.table(frame, *index);
                let len = self.pop_address()?;
                let value = self.pop_ref()?;
                let dst = self.pop_address()?;
                self.store.tables.fill(table, dst, value, len)?;
            }
            Instr::TableCopy { dst, src } => {
                let dst_table = self.table(frame, *dst);
                let src_table = self.table(frame, *src);
                // The length has the smaller of the two index types.
                let len = self.pop_address()?;
                let src_at = self.pop_address()?;
                let dst_at = self.pop_address()?;
                self.store
                    .tables
                    .copy(dst_table, src_table, dst_at, src_at, len)?;
            }
            Instr::TableInit { segment, table } => {
                let table = self.table(frame, *table);
                let segment = self.store.instances[frame.instance].elems[*segment as usize];
                let len = u64::from(self.pop_i32()? as u32);
                let src = u64::from(self.pop_i32()? as u32);
                let dst = self.pop_address()?;
                let items = &self.store.elems[segment];
                let range = table_core::check_range(items.len(), src, len)?;
                self.store.tables.init(table, dst, &items[range])?;
            }
            Instr::ElemDrop(segment) => {
                let segment = self.store.instances[frame.instance].elems[*segment as usize];
                self.store.elems[segment] = Vec::new();
            }
            other => return Err(misrouted("table", other)),
        }
        Ok(())
    }

    /// `ref.null`, `ref.is_null`, `ref.func` and `ref.as_non_null`.
    fn reference(&mut self, frame: &Frame, instr: &Instr) -> Result<(), SpecError> {
        let value = match instr {
            Instr::RefNull(top) => Val::Ref(Ref::Null(*top)),
            Instr::RefIsNull => Val::I32(self.pop_ref()?.is_null().into()),
            Instr::RefFunc(index) => Val::Ref(Ref::Func(
                self.store.instances[frame.instance].funcs[*index as usize],
            )),
            Instr::RefAsNonNull => match self.pop_ref()? {
                value if value.is_null() => return Err(Trap::NullReference.into()),
                value => Val::Ref(value),
            },
            other => return Err(misrouted("reference", other)),
        };
        self.stack.push(value);
        Ok(())
    }

    /// Constants, integer and float arithmetic, comparisons and conversions.
    fn numeric(&mut self, instr: &Instr) -> Result<(), SpecError> {
        let value = match instr {
            Instr::I32Const(v) => Val::I32(*v),
            Instr::I64Const(v) => Val::I64(*v),
            Instr::F32Const(v) => Val::F32(*v),
            Instr::F64Const(v) => Val::F64(*v),
            Instr::I32Unary(op) => Val::I32(numeric::i32_unary(*op, self.pop_i32()?)),
            Instr::I64Unary(op) => Val::I64(numeric::i64_unary(*op, self.pop_i64()?)),
            Instr::I32Binary(op) => {
                let y = self.pop_i32()?;
                let x = self.pop_i32()?;
                Val::I32(numeric::i32_binary(*op, x, y)?)
            }
            Instr::I64Binary(op) => {
                let y = self.pop_i64()?;
                let x = self.pop_i64()?;
                Val::I64(numeric::i64_binary(*op, x, y)?)
            }
            Instr::I32Compare(op) => {
                let y = match op {
                    crate::instr::IntCompare::Eqz => 0,
                    _ => self.pop_i32()?,
                };
                let x = self.pop_i32()?;
                Val::I32(numeric::i32_compare(*op, x, y).into())
            }
            Instr::I64Compare(op) => {
                let y = match op {
                    crate::instr::IntCompare::Eqz => 0,
                    _ => self.pop_i64()?,
                };
                let x = self.pop_i64()?;
                Val::I32(numeric::i64_compare(*op, x, y).into())
            }
            Instr::F32Unary(op) => Val::F32(numeric::f32_unary(*op, self.pop_f32()?)),
            Instr::F64Unary(op) => Val::F64(numeric::f64_unary(*op, self.pop_f64()?)),
            Instr::F32Binary(op) => {
                let y = self.pop_f32()?;
                let x = self.pop_f32()?;
                Val::F32(numeric::f32_binary(*op, x, y))
            }
            Instr::F64Binary(op) => {
                let y = self.pop_f64()?;
                let x = self.pop_f64()?;
                Val::F64(numeric::f64_binary(*op, x, y))
            }
            Instr::F32Compare(op) => {
                let y = self.pop_f32()?;
                let x = self.pop_f32()?;
                Val::I32(numeric::f32_compare(*op, x, y).into())
            }
            Instr::F64Compare(op) => {
                let y = self.pop_f64()?;
                let x = self.pop_f64()?;
                Val::I32(numeric::f64_compare(*op, x, y).into())
            }
            Instr::Convert(op) => {
                let x = self.pop()?;
                numeric::convert(*op, x)?
                    .ok_or_else(|| mismatch(&format!("an operand of {op:?}"), &x))?
            }
            other => return Err(misrouted("numeric", other)),
        };
        self.stack.push(value);
        Ok(())
    }

    /// Loads, stores and the `memory.*` and `data.drop` instructions.
    fn memory(&mut self, frame: &Frame, instr: &Instr) -> Result<(), SpecError> {
        let memories = &self.store.instances[frame.instance].memories;
        match instr {
            Instr::Load(kind, arg) => {
                let memory = memories[arg.memory as usize];
                let address = self.pop_address()?;
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
                    LoadKind::I32Narrow { bytes, signed } => {
                        Val::I32(load_narrow(memory, address, arg.offset, *bytes, *signed)? as i32)
                    }
                    LoadKind::I64Narrow { bytes, signed } => {
                        Val::I64(load_narrow(memory, address, arg.offset, *bytes, *signed)?)
                    }
                };
                self.stack.push(value);
            }
            Instr::Store { bytes, arg } => {
                let memory = memories[arg.memory as usize];
                let value = self.pop()?;
                let address = self.pop_address()?;
                let raw: u64 = match value {
                    Val::I32(v) => u64::from(v as u32),
                    Val::I64(v) => v as u64,
                    Val::F32(v) => v.into(),
                    Val::F64(v) => v,
                    other => return Err(mismatch("a number to store", &other)),
                };
                let le = raw.to_le_bytes();
                self.store.memories[memory].store(address, arg.offset, &le[..*bytes as usize])?;
            }
            Instr::MemorySize(index) => {
                let memory = &self.store.memories[memories[*index as usize]];
                let (is_64, pages) = (memory.is_64(), memory.pages());
                self.push_address(is_64, Some(pages));
            }
            Instr::MemoryGrow(index) => {
                let memory = memories[*index as usize];
                let delta = self.pop_address()?;
                let memory = &mut self.store.memories[memory];
                let old = memory.grow(delta);
                let is_64 = memory.is_64();
                self.push_address(is_64, old);
            }
            Instr::MemoryFill(index) => {
                let memory = memories[*index as usize];
                let len = self.pop_address()?;
                let value = self.pop_i32()? as u8;
                let dst = self.pop_address()?;
                self.store.memories[memory].fill(dst, value, len)?;
            }
            Instr::MemoryCopy { dst, src } => {
                let (dst, src) = (memories[*dst as usize], memories[*src as usize]);
                let len = self.pop_address()?;
                let src_at = self.pop_address()?;
                let dst_at = self.pop_address()?;
                if dst == src {
                    self.store.memories[dst].copy_within(dst_at, src_at, len)?;
                } else {
                    let bytes = self.store.memories[src].read(src_at, len)?;
                    self.store.memories[dst].write(dst_at, &bytes)?;
                }
            }
            Instr::MemoryInit { segment, memory } => {
                let memory = memories[*memory as usize];
                let segment = self.store.instances[frame.instance].datas[*segment as usize];
                let len = u64::from(self.pop_i32()? as u32);
                let src = u64::from(self.pop_i32()? as u32);
                let dst = self.pop_address()?;
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
            other => return Err(misrouted("memory", other)),
        }
        Ok(())
    }
}

/// An operand of the wrong type: validated code never produces one, so it is an interpreter bug.
fn mismatch(expected: &str, found: &Val) -> SpecError {
    SpecError::Interpreter(format!(
        "expected {expected} on the operand stack, found {}",
        found.describe()
    ))
}

/// An instruction handed to the wrong family's executor (an interpreter bug).
fn misrouted(family: &str, instr: &Instr) -> SpecError {
    SpecError::Interpreter(format!("{instr:?} dispatched as a {family} instruction"))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::RefTop;

    fn machine(store: &mut Store, stack: Vec<Val>) -> Machine<'_> {
        Machine {
            budget: 1,
            store,
            stack,
            labels: Vec::new(),
            frames: Vec::new(),
        }
    }

    /// An operand of the wrong type fails loudly instead of reading as 0 (which could let an
    /// interpreter bug pass an assertion that expects 0).
    #[test]
    fn an_operand_of_the_wrong_type_is_an_interpreter_error() {
        let mut store = Store::new(false, 1);
        let mut refs = machine(&mut store, vec![Val::Ref(Ref::Null(RefTop::Func))]);
        let error = refs.pop_i32().unwrap_err();
        assert!(
            matches!(&error, SpecError::Interpreter(message) if message.contains("expected i32")),
            "{error}"
        );
        let mut ints = machine(&mut store, vec![Val::I32(0)]);
        assert!(matches!(ints.pop_ref(), Err(SpecError::Interpreter(_))));
        assert!(
            matches!(ints.pop(), Err(SpecError::Interpreter(_))),
            "underflow"
        );
    }
}
