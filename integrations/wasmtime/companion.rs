//! The companion patch: what Wasmtime would gain beside the drop-in table module if its
//! lazy-initialisation loop asked the table where uninitialised slots are.
//!
//! `cargo xtask wasmtime` builds a third Wasmtime, "ours + companion": the adapter in place of
//! the table module, as in "ours", and in a copy of `src/runtime/vm/instance.rs` the one function
//! below in place of Wasmtime's own (found by name inside `impl Instance` with `syn`; the job
//! fails if it is missing or its signature changed). Nothing else of Wasmtime changes. Only the
//! function is taken from this file; the `impl` around it names where it goes.
//!
//! Wasmtime runs the loop before every `table.copy` out of a table (over the source range), for
//! the `table.get` libcall of an uninitialised slot (one index) and for components. Stock
//! Wasmtime reads every slot of the range to find the uninitialised ones; table-core knows, in
//! constant time, the range outside which no slot is uninitialised (table-func's
//! `FuncTable::first_uninitialized`, which the adapter offers as `Table::first_uninitialized_func`),
//! so an initialised range costs one query.

impl Instance {
    /// Gets the raw runtime table data structure owned by this instance given the provided
    /// `idx`, with the uninitialised funcref slots among the indices of `range` initialised.
    ///
    /// The indices come in increasing order (a range, one index or none, from Wasmtime's
    /// callers). Every uninitialised slot from the first index to the last one still in bounds
    /// is initialised to the module's precomputed value. Among the precomputed values, a run of
    /// uninitialised slots is initialised slot by slot, as stock Wasmtime does; past an
    /// initialised slot the table is asked where the next uninitialised one is, so an
    /// initialised range costs one read and one query instead of a read per slot. Past the
    /// precomputed values every slot's value is null, and the table initialises the
    /// uninitialised ones in one pass. Slots in between that the iterator skipped are
    /// initialised too, which no program can tell apart from initialising them later: each gets
    /// the value its first read would have given it.
    pub fn get_defined_table_with_lazy_init(
        mut self: Pin<&mut Self>,
        registry: &ModuleRegistry,
        idx: DefinedTableIndex,
        range: impl IntoIterator<Item = u64>,
    ) -> &mut Table {
        if self.tables[idx].1.element_type() == TableElementType::Func {
            let mut indices = range.into_iter();
            if let Some(first) = indices.next() {
                // `last` of a range is its end, read without iterating.
                let last = indices.last().unwrap_or(first);
                // Out of bounds past the size: the caller traps there, nothing to initialise.
                let end = last.saturating_add(1).min(self.tables[idx].1.size() as u64);
                // Slots at or past the end of the precomputed values are null.
                let precomputed_len =
                    match &self.env_module().table_initialization.initial_values[idx] {
                        TableInitialValue::Null { precomputed } => Some(precomputed.len() as u64),
                        TableInitialValue::Expr(_) => None,
                    };
                // A table initialised by an expression is filled with it eagerly and has no
                // uninitialised slot: nothing to do. (Stock Wasmtime reads every slot of the
                // range and finds none; the module fuzzer caught this function panicking when it
                // asked for the precomputed values before looking at a slot.)
                let Some(precomputed_len) = precomputed_len else {
                    return self.get_defined_table(idx);
                };
                let mut index = first;
                while index < end.min(precomputed_len) {
                    match self.tables[idx].1.get_func_maybe_init(index) {
                        // Uninitialised: initialise it, then look at the next slot, which in a
                        // run of uninitialised slots is the next to initialise.
                        Ok(None) => {}
                        // Initialised: ask the table where the next uninitialised slot is
                        // instead of reading the slots up to it.
                        _ => {
                            let after = index + 1;
                            match self.tables[idx]
                                .1
                                .first_uninitialized_func(after, end.saturating_sub(after))
                            {
                                Some(next) => index = next,
                                None => break,
                            }
                            continue;
                        }
                    }
                    let module = self.env_module();
                    let TableInitialValue::Null { precomputed } =
                        &module.table_initialization.initial_values[idx]
                    else {
                        unreachable!("matched above")
                    };
                    let func_index = usize::try_from(index)
                        .ok()
                        .and_then(|index| precomputed.get(index).cloned());
                    let func_ref = func_index
                        .and_then(|func_index| self.as_mut().get_func_ref(registry, func_index));
                    self.as_mut().tables_mut()[idx]
                        .1
                        .set_func(index, func_ref)
                        .expect("the index was found in bounds and the table holds funcrefs");
                    index += 1;
                }
                // The rest is null wherever uninitialised: one pass of the table's own, which
                // looks only where uninitialised slots can be.
                let rest = first.max(precomputed_len);
                if rest < end {
                    self.as_mut().tables_mut()[idx]
                        .1
                        .initialize_null_funcs(rest, end - rest);
                }
            }
        }
        self.get_defined_table(idx)
    }
}
