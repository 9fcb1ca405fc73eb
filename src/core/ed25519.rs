//! Ed25519 signing and verification over cojson's signer keys.
//!
//! Verification is strict: small-order public keys and non-canonical
//! signatures are rejected (`false`), which honest signers never produce.

use crate::core::error::CryptoError;
use crate::core::keys::{Signature, SignerId, SignerSecret};
use crate::core::random::random_array;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};

/// A fresh random signing key seed.
pub fn new_signer_secret() -> Result<SignerSecret, CryptoError> {
    Ok(SignerSecret::from_bytes(random_array()?))
}

/// The public key of a signing key seed.
pub fn signer_id(secret: &SignerSecret) -> SignerId {
    let key = SigningKey::from_bytes(secret.as_bytes());
    SignerId::from_bytes(key.verifying_key().to_bytes())
}

/// Signs `message`.
pub fn sign(secret: &SignerSecret, message: &[u8]) -> Signature {
    let key = SigningKey::from_bytes(secret.as_bytes());
    Signature::from_bytes(key.sign(message).to_bytes())
}

/// Parses a public key, rejecting 32 bytes that encode no curve point.
pub fn verifying_key(id: &SignerId) -> Result<VerifyingKey, CryptoError> {
    VerifyingKey::from_bytes(id.as_bytes()).map_err(|_| CryptoError::InvalidVerifyingKey)
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
