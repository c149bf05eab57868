//! Decoding a validated binary into the runner's module: index spaces with canonical types,
//! compiled function bodies and constant expressions, segments and exports.

use std::rc::Rc;

use wasmtime_environ::wasmparser::{
    DataKind, ElementItems, ElementKind, ExternalKind, GlobalType, MemoryType, Parser, Payload,
    RefType, TableInit, TableType, TypeRef, Validator, types::CoreTypeId,
};

use crate::compile::compile;
use crate::error::SpecError;
use crate::instr::Instr;
use crate::types::{TypeRegistry, TypeScope};
use crate::value::Val;

/// A compiled function body.
#[derive(Debug)]
pub struct FuncBody {
    /// Number of parameters.
    pub params: usize,
    /// Number of results.
    pub results: usize,
    /// Initial values of the declared (non-parameter) locals.
    pub locals: Box<[Val]>,
    /// The instructions; the last is [`Instr::Return`].
    pub code: Box<[Instr]>,
}

/// A constant expression, compiled like a body with no locals and one result.
pub type ConstExpr = Rc<FuncBody>;

/// What an import or export names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternKind {
    /// A function.
    Func,
    /// A table.
    Table,
    /// A memory.
    Memory,
    /// A global.
    Global,
    /// An exception tag (the runner links none).
    Tag,
}

/// One import.
#[derive(Debug, Clone)]
pub struct Import {
    /// The module name.
    pub module: String,
    /// The field name.
    pub name: String,
    /// What it imports; its type is at the kind's index space position.
    pub kind: ExternKind,
}

/// One export.
#[derive(Debug, Clone)]
pub struct Export {
    /// The export name.
    pub name: String,
    /// What it exports.
    pub kind: ExternKind,
    /// Index in the kind's index space.
    pub index: u32,
}

/// An element segment's mode.
#[derive(Debug, Clone)]
pub enum ElemMode {
    /// Used by `table.init` only.
    Passive,
    /// Written to a table at instantiation.
    Active {
        /// The table.
        table: u32,
        /// The offset expression.
        offset: ConstExpr,
    },
    /// Only declares functions for `ref.func`.
    Declared,
}

/// One element of a segment.
#[derive(Debug, Clone)]
pub enum ElemItem {
    /// A function index (the compact encoding).
    Func(u32),
    /// A constant expression.
    Expr(ConstExpr),
}

/// An element segment.
#[derive(Debug, Clone)]
pub struct ElemSegment {
    /// The mode.
    pub mode: ElemMode,
    /// The element type (canonical).
    pub ty: RefType,
    /// The elements.
    pub items: Vec<ElemItem>,
}

/// A data segment.
#[derive(Debug, Clone)]
pub struct DataSegment {
    /// `Some((memory, offset))` for an active segment.
    pub active: Option<(u32, ConstExpr)>,
    /// The bytes.
    pub bytes: Rc<[u8]>,
}

/// A validated, decoded module.
#[derive(Debug, Default)]
pub struct Module {
    /// Canonical ids of the type index space.
    pub types: Vec<CoreTypeId>,
    /// Imports in order.
    pub imports: Vec<Import>,
    /// Canonical type of every function (imports first).
    pub funcs: Vec<CoreTypeId>,
    /// Bodies of the defined functions.
    pub bodies: Vec<Rc<FuncBody>>,
    /// Every table type (imports first).
    pub tables: Vec<TableType>,
    /// Initial-value expressions of defined tables (`None`: null).
    pub table_inits: Vec<Option<ConstExpr>>,
    /// Every memory type (imports first).
    pub memories: Vec<MemoryType>,
    /// Every global type (imports first).
    pub globals: Vec<GlobalType>,
    /// Initial-value expressions of defined globals.
    pub global_inits: Vec<ConstExpr>,
    /// Exports.
    pub exports: Vec<Export>,
    /// The start function.
    pub start: Option<u32>,
    /// Element segments.
    pub elems: Vec<ElemSegment>,
    /// Data segments.
    pub datas: Vec<DataSegment>,
}

impl Module {
    /// Number of imports of `kind`.
    pub fn imported(&self, kind: ExternKind) -> usize {
        self.imports.iter().filter(|i| i.kind == kind).count()
    }
}

