//! The rules every numeric argument from JS is checked against, in one place.
//!
//! JS numbers are doubles. An export that needs an index, a count, a time or
//! a size takes only values that are exactly such a number: `NaN`,
//! `±Infinity`, fractions, negatives and values above the export's maximum
//! are refused, never wrapped, truncated or clamped. `-0` is 0. The binding
//! (`src/binding/number_arg.rs`) reads the JS value and turns a refusal into
//! a `RangeError`; the message is [`OutOfRange`]'s, after the argument name.

use std::fmt;

/// The largest integer a double holds exactly and the largest maximum the
/// checks accept: `Number.MAX_SAFE_INTEGER`.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// A number outside what an argument accepts. Displays as the end of a
/// sentence that starts with the argument's name: `must be an integer from 0
/// to 4294967295, got -1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutOfRange {
    /// What the argument accepts.
    pub expected: Expected,
    /// The value given.
    pub got: f64,
}

/// The kind and range of number an argument accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// An integer in `min..=max`.
    Integer {
        /// Smallest accepted.
        min: u64,
        /// Largest accepted.
        max: u64,
    },
    /// A finite number in `0..=max`; fractions allowed.
    NonNegative {
        /// Largest accepted.
        max: u64,
    },
}

impl fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.expected {
            Expected::Integer { min, max } => write!(f, "must be an integer from {min} to {max}")?,
            Expected::NonNegative { max } => write!(f, "must be a finite number from 0 to {max}")?,
        }
        write!(f, ", got {}", JsNumber(self.got))
    }
}

/// A double printed as JS's `String(n)` prints it where Rust differs
/// (`Infinity`, and `0` for `-0`).
struct JsNumber(f64);

impl fmt::Display for JsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0;
        if n == f64::INFINITY {
            f.write_str("Infinity")
        } else if n == f64::NEG_INFINITY {
            f.write_str("-Infinity")
        } else if n == 0.0 {
            // Both zeros.
            f.write_str("0")
        } else {
            write!(f, "{n}")
        }
    }
}

/// `value` as an integer if it is one in `min..=max`. `max` is capped at
/// [`MAX_SAFE_INTEGER`], so every comparison with the double is exact.
pub fn integer_in(value: f64, min: u64, max: u64) -> Result<u64, OutOfRange> {
    let max = max.min(MAX_SAFE_INTEGER);
    if value.is_finite() && value.fract() == 0.0 && value >= min as f64 && value <= max as f64 {
        // An integer in range: the cast is exact (and -0 becomes 0).
        Ok(value as u64)
    } else {
        Err(OutOfRange {
            expected: Expected::Integer { min, max },
            got: value,
        })
    }
}

/// `value` with its fraction dropped if it is a finite number in `0..=max`
/// (`max` capped at [`MAX_SAFE_INTEGER`]): for durations, which JS measures
/// with `performance.now()` and so with fractions.
pub fn non_negative_up_to(value: f64, max: u64) -> Result<u64, OutOfRange> {
    let max = max.min(MAX_SAFE_INTEGER);
    if value.is_finite() && value >= 0.0 && value <= max as f64 {
        // Finite, non-negative and at most 2^53: the cast drops only the fraction.
        Ok(value as u64)
    } else {
        Err(OutOfRange {
            expected: Expected::NonNegative { max },
            got: value,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const U32: u64 = u32::MAX as u64;

    /// Values every check refuses, whatever its range.
    const NEVER: [f64; 4] = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0];

    #[test]
    fn integers_in_range_pass_exactly() {
        assert_eq!(integer_in(0.0, 0, U32), Ok(0));
        assert_eq!(integer_in(-0.0, 0, U32), Ok(0));
        assert_eq!(integer_in(4_294_967_295.0, 0, U32), Ok(U32));
        assert_eq!(integer_in(1.0, 1, 1 << 20), Ok(1));
        assert_eq!(integer_in(1_048_576.0, 1, 1 << 20), Ok(1 << 20));
        let largest = MAX_SAFE_INTEGER as f64;
        assert_eq!(
            integer_in(largest, 0, MAX_SAFE_INTEGER),
            Ok(MAX_SAFE_INTEGER)
        );
    }

    #[test]
    fn everything_else_is_out_of_range() {
        for bad in NEVER
            .into_iter()
            .chain([0.5, 1.5, -0.5, 4_294_967_296.0, 2f64.powi(53)])
        {
            assert!(integer_in(bad, 0, U32).is_err(), "{bad}");
        }
        assert!(integer_in(0.0, 1, 1 << 20).is_err());
        assert!(integer_in(1_048_577.0, 1, 1 << 20).is_err());
        assert!(
            integer_in(2f64.powi(53), 0, u64::MAX).is_err(),
            "max capped at 2^53-1"
        );
    }

    #[test]
    fn durations_keep_fractions_out_of_the_count() {
        assert_eq!(non_negative_up_to(0.0, MAX_SAFE_INTEGER), Ok(0));
        assert_eq!(non_negative_up_to(-0.0, MAX_SAFE_INTEGER), Ok(0));
        assert_eq!(non_negative_up_to(1.75, MAX_SAFE_INTEGER), Ok(1));
        assert_eq!(
            non_negative_up_to(2f64.powi(32), MAX_SAFE_INTEGER),
            Ok(1 << 32)
        );
        for bad in NEVER.into_iter().chain([-0.5, 2f64.powi(53)]) {
            assert!(non_negative_up_to(bad, MAX_SAFE_INTEGER).is_err(), "{bad}");
        }
    }

    #[test]
    fn messages_name_the_range_and_the_value_as_js_prints_it() {
        let message = |r: Result<u64, OutOfRange>| r.err().map(|e| e.to_string());
        assert_eq!(
            message(integer_in(-1.0, 0, U32)).as_deref(),
            Some("must be an integer from 0 to 4294967295, got -1")
        );
        assert_eq!(
            message(integer_in(f64::INFINITY, 1, 1 << 20)).as_deref(),
            Some("must be an integer from 1 to 1048576, got Infinity")
        );
        assert_eq!(
            message(integer_in(f64::NEG_INFINITY, 0, 12)).as_deref(),
            Some("must be an integer from 0 to 12, got -Infinity")
        );
        assert_eq!(
            message(non_negative_up_to(f64::NAN, MAX_SAFE_INTEGER)).as_deref(),
            Some("must be a finite number from 0 to 9007199254740991, got NaN")
        );
        assert_eq!(
            message(integer_in(-0.0, 1, 1 << 20)).as_deref(),
            Some("must be an integer from 1 to 1048576, got 0")
        );
        assert_eq!(
            message(integer_in(1.5, 0, U32)).as_deref(),
            Some("must be an integer from 0 to 4294967295, got 1.5")
        );
    }
}
