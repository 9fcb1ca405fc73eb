//! A bounded cache of parsed keys, and the cojson operations that use it.
//!
//! cojson hands every key to its crypto provider as text (`signerSecret_z…`,
//! `signer_z…`, `sealerSecret_z…`, `keySecret_z…`) on every call. Parsing that
//! text is cheap; what is not cheap is what follows: an Ed25519 signing key
//! derives its public key (a scalar multiplication), a verifying key
//! decompresses a curve point, and sealing runs an X25519 Diffie-Hellman. A
//! worker uses the same few keys over and over, so [`KeyCache`] keeps the
//! ready-to-use form of each key it has seen.
//!
//! - Bounded: at most `capacity` entries of each kind; a full kind evicts
//!   with the CLOCK policy of [`crate::core::bounded_map::ClockMap`] (an
//!   entry used since the last sweep gets a second chance). The process-wide
//!   caches of [`crate::core::signing_cache`] use the same map; this one
//!   stays separate because it is per engine, keyed by key text rather than
//!   key bytes, and counts the hits and misses that `cacheStats()` reports.
//! - Wiped: secret entries zeroize on drop, so eviction, [`KeyCache::clear`]
//!   and dropping the cache wipe them.
//! - The cache never stores key text: entries are found by a BLAKE3 hash of
//!   the text keyed with a per-cache random salt.
//!
//! The results are byte for byte those of the uncached primitives in
//! [`crate::core::ed25519`], [`crate::core::seal`] and
//! [`crate::core::xsalsa20`].

use crate::core::bounded_map::ClockMap;
use crate::core::error::CryptoError;
use crate::core::hash;
use crate::core::keys::{KeySecret, SealerId, SealerSecret, Signature, SignerId, SignerSecret};
use crate::core::random::random_array;
use crate::core::{ed25519, seal, x25519, xsalsa20};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use zeroize::Zeroizing;

/// The default number of entries: enough for a worker's own keys plus the
/// signers and group keys of a few hundred active users.
pub const DEFAULT_CAPACITY: usize = 1024;
/// The largest capacity: JS callers get a `RangeError` above it (and below
/// 1); [`KeyCache::new`] clamps Rust callers to `1..=MAX_CAPACITY`.
pub const MAX_CAPACITY: usize = 1 << 20;

/// Which kind of key a text is; part of the lookup hash.
#[derive(Clone, Copy)]
#[repr(u8)]
enum Kind {
    Signing = 1,
    Verifying = 2,
    Sealer = 3,
    Shared = 4,
    Symmetric = 5,
}

type Fingerprint = [u8; 32];

/// Lookups answered from the cache and lookups that parsed a key (saturating
/// at `u64::MAX`, never wrapping).
#[derive(Default)]
struct Counts {
    hits: u64,
    misses: u64,
}

/// The entry for `fingerprint` in `map`, made with `make` on a miss; counts
/// the hit or miss (a failed `make` counts neither).
fn lookup<'map, V>(
    map: &'map mut ClockMap<Fingerprint, V>,
    counts: &mut Counts,
    fingerprint: Fingerprint,
    make: impl FnOnce() -> Result<V, CryptoError>,
) -> Result<&'map V, CryptoError> {
    let (value, hit) = map.get_or_try_insert_with(fingerprint, make)?;
    if hit {
        counts.hits = counts.hits.saturating_add(1);
    } else {
        counts.misses = counts.misses.saturating_add(1);
    }
    Ok(value)
}

/// A bounded, self-wiping cache of parsed keys with the cojson operations
/// that use them. Not thread-safe by itself; share it behind a mutex.
pub struct KeyCache {
    capacity: usize,
    salt: Zeroizing<[u8; 32]>,
    /// Ed25519 signing keys with their public keys (wiped on drop).
    signing: ClockMap<Fingerprint, SigningKey>,
    /// Decompressed Ed25519 public keys.
    verifying: ClockMap<Fingerprint, VerifyingKey>,
    /// X25519 secrets with their public keys (secrets wipe on drop).
    sealers: ClockMap<Fingerprint, (SealerSecret, SealerId)>,
    /// X25519 shared secrets of (secret, public key) pairs.
    shared: ClockMap<Fingerprint, Zeroizing<[u8; 32]>>,
    /// Symmetric XSalsa20 keys (wiped on drop).
    symmetric: ClockMap<Fingerprint, KeySecret>,
    /// Hits and misses over all kinds, for `cacheStats()`.
    counts: Counts,
}

