//! The grow procedure (`docs/semantics.md` §5), written once and expanded for a synchronous and
//! an asynchronous limiter.

use super::{Slots, TableStorage};
use crate::limiter::{AsyncTableLimiter, NoLimiter, TableLimiter};
use crate::{GrowFailure, SlotWriter, SlowSlots, TableElement, TableError};

/// The grow procedure's steps with a limiter, in [`TableLimiter`]'s order, as the body of a
/// function returning `Result<Option<usize>, TableError>`: `$storage` is the `TableStorage`,
/// `$limiter` the limiter (synchronous, or asynchronous with `.await` as the last argument, which
/// every call to the limiter that can suspend is followed by).
///
/// One body expanded twice, rather than the synchronous procedure driving the asynchronous one:
/// growing by one element runs at the speed of a `Vec` push only if the synchronous steps inline
/// into the caller, and a future polled once to completion does not (its state machine and its
/// drop stay out of line; measured at about 150 instructions per `table.grow` in wasmi).
macro_rules! grow_with_limiter {
    ($storage:expr, $delta:expr, $limiter:expr $(, .$await:tt)?) => {{
        let storage = $storage;
        let limiter = $limiter;
        let (old, new, maximum) = match storage.plan_growth($delta) {
            GrowPlan::Unchanged(size) => return Ok(Some(size)),
            GrowPlan::Overflow => {
                limiter
                    .table_grow_failed(GrowFailure::Overflow)$(.$await)?
                    .map_err(TableError::Limiter)?;
                return Ok(None);
            }
            GrowPlan::Approve { old, new, maximum } => (old, new, maximum),
        };
        if !limiter.table_growing(old, new, maximum)$(.$await)?.map_err(TableError::Limiter)? {
            return Ok(None);
        }
        if let Err(failure) = storage.check_maximum(new, maximum) {
            limiter
                .table_grow_failed(failure.told())$(.$await)?
                .map_err(TableError::Limiter)?;
            return Ok(None);
        }
        // `new > old` here, so the difference is the delta, in `usize`.
        if let Err(error) = limiter.table_growth_charge(new - old) {
            limiter
                .table_grow_failed(GrowFailure::ChargeRefused(&error))$(.$await)?
                .map_err(TableError::Limiter)?;
            return Err(TableError::Limiter(error));
        }
        match storage.grow_storage(new) {
            Ok(()) => Ok(Some(old)),
            Err(failure) => {
                limiter
                    .table_grow_failed(failure.told())$(.$await)?
                    .map_err(TableError::Limiter)?;
                Ok(None)
            }
        }
    }};
}

impl<T: TableElement> TableStorage<T> {
    /// Grows the table by `delta` slots holding `init`, consulting `limiter`. An empty `init`
    /// (the all-zero value) writes nothing: the new slots are already zero; a slow `init` (a GC
    /// heap reference, cloned per slot) is written through a [`SlowSlots::Barrier`] writer's
    /// [`fill`](SlotWriter::fill), any other as bits. The writer is not charged (the limiter
    /// charges growth) and does not refuse: a kind that cannot take its slow path checks `init`
    /// before it asks, since a refused or failed growth must change nothing.
    ///
    /// Returns the old size on success and `Ok(None)` when growth is refused ("no growth", which
    /// `table.grow` reports as -1): by the limiter, because the new size overflows (`usize` or
    /// the [size limit](crate::TableLimits::size_limit)) or passes the maximum, or because
    /// memory could not be allocated. Every refusal that the limiter did not decide itself is
    /// reported to [`TableLimiter::table_grow_failed`] as a [`GrowFailure`]. A refused growth
    /// leaves the table unchanged. The order of the steps is [`TableLimiter`]'s.
    ///
    /// # Errors
    ///
    /// [`TableError::Limiter`] when the limiter returns an error, or refuses the growth's
    /// charge ([`TableLimiter::table_growth_charge`]) with one.
    #[inline]
    pub fn grow<W: SlotWriter<T>>(
        &mut self,
        delta: u64,
        init: T,
        limiter: Option<&mut dyn TableLimiter>,
        writer: W,
    ) -> Result<Option<usize>, TableError> {
        let grown = match limiter {
            None => self.grow_limited(delta, &mut NoLimiter),
            Some(limiter) => self.grow_limited(delta, limiter),
        }?;
        self.fill_grown(grown, init, writer);
        Ok(grown)
    }

    /// [`TableStorage::grow`] with an asynchronous limiter.
    ///
    /// # Errors
    ///
    /// As for [`TableStorage::grow`].
    pub async fn grow_async<L: AsyncTableLimiter + ?Sized, W: SlotWriter<T>>(
        &mut self,
        delta: u64,
        init: T,
        limiter: Option<&mut L>,
        writer: W,
    ) -> Result<Option<usize>, TableError> {
        let grown = match limiter {
            // Nothing can suspend.
            None => self.grow_limited(delta, &mut NoLimiter),
            Some(limiter) => self.grow_limited_async(delta, limiter).await,
        }?;
        self.fill_grown(grown, init, writer);
        Ok(grown)
    }

