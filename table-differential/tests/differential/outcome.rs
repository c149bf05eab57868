//! What one step did, in a form both sides can be reduced to and compared with `==`.

use table_core::TableError;
use table_facade::FacadeError;
use table_facade::wasmtime_environ::Trap;
use table_testkit::LimiterRefusal;

/// The observable result of one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A table was created.
    Created,
    /// `set`, `fill` or `copy` completed.
    Done,
    /// `get` read this element (a function id or an `externref` host value; `None` is null).
    Value(Option<u32>),
    /// `grow` succeeded; the old size.
    Grown(u64),
    /// `grow` failed without an error (`table.grow` returns -1).
    NoGrowth,
    /// The operation trapped.
    Trap(Trap),
    /// The limiter's own error came back.
    LimiterError,
    /// Creation was refused with this message (limiter said no, or the minimum cannot be met).
    CreationRefused(String),
    /// Memory could not be allocated.
    AllocationFailed,
    /// The table type's minimum does not fit the static (pooled) capacity.
    ExceedsStaticCapacity,
    /// Anything else, with its message: never expected, so it shows up in a mismatch.
    Other(String),
}

impl Outcome {
    /// The variant's name, for coverage counts.
    pub fn name(&self) -> &'static str {
        match self {
            Outcome::Created => "Created",
            Outcome::Done => "Done",
            Outcome::Value(None) => "Value(null)",
            Outcome::Value(Some(_)) => "Value(non-null)",
            Outcome::Grown(_) => "Grown",
            Outcome::NoGrowth => "NoGrowth",
            Outcome::Trap(_) => "Trap",
            Outcome::LimiterError => "LimiterError",
            Outcome::CreationRefused(_) => "CreationRefused",
            Outcome::AllocationFailed => "AllocationFailed",
            Outcome::ExceedsStaticCapacity => "ExceedsStaticCapacity",
            Outcome::Other(_) => "Other",
        }
    }
}

/// The outcome a facade error stands for.
pub fn of_facade_error(error: &FacadeError) -> Outcome {
    let core = match error {
        FacadeError::Core(core) => Some(core),
        _ => None,
    };
    match core {
        Some(TableError::OutOfBounds) => Outcome::Trap(Trap::TableOutOfBounds),
        Some(TableError::Limiter(limiter)) if limiter.is::<LimiterRefusal>() => {
            Outcome::LimiterError
        }
        Some(refused @ TableError::MinimumExceedsLimits { .. }) => {
            Outcome::CreationRefused(refused.to_string())
        }
        Some(TableError::OutOfMemory { .. } | TableError::ElementBytesOverflow { .. }) => {
            Outcome::AllocationFailed
        }
        Some(TableError::StaticMemoryTooSmall { .. }) => Outcome::ExceedsStaticCapacity,
        _ => Outcome::Other(format!("facade: {error}")),
    }
}

/// The outcome a Wasmtime error stands for.
pub fn of_wasmtime_error(error: &wasmtime::Error) -> Outcome {
    if crate::limiter::is_limiter_refusal(error) {
        return Outcome::LimiterError;
    }
    if let Some(trap) = error.downcast_ref::<Trap>() {
        return Outcome::Trap(*trap);
    }
    let message = error.to_string();
    if message.starts_with("failed to grow table by") {
        return Outcome::NoGrowth;
    }
    if message.contains("exceeds table limits") {
        return Outcome::CreationRefused(message);
    }
    // A pooling engine refuses such a module before instantiation.
    if error
        .chain()
        .any(|cause| cause.to_string().contains("which exceeds the limit of"))
    {
        return Outcome::ExceedsStaticCapacity;
    }
    let allocation = error.chain().any(|cause| {
        cause.is::<wasmtime::error::OutOfMemory>() || cause.is::<std::alloc::LayoutError>()
    }) || message.contains("overflow calculating table allocation size");
    if allocation {
        return Outcome::AllocationFailed;
    }
    Outcome::Other(format!("wasmtime: {error:#}"))
}
