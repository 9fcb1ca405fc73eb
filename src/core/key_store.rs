//! Where keys are kept ready to use, and by whom.
//!
//! Making a key ready costs far more than using it: an Ed25519 signing key
//! derives its public key (a scalar multiplication, about as much as a
//! signature), a verifying key decompresses a curve point, and sealing runs
//! an X25519 Diffie-Hellman. cojson uses the same few keys over and over, so
//! their ready forms are kept in bounded maps
//! ([`crate::core::bounded_map::ClockMap`]) with one of two owners:
//!
//! - [`process`]: the process. Everything that signs, verifies or seals
//!   through [`crate::core::ed25519`] and [`crate::core::x25519`] (the
//!   drop-in exports, their async twins, session maps) shares it, from every
//!   thread. Found by key bytes.
//! - [`engine::KeyCache`]: one `NativeCryptoEngine` (with the `WorkerHandle`
//!   that made it). Found by key text, so a hit skips parsing; it counts the
//!   hits and misses `cacheStats()` reports, and `clearCache()` and
//!   `WorkerHandle.close()` wipe it, which they could not do to entries
//!   shared with the rest of the process.
//!
//! Both follow the same rules: a secret (or key text) is found by its
//! [`Fingerprint`], a BLAKE3 hash keyed with a random salt, so no map key
//! reveals a secret; secret entries wipe themselves when evicted, cleared or
//! dropped; a key that fails to parse or derive is not stored and evicts
//! nothing. Results are byte for byte those of the uncached primitives.

pub mod engine;
pub mod process;

use crate::core::error::CryptoError;
use crate::core::keys::{Signature, SignerSecret};
use crate::core::random::random_array;
use ed25519_dalek::hazmat::{raw_sign, ExpandedSecretKey};
use ed25519_dalek::{Sha512, VerifyingKey};
use zeroize::Zeroizing;

/// The map key of a secret or of a key's text.
pub type Fingerprint = [u8; 32];

/// Hashes secrets and key texts into [`Fingerprint`]s under a random salt
/// (wiped on drop).
pub struct Fingerprinter {
    salt: Zeroizing<[u8; 32]>,
}

impl Fingerprinter {
    /// A fingerprinter with a fresh salt; fails only if the operating
    /// system's random source fails.
    pub fn new() -> Result<Self, CryptoError> {
        Ok(Self {
            salt: Zeroizing::new(random_array()?),
        })
    }

    /// The fingerprint of a 32-byte secret.
    pub fn of_secret(&self, secret: &[u8; 32]) -> Fingerprint {
        *blake3::keyed_hash(&self.salt, secret).as_bytes()
    }

    /// The fingerprint of the texts `parts` for the kind of key `kind`.
    pub fn of_texts(&self, kind: u8, parts: &[&str]) -> Fingerprint {
        let mut hasher = blake3::Hasher::new_keyed(&self.salt);
        hasher.update(&[kind]);
        for part in parts {
            // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        *hasher.finalize().as_bytes()
    }
}

/// A signing key ready to sign: the expanded secret (wiped on drop by
/// ed25519-dalek) and its public key.
pub struct SignerKeys {
    /// SHA-512 of the seed, split into scalar and nonce prefix.
    pub expanded: ExpandedSecretKey,
    /// The public key.
    pub public: VerifyingKey,
}

impl SignerKeys {
    /// Expands a seed and derives its public key.
    pub fn derive(secret: &SignerSecret) -> Self {
        let expanded = ExpandedSecretKey::from(secret.as_bytes());
        let public = VerifyingKey::from(&expanded);
        Self { expanded, public }
    }

    /// Signs `message` (RFC 8032 Ed25519).
    pub fn sign(&self, message: &[u8]) -> Signature {
        Signature::from_bytes(raw_sign::<Sha512>(&self.expanded, message, &self.public).to_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    #[test]
    fn secrets_are_hashed_under_the_salt() {
        let fingerprints = Fingerprinter::new().unwrap();
        let a = fingerprints.of_secret(&[1u8; 32]);
        assert_ne!(a, [1u8; 32]);
        assert_eq!(fingerprints.of_secret(&[1u8; 32]), a);
        assert_ne!(fingerprints.of_secret(&[2u8; 32]), a);
        assert_ne!(Fingerprinter::new().unwrap().of_secret(&[1u8; 32]), a);
    }

    #[test]
    fn texts_are_told_apart_by_kind_and_split() {
        let fingerprints = Fingerprinter::new().unwrap();
        let ab_c = fingerprints.of_texts(1, &["ab", "c"]);
        assert_ne!(ab_c, fingerprints.of_texts(1, &["a", "bc"]));
        assert_ne!(ab_c, fingerprints.of_texts(2, &["ab", "c"]));
        assert_eq!(ab_c, fingerprints.of_texts(1, &["ab", "c"]));
    }

    #[test]
    fn signer_keys_wipe_their_secret_on_drop() {
        fn wipes_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        wipes_on_drop::<ExpandedSecretKey>();
        wipes_on_drop::<Zeroizing<[u8; 32]>>();
    }

    #[test]
    fn signs_as_ed25519_dalek_does() {
        for seed in [[0u8; 32], [7u8; 32], [0xff; 32]] {
            let keys = SignerKeys::derive(&SignerSecret::from_bytes(seed));
            let reference = SigningKey::from_bytes(&seed);
            assert_eq!(keys.public, reference.verifying_key());
            for message in [&b""[..], b"m", &[0x5a; 300]] {
                let signature = keys.sign(message);
                assert_eq!(signature.as_bytes(), &reference.sign(message).to_bytes());
            }
        }
    }
}
