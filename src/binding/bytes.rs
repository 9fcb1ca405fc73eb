//! How byte results are handed to JS: the one place bytes cross into JS.
//!
//! napi-rs's own `Uint8Array` hands a Rust `Vec` to V8 as an *external*
//! buffer, which costs a finalizer, a weak handle and a later callback into
//! Rust; for the short results of this addon (keys, hashes, signatures, small
//! ciphertexts) that costs about twice as much as copying the bytes into a
//! fresh engine-owned `ArrayBuffer`. This module's [`Uint8Array`] always
//! copies. It is named `Uint8Array` so that the generated TypeScript
//! declarations keep saying `Uint8Array`.

use napi::bindgen_prelude::{ToNapiValue, TypeName, ValueType};
use napi::{check_status, sys};
use std::ptr;
use zeroize::Zeroize;

/// Results up to this length are wiped from Rust memory once copied to JS:
/// every key and shared secret the addon returns is 32 bytes. Longer results
/// are ciphertexts, plaintexts and sealed boxes, whose wiping would cost more
/// than the copy.
const WIPE_UP_TO: usize = 64;

/// A byte result on its way to JS; becomes a JS `Uint8Array` backed by an
/// engine-owned `ArrayBuffer` holding a copy of the bytes.
pub struct Uint8Array(Vec<u8>);

impl Uint8Array {
    /// The bytes that JS will receive.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for Uint8Array {
    fn drop(&mut self) {
        if self.0.len() <= WIPE_UP_TO {
            self.0.zeroize();
        }
    }
}

/// Returns bytes to JS as a `Uint8Array`.
pub fn to_js_bytes(bytes: impl Into<Vec<u8>>) -> Uint8Array {
    Uint8Array(bytes.into())
}

impl TypeName for Uint8Array {
    fn type_name() -> &'static str {
        "Uint8Array"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ToNapiValue for Uint8Array {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let bytes = val.as_slice();
        let mut data: *mut std::ffi::c_void = ptr::null_mut();
        let mut buffer = ptr::null_mut();
        // SAFETY: `env` is the live environment napi-rs passes in; the engine
        // allocates `bytes.len()` writable bytes at `data`, which cannot
        // overlap `bytes`, and only then are they written.
        check_status!(
            unsafe { sys::napi_create_arraybuffer(env, bytes.len(), &mut data, &mut buffer) },
            "Failed to create ArrayBuffer"
        )?;
        if !bytes.is_empty() && !data.is_null() {
            // SAFETY: see above; `data` has room for exactly `bytes.len()` bytes.
            unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), data.cast::<u8>(), bytes.len()) };
        }
        let mut array = ptr::null_mut();
        // SAFETY: a view over the whole buffer just created.
        check_status!(
            unsafe {
                sys::napi_create_typedarray(
                    env,
                    sys::TypedarrayType::uint8_array,
                    bytes.len(),
                    buffer,
                    0,
                    &mut array,
                )
            },
            "Failed to create Uint8Array"
        )?;
        Ok(array)
    }
}
