//! The queries every typed table answers from its storage, written once.

/// Defines, inside an element kind's `impl` block of its typed table, the questions a runtime
/// asks of any table (`size`, `maximum`, `is_static`, `bytes_held`, `vmtable`) as inherent
/// methods answered from the table's [`TableStorage`](crate::TableStorage) field `$storage`, so
/// that a runtime using one kind calls them without importing anything.
///
/// ```
/// use table_core::{TableLimits, TableStorage};
/// use table_testkit::TestSlot;
///
/// /// A table of test slots.
/// struct TestTable {
///     storage: TableStorage<TestSlot>,
/// }
///
/// impl TestTable {
///     table_core::storage_queries!(storage);
/// }
///
/// let table = TestTable { storage: TableStorage::new_dynamic(TableLimits::new(3, None), TestSlot(0), None)? };
/// assert_eq!(table.size(), 3);
/// assert_eq!(table.vmtable().current_elements, 3);
/// # Ok::<(), table_core::TableError>(())
/// ```
#[macro_export]
macro_rules! storage_queries {
    ($storage:ident) => {
        /// The number of elements in the table.
        #[inline]
        pub fn size(&self) -> usize {
            self.$storage.size()
        }

        /// The most elements the table can ever hold: the capacity for static storage, the
        /// type's maximum for dynamic storage (`None` when it does not fit in `usize`).
        #[inline]
        pub fn maximum(&self) -> Option<usize> {
            self.$storage.maximum()
        }

        /// Whether the table lives in static (pooling-allocator) memory.
        #[inline]
        pub fn is_static(&self) -> bool {
            self.$storage.is_static()
        }

        /// The bytes of memory the table holds: its allocated or static capacity times the
        /// element size.
        #[inline]
        pub fn bytes_held(&self) -> usize {
            self.$storage.bytes_held()
        }

        /// The definition compiled code reads. Re-read it after every grow, failed or not:
        /// dynamic storage may move. Accesses through it follow the aliasing contract of
        /// [`VMTableDefinition`]($crate::VMTableDefinition).
        #[inline]
        pub fn vmtable(&self) -> $crate::VMTableDefinition {
            self.$storage.vmtable()
        }
    };
}
