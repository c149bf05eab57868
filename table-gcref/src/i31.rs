//! The 31-bit integer an unboxed `i31ref` carries.

/// A 31-bit integer, the payload of an `i31ref`.
///
/// Construction wraps: the top bit of the 32-bit input is discarded, as `ref.i31` does. Reading
/// back gives the payload zero-extended ([`I31::get_u32`], `i31.get_u`) or sign-extended
/// ([`I31::get_i32`], `i31.get_s`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash)]
pub struct I31(u32);

impl I31 {
    /// The largest payload, `2^31 - 1`.
    pub const MAX_U32: u32 = u32::MAX >> 1;

    /// The low 31 bits of `value`.
    #[inline]
    pub const fn wrapping_u32(value: u32) -> Self {
        I31(value & Self::MAX_U32)
    }

    /// The low 31 bits of `value`'s two's-complement representation.
    #[inline]
    pub const fn wrapping_i32(value: i32) -> Self {
        Self::wrapping_u32(value.cast_unsigned())
    }

    /// The payload, zero-extended to 32 bits.
    #[inline]
    pub const fn get_u32(self) -> u32 {
        self.0
    }

    /// The payload, sign-extended from bit 30.
    #[inline]
    pub const fn get_i32(self) -> i32 {
        // Move the payload's sign bit to bit 31, then shift back arithmetically.
        (self.0 << 1).cast_signed() >> 1
    }
}
