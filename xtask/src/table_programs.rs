//! Table programs of our own, beside `wasm-smith`'s modules: random but valid by construction,
//! and shaped so that every table instruction runs on every element kind. `wasm-smith` emits
//! `table.fill`, `table.copy` and `table.init` rarely and mostly behind code that traps first;
//! here every exported function is one short sequence of table operations with operands that
//! are mostly in bounds, so each runs and leaves the tables in a new state for the next.
//!
//! A program has up to five tables (funcref and externref; with GC also anyref, eqref, i31ref,
//! a struct type's references, exnref and continuations), 32- or 64-bit, small or large, with or without a maximum;
//! leaf functions for funcrefs to name; an active `ref.func` segment per funcref table (lazily
//! initialised in Wasmtime's default configuration), a passive segment per element kind and a
//! declared one; and per table a dozen exported functions, each a `table.get`, `table.set`,
//! `table.fill`, `table.copy`, `table.init`, `table.grow`, `table.size`, `elem.drop`,
//! `call_indirect` or `return_call_indirect`, with values of the table's kind: null, functions,
//! i31s, structs (heap references, through the GC barriers), exceptions (thrown and caught by a
//! function of the program), continuations (`cont.new` of a leaf) and slots read from the table.
//! A continuation table also gets an exported slot reader (`__is_null:NAME`), since Wasmtime's
//! host API cannot read one.

use crate::table_counters;
use std::borrow::Cow;
use wasm_encoder::{
    AbstractHeapType, BlockType, Catch, CodeSection, ConstExpr, ContType, ElementSection, Elements,
    ExportKind, ExportSection, FieldType, Function, FunctionSection, HeapType, Instruction, Module,
    RefType, StorageType, TableSection, TableType, TagKind, TagSection, TagType, TypeSection,
    ValType,
};

/// The type of the operation functions: `() -> ()`.
const OPERATION_TYPE: u32 = 0;
/// The type of leaf functions and of `call_indirect`'s callees: `() -> i32`.
const LEAF_TYPE: u32 = 1;
/// With GC, a struct type with one `i32` field.
const STRUCT_TYPE: u32 = 2;
/// Leaf functions: the functions funcrefs name.
const LEAVES: u32 = 4;
/// With GC, the function after the leaves returns a new exception (`() -> exnref`), thrown
/// with tag 0 (of the operation type) and caught with `catch_all_ref`.
const NEW_EXCEPTION: u32 = LEAVES;
/// With GC, its type.
const NEW_EXCEPTION_TYPE: u32 = 3;
/// With GC, the continuation type of leaf functions.
const CONT_TYPE: u32 = 4;
/// With GC, the types of a continuation table's slot reader: `(i32) -> i32` and `(i64) -> i32`.
const READER_TYPES: [u32; 2] = [5, 6];

/// A seeded xorshift64* generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn percent(&mut self, chance: u64) -> bool {
        self.below(100) < chance
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

/// An element kind.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Func,
    Extern,
    Any,
    Eq,
    I31,
    Struct,
    /// Exception references (with GC: Wasmtime keeps exceptions on its GC heap).
    Exn,
    /// Continuation references (with GC, in Wasmtime's `gc` configuration, which enables stack
    /// switching): `cont.new` of a leaf function.
    Cont,
}

impl Kind {
    fn heap_type(self) -> HeapType {
        let abstract_type = |ty| HeapType::Abstract { shared: false, ty };
        match self {
            Kind::Func => abstract_type(AbstractHeapType::Func),
            Kind::Extern => abstract_type(AbstractHeapType::Extern),
            Kind::Any => abstract_type(AbstractHeapType::Any),
            Kind::Eq => abstract_type(AbstractHeapType::Eq),
            Kind::I31 => abstract_type(AbstractHeapType::I31),
            Kind::Struct => HeapType::Concrete(STRUCT_TYPE),
            Kind::Exn => abstract_type(AbstractHeapType::Exn),
            Kind::Cont => HeapType::Concrete(CONT_TYPE),
        }
    }

    fn ref_type(self) -> RefType {
        RefType {
            nullable: true,
            heap_type: self.heap_type(),
        }
    }
}

/// A table of the program.
#[derive(Clone, Copy)]
struct Table {
    kind: Kind,
    table64: bool,
    minimum: u64,
}

