//! Binds `blake3HashOnce`, `blake3HashOnceWithContext`, `generateNonce`,
//! `shortHash` and the `Blake3Hasher` class.

use crate::binding::bytes::{to_js_bytes, Uint8Array};
use crate::binding::constructor::construct;
use crate::binding::text_arg::Text;
use crate::binding::text_kind::TextToHash;
use crate::core::hash;
use napi::sys;
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
/// stable JSON of a value, as cojson does). Throws for a lone surrogate in
/// `value`, which the reference would hash as U+FFFD.
#[napi(catch_unwind)]
pub fn short_hash(#[napi(ts_arg_type = "string")] value: Text<TextToHash>) -> String {
    hash::short_hash(&value)
}

/// The `Blake3Hasher` constructor (see `constructor.rs`): throws without
/// `new`, else a hasher that has seen nothing.
extern "C" fn new_c_callback(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    // SAFETY: napi-rs registers this as the class constructor, so the engine
    // passes a constructor callback's `env` and `info`.
    unsafe {
        construct::<Blake3Hasher, 0>(
            env,
            info,
            "Blake3Hasher",
            |_, _| Ok(Blake3Hasher::default()),
        )
    }
}

/// Input up to this many bytes is kept as it is and hashed in one go at
/// `finalize`; beyond it the full BLAKE3 state (about 1.9 KB) is allocated.
const BUFFERED_MAX: usize = 1024;

/// An incremental BLAKE3 hasher.
///
/// Most uses hash a few small pieces, so the input is buffered until it
/// passes 1 KiB: constructing a hasher allocates nothing,
/// and the result is the same BLAKE3 hash either way.
#[napi]
#[derive(Default)]
pub struct Blake3Hasher {
    buffered: Vec<u8>,
    streaming: Option<Box<hash::Hasher>>,
}

#[napi]
impl Blake3Hasher {
    /// A hasher that has seen nothing.
    #[napi(constructor)]
    #[cfg(any())] // Declares the constructor for index.d.ts; `new_c_callback` is it.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds `data` to the hasher.
    #[napi(catch_unwind)]
    pub fn update(&mut self, data: &[u8]) {
        if let Some(hasher) = &mut self.streaming {
            hasher.update(data);
        } else if self.buffered.len() + data.len() <= BUFFERED_MAX {
            self.buffered.extend_from_slice(data);
        } else {
            let mut hasher = Box::new(hash::Hasher::new());
            hasher.update(&self.buffered);
            hasher.update(data);
            self.buffered = Vec::new();
            self.streaming = Some(hasher);
        }
    }

    /// The 32-byte hash of everything fed so far. The hasher stays usable.
    #[napi(catch_unwind)]
    pub fn finalize(&self) -> Uint8Array {
        match &self.streaming {
            Some(hasher) => to_js_bytes(hasher.finalize()),
            None => to_js_bytes(hash::hash_once(&self.buffered)),
        }
    }

    /// An independent copy of this hasher's state.
    #[napi(js_name = "clone", catch_unwind)]
    pub fn fork(&self) -> Self {
        Self {
            buffered: self.buffered.clone(),
            streaming: self.streaming.clone(),
        }
    }
}
