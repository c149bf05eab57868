//! Values and element segments of any element kind.

use crate::TableElementType;
#[cfg(feature = "cont")]
use table_cont::{ContSlot, VMContObj};
#[cfg(feature = "func")]
use table_func::FuncRef;
#[cfg(feature = "gc")]
use table_gcref::VMGcRef;

/// One table element of any kind; `None` inside a variant is that kind's null.
///
/// A GC reference held here is owned by whoever holds the value: writing it into a table clones
/// it through the GC store, and reading one out of a table yields a clone the caller must release.
///
/// Examples: [`Table::set`](crate::Table::set), [`Table::fill`](crate::Table::fill),
/// [`Table::grow`](crate::Table::grow).
#[derive(Debug, PartialEq, Eq)]
pub enum TableValue {
    /// A function reference.
    #[cfg(feature = "func")]
    Func(Option<FuncRef>),
    /// A GC reference.
    #[cfg(feature = "gc")]
    GcRef(Option<VMGcRef>),
    /// A continuation reference.
    #[cfg(feature = "cont")]
    Cont(Option<VMContObj>),
}

impl TableValue {
    /// The null value of `kind`, if this build holds that kind.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "gc")] {
    /// use table_facade::{TableElementType, TableValue};
    ///
    /// let null = TableValue::null(TableElementType::GcRef).expect("gc is compiled in");
    /// assert_eq!(null, TableValue::GcRef(None));
    /// # }
    /// ```
    pub fn null(kind: TableElementType) -> Option<Self> {
        match kind {
            #[cfg(feature = "func")]
            TableElementType::Func => Some(TableValue::Func(None)),
            #[cfg(feature = "gc")]
            TableElementType::GcRef => Some(TableValue::GcRef(None)),
            #[cfg(feature = "cont")]
            TableElementType::Cont => Some(TableValue::Cont(None)),
            #[allow(unreachable_patterns, reason = "reachable when a kind is compiled out")]
            _ => None,
        }
    }

    /// The element kind of this value.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "cont")] {
    /// use table_facade::{TableElementType, TableValue};
    ///
    /// assert_eq!(TableValue::Cont(None).element_type(), TableElementType::Cont);
    /// # }
    /// ```
    pub fn element_type(&self) -> TableElementType {
        match self {
            #[cfg(feature = "func")]
            TableValue::Func(_) => TableElementType::Func,
            #[cfg(feature = "gc")]
            TableValue::GcRef(_) => TableElementType::GcRef,
            #[cfg(feature = "cont")]
            TableValue::Cont(_) => TableElementType::Cont,
        }
    }

    /// Whether this is a null reference.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "gc")] {
    /// use table_facade::{I31, TableValue, VMGcRef};
    ///
    /// assert!(TableValue::GcRef(None).is_null());
    /// assert!(!TableValue::GcRef(Some(VMGcRef::from_i31(I31::wrapping_i32(0)))).is_null());
    /// # }
    /// ```
    pub fn is_null(&self) -> bool {
        match self {
            #[cfg(feature = "func")]
            TableValue::Func(value) => value.is_none(),
            #[cfg(feature = "gc")]
            TableValue::GcRef(value) => value.is_none(),
            #[cfg(feature = "cont")]
            TableValue::Cont(value) => value.is_none(),
        }
    }
}

/// An element segment's values, of one kind, for [`Table::init`](crate::Table::init).
///
/// Example: [`Table::init`](crate::Table::init).
#[derive(Debug, Clone, Copy)]
pub enum ElementSegment<'a> {
    /// Function references.
    #[cfg(feature = "func")]
    Func(&'a [Option<FuncRef>]),
    /// GC references (cloned into the table through the GC store).
    #[cfg(feature = "gc")]
    GcRef(&'a [Option<VMGcRef>]),
    /// Continuation references, pre-encoded as slots (`ContSlot::from` each value once, when
    /// the segment is instantiated) so `table.init` is one slice copy.
    #[cfg(feature = "cont")]
    Cont(&'a [ContSlot]),
}

impl ElementSegment<'_> {
    /// The element kind of the segment's values.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "func")] {
    /// use table_facade::{ElementSegment, TableElementType};
    ///
    /// let segment = ElementSegment::Func(&[None, None]);
    /// assert_eq!(segment.element_type(), TableElementType::Func);
    /// # }
    /// ```
    pub fn element_type(&self) -> TableElementType {
        match self {
            #[cfg(feature = "func")]
            ElementSegment::Func(_) => TableElementType::Func,
            #[cfg(feature = "gc")]
            ElementSegment::GcRef(_) => TableElementType::GcRef,
            #[cfg(feature = "cont")]
            ElementSegment::Cont(_) => TableElementType::Cont,
        }
    }

    /// The number of values in the segment.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "func")] {
    /// use table_facade::ElementSegment;
    ///
    /// assert_eq!(ElementSegment::Func(&[None, None, None]).len(), 3);
    /// # }
    /// ```
    pub fn len(&self) -> usize {
        match self {
            #[cfg(feature = "func")]
            ElementSegment::Func(values) => values.len(),
            #[cfg(feature = "gc")]
            ElementSegment::GcRef(values) => values.len(),
            #[cfg(feature = "cont")]
            ElementSegment::Cont(values) => values.len(),
        }
    }

    /// Whether the segment has no values.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "cont")] {
    /// use table_facade::ElementSegment;
    ///
    /// assert!(ElementSegment::Cont(&[]).is_empty());
    /// # }
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
