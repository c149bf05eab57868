//! Integer and float arithmetic with WebAssembly's semantics (wrapping, trapping division,
//! masked shifts, IEEE floats with NaN-propagating `min`/`max`, checked truncation).

use wasmtime_environ::Trap;

use crate::instr::{
    Convert, FloatBinary, FloatCompare, FloatUnary, IntBinary, IntCompare, IntUnary,
};
use crate::value::Val;

macro_rules! int_ops {
    ($unary:ident, $binary:ident, $compare:ident, $s:ty, $u:ty) => {
        /// A unary integer operator.
        pub fn $unary(op: IntUnary, x: $s) -> $s {
            match op {
                IntUnary::Clz => x.leading_zeros() as $s,
                IntUnary::Ctz => x.trailing_zeros() as $s,
                IntUnary::Popcnt => x.count_ones() as $s,
                IntUnary::Extend8S => x as i8 as $s,
                IntUnary::Extend16S => x as i16 as $s,
                IntUnary::Extend32S => x as i32 as $s,
            }
        }

        /// A binary integer operator.
        ///
        /// # Errors
        ///
        /// Division by zero and signed overflow of `div_s`.
        pub fn $binary(op: IntBinary, x: $s, y: $s) -> Result<$s, Trap> {
            let bits = <$s>::BITS as $s;
            Ok(match op {
                IntBinary::Add => x.wrapping_add(y),
                IntBinary::Sub => x.wrapping_sub(y),
                IntBinary::Mul => x.wrapping_mul(y),
                IntBinary::DivS => {
                    if y == 0 {
                        return Err(Trap::IntegerDivisionByZero);
                    }
                    x.checked_div(y).ok_or(Trap::IntegerOverflow)?
                }
                IntBinary::DivU => {
                    if y == 0 {
                        return Err(Trap::IntegerDivisionByZero);
                    }
                    ((x as $u) / (y as $u)) as $s
                }
                IntBinary::RemS => {
                    if y == 0 {
                        return Err(Trap::IntegerDivisionByZero);
                    }
                    x.wrapping_rem(y)
                }
                IntBinary::RemU => {
                    if y == 0 {
                        return Err(Trap::IntegerDivisionByZero);
                    }
                    ((x as $u) % (y as $u)) as $s
                }
                IntBinary::And => x & y,
                IntBinary::Or => x | y,
                IntBinary::Xor => x ^ y,
                IntBinary::Shl => x.wrapping_shl((y & (bits - 1)) as u32),
                IntBinary::ShrS => x.wrapping_shr((y & (bits - 1)) as u32),
                IntBinary::ShrU => ((x as $u).wrapping_shr((y & (bits - 1)) as u32)) as $s,
                IntBinary::Rotl => x.rotate_left((y & (bits - 1)) as u32),
                IntBinary::Rotr => x.rotate_right((y & (bits - 1)) as u32),
            })
        }

        /// An integer comparison (`y` is ignored by `eqz`).
        pub fn $compare(op: IntCompare, x: $s, y: $s) -> bool {
            let (ux, uy) = (x as $u, y as $u);
            match op {
                IntCompare::Eqz => x == 0,
                IntCompare::Eq => x == y,
                IntCompare::Ne => x != y,
                IntCompare::LtS => x < y,
                IntCompare::LtU => ux < uy,
                IntCompare::GtS => x > y,
                IntCompare::GtU => ux > uy,
                IntCompare::LeS => x <= y,
                IntCompare::LeU => ux <= uy,
                IntCompare::GeS => x >= y,
                IntCompare::GeU => ux >= uy,
            }
        }
    };
}

int_ops!(i32_unary, i32_binary, i32_compare, i32, u32);
int_ops!(i64_unary, i64_binary, i64_compare, i64, u64);

