//! wasmi 2.0's table module on wasm-tables: `cargo xtask wasmi` puts this file in place of
//! `wasmi_core`'s `src/table/mod.rs` (in a copy under `target/`), so wasmi's tables are
//! `table_core::TableStorage`s of wasmi's own 4-byte `RawRef` handle.
//!
//! The public API is wasmi's, unchanged (`new`, `ty`, `dynamic_ty`, `size`, `grow`/`grow_raw`,
//! `get`, `set`/`set_raw`, `init`, `copy`, `copy_within`, `fill`/`fill_raw`), and so are wasmi's
//! other table files (`element.rs`, `error.rs`, `raw.rs`, `ty.rs`), which this module declares as
//! the original does. What is wasmi's stays here: its types and errors, the element-type checks,
//! and its fuel and resource limiter presented to table-core as a `TableMeter` and a
//! `TableLimiter`. Everything else (bounds checks, limits, the grow procedure and its limiter
//! order, creation with an initial value, every bulk loop) is table-core's, built without its
//! `wasmtime` feature: no element crate of wasm-tables and nothing of Wasmtime is linked.
//!
//! The methods wasmi's interpreter calls per instruction (`get`, `set`, `size`, `grow`) are
//! `#[inline]`: stock wasmi's are inlined into the instruction handlers without it (rustc makes
//! small functions that call nothing inlinable across crates), but these call into table-core,
//! and a call left in a handler makes it save and restore the interpreter's registers (measured:
//! 30 more instructions per `table.get`).

mod element;
mod error;
mod raw;
mod ty;

pub use self::{
    element::{ElementSegment, ElementSegmentRef},
    error::TableError,
    raw::{RawRef, TypedRawRef},
    ty::{RefType, TableType},
};
use crate::{Fuel, FuelError, ResourceLimiterRef};
use table_core::{
    AsSlots, Bits, GrowFailure, LimiterError, Metered, MeteredError, TableElement, TableLimits,
    TableMeter, check_range,
};

#[cfg(test)]
mod tests;

// SAFETY: `RawRef` is `#[repr(transparent)]` over a `u32`, for which all-zero is a valid value.
unsafe impl bytemuck::Zeroable for RawRef {}

// SAFETY: all-zero is wasmi's null reference (`RawRef::null()`, `bits == 0`) and is `EMPTY`;
// the type is a plain `Copy` integer with no drop glue, and it is four bytes, not zero-sized.
unsafe impl TableElement for RawRef {
    // SAFETY: `RawRef` is `#[repr(transparent)]` over a `u32`, so a `u32` of 0 is `RawRef::null()`.
    const EMPTY: RawRef = unsafe { core::mem::transmute::<u32, RawRef>(0) };
}

/// A Wasm table entity.
#[derive(Debug)]
pub struct Table {
    ty: TableType,
    elements: table_core::TableStorage<RawRef>,
}

impl Table {
    /// Creates a new table entity with the given resizable limits.
    ///
    /// # Errors
    ///
    /// If `init` does not match the [`TableType`] element type.
    pub fn new(
        ty: TableType,
        init: TypedRawRef,
        limiter: &mut ResourceLimiterRef<'_>,
    ) -> Result<Self, TableError> {
        ty.ensure_element_type_matches(init.ty())?;
        let Ok(_) = usize::try_from(ty.minimum()) else {
            return Err(TableError::MinimumSizeOverflow);
        };
        let Ok(maximum) = ty.maximum().map(usize::try_from).transpose() else {
            return Err(TableError::MaximumSizeOverflow);
        };
        let mut limiter = Limiter::new(limiter, None);
        let limits = TableLimits::approve(ty.minimum(), maximum, Some(&mut limiter))
            .map_err(|error| core_error(error, TableError::ResourceLimiterDeniedAllocation))?
            .with_size_limit(size_limit(&ty));
        let elements =
            table_core::TableStorage::new_dynamic(limits, init.raw(), Some(&mut limiter))
                .map_err(|error| core_error(error, TableError::OutOfSystemMemory))?;
        Ok(Self { ty, elements })
    }

