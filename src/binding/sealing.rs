//! Binds the X25519 and sealing exports; `seal` and `unseal` run a
//! [`BoxJob`], which `sealAsync` and `unsealAsync` run on the runtime. Secret
//! strings copied in from JS are wiped when the call (or the job) ends.

use crate::binding::abort_signal::SignalArg;
use crate::binding::bytes::{to_js_bytes, Uint8Array};
use crate::binding::error::OrThrow;
use crate::binding::off_thread::{self, Job};
use crate::binding::text_arg::Text;
use crate::core::keys::{SealerId, SealerSecret};
use crate::core::{seal as core_seal, x25519};
use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Result};
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

/// Which way a [`BoxJob`] goes.
pub enum BoxDirection {
    /// `seal`: `data` is the message, `secret` the sender's, `peer` the
    /// recipient.
    Seal,
    /// `unseal`: `data` is the sealed message, `secret` the recipient's,
    /// `peer` the sender.
    Unseal,
}

/// `seal` or `unseal`: an XSalsa20-Poly1305 box between a
/// `sealerSecret_z…` and a `sealer_z…`, nonce from `nonceMaterial`; the
/// bytes are borrowed for the synchronous exports, copies for the async ones.
pub struct BoxJob<B> {
    direction: BoxDirection,
    data: B,
    secret: Text,
    peer: Text,
    nonce_material: B,
}

impl<B: AsRef<[u8]>> Job for BoxJob<B> {
    type Output = Uint8Array;

    fn run(&self) -> Result<Uint8Array> {
        let secret = SealerSecret::parse(&self.secret).or_throw()?;
        let peer = SealerId::parse(&self.peer).or_throw()?;
        let (data, nonce_material) = (self.data.as_ref(), self.nonce_material.as_ref());
        let result = match self.direction {
            BoxDirection::Seal => core_seal::seal(data, &secret, &peer, nonce_material),
            BoxDirection::Unseal => core_seal::unseal(data, &secret, &peer, nonce_material),
        };
        result.or_throw().map(to_js_bytes)
    }
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
    BoxJob {
        direction: BoxDirection::Seal,
        data: message,
        secret: sender_secret,
        peer: recipient_id,
        nonce_material,
    }
    .run()
}

/// `seal` off the event loop, on the addon's own threads (not libuv's pool):
/// resolves to the same box, rejects with the error `seal` throws. The
/// arguments are copied before it returns. With `signal` (an `AbortSignal`),
/// rejects with an `AbortError` if it aborts before the work started.
#[napi(catch_unwind)]
pub fn seal_async<'env>(
    env: &'env Env,
    message: &[u8],
    #[napi(ts_arg_type = "string")] sender_secret: Text,
    #[napi(ts_arg_type = "string")] recipient_id: Text,
    nonce_material: &[u8],
    #[napi(ts_arg_type = "AbortSignal | undefined | null")] signal: Option<SignalArg>,
) -> Result<PromiseRaw<'env, Uint8Array>> {
    let job = BoxJob {
        direction: BoxDirection::Seal,
        data: message.to_vec(),
        secret: sender_secret,
        peer: recipient_id,
        nonce_material: nonce_material.to_vec(),
    };
    off_thread::start(env, job, signal)
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
    BoxJob {
        direction: BoxDirection::Unseal,
        data: sealed_message,
        secret: recipient_secret,
        peer: sender_id,
        nonce_material,
    }
    .run()
}

/// `unseal` off the event loop, on the addon's own threads (not libuv's
/// pool): resolves to the opened message, rejects with the error `unseal`
/// throws ("Wrong tag" when anything does not match). The arguments are
/// copied before it returns. With `signal` (an `AbortSignal`), rejects with
/// an `AbortError` if it aborts before the work started.
#[napi(catch_unwind)]
pub fn unseal_async<'env>(
    env: &'env Env,
    sealed_message: &[u8],
    #[napi(ts_arg_type = "string")] recipient_secret: Text,
    #[napi(ts_arg_type = "string")] sender_id: Text,
    nonce_material: &[u8],
    #[napi(ts_arg_type = "AbortSignal | undefined | null")] signal: Option<SignalArg>,
) -> Result<PromiseRaw<'env, Uint8Array>> {
    let job = BoxJob {
        direction: BoxDirection::Unseal,
        data: sealed_message.to_vec(),
        secret: recipient_secret,
        peer: sender_id,
        nonce_material: nonce_material.to_vec(),
    };
    off_thread::start(env, job, signal)
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
