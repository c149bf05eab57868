//! The generated input: which tables, which limiter policy, which operations; and the proptest
//! strategies that produce it.

use crate::limiter;
use proptest::prelude::*;
use table_testkit::LimiterPolicy;

/// How many distinct non-null values (functions or `externref`s) a case draws from.
pub const VALUES: u8 = 4;

/// The capacity, in elements, of a pooled (static) table slot.
pub const POOL_CAPACITY: u64 = 10;

/// A table element chosen by the generator: `None` is null, `Some(k)` the k-th value of the pool.
pub type Value = Option<u8>;

/// The element kind and, for funcrefs, the lazy-initialisation mode under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Funcref tables with `Tunables::table_lazy_init = true`.
    FuncLazy,
    /// Funcref tables with `Tunables::table_lazy_init = false`.
    FuncEager,
    /// `externref` tables.
    Extern,
}

impl Kind {
    pub fn is_func(self) -> bool {
        self != Kind::Extern
    }

    pub fn lazy_init(self) -> bool {
        self == Kind::FuncLazy
    }
}

/// Where both sides keep the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Wasmtime: `Table::new` (always dynamic). Facade: `Table::new_dynamic`.
    Dynamic,
    /// Wasmtime: a module-defined table instantiated on a pooling engine with
    /// `table_elements = POOL_CAPACITY`. Facade: `Table::new_static` over a zeroed block of
    /// `POOL_CAPACITY` elements.
    Pooled,
}

/// One table of a case.
#[derive(Debug, Clone)]
pub struct TableSpec {
    pub table64: bool,
    pub min: u64,
    pub max: Option<u64>,
    /// What creation fills `[0, min)` with (Wasmtime's `Table::new` init value). Pooled tables
    /// are module-defined and start null.
    pub init: Value,
    /// Elements `set` right after creation, in order.
    pub presets: Vec<(u64, Value)>,
    /// Lazy funcref tables: the facade leaves `[0, min)` uninitialised and lends a resolver that
    /// answers what Wasmtime's table holds there after creation (as a runtime resolves a
    /// module's initial elements), instead of writing the initial contents eagerly.
    pub unfilled: bool,
}

impl TableSpec {
    /// The value slot `index` holds right after creation and the presets.
    pub fn initial(&self, index: u64) -> Value {
        self.presets
            .iter()
            .rev()
            .find(|(preset, _)| *preset == index)
            .map_or(self.init, |(_, value)| *value)
    }

    /// The maximum both runtimes use for a dynamic table of this type.
    pub fn dynamic_maximum(&self) -> u64 {
        self.max.unwrap_or(if self.table64 {
            u64::MAX
        } else {
            u64::from(u32::MAX)
        })
    }
}

/// How much `grow` asks for, resolved against the table's size when the step runs.
#[derive(Debug, Clone, Copy)]
pub enum Delta {
    /// Exactly this many elements.
    Small(u64),
    /// `maximum - size + offset`: just below, at and just past the maximum.
    ToMaximum(i8),
    /// A delta no runtime can satisfy: at least 2^60 elements.
    Huge(u64),
    /// `u64::MAX - size + offset`: offset 0 reaches exactly `u64::MAX`, 1 overflows.
    Overflow(u64),
}

/// One step of a case.
#[derive(Debug, Clone)]
pub enum Op {
    Get {
        table: usize,
        index: u64,
    },
    Set {
        table: usize,
        index: u64,
        value: Value,
    },
    Fill {
        table: usize,
        dst: u64,
        value: Value,
        len: u64,
    },
    /// `via_wasm`: pooled tables grow through the module's exported `table.grow` function
    /// instead of `wasmtime::Table::grow`. `asynchronous`: the facade grows through
    /// `grow_async` with the limiter as an `AsyncTableLimiter` (Wasmtime is synchronous).
    Grow {
        table: usize,
        delta: Delta,
        value: Value,
        via_wasm: bool,
        asynchronous: bool,
    },
    CopyWithin {
        table: usize,
        dst: u64,
        src: u64,
        len: u64,
    },
    /// From the other table into `dst_table`.
    Copy {
        dst_table: usize,
        dst: u64,
        src: u64,
        len: u64,
    },
    SetPolicy(LimiterPolicy),
}

/// A whole generated case.
#[derive(Debug, Clone)]
pub struct Case {
    pub kind: Kind,
    pub placement: Placement,
    pub policy: LimiterPolicy,
    /// The facade creates its tables through the `_async` constructors.
    pub asynchronous: bool,
    pub tables: [TableSpec; 2],
    pub ops: Vec<Op>,
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![1 => Just(None), 3 => (0..VALUES).prop_map(Some)]
}

/// Mostly in-range or just past the end; sometimes far out of range.
fn index() -> impl Strategy<Value = u64> {
    prop_oneof![
        12 => 0u64..10,
        1 => prop::sample::select(vec![
            u64::from(u32::MAX),
            1 << 32,
            u64::MAX - 1,
            u64::MAX,
        ]),
    ]
}

