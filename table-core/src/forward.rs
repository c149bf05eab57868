//! The queries every typed table forwards to its storage, written once.

/// Expands, inside an `impl` block of a typed table with a `TableStorage` field, to the
/// storage queries every table offers: `size`, `maximum`, `is_static`, `bytes_held` and
/// `vmtable`.
///
/// Element crates use it so the forwarding (and its documentation) exists once, in core:
///
/// ```
/// use table_core::{TableStorage, testing::TestSlot};
///
/// /// A table of test slots.
/// pub struct TestTable {
///     storage: TableStorage<TestSlot>,
/// }
///
/// impl TestTable {
///     table_core::storage_queries!(storage);
/// }
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
        pub fn maximum(&self) -> ::core::option::Option<usize> {
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