macro_rules! float_ops {
    ($unary:ident, $binary:ident, $compare:ident, $f:ty, $bits:ty, $canonical:expr) => {
        /// A unary float operator on bits.
        pub fn $unary(op: FloatUnary, x: $bits) -> $bits {
            let sign: $bits = 1 << (<$bits>::BITS - 1);
            let v = <$f>::from_bits(x);
            // Rounding and square root of a NaN give a quiet (arithmetic) NaN.
            let quiet: $bits = $canonical & !sign;
            if v.is_nan() && !matches!(op, FloatUnary::Abs | FloatUnary::Neg) {
                return x | quiet;
            }
            match op {
                FloatUnary::Abs => x & !sign,
                FloatUnary::Neg => x ^ sign,
                FloatUnary::Ceil => v.ceil().to_bits(),
                FloatUnary::Floor => v.floor().to_bits(),
                FloatUnary::Trunc => v.trunc().to_bits(),
                FloatUnary::Nearest => v.round_ties_even().to_bits(),
                FloatUnary::Sqrt => v.sqrt().to_bits(),
            }
        }

        /// A binary float operator on bits.
        pub fn $binary(op: FloatBinary, x: $bits, y: $bits) -> $bits {
            let sign: $bits = 1 << (<$bits>::BITS - 1);
            let (a, b) = (<$f>::from_bits(x), <$f>::from_bits(y));
            match op {
                FloatBinary::Add => (a + b).to_bits(),
                FloatBinary::Sub => (a - b).to_bits(),
                FloatBinary::Mul => (a * b).to_bits(),
                FloatBinary::Div => (a / b).to_bits(),
                FloatBinary::Min | FloatBinary::Max if a.is_nan() || b.is_nan() => $canonical,
                FloatBinary::Min if a == b => x | y,
                FloatBinary::Max if a == b => x & y,
                FloatBinary::Min => a.min(b).to_bits(),
                FloatBinary::Max => a.max(b).to_bits(),
                FloatBinary::Copysign => (x & !sign) | (y & sign),
            }
        }

        /// A float comparison on bits.
        pub fn $compare(op: FloatCompare, x: $bits, y: $bits) -> bool {
            let (a, b) = (<$f>::from_bits(x), <$f>::from_bits(y));
            match op {
                FloatCompare::Eq => a == b,
                FloatCompare::Ne => a != b,
                FloatCompare::Lt => a < b,
                FloatCompare::Gt => a > b,
                FloatCompare::Le => a <= b,
                FloatCompare::Ge => a >= b,
            }
        }
    };
}

float_ops!(f32_unary, f32_binary, f32_compare, f32, u32, 0x7fc0_0000);
float_ops!(
    f64_unary,
    f64_binary,
    f64_compare,
    f64,
    u64,
    0x7ff8_0000_0000_0000
);

/// Truncates `x` towards zero if the result lies in `(low, high)` (exclusive bounds).
fn trunc_checked(x: f64, low: f64, high: f64) -> Result<f64, Trap> {
    if x.is_nan() {
        return Err(Trap::BadConversionToInteger);
    }
    let t = x.trunc();
    if t > low && t < high {
        Ok(t)
    } else {
        Err(Trap::IntegerOverflow)
    }
}

const I32_LOW: f64 = -2_147_483_649.0;
const I32_HIGH: f64 = 2_147_483_648.0;
const U32_HIGH: f64 = 4_294_967_296.0;
const I64_HIGH: f64 = 9_223_372_036_854_775_808.0;
const U64_HIGH: f64 = 18_446_744_073_709_551_616.0;

