//! Binds `blake3HashOnce`, `blake3HashOnceWithContext`, `generateNonce`,
//! `shortHash` and the `Blake3Hasher` class.

use crate::binding::bytes::{to_js_bytes, Uint8Array};
use crate::binding::text_arg::Text;
use crate::core::hash;
use napi_derive::napi;

/// BLAKE3 hash of `data`. Returns 32 bytes.
#[napi(catch_unwind)]
pub fn blake3_hash_once(data: &[u8]) -> Uint8Array {
    to_js_bytes(hash::hash_once(data))
}

/// BLAKE3 hash of `context` followed by `data`. Returns 32 bytes.
#[napi(catch_unwind)]
pub fn blake3_hash_once_with_context(data: &[u8], context: &[u8]) -> Uint8Array {
    to_js_bytes(hash::hash_once_with_context(data, context))
}

/// The 24-byte nonce cojson derives from `nonceMaterial`: the first 24 bytes of
/// its BLAKE3 hash. Deterministic.
#[napi(catch_unwind)]
pub fn generate_nonce(nonce_material: &[u8]) -> Uint8Array {
    to_js_bytes(hash::nonce(nonce_material))
}

/// `shortHash_z` + base58 of the first 19 bytes of BLAKE3 of `value` (pass the
/// stable JSON of a value, as cojson does).
#[napi(catch_unwind)]
pub fn short_hash(#[napi(ts_arg_type = "string")] value: Text) -> String {
    hash::short_hash(&value)
}

/// An incremental BLAKE3 hasher.
#[napi]
#[derive(Default)]
pub struct Blake3Hasher {
    inner: hash::Hasher,
}

#[napi]
impl Blake3Hasher {
    /// A hasher that has seen nothing.
    #[napi(constructor, catch_unwind)]
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds `data` to the hasher.
    #[napi(catch_unwind)]
    pub fn update(&mut self, data: &[u8]) {
        self.inner.update(data);
    }

    /// The 32-byte hash of everything fed so far. The hasher stays usable.
    #[napi(catch_unwind)]
    pub fn finalize(&self) -> Uint8Array {
        to_js_bytes(self.inner.finalize())
    }

    /// An independent copy of this hasher's state.
    #[napi(js_name = "clone", catch_unwind)]
    pub fn fork(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}
