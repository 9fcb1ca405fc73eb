//! Binds the X25519 and sealing exports. Secret strings copied in from JS are
//! wiped when the call returns.

use crate::binding::bytes::{to_js_bytes, Uint8Array};
use crate::binding::error::OrThrow;
use crate::binding::text_arg::Text;
use crate::core::keys::{SealerId, SealerSecret};
use crate::core::{seal as core_seal, x25519};
use napi::Result;
use napi_derive::napi;

/// 32 random bytes: a new X25519 secret key.
#[napi(catch_unwind)]
pub fn new_x25519_private_key() -> Result<Uint8Array> {
    let secret = x25519::new_sealer_secret().or_throw()?;
    Ok(to_js_bytes(*secret.as_bytes()))
}

/// The `sealer_z…` id of a `sealerSecret_z…` given as UTF-8 bytes.
#[napi(catch_unwind)]
pub fn get_sealer_id(secret: &[u8]) -> Result<String> {
    let secret = SealerSecret::parse_utf8(secret).or_throw()?;
    Ok(x25519::sealer_id(&secret).to_text())
}

/// The 32-byte X25519 public key of a raw 32-byte secret.
#[napi(catch_unwind)]
pub fn x25519_public_key(private_key: &[u8]) -> Result<Uint8Array> {
    let secret = SealerSecret::from_slice(private_key).or_throw()?;
    Ok(to_js_bytes(*x25519::sealer_id(&secret).as_bytes()))
}

/// The 32-byte X25519 shared secret of a raw secret and a raw public key.
/// Throws for a low-order public key (its shared secret would be all zeros).
/// Pairs seen recently come from a bounded cache (same result).
#[napi(catch_unwind)]
pub fn x25519_diffie_hellman(private_key: &[u8], public_key: &[u8]) -> Result<Uint8Array> {
    let secret = SealerSecret::from_slice(private_key).or_throw()?;
    let public = SealerId::from_slice(public_key).or_throw()?;
    let shared = x25519::cached_shared_secret(&secret, &public).or_throw()?;
    Ok(to_js_bytes(**shared))
}

/// Seals `message` from `senderSecret` (`sealerSecret_z…`) to `recipientId`
/// (`sealer_z…`): an XSalsa20-Poly1305 box, nonce from `nonceMaterial`.
#[napi(catch_unwind)]
pub fn seal(
    message: &[u8],
    #[napi(ts_arg_type = "string")] sender_secret: Text,
    #[napi(ts_arg_type = "string")] recipient_id: Text,
    nonce_material: &[u8],
) -> Result<Uint8Array> {
    let from = SealerSecret::parse(&sender_secret).or_throw()?;
    let to = SealerId::parse(&recipient_id).or_throw()?;
    let sealed = core_seal::seal(message, &from, &to, nonce_material).or_throw()?;
    Ok(to_js_bytes(sealed))
}

/// Opens a sealed message. Throws "Wrong tag" when the key, sender or nonce
/// material does not match or the data was changed.
#[napi(catch_unwind)]
pub fn unseal(
    sealed_message: &[u8],
    #[napi(ts_arg_type = "string")] recipient_secret: Text,
    #[napi(ts_arg_type = "string")] sender_id: Text,
    nonce_material: &[u8],
) -> Result<Uint8Array> {
    let recipient = SealerSecret::parse(&recipient_secret).or_throw()?;
    let from = SealerId::parse(&sender_id).or_throw()?;
    let opened = core_seal::unseal(sealed_message, &recipient, &from, nonce_material).or_throw()?;
    Ok(to_js_bytes(opened))
}

/// Seals `message` to a group's `sealer_z…` with an ephemeral sender key.
/// Returns the ephemeral public key (32 bytes) followed by the box.
#[napi(catch_unwind)]
pub fn seal_for_group(
    message: &[u8],
    #[napi(ts_arg_type = "string")] recipient_id: Text,
    nonce_material: &[u8],
) -> Result<Uint8Array> {
    let to = SealerId::parse(&recipient_id).or_throw()?;
    let sealed = core_seal::seal_for_group(message, &to, nonce_material).or_throw()?;
    Ok(to_js_bytes(sealed))
}

/// Opens a blob made by `sealForGroup` with the group's `sealerSecret_z…`.
#[napi(catch_unwind)]
pub fn unseal_for_group(
    sealed_message: &[u8],
    #[napi(ts_arg_type = "string")] recipient_secret: Text,
    nonce_material: &[u8],
) -> Result<Uint8Array> {
    let recipient = SealerSecret::parse(&recipient_secret).or_throw()?;
    let opened =
        core_seal::unseal_for_group(sealed_message, &recipient, nonce_material).or_throw()?;
    Ok(to_js_bytes(opened))
}