fn len() -> impl Strategy<Value = u64> {
    prop_oneof![
        12 => 0u64..6,
        1 => prop::sample::select(vec![u64::from(u32::MAX), 1 << 32, u64::MAX]),
    ]
}

fn delta() -> impl Strategy<Value = Delta> {
    prop_oneof![
        8 => (0u64..=6).prop_map(Delta::Small),
        3 => (-1i8..=1).prop_map(Delta::ToMaximum),
        1 => prop::sample::select(vec![1u64 << 60, 1 << 62, u64::MAX - 1, u64::MAX])
            .prop_map(Delta::Huge),
        1 => (0u64..=1).prop_map(Delta::Overflow),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let table = 0usize..2;
    prop_oneof![
        2 => (table.clone(), index()).prop_map(|(table, index)| Op::Get { table, index }),
        3 => (table.clone(), index(), value())
            .prop_map(|(table, index, value)| Op::Set { table, index, value }),
        2 => (table.clone(), index(), value(), len())
            .prop_map(|(table, dst, value, len)| Op::Fill { table, dst, value, len }),
        4 => (table.clone(), delta(), value(), any::<bool>(), any::<bool>()).prop_map(
            |(table, delta, value, via_wasm, asynchronous)| Op::Grow {
                table,
                delta,
                value,
                via_wasm,
                asynchronous,
            }
        ),
        2 => (table.clone(), index(), index(), len())
            .prop_map(|(table, dst, src, len)| Op::CopyWithin { table, dst, src, len }),
        2 => (table, index(), index(), len())
            .prop_map(|(dst_table, dst, src, len)| Op::Copy { dst_table, dst, src, len }),
        1 => limiter::policy().prop_map(Op::SetPolicy),
    ]
}

/// Table types for host-created tables: 32-bit and table64, small or huge minimums, no maximum,
/// a small one, or a huge one.
fn dynamic_table() -> impl Strategy<Value = TableSpec> {
    (
        any::<bool>(),
        prop_oneof![9 => 0u64..=6, 1 => Just(u64::MAX)],
    )
        .prop_flat_map(|(table64, min)| {
            let limit = if table64 {
                u64::MAX
            } else {
                u64::from(u32::MAX)
            };
            // A huge minimum: 2^40 elements cannot be allocated; a 32-bit table's largest
            // minimum is only run when the limiter refuses it (see `creation_is_safe`).
            let min = match min {
                u64::MAX if table64 => 1 << 40,
                u64::MAX => limit,
                min => min,
            };
            let huge_max = if table64 {
                prop::sample::select(vec![u64::MAX, u64::MAX - 1, 1 << 40]).boxed()
            } else {
                Just(u64::from(u32::MAX)).boxed()
            };
            let max = prop_oneof![
                2 => Just(None),
                4 => (0u64..=8).prop_map(move |extra| Some(min.saturating_add(extra).min(limit))),
                1 => huge_max.prop_map(move |max| Some(max.max(min))),
            ];
            let presets = prop::collection::vec((0u64..8, value()), 0..3);
            (
                Just(table64),
                Just(min),
                max,
                value(),
                presets,
                any::<bool>(),
            )
        })
        .prop_map(|(table64, min, max, init, presets, unfilled)| TableSpec {
            table64,
            min,
            max,
            init,
            presets: presets
                .into_iter()
                .filter(|(index, _)| *index < min)
                .collect(),
            unfilled,
        })
}

/// Table types for module-defined tables in a pool slot of `POOL_CAPACITY` elements: declared
/// maximum below, at and above the capacity, none, and a minimum the slot cannot hold.
fn pooled_table() -> impl Strategy<Value = TableSpec> {
    let shapes = vec![
        (0, None),
        (2, Some(6)),
        (1, Some(POOL_CAPACITY)),
        (3, Some(POOL_CAPACITY + 5)),
        (POOL_CAPACITY, None),
        (POOL_CAPACITY + 2, None),
    ];
    (
        any::<bool>(),
        prop::sample::select(shapes),
        prop::collection::vec((0u64..8, value()), 0..3),
        any::<bool>(),
    )
        .prop_map(|(table64, (min, max), presets, unfilled)| TableSpec {
            table64,
            min,
            max,
            init: None,
            presets: presets
                .into_iter()
                .filter(|(index, _)| *index < min)
                .collect(),
            unfilled,
        })
}

/// Cases of `kind` in `placement`.
pub fn case(kind: Kind, placement: Placement) -> impl Strategy<Value = Case> {
    let table = match placement {
        Placement::Dynamic => dynamic_table().boxed(),
        Placement::Pooled => pooled_table().boxed(),
    };
    (
        limiter::creation_policy(),
        any::<bool>(),
        table.clone(),
        table,
        prop::collection::vec(op(), 1..40),
    )
        .prop_map(move |(policy, asynchronous, first, second, ops)| Case {
            kind,
            placement,
            policy,
            asynchronous,
            tables: [first, second],
            ops,
        })
}
