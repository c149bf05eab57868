//! The per-operation cost hook of a runtime that meters execution.

/// Charges for table work: called by the writes given a [`Metered`](crate::Metered) writer after
/// their bounds checks pass and before they write anything, with the number of slots the operation will write. So an
/// out-of-bounds operation costs nothing and a refused charge writes nothing, the order a
/// fuel-metered runtime (wasmi, say) needs to match its out-of-fuel point exactly.
///
/// Growth is charged through the limiter instead
/// ([`TableLimiter::table_growth_charge`](crate::TableLimiter::table_growth_charge)), since its
/// charge sits between the limiter's approval and its failure notification.
pub trait TableMeter {
    /// Why a charge was refused (out of fuel, say).
    type Error;

    /// Charges for an operation that writes `slots` slots (possibly 0).
    ///
    /// # Errors
    ///
    /// An error refuses the operation; it is returned as
    /// [`MeteredError::Charge`](crate::MeteredError::Charge) and nothing is written.
    fn charge(&mut self, slots: u64) -> Result<(), Self::Error>;
}