    /// Returns the resizable limits of the table.
    #[inline]
    pub fn ty(&self) -> TableType {
        self.ty
    }

    /// Returns the dynamic [`TableType`] of the [`Table`].
    ///
    /// # Note
    ///
    /// This respects the current size of the [`Table`]
    /// as its minimum size and is useful for import subtyping checks.
    pub fn dynamic_ty(&self) -> TableType {
        TableType::new_impl(
            self.ty().element(),
            self.ty().index_ty(),
            self.size(),
            self.ty().maximum(),
        )
    }

    /// Returns the current size of the [`Table`].
    #[inline]
    pub fn size(&self) -> u64 {
        // `usize` is at most 64 bits on every target wasmi supports.
        self.elements.size() as u64
    }

    /// Unwrap `value` to [`RawRef`] if its type matches the element type of `self`.
    #[inline]
    fn unwrap_typed(&self, value: TypedRawRef) -> Result<RawRef, TableError> {
        self.ty()
            .ensure_element_type_matches(value.ty())
            .map(|_| value.raw())
    }

    /// Grows the table by the given amount of elements.
    ///
    /// Returns the old size of the table upon success. The new elements are `init`.
    ///
    /// # Errors
    ///
    /// If the table is grown beyond its maximum limits.
    #[inline]
    pub fn grow(
        &mut self,
        delta: u64,
        init: TypedRawRef,
        fuel: Option<&mut Fuel>,
        limiter: &mut ResourceLimiterRef<'_>,
    ) -> Result<u64, TableError> {
        let init = self.unwrap_typed(init)?;
        self.grow_raw(delta, init, fuel, limiter)
    }

    /// Grows the table by the given amount of elements.
    ///
    /// Returns the old size of the [`Table`] upon success. The new elements are `init`.
    ///
    /// # Errors
    ///
    /// If the table is grown beyond its maximum limits.
    #[inline]
    pub fn grow_raw(
        &mut self,
        delta: u64,
        init: RawRef,
        fuel: Option<&mut Fuel>,
        limiter: &mut ResourceLimiterRef<'_>,
    ) -> Result<u64, TableError> {
        let mut limiter = Limiter::new(limiter, fuel);
        match self.elements.grow(delta, init, Some(&mut limiter), Bits) {
            Ok(Some(old_size)) => Ok(old_size as u64),
            // Refused by wasmi's limiter (not told back), or a failure it was told.
            Ok(None) => Err(limiter.failure.unwrap_or(TableError::GrowOutOfBounds)),
            Err(error) => Err(core_error(error, TableError::GrowOutOfBounds)),
        }
    }

    /// Returns the raw [`Table`] element reference at `index`.
    ///
    /// Returns `None` if `index` is out of bounds.
    #[inline]
    pub fn get(&self, index: u64) -> Option<TypedRawRef> {
        let raw = *self.elements.get(index).ok()?;
        Some(TypedRawRef::new(raw, self.ty().element()))
    }

    /// Sets the [`RawRef`] of the table at `index`.
    ///
    /// # Errors
    ///
    /// If `index` is out of bounds.
    #[inline]
    pub fn set(&mut self, index: u64, value: TypedRawRef) -> Result<(), TableError> {
        let value = self.unwrap_typed(value)?;
        self.set_raw(index, value)
    }

    /// Sets the [`RawRef`] of the [`Table`] at `index`.
    ///
    /// # Errors
    ///
    /// If `index` is out of bounds.
    #[inline]
    pub fn set_raw(&mut self, index: u64, value: RawRef) -> Result<(), TableError> {
        self.elements
            .set(index, value, Bits)
            .map_err(|_| TableError::SetOutOfBounds)
    }

