//! Counting the table instructions a module executes, by rewriting it: every table instruction
//! is preceded by an increment of a counter global of its own kind and table, and the counters
//! are exported, so that a runtime's runner can report them after the module ran (the module
//! fuzzer's `count` trace lines). Runtimes have no hook that counts instructions; the rewritten
//! module means the same as the original, plus the counters (and the fuel they cost).

use wasm_encoder::reencode::{Error, Reencode, utils};
use wasm_encoder::{
    ConstExpr, ExportKind, ExportSection, GlobalSection, GlobalType, Instruction, SectionId,
    ValType,
};
use wasmparser::{Operator, Payload};

/// The table instructions counted, in counter order.
pub const INSTRUCTIONS: [&str; 9] = [
    "table.get",
    "table.set",
    "table.fill",
    "table.copy",
    "table.init",
    "table.grow",
    "table.size",
    "call_indirect",
    "return_call_indirect",
];

/// The prefix of the counters' export names: `PREFIX<instruction>:<table index>`.
pub const PREFIX: &str = "__count:";

/// The prefix of the export names of functions whose table instructions are not counted: the
/// slot readers of continuation tables ([`crate::table_programs`]), which the runners call for
/// their snapshots, not the program.
pub const UNCOUNTED_PREFIX: &str = "__is_null:";

/// The function `export` exports if its table instructions are not counted
/// ([`UNCOUNTED_PREFIX`]).
pub fn uncounted(export: &wasmparser::Export<'_>) -> Option<u32> {
    (export.kind == wasmparser::ExternalKind::Func && export.name.starts_with(UNCOUNTED_PREFIX))
        .then_some(export.index)
}

/// The counted instruction `operator` is (its index in [`INSTRUCTIONS`]) and the table it uses
/// (`table.copy`'s destination).
pub fn table_instruction(operator: &Operator<'_>) -> Option<(usize, u32)> {
    Some(match *operator {
        Operator::TableGet { table } => (0, table),
        Operator::TableSet { table } => (1, table),
        Operator::TableFill { table } => (2, table),
        Operator::TableCopy { dst_table, .. } => (3, dst_table),
        Operator::TableInit { table, .. } => (4, table),
        Operator::TableGrow { table } => (5, table),
        Operator::TableSize { table } => (6, table),
        Operator::CallIndirect { table_index, .. } => (7, table_index),
        Operator::ReturnCallIndirect { table_index, .. } => (8, table_index),
        _ => return None,
    })
}

/// `bytes` with the counters added (see the module documentation).
///
/// # Errors
///
/// If the module does not parse or has imports (whose globals would shift the counters').
pub fn instrument(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let (mut globals, mut tables) = (0u32, 0u32);
    let mut uncounted = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        match payload.map_err(|error| error.to_string())? {
            Payload::ImportSection(reader) if reader.count() > 0 => {
                return Err("a module with imports is not instrumented".to_string());
            }
            Payload::GlobalSection(reader) => globals = reader.count(),
            Payload::TableSection(reader) => tables = reader.count(),
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(|error| error.to_string())?;
                    uncounted.extend(self::uncounted(&export));
                }
            }
            _ => {}
        }
    }
    let mut counters = Counters {
        first: globals,
        tables,
        globals_written: false,
        exports_written: false,
        uncounted,
        next_body: 0,
    };
    let mut module = wasm_encoder::Module::new();
    counters
        .parse_core_module(&mut module, wasmparser::Parser::new(0), bytes)
        .map_err(|error| format!("instrumenting: {error:?}"))?;
    Ok(module.finish())
}

/// The rewriter: counter `k * tables + t` counts instruction `k` of [`INSTRUCTIONS`] on table
/// `t`, and is global `first + k * tables + t`, after the module's own globals.
struct Counters {
    first: u32,
    tables: u32,
    globals_written: bool,
    exports_written: bool,
    /// The functions not instrumented (no imports: function index = body index).
    uncounted: Vec<u32>,
    /// The index of the next function body.
    next_body: u32,
}

impl Counters {
    fn count(&self) -> u32 {
        INSTRUCTIONS.len() as u32 * self.tables
    }

    fn add_globals(&self, globals: &mut GlobalSection) {
        let ty = GlobalType {
            val_type: ValType::I64,
            mutable: true,
            shared: false,
        };
        for _ in 0..self.count() {
            globals.global(ty, &ConstExpr::i64_const(0));
        }
    }

