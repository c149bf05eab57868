//! The runner's one error type: everything that can stop a module or an invocation.

use wasmtime_environ::Trap;

/// Why a module could not be used or an invocation did not return.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SpecError {
    /// The script text could not be parsed or a module in it could not be encoded.
    #[error("parse error: {0}")]
    Parse(String),

    /// The validator rejected a module.
    #[error("invalid module: {0}")]
    Invalid(String),

    /// A validated binary could not be decoded (a runner bug if it ever happens).
    #[error("decode error: {0}")]
    Decode(String),

    /// Instantiation failed while matching imports.
    #[error("link error: {0}")]
    Link(String),

    /// Execution trapped.
    #[error("trap: {0}")]
    Trap(Trap),

    /// An invocation executed its whole instruction budget (an endless loop, or more work than
    /// the budget allows).
    #[error("gave up after {0} instructions (an endless loop?)")]
    OutOfBudget(u64),

    /// Execution reached something outside this runtime's scope; the directive is skipped.
    #[error("unsupported: {0}")]
    Unsupported(String),

    /// A table operation failed with an embedder-facing (non-trap) facade error.
    #[error("table error: {0}")]
    Facade(table_facade::FacadeError),

    /// The interpreter found its own state inconsistent (an operand of the wrong type, an empty
    /// operand stack): a bug in this runner, which fails the directive instead of passing it.
    #[error("interpreter error: {0}")]
    Interpreter(String),

    /// The script refers to something that does not exist (an unknown module, export or
    /// argument count) or a file could not be read.
    #[error("script error: {0}")]
    Script(String),
}

impl SpecError {
    /// A decode error from any displayable cause.
    pub fn decode(error: impl std::fmt::Display) -> SpecError {
        SpecError::Decode(error.to_string())
    }
}

impl From<table_core::OutOfBounds> for SpecError {
    fn from(out_of_bounds: table_core::OutOfBounds) -> Self {
        SpecError::Trap(out_of_bounds.into())
    }
}

impl From<Trap> for SpecError {
    fn from(trap: Trap) -> Self {
        SpecError::Trap(trap)
    }
}
