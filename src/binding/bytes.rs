//! How byte results are handed to JS: every export that returns bytes goes
//! through [`to_js_bytes`] (a `Uint8Array`) or [`to_js_buffer`] (a Node
//! `Buffer`, which `NativeCryptoEngine`'s additions return).
//!
//! napi-rs's own `Uint8Array` and `Buffer` hand a Rust `Vec` to V8 as
//! *external* memory, which costs a finalizer, a weak handle and a later
//! callback into Rust; for the short results of this addon (keys, hashes,
//! signatures, small ciphertexts) that costs about twice as much as copying
//! the bytes into fresh engine-owned memory. [`Bytes`] always copies. The two
//! JS kinds are type aliases named `Uint8Array` and `Buffer`, because the
//! generated TypeScript declarations take the name written in the signature;
//! napi-rs's types of the same names are not used anywhere in the binding.

use napi::bindgen_prelude::{ToNapiValue, TypeName, ValueType};
use napi::{check_status, sys};
use std::ffi::c_void;
use std::marker::PhantomData;
use std::ptr;
use zeroize::Zeroize;

/// Results up to this length are wiped from Rust memory once copied to JS:
/// every key and shared secret the addon returns is 32 bytes. Longer results
/// are ciphertexts, plaintexts and sealed boxes, whose wiping would cost more
/// than the copy.
const WIPE_UP_TO: usize = 64;

/// A byte result on its way to JS as a `Uint8Array` over a fresh
/// `ArrayBuffer` holding a copy of the bytes.
pub type Uint8Array = Bytes<AsUint8Array>;

/// A byte result on its way to JS as a Node `Buffer` holding a copy of the
/// bytes.
pub type Buffer = Bytes<AsBuffer>;

/// Returns bytes to JS as a `Uint8Array`.
pub fn to_js_bytes(bytes: impl Into<Vec<u8>>) -> Uint8Array {
    Bytes(bytes.into(), PhantomData)
}

/// Returns bytes to JS as a Node `Buffer`.
pub fn to_js_buffer(bytes: impl Into<Vec<u8>>) -> Buffer {
    Bytes(bytes.into(), PhantomData)
}

/// A byte result on its way to JS, as JS kind `K`: wiped when dropped if it
/// is short enough to be a key.
pub struct Bytes<K: JsBytesKind>(Vec<u8>, PhantomData<K>);

impl<K: JsBytesKind> Bytes<K> {
    /// The bytes that JS will receive.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }
}

impl<K: JsBytesKind> Drop for Bytes<K> {
    fn drop(&mut self) {
        if self.0.len() <= WIPE_UP_TO {
            self.0.zeroize();
        }
    }
}

/// The JS object a [`Bytes`] becomes.
pub trait JsBytesKind {
    /// The name napi-rs reports for the type.
    const TYPE_NAME: &'static str;

    /// A new JS object holding a copy of `bytes`.
    ///
    /// # Safety
    ///
    /// `env` must be the live environment of the current call.
    unsafe fn copy_to_js(env: sys::napi_env, bytes: &[u8]) -> napi::Result<sys::napi_value>;
}

/// [`Bytes`] becomes a `Uint8Array`.
pub enum AsUint8Array {}

/// [`Bytes`] becomes a Node `Buffer`.
pub enum AsBuffer {}

impl JsBytesKind for AsUint8Array {
    const TYPE_NAME: &'static str = "Uint8Array";

    unsafe fn copy_to_js(env: sys::napi_env, bytes: &[u8]) -> napi::Result<sys::napi_value> {
        let mut data: *mut c_void = ptr::null_mut();
        let mut buffer = ptr::null_mut();
        // SAFETY: `env` is live (the caller's contract); the engine allocates
        // `bytes.len()` writable bytes at `data`, which cannot overlap
        // `bytes`, and only then are they written.
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

impl JsBytesKind for AsBuffer {
    const TYPE_NAME: &'static str = "Buffer";

    unsafe fn copy_to_js(env: sys::napi_env, bytes: &[u8]) -> napi::Result<sys::napi_value> {
        let mut buffer = ptr::null_mut();
        if bytes.is_empty() {
            // An empty slice's pointer dangles: nothing to copy from, so an
            // empty buffer is made instead (as napi-rs does).
            // SAFETY: `env` is live (the caller's contract); a null `data`
            // out-pointer asks for no pointer back.
            check_status!(
                unsafe { sys::napi_create_buffer(env, 0, ptr::null_mut(), &mut buffer) },
                "Failed to create Buffer"
            )?;
            return Ok(buffer);
        }
        // SAFETY: `env` is live (the caller's contract); Node allocates a new
        // buffer of `bytes.len()` bytes and copies that many from `bytes`.
        check_status!(
            unsafe {
                sys::napi_create_buffer_copy(
                    env,
                    bytes.len(),
                    bytes.as_ptr().cast::<c_void>(),
                    ptr::null_mut(),
                    &mut buffer,
                )
            },
            "Failed to create Buffer"
        )?;
        Ok(buffer)
    }
}

impl<K: JsBytesKind> TypeName for Bytes<K> {
    fn type_name() -> &'static str {
        K::TYPE_NAME
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl<K: JsBytesKind> ToNapiValue for Bytes<K> {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        // SAFETY: napi-rs passes the live environment of the current call.
        unsafe { K::copy_to_js(env, val.as_slice()) }
    }
}
