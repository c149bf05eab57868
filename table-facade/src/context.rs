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
    #[cfg(feature = "func")]
    sources_initialized: bool,
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

    /// Says that the runtime initialises every lazy funcref source range itself before it
    /// copies (as Wasmtime's instance does, slot by slot): copies then move funcref words as they
    /// are and resolve nothing (`FuncTable::copy_slots_from`), which is also what they would do
    /// with a resolver once the range is initialised, without looking for uninitialised slots.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[cfg(feature = "func")] {
    /// # use table_facade::wasmtime_environ::{IndexType, Limits, Table as TableType, Tunables, WasmHeapType, WasmRefType};
    /// # let ty = |heap_type| TableType { idx_type: IndexType::I32, limits: Limits { min: 4, max: Some(8) }, ref_type: WasmRefType { nullable: true, heap_type } };
    /// use table_facade::{Table, TableContext, TableValue};
    ///
    /// let mut tunables = Tunables::default_host();
    /// tunables.table_lazy_init = true;
    /// let mut table = Table::new_dynamic(&ty(WasmHeapType::Func), &tunables, None)?;
    /// // The runtime initialised slots 0..2 itself; the copy moves them as they are.
    /// table.as_func_mut()?.resolve_range(0, 2, &mut |_| None)?;
    /// let mut cx = TableContext::new().with_initialized_sources();
    /// table.copy_within(2, 0, 2, &mut cx)?;
    /// assert_eq!(table.read(3, &mut cx)?, TableValue::Func(None));
    /// # }
    /// # Ok::<(), table_facade::FacadeError>(())
    /// ```
    #[cfg(feature = "func")]
    pub fn with_initialized_sources(mut self) -> Self {
        self.sources_initialized = true;
        self
    }

    /// Whether the runtime initialises lazy source ranges itself
    /// ([`TableContext::with_initialized_sources`]).
    #[cfg(feature = "func")]
    pub(crate) fn sources_initialized(&self) -> bool {
        self.sources_initialized
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
