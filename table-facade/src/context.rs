//! What a table operation borrows from the runtime besides the table.

#[cfg(feature = "func")]
use table_func::FuncRef;
#[cfg(feature = "gc")]
use table_gcref::GcStore;

/// The runtime services an operation may need: the GC store (for GC-reference tables) and the
/// resolver of lazily initialised funcref slots (index -> the module's initial element there).
///
/// Operations ask for what they need and report a typed error when it is missing and needed;
/// the default context lends nothing, which is enough for non-GC values and eager or fully
/// initialised funcref tables.
///
/// Examples: a funcref resolver in [`Table::get`](crate::Table::get) and
/// [`Table::copy`](crate::Table::copy), a GC store in
/// [`Table::visit_gc_roots`](crate::Table::visit_gc_roots).
#[derive(Default)]
pub struct TableContext<'a> {
    #[cfg(feature = "gc")]
    gc_store: Option<&'a mut (dyn GcStore + Send)>,
    #[cfg(feature = "func")]
    func_resolver: Option<&'a mut dyn FnMut(u64) -> Option<FuncRef>>,
    _lifetime: core::marker::PhantomData<&'a mut ()>,
}

impl<'a> TableContext<'a> {
    /// A context that lends nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "cont")] {
    /// use table_facade::TableContext;
    ///
    /// // Enough for tables whose operations need nothing from the runtime (here, continuations).
    /// let cx = TableContext::new();
    /// # drop(cx);
    /// # }
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Lends the runtime's GC store.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "gc")] {
    /// use table_facade::{GcStore, TableContext, VMGcRef};
    ///
    /// /// A collector that keeps no counts.
    /// struct Tracing;
    /// impl GcStore for Tracing {
    ///     fn clone_gc_ref(&mut self, gc_ref: &VMGcRef) -> VMGcRef {
    ///         gc_ref.unchecked_copy()
    ///     }
    ///     fn drop_gc_ref(&mut self, _: VMGcRef) {}
    /// }
    ///
    /// let mut collector = Tracing;
    /// let cx = TableContext::new().with_gc_store(&mut collector);
    /// # drop(cx);
    /// # }
    /// ```
    #[cfg(feature = "gc")]
    pub fn with_gc_store(mut self, store: &'a mut (dyn GcStore + Send)) -> Self {
        self.gc_store = Some(store);
        self
    }

    /// Lends the resolver of uninitialised slots of lazy funcref tables: given a slot index of
    /// the table being read or copied from, it returns the module's initial element there.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "func")] {
    /// use table_facade::{FuncRef, TableContext};
    ///
    /// // The module's initial elements: here every slot starts null.
    /// let mut initial_element = |_index: u64| -> Option<FuncRef> { None };
    /// let cx = TableContext::new().with_func_resolver(&mut initial_element);
    /// # drop(cx);
    /// # }
    /// ```
    #[cfg(feature = "func")]
    pub fn with_func_resolver(
        mut self,
        resolve: &'a mut dyn FnMut(u64) -> Option<FuncRef>,
    ) -> Self {
        self.func_resolver = Some(resolve);
        self
    }

    #[cfg(feature = "gc")]
    pub(crate) fn gc_store(&mut self) -> Option<&mut dyn GcStore> {
        match &mut self.gc_store {
            Some(store) => Some(&mut **store),
            None => None,
        }
    }

    #[cfg(feature = "gc")]
    pub(crate) fn gc_store_send(&mut self) -> Option<&mut (dyn GcStore + Send)> {
        match &mut self.gc_store {
            Some(store) => Some(&mut **store),
            None => None,
        }
    }

    #[cfg(feature = "func")]
    pub(crate) fn func_resolver(&mut self) -> Option<&mut dyn FnMut(u64) -> Option<FuncRef>> {
        match &mut self.func_resolver {
            Some(resolve) => Some(&mut **resolve),
            None => None,
        }
    }
}