    /// Initialize `len` elements from `src_element[src_index..]` into `self[dst_index..]`.
    ///
    /// # Errors
    ///
    /// Returns an error if the range is out of bounds of either the source or destination tables.
    pub fn init(
        &mut self,
        element: ElementSegmentRef,
        dst_index: u64,
        src_index: u32,
        len: u32,
        fuel: Option<&mut Fuel>,
    ) -> Result<(), TableError> {
        self.ty().ensure_element_type_matches(element.ty())?;
        // wasmi charges nothing for an empty `table.init` (it returns after the bounds check).
        let mut meter = FuelMeter {
            fuel,
            charge_empty: false,
        };
        let items = element.items();
        let items = check_range(items.len(), u64::from(src_index), u64::from(len))
            .map(|range| &items[range])
            .map_err(|_| TableError::InitOutOfBounds)?;
        self.elements
            .init(dst_index, items, AsSlots, Metered(&mut meter))
            .map_err(|error| metered_error(error, TableError::InitOutOfBounds))
    }

    /// Copy `len` elements from `src_table[src_index..]` into
    /// `dst_table[dst_index..]`.
    ///
    /// # Errors
    ///
    /// Returns an error if the range is out of bounds of either the source or
    /// destination tables.
    pub fn copy(
        dst_table: &mut Self,
        dst_index: u64,
        src_table: &Self,
        src_index: u64,
        len: u64,
        fuel: Option<&mut Fuel>,
    ) -> Result<(), TableError> {
        dst_table
            .ty()
            .ensure_element_type_matches(src_table.ty().element())?;
        dst_table
            .elements
            .copy_from(
                &src_table.elements,
                dst_index,
                src_index,
                len,
                Metered(&mut FuelMeter::new(fuel)),
            )
            .map_err(|error| metered_error(error, TableError::CopyOutOfBounds))
    }

    /// Copy `len` elements from `self[src_index..]` into `self[dst_index..]`.
    ///
    /// # Errors
    ///
    /// Returns an error if the range is out of bounds of the table.
    pub fn copy_within(
        &mut self,
        dst_index: u64,
        src_index: u64,
        len: u64,
        fuel: Option<&mut Fuel>,
    ) -> Result<(), TableError> {
        self.elements
            .copy_within(dst_index, src_index, len, Metered(&mut FuelMeter::new(fuel)))
            .map_err(|error| metered_error(error, TableError::CopyOutOfBounds))
    }

    /// Fill `table[dst..(dst + len)]` with the given value.
    ///
    /// # Errors
    ///
    /// - If the region to be filled is out of bounds for the table.
    pub fn fill(
        &mut self,
        dst: u64,
        val: TypedRawRef,
        len: u64,
        fuel: Option<&mut Fuel>,
    ) -> Result<(), TableError> {
        let val = self.unwrap_typed(val)?;
        self.fill_raw(dst, val, len, fuel)
    }

    /// Fill `table[dst..(dst + len)]` with the given value.
    ///
    /// # Errors
    ///
    /// If the region to be filled is out of bounds for the [`Table`].
    pub fn fill_raw(
        &mut self,
        dst: u64,
        val: RawRef,
        len: u64,
        fuel: Option<&mut Fuel>,
    ) -> Result<(), TableError> {
        self.elements
            .fill(dst, val, len, Metered(&mut FuelMeter::new(fuel)))
            .map_err(|error| metered_error(error, TableError::FillOutOfBounds))
    }
}

/// The largest size a table of `ty`'s index type can have: wasmi fails growth past it before its
/// limiter is asked (table-core's size limit).
fn size_limit(ty: &TableType) -> usize {
    usize::try_from(ty.index_ty().max_size() - 1).unwrap_or(usize::MAX)
}

/// wasmi's error for a table-core creation or growth error: a limiter's (or the growth charge's)
/// own wasmi error unchanged, `OutOfSystemMemory` for allocation, `refused` for the rest.
fn core_error(error: table_core::TableError, refused: TableError) -> TableError {
    match error {
        table_core::TableError::Limiter(error) => match error.downcast::<TableError>() {
            Ok(error) => error,
            Err(_) => TableError::ResourceLimiterDeniedAllocation,
        },
        table_core::TableError::OutOfMemory { .. }
        | table_core::TableError::ElementBytesOverflow { .. } => TableError::OutOfSystemMemory,
        _ => refused,
    }
}

