//! Number formatting for the report: three significant digits, no exponent soup.

/// Nanoseconds with three significant digits (`0.000123`, `1.23`, `123`, `12300`).
pub fn format_ns(ns: f64) -> String {
    significant(ns, 3)
}

/// A ratio with three significant digits and an `x` (`1.02x`, `0.00384x`, `2600x`).
pub fn format_ratio(ratio: f64) -> String {
    format!("{}x", significant(ratio, 3))
}

/// `value` rounded to `digits` significant digits, in plain decimal notation.
pub fn significant(value: f64, digits: i32) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    if value == 0.0 {
        return "0".to_string();
    }
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = (digits - 1 - magnitude).max(0) as usize;
    format!("{value:.decimals$}")
}