impl KeyCache {
    /// An empty cache holding at most `capacity` keys of each of its five
    /// kinds (clamped to `1..=MAX_CAPACITY`). Fails only if the OS random
    /// source fails.
    pub fn new(capacity: usize) -> Result<Self, CryptoError> {
        let capacity = capacity.clamp(1, MAX_CAPACITY);
        Ok(Self {
            capacity,
            salt: Zeroizing::new(random_array()?),
            signing: ClockMap::new(capacity),
            verifying: ClockMap::new(capacity),
            sealers: ClockMap::new(capacity),
            shared: ClockMap::new(capacity),
            symmetric: ClockMap::new(capacity),
            counts: Counts::default(),
        })
    }

    /// The maximum number of entries of each kind.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The number of entries held now, all kinds together.
    pub fn len(&self) -> usize {
        self.signing.len()
            + self.verifying.len()
            + self.sealers.len()
            + self.shared.len()
            + self.symmetric.len()
    }

    /// Whether the cache holds no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Lookups answered from the cache and lookups that parsed a key (saturating
    /// at `u64::MAX`, never wrapping).
    pub fn hits_and_misses(&self) -> (u64, u64) {
        (self.counts.hits, self.counts.misses)
    }

    /// Drops (and so wipes) every entry.
    pub fn clear(&mut self) {
        self.signing.clear();
        self.verifying.clear();
        self.sealers.clear();
        self.shared.clear();
        self.symmetric.clear();
    }

    fn fingerprint(&self, kind: Kind, parts: &[&str]) -> Fingerprint {
        let mut hasher = blake3::Hasher::new_keyed(&self.salt);
        hasher.update(&[kind as u8]);
        for part in parts {
            // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        *hasher.finalize().as_bytes()
    }

    fn signing_key(&mut self, secret: &str) -> Result<&SigningKey, CryptoError> {
        let fingerprint = self.fingerprint(Kind::Signing, &[secret]);
        lookup(&mut self.signing, &mut self.counts, fingerprint, || {
            let parsed = SignerSecret::parse(secret)?;
            Ok(SigningKey::from_bytes(parsed.as_bytes()))
        })
    }

    fn verifying_key(&mut self, id: &str) -> Result<&VerifyingKey, CryptoError> {
        let fingerprint = self.fingerprint(Kind::Verifying, &[id]);
        lookup(&mut self.verifying, &mut self.counts, fingerprint, || {
            ed25519::verifying_key(&SignerId::parse(id)?)
        })
    }

    fn sealer(&mut self, secret: &str) -> Result<&(SealerSecret, SealerId), CryptoError> {
        let fingerprint = self.fingerprint(Kind::Sealer, &[secret]);
        lookup(&mut self.sealers, &mut self.counts, fingerprint, || {
            let parsed = SealerSecret::parse(secret)?;
            let id = x25519::sealer_id(&parsed);
            Ok((parsed, id))
        })
    }

    fn shared_key(
        &mut self,
        secret: &str,
        public: &str,
    ) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
        let fingerprint = self.fingerprint(Kind::Shared, &[secret, public]);
        let key = lookup(&mut self.shared, &mut self.counts, fingerprint, || {
            let secret = SealerSecret::parse(secret)?;
            let public = SealerId::parse(public)?;
            x25519::shared_secret(&secret, &public)
        })?;
        Ok(key.clone())
    }

    fn symmetric(&mut self, secret: &str) -> Result<&KeySecret, CryptoError> {
        let fingerprint = self.fingerprint(Kind::Symmetric, &[secret]);
        lookup(&mut self.symmetric, &mut self.counts, fingerprint, || {
            Ok(KeySecret::parse(secret)?)
        })
    }

    /// The `signer_z…` id of a `signerSecret_z…`.
    pub fn signer_id(&mut self, secret: &str) -> Result<SignerId, CryptoError> {
        let key = self.signing_key(secret)?;
        Ok(SignerId::from_bytes(key.verifying_key().to_bytes()))
    }

    /// Signs `message` with a `signerSecret_z…`.
    pub fn sign(&mut self, secret: &str, message: &[u8]) -> Result<Signature, CryptoError> {
        let key = self.signing_key(secret)?;
        Ok(Signature::from_bytes(key.sign(message).to_bytes()))
    }

    /// Verifies a `signature_z…` over `message` by a `signer_z…`: `false` for
    /// a signature that does not verify, an error for malformed text.
    pub fn verify(
        &mut self,
        signature: &str,
        message: &[u8],
        id: &str,
    ) -> Result<bool, CryptoError> {
        let signature = Signature::parse(signature)?;
        let key = self.verifying_key(id)?;
        Ok(ed25519::verify_with(key, message, &signature))
    }

    /// The `sealer_z…` id of a `sealerSecret_z…`.
    pub fn sealer_id(&mut self, secret: &str) -> Result<SealerId, CryptoError> {
        Ok(self.sealer(secret)?.1)
    }

