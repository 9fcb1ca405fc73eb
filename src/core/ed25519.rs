//! Ed25519 signing and verification over cojson's signer keys.
//!
//! Verification is strict: small-order public keys and non-canonical
//! signatures are rejected (`false`), which honest signers never produce.
//!
//! Parsed keys are kept in the bounded caches of
//! [`crate::core::signing_cache`]: signing with a recently used seed skips
//! deriving its public key, verifying by a recently seen signer skips
//! decompressing its key. Results are the same with or without a cache hit.

use crate::core::error::CryptoError;
use crate::core::keys::{Signature, SignerId, SignerSecret};
use crate::core::random::random_array;
use crate::core::signing_cache::{self, SignerKeys};
use ed25519_dalek::hazmat::{raw_sign, ExpandedSecretKey};
use ed25519_dalek::{Sha512, VerifyingKey};
use std::sync::Arc;

/// A fresh random signing key seed.
pub fn new_signer_secret() -> Result<SignerSecret, CryptoError> {
    Ok(SignerSecret::from_bytes(random_array()?))
}

/// The expanded secret and public key of a seed, from the cache or derived.
fn signer_keys(secret: &SignerSecret) -> Arc<SignerKeys> {
    let derive = || {
        let expanded = ExpandedSecretKey::from(secret.as_bytes());
        let public = VerifyingKey::from(&expanded);
        Arc::new(SignerKeys { expanded, public })
    };
    match signing_cache::secret_cache_key(secret.as_bytes()) {
        Some(key) => signing_cache::signing_keys()
            .get_or_insert_with(key, || Some(derive()))
            .unwrap_or_else(derive),
        None => derive(),
    }
}

/// The public key of a signing key seed.
pub fn signer_id(secret: &SignerSecret) -> SignerId {
    SignerId::from_bytes(signer_keys(secret).public.to_bytes())
}

/// Signs `message` (RFC 8032 Ed25519).
pub fn sign(secret: &SignerSecret, message: &[u8]) -> Signature {
    let keys = signer_keys(secret);
    Signature::from_bytes(raw_sign::<Sha512>(&keys.expanded, message, &keys.public).to_bytes())
}

/// Parses a public key, rejecting 32 bytes that encode no curve point.
pub fn verifying_key(id: &SignerId) -> Result<VerifyingKey, CryptoError> {
    signing_cache::verifying_keys()
        .get_or_insert_with(*id.as_bytes(), || {
            VerifyingKey::from_bytes(id.as_bytes()).ok()
        })
        .ok_or(CryptoError::InvalidVerifyingKey)
}

/// Checks `signature` over `message` by `id`.
///
/// `Ok(false)` for any signature that does not verify strictly, including
/// signatures by small-order keys; `Err` only when `id` is not a curve point.
pub fn verify(id: &SignerId, message: &[u8], signature: &Signature) -> Result<bool, CryptoError> {
    let key = verifying_key(id)?;
    Ok(verify_with(&key, message, signature))
}

/// Checks a signature against an already parsed public key.
pub fn verify_with(key: &VerifyingKey, message: &[u8], signature: &Signature) -> bool {
    let signature = ed25519_dalek::Signature::from_bytes(signature.as_bytes());
    key.verify_strict(message, &signature).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_then_verify() {
        let secret = new_signer_secret().unwrap();
        let id = signer_id(&secret);
        let sig = sign(&secret, b"hello");
        assert!(verify(&id, b"hello", &sig).unwrap());
        assert!(!verify(&id, b"hellp", &sig).unwrap());
    }

    #[test]
    fn small_order_key_never_verifies() {
        // The identity point encodes as 1 followed by zeros: a small-order key
        // for which (R = identity, s = 0) "verifies" any message under plain
        // verification.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let mut sig = [0u8; 64];
        sig[0] = 1;
        let id = SignerId::from_bytes(identity);
        assert!(!verify(&id, b"any message", &Signature::from_bytes(sig)).unwrap());
    }
}
