//! Promise-returning variants of the heavy operations, computed on the libuv
//! thread pool so that the event loop stays free: `signAsync`, `verifyAsync`,
//! `sealAsync`, `unsealAsync`.
//!
//! Each takes the same arguments as its synchronous twin and resolves to the
//! same value. Arguments are copied before the call returns (changing the
//! buffers afterwards does not affect the result); they are parsed on the
//! pool, so malformed input rejects the promise with the error the
//! synchronous function would throw. Secrets are wiped when the task ends.
//! A hop to the pool and back costs about 15 µs, so these pay off where
//! blocking the event loop costs more than that (see docs/performance.md).

use crate::binding::bytes::{to_js_bytes, Uint8Array};
use crate::binding::error::OrThrow;
use crate::binding::text_arg::Text;
use crate::core::keys::{SealerId, SealerSecret, Signature, SignerId, SignerSecret};
use crate::core::{ed25519, seal as core_seal};
use napi::bindgen_prelude::AsyncTask;
use napi::{Env, Result, Task};
use napi_derive::napi;
use zeroize::Zeroizing;

/// The work of `signAsync`.
pub struct SignTask {
    message: Vec<u8>,
    secret: Zeroizing<Vec<u8>>,
}

#[napi]
impl Task for SignTask {
    type Output = String;
    type JsValue = String;

    fn compute(&mut self) -> Result<String> {
        let secret = SignerSecret::parse_utf8(&self.secret).or_throw()?;
        Ok(ed25519::sign(&secret, &self.message).to_text())
    }

    fn resolve(&mut self, _env: Env, output: String) -> Result<String> {
        Ok(output)
    }
}

/// `sign` on the thread pool: resolves to the `signature_z…` of `message`
/// under a `signerSecret_z…` given as UTF-8 bytes.
#[napi(catch_unwind)]
pub fn sign_async(message: &[u8], secret: &[u8]) -> AsyncTask<SignTask> {
    AsyncTask::new(SignTask {
        message: message.to_vec(),
        secret: Zeroizing::new(secret.to_vec()),
    })
}

/// The work of `verifyAsync`.
pub struct VerifyTask {
    signature: Vec<u8>,
    message: Vec<u8>,
    id: Vec<u8>,
}

#[napi]
impl Task for VerifyTask {
    type Output = bool;
    type JsValue = bool;

    fn compute(&mut self) -> Result<bool> {
        let signature = Signature::parse_utf8(&self.signature).or_throw()?;
        let id = SignerId::parse_utf8(&self.id).or_throw()?;
        ed25519::verify(&id, &self.message, &signature).or_throw()
    }

    fn resolve(&mut self, _env: Env, output: bool) -> Result<bool> {
        Ok(output)
    }
}

/// `verify` on the thread pool: resolves to whether a `signature_z…` over
/// `message` by a `signer_z…` (both UTF-8 bytes) verifies.
#[napi(catch_unwind)]
pub fn verify_async(signature: &[u8], message: &[u8], id: &[u8]) -> AsyncTask<VerifyTask> {
    AsyncTask::new(VerifyTask {
        signature: signature.to_vec(),
        message: message.to_vec(),
        id: id.to_vec(),
    })
}

/// Which way a [`BoxTask`] goes.
enum BoxDirection {
    Seal,
    Unseal,
}

/// The work of `sealAsync` and `unsealAsync`.
pub struct BoxTask {
    direction: BoxDirection,
    data: Vec<u8>,
    secret: Text,
    peer: Text,
    nonce_material: Vec<u8>,
}

#[napi]
impl Task for BoxTask {
    type Output = Vec<u8>;
    type JsValue = Uint8Array;

    fn compute(&mut self) -> Result<Vec<u8>> {
        let secret = SealerSecret::parse(&self.secret).or_throw()?;
        let peer = SealerId::parse(&self.peer).or_throw()?;
        match self.direction {
            BoxDirection::Seal => {
                core_seal::seal(&self.data, &secret, &peer, &self.nonce_material).or_throw()
            }
            BoxDirection::Unseal => {
                core_seal::unseal(&self.data, &secret, &peer, &self.nonce_material).or_throw()
            }
        }
    }

    fn resolve(&mut self, _env: Env, output: Vec<u8>) -> Result<Uint8Array> {
        Ok(to_js_bytes(output))
    }
}

/// `seal` on the thread pool: resolves to the box sealed from `senderSecret`
/// (`sealerSecret_z…`) to `recipientId` (`sealer_z…`).
#[napi(catch_unwind)]
pub fn seal_async(
    message: &[u8],
    #[napi(ts_arg_type = "string")] sender_secret: Text,
    #[napi(ts_arg_type = "string")] recipient_id: Text,
    nonce_material: &[u8],
) -> AsyncTask<BoxTask> {
    AsyncTask::new(BoxTask {
        direction: BoxDirection::Seal,
        data: message.to_vec(),
        secret: sender_secret,
        peer: recipient_id,
        nonce_material: nonce_material.to_vec(),
    })
}

/// `unseal` on the thread pool: resolves to the opened message; rejects with
/// "Wrong tag" when the key, sender or nonce material does not match.
#[napi(catch_unwind)]
pub fn unseal_async(
    sealed_message: &[u8],
    #[napi(ts_arg_type = "string")] recipient_secret: Text,
    #[napi(ts_arg_type = "string")] sender_id: Text,
    nonce_material: &[u8],
) -> AsyncTask<BoxTask> {
    AsyncTask::new(BoxTask {
        direction: BoxDirection::Unseal,
        data: sealed_message.to_vec(),
        secret: recipient_secret,
        peer: sender_id,
        nonce_material: nonce_material.to_vec(),
    })
}
