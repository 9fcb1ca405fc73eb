//! The JS face of the work counters of `NativeCryptoEngine` and
//! `WorkerHandle`: the `CryptoOperation` enum and the rows `stats()` returns.

use crate::binding::data_object::DataObject;
use crate::core::work_stats::{with_operations, WorkStats};
use napi::bindgen_prelude::ToNapiValue;
use napi::{sys, Env, Result};
use napi_derive::napi;

/// Declares the JS enum `CryptoOperation` from the core's list of operations
/// (see [`with_operations`]): same variants, same order, same docs, so a
/// `CryptoOperation` value is the index of its operation in
/// [`crate::core::work_stats::Operation::ALL`].
macro_rules! declare_crypto_operation {
    ($($variant:ident $name:tt $doc:tt,)*) => {
        #[doc = " The kinds of crypto work a `NativeCryptoEngine` (and a `WorkerHandle`)"]
        #[doc = " counts. Pass one to `engine.record()` for work timed in JS."]
        #[napi]
        pub enum CryptoOperation {
            $(#[doc = $doc] $variant,)*
        }
    };
}
with_operations!(declare_crypto_operation);

/// Calls and total time of one kind of operation.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CryptoOperationStats {
    /// The operation's camelCase name, e.g. `"verify"`.
    pub operation: String,
    /// How many times it ran (failed runs included).
    pub calls: f64,
    /// Total time spent, in milliseconds: the time of the timed calls
    /// (one in 16, the first included) scaled to all calls; exact for work
    /// passed to `record()`.
    pub total_ms: f64,
}

// Returned with own data properties (as `JSON.parse` makes them), so a setter
// on `Object.prototype` named like a field neither runs nor hides the field.
impl ToNapiValue for CryptoOperationStats {
    unsafe fn to_napi_value(env: sys::napi_env, row: Self) -> Result<sys::napi_value> {
        let mut object = DataObject::with_capacity(&Env::from(env), 3);
        object.field(c"operation", row.operation)?;
        object.field(c"calls", row.calls)?;
        object.field(c"totalMs", row.total_ms)?;
        // SAFETY: the caller's `env`, the one the object was built with.
        unsafe { DataObject::to_napi_value(env, object) }
    }
}

/// Converts counters to their JS form.
pub(crate) fn stats_to_js(stats: &WorkStats) -> Vec<CryptoOperationStats> {
    stats
        .snapshot()
        .into_iter()
        .map(|count| CryptoOperationStats {
            operation: count.operation.name().to_owned(),
            calls: count.calls as f64,
            total_ms: count.nanos as f64 / 1e6,
        })
        .collect()
}
