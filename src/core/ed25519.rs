//! Ed25519 signing and verification over cojson's signer keys.
//!
//! Verification is strict: small-order public keys and non-canonical
//! signatures are rejected (`false`), which honest signers never produce.
//!
//! Parsed keys are kept in the process-wide key store
//! ([`crate::core::key_store::process`]): signing with a recently used
//! seed skips deriving its public key, verifying by a recently seen signer
//! skips decompressing its key. Results are the same with or without a
//! cache hit.

use crate::core::error::CryptoError;
use crate::core::key_store::{process, SignerKeys};
use crate::core::keys::{Signature, SignerId, SignerSecret};
use crate::core::random::random_array;
use curve25519_dalek::constants::EIGHT_TORSION;
use ed25519_dalek::{Verifier, VerifyingKey};
use std::sync::{Arc, OnceLock};

/// A fresh random signing key seed.
pub fn new_signer_secret() -> Result<SignerSecret, CryptoError> {
    Ok(SignerSecret::from_bytes(random_array()?))
}

/// The expanded secret and public key of a seed, from the cache or derived.
fn signer_keys(secret: &SignerSecret) -> Arc<SignerKeys> {
    let derive = || Arc::new(SignerKeys::derive(secret));
    match process::secret_fingerprint(secret.as_bytes()) {
        Some(key) => process::signing_keys()
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
    signer_keys(secret).sign(message)
}

/// Parses a public key, rejecting 32 bytes that encode no curve point.
pub fn verifying_key(id: &SignerId) -> Result<VerifyingKey, CryptoError> {
    process::verifying_keys()
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

/// The canonical encodings of the eight points of small order.
fn small_order_encodings() -> &'static [[u8; 32]; 8] {
    static ENCODINGS: OnceLock<[[u8; 32]; 8]> = OnceLock::new();
    ENCODINGS.get_or_init(|| EIGHT_TORSION.map(|point| point.compress().to_bytes()))
}

/// Checks a signature against an already parsed public key.
///
/// The result is that of ed25519-dalek's `verify_strict` (the tests compare
/// the two), for less work: `verify_strict` decompresses `R` to refuse a
/// small-order `R`. Here `R`'s bytes are compared with the eight canonical
/// encodings of small-order points instead; any other encoding of such a
/// point (or bytes that are no point at all) already fails the final check,
/// which compares `R`'s bytes with the canonical encoding of the point the
/// verification equation yields.
pub fn verify_with(key: &VerifyingKey, message: &[u8], signature: &Signature) -> bool {
    let r_small_order = signature
        .as_bytes()
        .first_chunk::<32>()
        .is_some_and(|r| small_order_encodings().contains(r));
    if r_small_order || key.is_weak() {
        return false;
    }
    let signature = ed25519_dalek::Signature::from_bytes(signature.as_bytes());
    key.verify(message, &signature).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::hazmat::ExpandedSecretKey;

    #[test]
    fn sign_then_verify() {
        let secret = new_signer_secret().unwrap();
        let id = signer_id(&secret);
        let sig = sign(&secret, b"hello");
        assert!(verify(&id, b"hello", &sig).unwrap());
        assert!(!verify(&id, b"hellp", &sig).unwrap());
    }

    /// `verify_with` gives `verify_strict`'s answer on honest signatures, on
    /// random bytes, and on every small-order `R` and key (canonical and
    /// non-canonical encodings), including a forgery that plain (non-strict)
    /// verification accepts.
    #[test]
    fn same_result_as_verify_strict() {
        use curve25519_dalek::scalar::Scalar;
        use ed25519_dalek::Digest;

        let strict = |key: &VerifyingKey, message: &[u8], sig: &[u8; 64]| {
            key.verify_strict(message, &ed25519_dalek::Signature::from_bytes(sig))
                .is_ok()
        };
        let check = |key: &VerifyingKey, message: &[u8], sig: [u8; 64]| {
            let ours = verify_with(key, message, &Signature::from_bytes(sig));
            assert_eq!(ours, strict(key, message, &sig), "{sig:?}");
            ours
        };

        // R candidates: the small-order encodings, with the sign bit flipped,
        // and y = p and y = p + 1 (non-canonical 0 and 1) with either sign.
        let mut rs: Vec<[u8; 32]> = Vec::new();
        for e in small_order_encodings() {
            rs.push(*e);
            let mut flipped = *e;
            flipped[31] ^= 0x80;
            rs.push(flipped);
        }
        for low in [0xed_u8, 0xee] {
            let mut y = [0xff_u8; 32];
            y[0] = low;
            y[31] = 0x7f;
            rs.push(y);
            y[31] = 0xff;
            rs.push(y);
        }
        let secret = SignerSecret::from_bytes([42; 32]);
        let honest = verifying_key(&signer_id(&secret)).unwrap();
        let mut keys = vec![honest];
        // Every small-order key decodes; a few of them suffice here (the
        // debug build's verification is slow).
        keys.extend(
            rs.iter()
                .filter_map(|r| VerifyingKey::from_bytes(r).ok())
                .step_by(3),
        );
        assert!(keys.len() > 4);
        let order_minus_one = (Scalar::ZERO - Scalar::ONE).to_bytes();
        let mut checked = 0;
        for key in &keys {
            for r in &rs {
                for s in [
                    [0u8; 32],
                    Scalar::ONE.to_bytes(),
                    order_minus_one,
                    [0xff; 32],
                ] {
                    let mut sig = [0u8; 64];
                    sig[..32].copy_from_slice(r);
                    sig[32..].copy_from_slice(&s);
                    assert!(!check(key, b"m", sig));
                    checked += 1;
                }
            }
        }
        assert!(checked > 400);

        // Honest signatures and random bytes.
        let mut seed = [7u8; 64];
        for i in 0..64u32 {
            seed = ed25519_dalek::Sha512::digest(seed).into();
            let message = &seed[..(i as usize % 64)];
            let sig = sign(&secret, message);
            assert!(check(&honest, message, *sig.as_bytes()));
            let mut bent = *sig.as_bytes();
            bent[i as usize % 64] ^= 1 << (i % 8);
            assert!(!check(&honest, message, bent));
            assert!(!check(&honest, message, seed));
        }

        // R = identity and s = k·a: plain verification accepts it, strict
        // verification (and ours) refuses it.
        let expanded = ExpandedSecretKey::from(secret.as_bytes());
        let r = small_order_encodings()
            .iter()
            .find(|e| {
                let mut identity = [0u8; 32];
                identity[0] = 1;
                **e == identity
            })
            .copied()
            .unwrap();
        let message = b"forged";
        let k = Scalar::from_hash(
            ed25519_dalek::Sha512::new()
                .chain_update(r)
                .chain_update(honest.as_bytes())
                .chain_update(message),
        );
        let mut forged = [0u8; 64];
        forged[..32].copy_from_slice(&r);
        forged[32..].copy_from_slice(&(k * expanded.scalar).to_bytes());
        let plain = honest
            .verify(message, &ed25519_dalek::Signature::from_bytes(&forged))
            .is_ok();
        assert!(plain, "plain verification accepts the small-order R");
        assert!(!check(&honest, message, forged));
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