    fn add_exports(&self, exports: &mut ExportSection) {
        for (kind, name) in INSTRUCTIONS.iter().enumerate() {
            for table in 0..self.tables {
                let index = self.first + kind as u32 * self.tables + table;
                exports.export(
                    &format!("{PREFIX}{name}:{table}"),
                    ExportKind::Global,
                    index,
                );
            }
        }
    }
}

impl Reencode for Counters {
    type Error = std::convert::Infallible;

    fn parse_global_section(
        &mut self,
        globals: &mut GlobalSection,
        section: wasmparser::GlobalSectionReader<'_>,
    ) -> Result<(), Error<Self::Error>> {
        utils::parse_global_section(self, globals, section)?;
        self.add_globals(globals);
        self.globals_written = true;
        Ok(())
    }

    fn parse_export_section(
        &mut self,
        exports: &mut ExportSection,
        section: wasmparser::ExportSectionReader<'_>,
    ) -> Result<(), Error<Self::Error>> {
        utils::parse_export_section(self, exports, section)?;
        self.add_exports(exports);
        self.exports_written = true;
        Ok(())
    }

    /// Adds the global and export sections where the module has none, in their places.
    fn intersperse_section_hook(
        &mut self,
        module: &mut wasm_encoder::Module,
        _after: Option<SectionId>,
        before: Option<SectionId>,
    ) -> Result<(), Error<Self::Error>> {
        // The sections that come after the global section, and after the export section.
        let after_globals = matches!(
            before,
            None | Some(
                SectionId::Export
                    | SectionId::Start
                    | SectionId::Element
                    | SectionId::DataCount
                    | SectionId::Code
                    | SectionId::Data
            )
        );
        let after_exports = matches!(
            before,
            None | Some(
                SectionId::Start
                    | SectionId::Element
                    | SectionId::DataCount
                    | SectionId::Code
                    | SectionId::Data
            )
        );
        if after_globals && !self.globals_written && before != Some(SectionId::Global) {
            let mut globals = GlobalSection::new();
            self.add_globals(&mut globals);
            module.section(&globals);
            self.globals_written = true;
        }
        if after_exports && !self.exports_written {
            let mut exports = ExportSection::new();
            self.add_exports(&mut exports);
            module.section(&exports);
            self.exports_written = true;
        }
        Ok(())
    }

    fn parse_function_body(
        &mut self,
        code: &mut wasm_encoder::CodeSection,
        body: wasmparser::FunctionBody<'_>,
    ) -> Result<(), Error<Self::Error>> {
        let mut function = self.new_function_with_parsed_locals(&body)?;
        let counted = !self.uncounted.contains(&self.next_body);
        self.next_body += 1;
        let mut reader = body.get_operators_reader()?;
        while !reader.eof() {
            let operator = reader.read()?;
            if let Some((kind, table)) = table_instruction(&operator).filter(|_| counted) {
                let counter = self.first + kind as u32 * self.tables + table;
                function.instruction(&Instruction::GlobalGet(counter));
                function.instruction(&Instruction::I64Const(1));
                function.instruction(&Instruction::I64Add);
                function.instruction(&Instruction::GlobalSet(counter));
            }
            function.instruction(&self.instruction(operator)?);
        }
        code.function(&function);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The number of global writes in each function body of `bytes`.
    fn global_writes(bytes: &[u8]) -> Vec<usize> {
        let mut writes = Vec::new();
        for payload in wasmparser::Parser::new(0).parse_all(bytes) {
            if let Ok(Payload::CodeSectionEntry(body)) = payload {
                let mut reader = body.get_operators_reader().unwrap();
                let mut count = 0;
                while !reader.eof() {
                    count +=
                        usize::from(matches!(reader.read().unwrap(), Operator::GlobalSet { .. }));
                }
                writes.push(count);
            }
        }
        writes
    }

    #[test]
    fn every_table_instruction_is_counted_except_in_the_slot_readers() {
        let module = wat::parse_str(
            r#"(module
                (table $t 1 funcref)
                (func (export "program") (drop (table.size $t)) (drop (table.get $t (i32.const 0))))
                (func (export "__is_null:t") (param i32) (result i32)
                    (ref.is_null (table.get $t (local.get 0)))))"#,
        )
        .unwrap();

        let instrumented = instrument(&module).unwrap();

        wasmparser::Validator::new()
            .validate_all(&instrumented)
            .unwrap();
        assert_eq!(global_writes(&instrumented), [2, 0]);
    }
}