/// A numeric conversion of `x`.
///
/// # Errors
///
/// NaN or out-of-range input to a trapping truncation; `None` inside means `x` had the wrong
/// type (never for validated code).
pub fn convert(op: Convert, x: Val) -> Result<Option<Val>, Trap> {
    use Convert as C;
    let f32_of = |v: Val| match v {
        Val::F32(bits) => Some(f64::from(f32::from_bits(bits))),
        _ => None,
    };
    let f64_of = |v: Val| match v {
        Val::F64(bits) => Some(f64::from_bits(bits)),
        _ => None,
    };
    let float_in = |v: Val| f32_of(v).or_else(|| f64_of(v));
    let i32_of = |v: Val| match v {
        Val::I32(v) => Some(v),
        _ => None,
    };
    let i64_of = |v: Val| match v {
        Val::I64(v) => Some(v),
        _ => None,
    };
    Ok(match op {
        C::I32WrapI64 => i64_of(x).map(|v| Val::I32(v as i32)),
        C::I64ExtendI32S => i32_of(x).map(|v| Val::I64(v.into())),
        C::I64ExtendI32U => i32_of(x).map(|v| Val::I64((v as u32).into())),
        C::I32TruncF32S | C::I32TruncF64S => match float_in(x) {
            Some(f) => Some(Val::I32(trunc_checked(f, I32_LOW, I32_HIGH)? as i32)),
            None => None,
        },
        C::I32TruncF32U | C::I32TruncF64U => match float_in(x) {
            Some(f) => Some(Val::I32(trunc_checked(f, -1.0, U32_HIGH)? as u32 as i32)),
            None => None,
        },
        C::I64TruncF32S | C::I64TruncF64S => match float_in(x) {
            Some(f) => {
                // -2^63 itself is representable and in range, so the low bound is inclusive.
                if f.trunc() == -I64_HIGH {
                    Some(Val::I64(i64::MIN))
                } else {
                    Some(Val::I64(trunc_checked(f, -I64_HIGH, I64_HIGH)? as i64))
                }
            }
            None => None,
        },
        C::I64TruncF32U | C::I64TruncF64U => match float_in(x) {
            Some(f) => Some(Val::I64(trunc_checked(f, -1.0, U64_HIGH)? as u64 as i64)),
            None => None,
        },
        C::I32TruncSatF32S | C::I32TruncSatF64S => float_in(x).map(|f| Val::I32(f as i32)),
        C::I32TruncSatF32U | C::I32TruncSatF64U => float_in(x).map(|f| Val::I32(f as u32 as i32)),
        C::I64TruncSatF32S | C::I64TruncSatF64S => float_in(x).map(|f| Val::I64(f as i64)),
        C::I64TruncSatF32U | C::I64TruncSatF64U => float_in(x).map(|f| Val::I64(f as u64 as i64)),
        C::F32ConvertI32S => i32_of(x).map(|v| Val::F32((v as f32).to_bits())),
        C::F32ConvertI32U => i32_of(x).map(|v| Val::F32((v as u32 as f32).to_bits())),
        C::F32ConvertI64S => i64_of(x).map(|v| Val::F32((v as f32).to_bits())),
        C::F32ConvertI64U => i64_of(x).map(|v| Val::F32((v as u64 as f32).to_bits())),
        C::F64ConvertI32S => i32_of(x).map(|v| Val::F64(f64::from(v).to_bits())),
        C::F64ConvertI32U => i32_of(x).map(|v| Val::F64(f64::from(v as u32).to_bits())),
        C::F64ConvertI64S => i64_of(x).map(|v| Val::F64((v as f64).to_bits())),
        C::F64ConvertI64U => i64_of(x).map(|v| Val::F64((v as u64 as f64).to_bits())),
        C::F32DemoteF64 => f64_of(x).map(|f| Val::F32((f as f32).to_bits())),
        C::F64PromoteF32 => f32_of(x).map(|f| Val::F64(f.to_bits())),
        C::I32ReinterpretF32 => match x {
            Val::F32(bits) => Some(Val::I32(bits as i32)),
            _ => None,
        },
        C::I64ReinterpretF64 => match x {
            Val::F64(bits) => Some(Val::I64(bits as i64)),
            _ => None,
        },
        C::F32ReinterpretI32 => i32_of(x).map(|v| Val::F32(v as u32)),
        C::F64ReinterpretI64 => i64_of(x).map(|v| Val::F64(v as u64)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_division_overflow_and_by_zero_trap() {
        assert_eq!(
            i32_binary(IntBinary::DivS, i32::MIN, -1),
            Err(Trap::IntegerOverflow)
        );
        assert_eq!(
            i64_binary(IntBinary::RemU, 1, 0),
            Err(Trap::IntegerDivisionByZero)
        );
        assert_eq!(i32_binary(IntBinary::RemS, i32::MIN, -1), Ok(0));
    }

    #[test]
    fn shifts_and_rotations_mask_the_count() {
        assert_eq!(i32_binary(IntBinary::Shl, 1, 33), Ok(2));
        assert_eq!(i64_binary(IntBinary::ShrU, -1, 65), Ok(i64::MAX));
        assert_eq!(i32_binary(IntBinary::Rotl, 0x8000_0000u32 as i32, 1), Ok(1));
    }

    #[test]
    fn min_and_max_order_zeros_and_propagate_nan() {
        let (neg, pos) = ((-0.0f32).to_bits(), 0.0f32.to_bits());
        assert_eq!(f32_binary(FloatBinary::Min, pos, neg), neg);
        assert_eq!(f32_binary(FloatBinary::Max, neg, pos), pos);
        assert!(f64::from_bits(f64_binary(FloatBinary::Max, f64::NAN.to_bits(), 1)).is_nan());
    }

    #[test]
    fn truncation_traps_on_nan_and_overflow_and_saturating_does_not() {
        let nan = Val::F32(f32::NAN.to_bits());
        assert_eq!(
            convert(Convert::I32TruncF32S, nan),
            Err(Trap::BadConversionToInteger)
        );
        let big = Val::F64(2_147_483_648.0f64.to_bits());
        assert_eq!(
            convert(Convert::I32TruncF64S, big),
            Err(Trap::IntegerOverflow)
        );
        assert_eq!(
            convert(Convert::I32TruncSatF64S, big),
            Ok(Some(Val::I32(i32::MAX)))
        );
        let low = Val::F64((-9_223_372_036_854_775_808.0f64).to_bits());
        assert_eq!(
            convert(Convert::I64TruncF64S, low),
            Ok(Some(Val::I64(i64::MIN)))
        );
    }
}
