//! Binds the Ed25519 exports: the cojson-level ones that take prefixed ids as
//! UTF-8 bytes (`sign`, `verify`, `getSignerId`, and `signAsync` and
//! `verifyAsync`, which run the same [`Job`]s on the runtime) and the
//! raw-bytes ones.

use crate::binding::abort_signal::SignalArg;
use crate::binding::bytes::{to_js_bytes, Uint8Array};
use crate::binding::error::OrThrow;
use crate::binding::off_thread::{self, Job};
use crate::core::ed25519;
use crate::core::keys::{Signature, SignerId, SignerSecret};
use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Result};
use napi_derive::napi;
use zeroize::Zeroizing;

/// 32 random bytes: a new Ed25519 signing key seed.
#[napi(catch_unwind)]
pub fn new_ed25519_signing_key() -> Result<Uint8Array> {
    let secret = ed25519::new_signer_secret().or_throw()?;
    Ok(to_js_bytes(*secret.as_bytes()))
}

/// The `signer_z…` id of a `signerSecret_z…` given as UTF-8 bytes.
#[napi(catch_unwind)]
pub fn get_signer_id(secret: &[u8]) -> Result<String> {
    let secret = SignerSecret::parse_utf8(secret).or_throw()?;
    Ok(ed25519::signer_id(&secret).to_text())
}

/// `sign`: the signature of `message` under a `signerSecret_z…` given as
/// UTF-8 bytes, owned by the job as `S` (borrowed for `sign`, a wiped copy
/// for `signAsync`).
pub struct SignJob<S> {
    message: Vec<u8>,
    secret: S,
}

impl<S: AsRef<[u8]>> Job for SignJob<S> {
    type Output = String;

    fn run(&self) -> Result<String> {
        let secret = SignerSecret::parse_utf8(self.secret.as_ref()).or_throw()?;
        Ok(ed25519::sign(&secret, &self.message).to_text())
    }
}

/// Signs `message` with a `signerSecret_z…` given as UTF-8 bytes. Returns a
/// `signature_z…`.
#[napi(catch_unwind)]
pub fn sign(message: &[u8], secret: &[u8]) -> Result<String> {
    SignJob {
        message: stable_copy(message),
        secret,
    }
    .run()
}

/// `sign` off the event loop, on the addon's own threads (not libuv's pool):
/// resolves to the same `signature_z…`, rejects with the error `sign` throws.
/// Both arguments are copied before it returns. With `signal` (an
/// `AbortSignal`), rejects with an `AbortError` if it aborts before the work
/// started.
#[napi(catch_unwind)]
pub fn sign_async<'env>(
    env: &'env Env,
    message: &[u8],
    secret: &[u8],
    #[napi(ts_arg_type = "AbortSignal | undefined | null")] signal: Option<SignalArg>,
) -> Result<PromiseRaw<'env, String>> {
    let job = SignJob {
        message: stable_copy(message),
        secret: Zeroizing::new(secret.to_vec()),
    };
    off_thread::start(env, job, signal)
}

/// The message to sign, copied before signing. Ed25519 hashes the message
/// twice (for the nonce, then for the challenge); if another thread changed
/// it in between (a `Uint8Array` over a `SharedArrayBuffer` that a worker
/// writes), the two halves of the signature would be for different messages,
/// and that signature together with an honest one gives away the key. A copy
/// is one memcpy against two SHA-512 passes (`__test__/shared-buffers.test.mjs`).
fn stable_copy(message: &[u8]) -> Vec<u8> {
    message.to_vec()
}

/// `verify`: whether a `signature_z…` over `message` by a `signer_z…` (both
/// as UTF-8 bytes) verifies; the bytes are borrowed for `verify`, copies for
/// `verifyAsync`.
pub struct VerifyJob<B> {
    signature: B,
    message: B,
    id: B,
}

impl<B: AsRef<[u8]>> Job for VerifyJob<B> {
    type Output = bool;

    fn run(&self) -> Result<bool> {
        let signature = Signature::parse_utf8(self.signature.as_ref()).or_throw()?;
        let id = SignerId::parse_utf8(self.id.as_ref()).or_throw()?;
        ed25519::verify(&id, self.message.as_ref(), &signature).or_throw()
    }
}