/// Validates `bytes` with the script's validator, then decodes it.
///
/// # Errors
///
/// [`SpecError::Invalid`] when validation rejects the module, [`SpecError::Decode`] when the
/// binary cannot be read after validation.
pub fn decode(
    bytes: &[u8],
    validator: &mut Validator,
    registry: &mut TypeRegistry,
) -> Result<Module, SpecError> {
    // The script-wide validator canonicalises types across modules, but it cannot be reset
    // after a failed validation; so a fresh validator judges the module first and the shared
    // one only ever sees valid modules.
    Validator::new_with_features(*validator.features())
        .validate_all(bytes)
        .map_err(|error| SpecError::Invalid(error.to_string()))?;
    validator.reset();
    let types = validator
        .validate_all(bytes)
        .map_err(|error| SpecError::Invalid(error.to_string()))?;
    let types = types.as_ref();
    let mut module = Module {
        types: registry.record_module(types),
        ..Module::default()
    };
    for index in 0..types.function_count() {
        module.funcs.push(types.core_function_at(index));
    }
    for index in 0..types.table_count() {
        module.tables.push(types.table_at(index));
    }
    for index in 0..types.memory_count() {
        module.memories.push(types.memory_at(index));
    }
    for index in 0..types.global_count() {
        module.globals.push(types.global_at(index));
    }
    let element_types: Vec<RefType> = (0..types.element_count())
        .map(|index| types.element_at(index))
        .collect();
    let scope = TypeScope {
        registry,
        module: &module.types,
    };
    let mut defined_func = 0usize;
    let mut decoded = Decoded::default();
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.map_err(SpecError::decode)? {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.map_err(SpecError::decode)?;
                    let kind = match import.ty {
                        TypeRef::Func(_) | TypeRef::FuncExact(_) => ExternKind::Func,
                        TypeRef::Table(_) => ExternKind::Table,
                        TypeRef::Memory(_) => ExternKind::Memory,
                        TypeRef::Global(_) => ExternKind::Global,
                        TypeRef::Tag(_) => ExternKind::Tag,
                    };
                    decoded.imports.push(Import {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                        kind,
                    });
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    let table = table.map_err(SpecError::decode)?;
                    decoded.table_inits.push(match table.init {
                        TableInit::RefNull => None,
                        TableInit::Expr(expr) => Some(const_expr(expr, &scope)?),
                    });
                }
            }
            Payload::GlobalSection(reader) => {
                for global in reader {
                    let global = global.map_err(SpecError::decode)?;
                    decoded
                        .global_inits
                        .push(const_expr(global.init_expr, &scope)?);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(SpecError::decode)?;
                    let kind = match export.kind {
                        ExternalKind::Func | ExternalKind::FuncExact => ExternKind::Func,
                        ExternalKind::Table => ExternKind::Table,
                        ExternalKind::Memory => ExternKind::Memory,
                        ExternalKind::Global => ExternKind::Global,
                        ExternalKind::Tag => ExternKind::Tag,
                    };
                    decoded.exports.push(Export {
                        name: export.name.to_string(),
                        kind,
                        index: export.index,
                    });
                }
            }
            Payload::StartSection { func, .. } => decoded.start = Some(func),
            Payload::ElementSection(reader) => {
                for element in reader {
                    let element = element.map_err(SpecError::decode)?;
                    let index = decoded.elems.len();
                    let mode = match element.kind {
                        ElementKind::Passive => ElemMode::Passive,
                        ElementKind::Declared => ElemMode::Declared,
                        ElementKind::Active {
                            table_index,
                            offset_expr,
                        } => ElemMode::Active {
                            table: table_index.unwrap_or(0),
                            offset: const_expr(offset_expr, &scope)?,
                        },
                    };
                    let mut items = Vec::new();
                    match element.items {
                        ElementItems::Functions(reader) => {
                            for func in reader {
                                items.push(ElemItem::Func(func.map_err(SpecError::decode)?));
                            }
                        }
                        ElementItems::Expressions(_, reader) => {
                            for expr in reader {
                                let expr = expr.map_err(SpecError::decode)?;
                                items.push(ElemItem::Expr(const_expr(expr, &scope)?));
                            }
                        }
                    }
                    let ty = element_types
                        .get(index)
                        .copied()
                        .unwrap_or(RefType::FUNCREF);
                    decoded.elems.push(ElemSegment { mode, ty, items });
                }
            }
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data.map_err(SpecError::decode)?;
                    let active = match data.kind {
                        DataKind::Passive => None,
                        DataKind::Active {
                            memory_index,
                            offset_expr,
                        } => Some((memory_index, const_expr(offset_expr, &scope)?)),
                    };
                    decoded.datas.push(DataSegment {
                        active,
                        bytes: data.data.into(),
                    });
                }
            }
            Payload::CodeSectionEntry(body) => {
                let func_index = decoded.imported_funcs() + defined_func;
                defined_func += 1;
                let signature = module
                    .funcs
                    .get(func_index)
                    .and_then(|id| scope.registry.signature(*id))
                    .ok_or_else(|| {
                        SpecError::Decode(format!("function {func_index} has no type"))
                    })?;
                let mut locals = Vec::new();
                for local in body.get_locals_reader().map_err(SpecError::decode)? {
                    let (count, ty) = local.map_err(SpecError::decode)?;
                    let value = Val::default_of(ty, &scope);
                    locals.extend(std::iter::repeat_n(value, count as usize));
                }
                let code = compile(
                    body.get_operators_reader().map_err(SpecError::decode)?,
                    &scope,
                )?;
                decoded.bodies.push(Rc::new(FuncBody {
                    params: signature.params.len(),
                    results: signature.results.len(),
                    locals: locals.into(),
                    code: code.into(),
                }));
            }
            _ => {}
        }
    }
    module.imports = decoded.imports;
    module.bodies = decoded.bodies;
    module.table_inits = decoded.table_inits;
    module.global_inits = decoded.global_inits;
    module.exports = decoded.exports;
    module.start = decoded.start;
    module.elems = decoded.elems;
    module.datas = decoded.datas;
    Ok(module)
}

/// The sections collected while walking the binary.
#[derive(Default)]
struct Decoded {
    imports: Vec<Import>,
    bodies: Vec<Rc<FuncBody>>,
    table_inits: Vec<Option<ConstExpr>>,
    global_inits: Vec<ConstExpr>,
    exports: Vec<Export>,
    start: Option<u32>,
    elems: Vec<ElemSegment>,
    datas: Vec<DataSegment>,
}

impl Decoded {
    fn imported_funcs(&self) -> usize {
        self.imports
            .iter()
            .filter(|i| i.kind == ExternKind::Func)
            .count()
    }
}

fn const_expr(
    expr: wasmtime_environ::wasmparser::ConstExpr<'_>,
    scope: &TypeScope<'_>,
) -> Result<ConstExpr, SpecError> {
    let code = compile(expr.get_operators_reader(), scope)?;
    Ok(Rc::new(FuncBody {
        params: 0,
        results: 1,
        locals: Box::new([]),
        code: code.into(),
    }))
}
