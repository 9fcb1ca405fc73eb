//! Numeric arguments, checked the same way in every export.
//!
//! napi-rs reads a `u32` or `i32` argument with the engine's integer
//! conversion, which wraps (`-1` becomes 4294967295, `2 ** 32` becomes 0) and
//! truncates (`1.5` becomes 1, `NaN` becomes 0). [`NumberArg`] reads the value
//! as a double and keeps a non-number's type; the functions below apply the
//! rules of [`crate::core::number`] and throw:
//!
//! - for a value that is not a number (a string, a BigInt, `undefined`…): a
//!   `TypeError` with code `ERR_INVALID_ARG_TYPE`,
//!   `txIndex must be a number, got string`;
//! - for `NaN`, `±Infinity`, a fraction, a negative or a value above the
//!   argument's maximum: a `RangeError` with code `ERR_OUT_OF_RANGE`,
//!   `txIndex must be an integer from 0 to 4294967295, got -1`.
//!
//! Messages contain the number (never secret), never a non-number's value.

use crate::binding::error::{range_error, type_error};
use crate::core::number::{self, OutOfRange};
use napi::bindgen_prelude::{FromNapiValue, TypeName, ValidateNapiValue};
use napi::{sys, Env, Result, ValueType};

/// A JS argument that should be a number, read with one engine call. A value
/// of another type is kept as its type, for the error message.
#[derive(Clone, Copy)]
pub struct NumberArg(std::result::Result<f64, ValueType>);

impl NumberArg {
    /// The number, or a `TypeError` naming the argument and the type it got.
    fn number(self, env: &Env, name: &str) -> Result<f64> {
        self.0.map_err(|kind| {
            type_error(
                env,
                &format!("{name} must be a number, got {}", type_of(kind)),
            )
        })
    }
}

impl TypeName for NumberArg {
    fn type_name() -> &'static str {
        "Number"
    }

    fn value_type() -> ValueType {
        ValueType::Number
    }
}

impl ValidateNapiValue for NumberArg {}

impl FromNapiValue for NumberArg {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let mut number = 0.0;
        // SAFETY: `env` and `value` come from napi-rs for the current call;
        // the engine writes one double.
        let status = unsafe { sys::napi_get_value_double(env, value, &mut number) };
        if status == sys::Status::napi_ok {
            return Ok(Self(Ok(number)));
        }
        let mut kind = 0;
        // SAFETY: as above; only the type is read, for the message.
        let status = unsafe { sys::napi_typeof(env, value, &mut kind) };
        let kind = if status == sys::Status::napi_ok {
            ValueType::from(kind)
        } else {
            ValueType::Unknown
        };
        Ok(Self(Err(kind)))
    }
}

/// What JS's `typeof` says of a value of this type (`null` named as such).
fn type_of(kind: ValueType) -> &'static str {
    match kind {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "boolean",
        ValueType::Number => "number",
        ValueType::String => "string",
        ValueType::Symbol => "symbol",
        ValueType::Object => "object",
        ValueType::Function => "function",
        ValueType::External => "external",
        ValueType::BigInt => "bigint",
        _ => "a value of another type",
    }
}

/// Applies a rule of [`crate::core::number`] to the argument `name`.
fn checked(
    env: &Env,
    arg: NumberArg,
    name: &str,
    rule: impl FnOnce(f64) -> std::result::Result<u64, OutOfRange>,
) -> Result<u64> {
    let value = arg.number(env, name)?;
    rule(value).map_err(|out_of_range| range_error(env, &format!("{name} {out_of_range}")))
}

/// An integer argument in `min..=max` (`max` at most 2^53 − 1).
pub fn integer_arg(env: &Env, arg: NumberArg, name: &str, min: u64, max: u64) -> Result<u64> {
    checked(env, arg, name, |value| number::integer_in(value, min, max))
}

/// An optional integer argument: `None` for `undefined` or `null`, else as
/// [`integer_arg`].
pub fn optional_integer_arg(
    env: &Env,
    arg: Option<NumberArg>,
    name: &str,
    min: u64,
    max: u64,
) -> Result<Option<u64>> {
    arg.map(|arg| integer_arg(env, arg, name, min, max))
        .transpose()
}

/// An index or count argument: an integer from 0 to 2^32 − 1.
pub fn index_arg(env: &Env, arg: NumberArg, name: &str) -> Result<u32> {
    let n = integer_arg(env, arg, name, 0, u64::from(u32::MAX))?;
    // In range by the check above.
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// A duration: a finite number from 0 to `max`, its fraction dropped.
pub fn duration_arg(env: &Env, arg: NumberArg, name: &str, max: u64) -> Result<u64> {
    checked(env, arg, name, |value| {
        number::non_negative_up_to(value, max)
    })
}