/// Verifies a `signature_z…` over `message` by a `signer_z…`, both given as
/// UTF-8 bytes. Returns `false` for a signature that does not verify; throws
/// for malformed ids and signatures.
#[napi(catch_unwind)]
pub fn verify(signature: &[u8], message: &[u8], id: &[u8]) -> Result<bool> {
    VerifyJob {
        signature,
        message,
        id,
    }
    .run()
}

/// `verify` off the event loop, on the addon's own threads (not libuv's
/// pool): resolves to the same boolean, rejects with the error `verify`
/// throws. The arguments are copied before it returns. With `signal` (an
/// `AbortSignal`), rejects with an `AbortError` if it aborts before the work
/// started.
#[napi(catch_unwind)]
pub fn verify_async<'env>(
    env: &'env Env,
    signature: &[u8],
    message: &[u8],
    id: &[u8],
    #[napi(ts_arg_type = "AbortSignal | undefined | null")] signal: Option<SignalArg>,
) -> Result<PromiseRaw<'env, bool>> {
    let job = VerifyJob {
        signature: signature.to_vec(),
        message: message.to_vec(),
        id: id.to_vec(),
    };
    off_thread::start(env, job, signal)
}

/// Signs `message` with a raw 32-byte signing key. Returns 64 bytes.
#[napi(catch_unwind)]
pub fn ed25519_sign(signing_key: &[u8], message: &[u8]) -> Result<Uint8Array> {
    let secret = SignerSecret::from_slice(signing_key).or_throw()?;
    let message = stable_copy(message);
    Ok(to_js_bytes(*ed25519::sign(&secret, &message).as_bytes()))
}

/// Same as `ed25519Sign`.
#[napi(catch_unwind)]
pub fn ed25519_signing_key_sign(signing_key: &[u8], message: &[u8]) -> Result<Uint8Array> {
    ed25519_sign(signing_key, message)
}

/// Verifies a raw 64-byte signature by a raw 32-byte public key. Returns
/// `false` for a signature that does not verify; throws for wrong lengths and
/// for 32 bytes that are not a public key.
#[napi(catch_unwind)]
pub fn ed25519_verify(verifying_key: &[u8], message: &[u8], signature: &[u8]) -> Result<bool> {
    let id = SignerId::from_slice(verifying_key).or_throw()?;
    let signature = Signature::from_slice(signature).or_throw()?;
    ed25519::verify(&id, message, &signature).or_throw()
}

/// Checks that `bytes` is a 32-byte signing key and returns a copy.
#[napi(catch_unwind)]
pub fn ed25519_signing_key_from_bytes(bytes: &[u8]) -> Result<Uint8Array> {
    let secret = SignerSecret::from_slice(bytes).or_throw()?;
    Ok(to_js_bytes(*secret.as_bytes()))
}

/// The 32-byte public key of a raw 32-byte signing key.
#[napi(catch_unwind)]
pub fn ed25519_signing_key_to_public(signing_key: &[u8]) -> Result<Uint8Array> {
    let secret = SignerSecret::from_slice(signing_key).or_throw()?;
    Ok(to_js_bytes(*ed25519::signer_id(&secret).as_bytes()))
}

/// Same as `ed25519SigningKeyToPublic`.
#[napi(catch_unwind)]
pub fn ed25519_verifying_key(signing_key: &[u8]) -> Result<Uint8Array> {
    ed25519_signing_key_to_public(signing_key)
}

/// Checks that `bytes` is a 32-byte Ed25519 public key and returns a copy.
#[napi(catch_unwind)]
pub fn ed25519_verifying_key_from_bytes(bytes: &[u8]) -> Result<Uint8Array> {
    let id = SignerId::from_slice(bytes).or_throw()?;
    ed25519::verifying_key(&id).or_throw()?;
    Ok(to_js_bytes(*id.as_bytes()))
}

/// Checks that `bytes` is 64 bytes long and returns a copy.
#[napi(catch_unwind)]
pub fn ed25519_signature_from_bytes(bytes: &[u8]) -> Result<Uint8Array> {
    let signature = Signature::from_slice(bytes).or_throw()?;
    Ok(to_js_bytes(*signature.as_bytes()))
}
