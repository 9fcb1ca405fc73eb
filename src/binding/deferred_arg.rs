//! Arguments whose conversion error belongs to the call.
//!
//! napi-rs converts every argument before a method's body runs, and throws
//! for a wrong type without ever entering it. `SessionLog`'s staging methods
//! must discard the staged batch on every failure, a wrongly typed argument
//! included, so they take [`Deferred`] arguments: the conversion still
//! happens up front (no JS runs inside the method), but its result is handed
//! to the body, which can clean up before it throws the same error.

use napi::bindgen_prelude::FromNapiValue;
use napi::{sys, Result};

/// An argument of type `T`, or the error converting it to `T` gave.
pub struct Deferred<T>(Result<T>);

impl<T> Deferred<T> {
    /// The converted argument, or its conversion error.
    pub fn into_result(self) -> Result<T> {
        self.0
    }
}

impl<T: FromNapiValue> FromNapiValue for Deferred<T> {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        // SAFETY: `env` and `value` are the ones napi-rs hands this
        // conversion; `T`'s own conversion has the same contract.
        Ok(Self(unsafe { T::from_napi_value(env, value) }))
    }
}