/// The program of `seed`, with GC types and values when `gc`.
pub fn generate(seed: u64, gc: bool) -> Vec<u8> {
    let mut rng = Rng(seed.wrapping_mul(0xA24B_AED4_963E_E407) | 1);
    let kinds: &[Kind] = if gc {
        &[
            Kind::Func,
            Kind::Extern,
            Kind::Any,
            Kind::Eq,
            Kind::I31,
            Kind::Struct,
            Kind::Exn,
            Kind::Cont,
        ]
    } else {
        &[Kind::Func, Kind::Extern]
    };
    let tables: Vec<Table> = (0..2 + rng.below(4))
        .map(|_| Table {
            kind: rng.pick(kinds),
            table64: rng.percent(30),
            minimum: rng.pick(&[0, 1, 4, 16, 16, 100, 100, 1000]),
        })
        .collect();

    let mut types = TypeSection::new();
    types.ty().function([], []);
    types.ty().function([], [ValType::I32]);
    if gc {
        types.ty().struct_([FieldType {
            element_type: StorageType::Val(ValType::I32),
            mutable: false,
        }]);
        types.ty().function([], [ValType::EXNREF]);
        types.ty().cont(&ContType(LEAF_TYPE));
        types.ty().function([ValType::I32], [ValType::I32]);
        types.ty().function([ValType::I64], [ValType::I32]);
    }

    let mut table_section = TableSection::new();
    for table in &tables {
        table_section.table(TableType {
            element_type: table.kind.ref_type(),
            table64: table.table64,
            minimum: table.minimum,
            maximum: rng.percent(40).then(|| table.minimum + rng.below(200)),
            shared: false,
        });
    }

    // Segments: an active `ref.func` one per non-empty funcref table, then a passive one per
    // kind present, then a declared one naming every leaf (for `ref.func` in code).
    let mut elements = ElementSection::new();
    let mut segments = 0u32;
    for (index, table) in tables.iter().enumerate() {
        if table.kind == Kind::Func && table.minimum > 0 {
            let count = table.minimum.min(u64::from(LEAVES) * 2);
            let functions: Vec<u32> = (0..count)
                .map(|_| rng.below(u64::from(LEAVES)) as u32)
                .collect();
            let offset = rng.below(table.minimum - count + 1);
            elements.active(
                Some(index as u32),
                &index_const(table.table64, offset),
                Elements::Functions(Cow::Owned(functions)),
            );
            segments += 1;
        }
    }
    let mut passive = Vec::new();
    // None of continuations: stock Wasmtime 44 panics on a `table.init` of a continuation table
    // (its constant evaluator gives no reference for `ref.null` of a continuation type).
    for &kind in kinds.iter().filter(|&&kind| kind != Kind::Cont) {
        if tables.iter().any(|table| table.kind == kind) {
            let values: Vec<ConstExpr> = (0..1 + rng.below(12))
                .map(|_| const_value(&mut rng, kind, gc))
                .collect();
            elements.passive(Elements::Expressions(kind.ref_type(), Cow::Owned(values)));
            passive.push((kind, segments));
            segments += 1;
        }
    }
    elements.declared(Elements::Functions(Cow::Owned((0..LEAVES).collect())));

    let mut functions = FunctionSection::new();
    let mut code = CodeSection::new();
    let mut exports = ExportSection::new();
    for leaf in 0..LEAVES {
        functions.function(LEAF_TYPE);
        let mut body = Function::new([]);
        body.instruction(&Instruction::I32Const(leaf as i32 + 1));
        body.instruction(&Instruction::End);
        code.function(&body);
    }
    let mut next_function = LEAVES;
    let mut tags = TagSection::new();
    if gc {
        functions.function(NEW_EXCEPTION_TYPE);
        code.function(&new_exception());
        tags.tag(TagType {
            kind: TagKind::Exception,
            func_type_idx: OPERATION_TYPE,
        });
        next_function += 1;
    }
    for (index, table) in tables.iter().enumerate() {
        exports.export(&format!("t{index}"), ExportKind::Table, index as u32);
        if table.kind == Kind::Cont {
            // Wasmtime's host API cannot read a continuation table: the runner asks this.
            functions.function(READER_TYPES[usize::from(table.table64)]);
            code.function(&slot_reader(index as u32));
            exports.export(
                &format!("{}t{index}", table_counters::UNCOUNTED_PREFIX),
                ExportKind::Func,
                next_function,
            );
            next_function += 1;
        }
        for _ in 0..12 {
            let (ty, body) = operation(&mut rng, &tables, index, &passive, gc);
            functions.function(ty);
            code.function(&body);
            exports.export(
                &format!("op{next_function}"),
                ExportKind::Func,
                next_function,
            );
            next_function += 1;
        }
    }

    let mut module = Module::new();
    module
        .section(&types)
        .section(&functions)
        .section(&table_section);
    if gc {
        module.section(&tags);
    }
    module.section(&exports).section(&elements).section(&code);
    module.finish()
}