    /// Seals `message` from a `sealerSecret_z…` to a `sealer_z…` (same bytes
    /// as [`seal::seal`]).
    pub fn seal(
        &mut self,
        message: &[u8],
        from: &str,
        to: &str,
        nonce_material: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let key = self.shared_key(from, to)?;
        Ok(xsalsa20::seal_box(
            &key,
            &hash::nonce(nonce_material),
            message,
        ))
    }

    /// Opens a sealed message (inverse of [`KeyCache::seal`]); `WrongTag` if
    /// anything does not match.
    pub fn unseal(
        &mut self,
        sealed: &[u8],
        recipient: &str,
        from: &str,
        nonce_material: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let key = self.shared_key(recipient, from)?;
        xsalsa20::open_box(&key, &hash::nonce(nonce_material), sealed)
    }

    /// Seals `message` to a group's `sealer_z…` with an ephemeral key. The
    /// recipient key is parsed every time (it is public and cheap); the
    /// ephemeral Diffie-Hellman cannot be cached.
    pub fn seal_for_group(
        &mut self,
        message: &[u8],
        to: &str,
        nonce_material: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        seal::seal_for_group(message, &SealerId::parse(to)?, nonce_material)
    }

    /// Opens a blob made by [`KeyCache::seal_for_group`] with the group's
    /// `sealerSecret_z…`.
    pub fn unseal_for_group(
        &mut self,
        sealed: &[u8],
        recipient: &str,
        nonce_material: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let (secret, _) = self.sealer(recipient)?;
        seal::unseal_for_group(sealed, secret, nonce_material)
    }

    /// XSalsa20 of `data` under a `keySecret_z…` (encrypts and decrypts).
    pub fn stream(
        &mut self,
        key_secret: &str,
        nonce_material: &[u8],
        data: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let key = self.symmetric(key_secret)?;
        Ok(xsalsa20::stream(key.as_bytes(), nonce_material, data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer_text(byte: u8) -> String {
        SignerSecret::from_bytes([byte; 32]).to_text()
    }

    #[test]
    fn cached_results_equal_uncached_primitives() {
        let mut cache = KeyCache::new(8).unwrap();
        let secret = SignerSecret::from_bytes([7u8; 32]);
        let text = secret.to_text();
        for _ in 0..2 {
            assert_eq!(cache.signer_id(&text).unwrap(), ed25519::signer_id(&secret));
            assert_eq!(
                cache.sign(&text, b"msg").unwrap(),
                ed25519::sign(&secret, b"msg")
            );
        }
        let signature = ed25519::sign(&secret, b"msg").to_text();
        let id = ed25519::signer_id(&secret).to_text();
        assert!(cache.verify(&signature, b"msg", &id).unwrap());
        assert!(!cache.verify(&signature, b"msh", &id).unwrap());

        let a = SealerSecret::from_bytes([1u8; 32]);
        let b = SealerSecret::from_bytes([2u8; 32]);
        let sealed = cache
            .seal(b"hi", &a.to_text(), &x25519::sealer_id(&b).to_text(), b"n")
            .unwrap();
        assert_eq!(
            sealed,
            seal::seal(b"hi", &a, &x25519::sealer_id(&b), b"n").unwrap()
        );
        let opened = cache
            .unseal(
                &sealed,
                &b.to_text(),
                &x25519::sealer_id(&a).to_text(),
                b"n",
            )
            .unwrap();
        assert_eq!(opened, b"hi");
        // signer: 1 miss then 3 hits; verifying key: 1 miss then 1 hit.
        assert_eq!(cache.hits_and_misses().0, 4);
    }

    #[test]
    fn stays_bounded_and_keeps_used_entries() {
        let mut cache = KeyCache::new(3).unwrap();
        let hot = signer_text(100);
        cache.signer_id(&hot).unwrap();
        for byte in 0..20u8 {
            cache.signer_id(&hot).unwrap();
            cache.signer_id(&signer_text(byte)).unwrap();
            assert!(cache.len() <= 3);
        }
        let (hits_before, _) = cache.hits_and_misses();
        cache.signer_id(&hot).unwrap();
        assert_eq!(cache.hits_and_misses().0, hits_before + 1);
        cache.clear();
        assert!(cache.is_empty());
    }

    #[test]
    fn errors_are_not_cached_and_name_the_problem() {
        let mut cache = KeyCache::new(4).unwrap();
        assert!(matches!(
            cache.sign("signer_zabc", b"m"),
            Err(CryptoError::Key(_))
        ));
        assert!(cache.is_empty());
        let low_order = SealerId::from_bytes([0u8; 32]).to_text();
        let secret = SealerSecret::from_bytes([3u8; 32]).to_text();
        assert_eq!(
            cache.seal(b"m", &secret, &low_order, b"n").unwrap_err(),
            CryptoError::LowOrderPublicKey
        );
    }
}