/// wasmi's error for a failed metered operation: its own out-of-bounds error for the operation,
/// or the fuel error.
fn metered_error(error: MeteredError<TableError>, out_of_bounds: TableError) -> TableError {
    match error {
        MeteredError::OutOfBounds => out_of_bounds,
        MeteredError::Charge(error) => error,
    }
}

/// wasmi's fuel as table-core's meter: `fuel_for_copying_values::<RawRef>(len)` per operation,
/// when fuel metering is on.
struct FuelMeter<'a> {
    fuel: Option<&'a mut Fuel>,
    /// Whether an empty operation is charged (for 0 slots) at all.
    charge_empty: bool,
}

impl<'a> FuelMeter<'a> {
    fn new(fuel: Option<&'a mut Fuel>) -> Self {
        FuelMeter {
            fuel,
            charge_empty: true,
        }
    }
}

impl TableMeter for FuelMeter<'_> {
    type Error = TableError;

    fn charge(&mut self, slots: u64) -> Result<(), TableError> {
        match self.fuel.as_deref_mut() {
            Some(fuel) if slots != 0 || self.charge_empty => {
                fuel.consume_fuel_if(|costs| costs.fuel_for_copying_values::<RawRef>(slots))?;
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// wasmi's resource limiter and fuel as table-core's limiter. It tells wasmi's limiter what
/// wasmi's own table would (nothing for an overflow, which wasmi checks before asking), in
/// wasmi's error type, and keeps the error of the last failure for the caller.
struct Limiter<'a, 'b> {
    limiter: &'a mut ResourceLimiterRef<'b>,
    fuel: Option<&'a mut Fuel>,
    failure: Option<TableError>,
}

impl<'a, 'b> Limiter<'a, 'b> {
    #[inline]
    fn new(limiter: &'a mut ResourceLimiterRef<'b>, fuel: Option<&'a mut Fuel>) -> Self {
        Limiter {
            limiter,
            fuel,
            failure: None,
        }
    }
}

impl table_core::TableLimiter for Limiter<'_, '_> {
    #[inline]
    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> Result<bool, LimiterError> {
        match self.limiter.as_resource_limiter() {
            Some(limiter) => limiter
                .table_growing(current, desired, maximum)
                .map_err(|error| LimiterError::new(TableError::from(error))),
            None => Ok(true),
        }
    }

    #[inline]
    fn table_growth_charge(&mut self, delta: usize) -> Result<(), LimiterError> {
        let Some(fuel) = self.fuel.as_deref_mut() else {
            return Ok(());
        };
        match fuel.consume_fuel(|costs| costs.fuel_for_copying_values::<RawRef>(delta as u64)) {
            Ok(_) | Err(FuelError::FuelMeteringDisabled) => Ok(()),
            Err(FuelError::OutOfFuel { required_fuel }) => {
                Err(LimiterError::new(TableError::OutOfFuel { required_fuel }))
            }
        }
    }

    #[inline]
    fn table_grow_failed(&mut self, failure: GrowFailure<'_>) -> Result<(), LimiterError> {
        let error = match failure {
            GrowFailure::Overflow => {
                self.failure = Some(TableError::GrowOutOfBounds);
                return Ok(());
            }
            GrowFailure::ChargeRefused(error) => error
                .downcast_ref::<TableError>()
                .copied()
                .unwrap_or(TableError::GrowOutOfBounds),
            GrowFailure::OutOfMemory { .. } => TableError::OutOfSystemMemory,
            _ => TableError::GrowOutOfBounds,
        };
        self.failure = Some(error);
        match self.limiter.as_resource_limiter() {
            Some(limiter) => limiter
                .table_grow_failed(&error)
                .map_err(|error| LimiterError::new(TableError::from(error))),
            None => Ok(()),
        }
    }
}