/// A continuation table's slot reader: whether the slot at the index argument is null.
fn slot_reader(table: u32) -> Function {
    let mut body = Function::new([]);
    body.instruction(&Instruction::LocalGet(0));
    body.instruction(&Instruction::TableGet(table));
    body.instruction(&Instruction::RefIsNull);
    body.instruction(&Instruction::End);
    body
}

/// The body of [`NEW_EXCEPTION`]: throws tag 0 and returns what `catch_all_ref` caught.
fn new_exception() -> Function {
    let mut body = Function::new([]);
    body.instruction(&Instruction::Block(BlockType::Result(ValType::EXNREF)));
    // The catch's label is the block around the `try_table`.
    body.instruction(&Instruction::TryTable(
        BlockType::Empty,
        Cow::Owned(vec![Catch::AllRef { label: 0 }]),
    ));
    body.instruction(&Instruction::Throw(0));
    body.instruction(&Instruction::End);
    body.instruction(&Instruction::Unreachable);
    body.instruction(&Instruction::End);
    body.instruction(&Instruction::End);
    body
}

/// An index operand of `table`'s index type.
fn index_const(table64: bool, value: u64) -> ConstExpr {
    if table64 {
        ConstExpr::i64_const(value as i64)
    } else {
        ConstExpr::i32_const(value as i32)
    }
}

/// A constant of `kind` for a segment.
fn const_value(rng: &mut Rng, kind: Kind, gc: bool) -> ConstExpr {
    let small = rng.below(1000) as i32;
    match (kind, rng.below(3)) {
        (_, 0) => ConstExpr::ref_null(kind.heap_type()),
        (Kind::Func, _) => ConstExpr::ref_func(rng.below(u64::from(LEAVES)) as u32),
        (Kind::Extern, _) if gc => ConstExpr::extended([
            Instruction::I32Const(small),
            Instruction::RefI31,
            Instruction::ExternConvertAny,
        ]),
        // No constant expression makes an exception or a continuation.
        (Kind::Extern | Kind::Exn | Kind::Cont, _) => ConstExpr::ref_null(kind.heap_type()),
        (Kind::Struct, _) => ConstExpr::extended([
            Instruction::I32Const(small),
            Instruction::StructNew(STRUCT_TYPE),
        ]),
        (Kind::Any | Kind::Eq, 1) => ConstExpr::extended([
            Instruction::I32Const(small),
            Instruction::StructNew(STRUCT_TYPE),
        ]),
        (Kind::Any | Kind::Eq | Kind::I31, _) => {
            ConstExpr::extended([Instruction::I32Const(small), Instruction::RefI31])
        }
    }
}

