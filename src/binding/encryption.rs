//! Binds `encrypt`, `decrypt` (XSalsa20 under a `keySecret_z…`) and the raw
//! `encryptXsalsa20` / `decryptXsalsa20`.

use crate::binding::bytes::to_js_bytes;
use crate::binding::error::OrThrow;
use crate::core::keys::{fixed, KeySecret};
use crate::core::xsalsa20;
use napi::bindgen_prelude::Uint8Array;
use napi::Result;
use napi_derive::napi;
use zeroize::Zeroizing;

/// XSalsa20 of `value` under `keySecret` (`keySecret_z…`), nonce derived from
/// `nonceMaterial`. No MAC: cojson's integrity comes from signatures.
#[napi(catch_unwind)]
pub fn encrypt(value: &[u8], key_secret: String, nonce_material: &[u8]) -> Result<Uint8Array> {
    let key = KeySecret::parse(&Zeroizing::new(key_secret)).or_throw()?;
    Ok(to_js_bytes(xsalsa20::stream(
        key.as_bytes(),
        nonce_material,
        value,
    )))
}

/// Inverse of `encrypt` (the same keystream).
#[napi(catch_unwind)]
pub fn decrypt(ciphertext: &[u8], key_secret: String, nonce_material: &[u8]) -> Result<Uint8Array> {
    encrypt(ciphertext, key_secret, nonce_material)
}

/// XSalsa20 of `plaintext` under a raw 32-byte key, nonce derived from
/// `nonceMaterial`.
#[napi(catch_unwind)]
pub fn encrypt_xsalsa20(key: &[u8], nonce_material: &[u8], plaintext: &[u8]) -> Result<Uint8Array> {
    let key = Zeroizing::new(fixed::<32>(key, "key").or_throw()?);
    Ok(to_js_bytes(xsalsa20::stream(
        &key,
        nonce_material,
        plaintext,
    )))
}

/// Inverse of `encryptXsalsa20` (the same keystream).
#[napi(catch_unwind)]
pub fn decrypt_xsalsa20(
    key: &[u8],
    nonce_material: &[u8],
    ciphertext: &[u8],
) -> Result<Uint8Array> {
    encrypt_xsalsa20(key, nonce_material, ciphertext)
}
