//! How byte results are handed to JS.

use napi::bindgen_prelude::Uint8Array;

/// Returns bytes to JS as a `Uint8Array`.
pub fn to_js_bytes(bytes: impl Into<Vec<u8>>) -> Uint8Array {
    Uint8Array::from(bytes.into())
}
