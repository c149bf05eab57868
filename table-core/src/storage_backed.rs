//! The queries every typed table answers from its storage, written once.

use crate::{TableElement, TableStorage, VMTableDefinition};

/// A typed table over a [`TableStorage`] of `T` slots: the questions a runtime asks of any table (`size`,
/// `maximum`, `is_static`, `bytes_held`, `vmtable`) are answered once, here, from the storage.
///
/// ```
/// use table_core::{StorageBacked, TableLimits, TableStorage};
/// use table_testkit::TestSlot;
///
/// /// A table of test slots.
/// struct TestTable {
///     storage: TableStorage<TestSlot>,
/// }
///
/// impl StorageBacked<TestSlot> for TestTable {
///     fn storage(&self) -> &TableStorage<TestSlot> {
///         &self.storage
///     }
/// }
///
/// let table = TestTable { storage: TableStorage::new_dynamic(TableLimits::new(3, None))? };
/// assert_eq!(table.size(), 3);
/// # Ok::<(), table_core::TableError>(())
/// ```
pub trait StorageBacked<T: TableElement> {
    /// The storage under the table.
    fn storage(&self) -> &TableStorage<T>;

    /// The number of elements in the table.
    #[inline]
    fn size(&self) -> usize {
        self.storage().size()
    }

    /// The most elements the table can ever hold: the capacity for static storage, the type's
    /// maximum for dynamic storage (`None` when it does not fit in `usize`).
    #[inline]
    fn maximum(&self) -> Option<usize> {
        self.storage().maximum()
    }

    /// Whether the table lives in static (pooling-allocator) memory.
    #[inline]
    fn is_static(&self) -> bool {
        self.storage().is_static()
    }

    /// The bytes of memory the table holds: its allocated or static capacity times the element
    /// size.
    #[inline]
    fn bytes_held(&self) -> usize {
        self.storage().bytes_held()
    }

    /// The definition compiled code reads. Re-read it after every grow, failed or not: dynamic
    /// storage may move. Accesses through it follow the aliasing contract of
    /// [`VMTableDefinition`].
    #[inline]
    fn vmtable(&self) -> VMTableDefinition {
        self.storage().vmtable()
    }
}