/// One operation function on table `index`: its type and body.
fn operation(
    rng: &mut Rng,
    tables: &[Table],
    index: usize,
    passive: &[(Kind, u32)],
    gc: bool,
) -> (u32, Function) {
    let table = tables[index];
    let t = index as u32;
    let mut body = Function::new([]);
    let mut emit = |instruction: Instruction<'_>| {
        body.instruction(&instruction);
    };
    let mut ty = OPERATION_TYPE;
    let choices: &[u32] = match table.kind {
        Kind::Func => &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        // No `table.init` (see `generate`).
        Kind::Cont => &[0, 1, 2, 3, 5, 6],
        _ => &[0, 1, 2, 3, 4, 5, 6, 7],
    };
    match rng.pick(choices) {
        // table.get
        0 => {
            index_operand(rng, &mut emit, table, table.minimum + 2);
            emit(Instruction::TableGet(t));
            emit(Instruction::Drop);
        }
        // table.set
        1 => {
            index_operand(rng, &mut emit, table, table.minimum + 2);
            value(rng, &mut emit, table, t, gc);
            emit(Instruction::TableSet(t));
        }
        // table.fill
        2 => {
            let start = rng.below(table.minimum + 2);
            index_operand(rng, &mut emit, table, start + 1);
            value(rng, &mut emit, table, t, gc);
            length_operand(rng, &mut emit, table.table64, table.minimum);
            emit(Instruction::TableFill(t));
        }
        // table.copy, from a table of the same kind and index type (this one, often)
        3 => {
            let sources: Vec<usize> = (0..tables.len())
                .filter(|&other| {
                    tables[other].kind == table.kind && tables[other].table64 == table.table64
                })
                .collect();
            let source = rng.pick(&sources);
            index_operand(rng, &mut emit, table, table.minimum + 1);
            index_operand(rng, &mut emit, tables[source], tables[source].minimum + 1);
            length_operand(rng, &mut emit, table.table64, table.minimum);
            emit(Instruction::TableCopy {
                src_table: source as u32,
                dst_table: t,
            });
        }
        // table.init from the passive segment of the table's kind (the segment's offsets are
        // i32 whatever the table's index type)
        4 => {
            let segment = passive
                .iter()
                .find(|(kind, _)| *kind == table.kind)
                .map_or(0, |(_, segment)| *segment);
            index_operand(rng, &mut emit, table, table.minimum + 1);
            emit(Instruction::I32Const(rng.below(4) as i32));
            emit(Instruction::I32Const(rng.below(8) as i32));
            emit(Instruction::TableInit {
                elem_index: segment,
                table: t,
            });
        }
        // table.grow
        5 => {
            value(rng, &mut emit, table, t, gc);
            let delta = if rng.percent(10) { 1000 } else { rng.below(8) };
            if table.table64 {
                emit(Instruction::I64Const(delta as i64));
            } else {
                emit(Instruction::I32Const(delta as i32));
            }
            emit(Instruction::TableGrow(t));
            emit(Instruction::Drop);
        }
        // table.size
        6 => {
            emit(Instruction::TableSize(t));
            emit(Instruction::Drop);
        }
        // elem.drop of the kind's passive segment (later inits of it trap unless empty)
        7 => {
            if let Some((_, segment)) = passive.iter().find(|(kind, _)| *kind == table.kind) {
                emit(Instruction::ElemDrop(*segment));
            }
        }
        // call_indirect
        8 => {
            index_operand(rng, &mut emit, table, table.minimum + 2);
            emit(Instruction::CallIndirect {
                type_index: LEAF_TYPE,
                table_index: t,
            });
            emit(Instruction::Drop);
        }
        // return_call_indirect, from a function of the callee's type
        _ => {
            ty = LEAF_TYPE;
            index_operand(rng, &mut emit, table, table.minimum + 2);
            emit(Instruction::ReturnCallIndirect {
                type_index: LEAF_TYPE,
                table_index: t,
            });
        }
    }
    emit(Instruction::End);
    (ty, body)
}

/// An index below `bound` mostly, past it sometimes (a trap).
fn index_operand(rng: &mut Rng, emit: &mut impl FnMut(Instruction<'_>), table: Table, bound: u64) {
    let value = if rng.percent(90) {
        rng.below(bound.max(1))
    } else {
        bound + rng.below(1 << 20)
    };
    emit(if table.table64 {
        Instruction::I64Const(value as i64)
    } else {
        Instruction::I32Const(value as i32)
    });
}

/// A length for a bulk operation on a table of about `size` slots.
fn length_operand(rng: &mut Rng, emit: &mut impl FnMut(Instruction<'_>), table64: bool, size: u64) {
    let value = rng.below(size / 2 + 3);
    emit(if table64 {
        Instruction::I64Const(value as i64)
    } else {
        Instruction::I32Const(value as i32)
    });
}

/// A value of the table's element type: null, a new one of its kind, or one of its own slots.
fn value(rng: &mut Rng, emit: &mut impl FnMut(Instruction<'_>), table: Table, t: u32, gc: bool) {
    let small = rng.below(1000) as i32;
    match (table.kind, rng.below(4)) {
        (kind, 0) => emit(Instruction::RefNull(kind.heap_type())),
        (_, 1) => {
            // A slot of the table itself: heap references move between slots.
            index_operand(rng, emit, table, table.minimum.max(1));
            emit(Instruction::TableGet(t));
        }
        (Kind::Func, _) => emit(Instruction::RefFunc(rng.below(u64::from(LEAVES)) as u32)),
        (Kind::Extern, _) if gc => {
            emit(Instruction::I32Const(small));
            emit(Instruction::RefI31);
            emit(Instruction::ExternConvertAny);
        }
        (Kind::Extern, _) => emit(Instruction::RefNull(Kind::Extern.heap_type())),
        (Kind::Exn, _) => emit(Instruction::Call(NEW_EXCEPTION)),
        (Kind::Cont, _) => {
            emit(Instruction::RefFunc(rng.below(u64::from(LEAVES)) as u32));
            emit(Instruction::ContNew(CONT_TYPE));
        }
        (Kind::I31, _) | (Kind::Any | Kind::Eq, 2) => {
            emit(Instruction::I32Const(small));
            emit(Instruction::RefI31);
        }
        (Kind::Struct | Kind::Any | Kind::Eq, _) => {
            emit(Instruction::I32Const(small));
            emit(Instruction::StructNew(STRUCT_TYPE));
        }
    }
}