    /// The grow procedure with a synchronous limiter, without writing or recording the new
    /// slots. Without a limiter it runs with [`NoLimiter`], whose answers (approve, nothing to
    /// charge, nothing to tell) inline away, leaving the steps themselves.
    #[inline]
    fn grow_limited<L: TableLimiter + ?Sized>(
        &mut self,
        delta: u64,
        limiter: &mut L,
    ) -> Result<Option<usize>, TableError> {
        grow_with_limiter!(self, delta, limiter)
    }

    /// The grow procedure with an asynchronous limiter, without writing or recording the new
    /// slots.
    async fn grow_limited_async<L: AsyncTableLimiter + ?Sized>(
        &mut self,
        delta: u64,
        limiter: &mut L,
    ) -> Result<Option<usize>, TableError> {
        grow_with_limiter!(self, delta, limiter, .await)
    }

    /// Writes `init` into the slots a successful grow from `grown` added, unless `init` is the
    /// empty value they already hold, and records them when the storage tracks slow slots.
    #[inline]
    fn fill_grown<W: SlotWriter<T>>(&mut self, grown: Option<usize>, init: T, mut writer: W) {
        let Some(old_size) = grown else { return };
        let init_is_slow = init.needs_slow_path();
        debug_assert!(
            !(init_is_slow && matches!(W::SLOW_SLOTS, SlowSlots::Refused(_))),
            "a writer that refuses slow slots grew a table with a slow init"
        );
        if init != T::EMPTY {
            let new_slots = &mut self.slots_in_place()[old_size..];
            if init_is_slow && matches!(W::SLOW_SLOTS, SlowSlots::Barrier) {
                writer.fill(new_slots, init);
            } else if let [slot] = new_slots {
                // Growing by one, the common case: one store, without `fill`'s set-up.
                *slot = init;
            } else {
                super::bulk::fill_bits(new_slots, init);
            }
        }
        let size = self.size();
        self.note_written(old_size..size, init_is_slow);
    }

    /// Steps 1 and 2: what growing by `delta` asks for, before anyone is asked.
    #[inline]
    fn plan_growth(&self, delta: u64) -> GrowPlan {
        let old = self.size();
        if delta == 0 {
            return GrowPlan::Unchanged(old);
        }
        match (old as u64)
            .checked_add(delta)
            .and_then(|size| usize::try_from(size).ok())
            .filter(|&size| size <= self.size_limit)
        {
            Some(new) => GrowPlan::Approve {
                old,
                new,
                maximum: self.maximum(),
            },
            None => GrowPlan::Overflow,
        }
    }

    /// Step 4, once the limiter (if any) approved: the new size may not pass the maximum.
    #[inline]
    fn check_maximum(&self, new: usize, maximum: Option<usize>) -> Result<(), StorageFailure> {
        match maximum {
            Some(maximum) if new > maximum => Err(StorageFailure::MaximumExceeded),
            _ => Ok(()),
        }
    }

    /// Step 6: grow the storage. On failure the table is unchanged.
    #[inline]
    fn grow_storage(&mut self, new: usize) -> Result<(), StorageFailure> {
        match &mut self.slots {
            Slots::Static(storage) => storage.grow_to(new),
            Slots::Dynamic(storage) => storage.grow_to(new),
        }
        .map_err(|error| StorageFailure::Allocation {
            bytes: error.bytes_requested(),
        })
    }
}

/// Where a grow stands after steps 1 and 2 of the procedure.
enum GrowPlan {
    /// `delta == 0`: the size, and nobody is asked.
    Unchanged(usize),
    /// `size + delta` does not fit: reported to the limiter, then no growth.
    Overflow,
    /// The limiter is asked to approve `old -> new` under `maximum`.
    Approve {
        old: usize,
        new: usize,
        maximum: Option<usize>,
    },
}

/// Why an approved growth failed in steps 4 or 6; told to the limiter, then no growth.
enum StorageFailure {
    /// The new size is past the table's maximum.
    MaximumExceeded,
    /// The storage could not grow (allocation failure, or a size in bytes no allocation can
    /// have).
    Allocation { bytes: usize },
}

impl StorageFailure {
    /// What the limiter is told.
    fn told(self) -> GrowFailure<'static> {
        match self {
            StorageFailure::MaximumExceeded => GrowFailure::MaximumExceeded,
            // Running out of memory is "no growth", not a trap or an abort: the spec lets
            // `table.grow` fail for any reason, and a program must see -1.
            StorageFailure::Allocation { bytes } => GrowFailure::OutOfMemory { bytes },
        }
    }
}
