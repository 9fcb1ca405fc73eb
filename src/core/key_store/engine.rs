//! One engine's key store: the parsed keys of a `NativeCryptoEngine` (and of
//! the `WorkerHandle` that made it), with the cojson operations that use them.
//!
//! cojson hands every key to its crypto provider as text (`signerSecret_z…`,
//! `signer_z…`, `sealerSecret_z…`, `keySecret_z…`) on every call, so
//! [`KeyCache`] finds the ready form of a key by the fingerprint of its text
//! (see [`crate::core::key_store`]): a hit skips parsing as well as deriving.
//!
//! - Bounded: at most `capacity` entries of each of five kinds.
//! - Counted: the hits and misses that `cacheStats()` reports.
//! - Wiped: secret entries zeroize on drop, so eviction, [`KeyCache::clear`]
//!   (`clearCache()`, `WorkerHandle.close()`) and dropping the cache wipe
//!   them. No secret of an engine enters the process-wide store: only the
//!   public keys derived on a miss pass through it.
//!
//! The results are byte for byte those of the uncached primitives in
//! [`crate::core::ed25519`], [`crate::core::seal`] and
//! [`crate::core::xsalsa20`].

use crate::core::bounded_map::ClockMap;
use crate::core::error::CryptoError;
use crate::core::hash;
use crate::core::key_store::{Fingerprint, Fingerprinter, SignerKeys};
use crate::core::keys::{KeySecret, SealerId, SealerSecret, Signature, SignerId, SignerSecret};
use crate::core::{ed25519, seal, x25519, xsalsa20};
use ed25519_dalek::VerifyingKey;
use zeroize::Zeroizing;

/// The default number of entries: enough for a worker's own keys plus the
/// signers and group keys of a few hundred active users.
pub const DEFAULT_CAPACITY: usize = 1024;
/// The largest capacity: JS callers get a `RangeError` above it (and below
/// 1); [`KeyCache::new`] clamps Rust callers to `1..=MAX_CAPACITY`.
pub const MAX_CAPACITY: usize = 1 << 20;

/// Which kind of key a text is; part of its fingerprint.
#[derive(Clone, Copy)]
#[repr(u8)]
enum Kind {
    Signing = 1,
    Verifying = 2,
    Sealer = 3,
    Shared = 4,
    Symmetric = 5,
}

/// Lookups answered from the cache and lookups that parsed a key (saturating
/// at `u64::MAX`, never wrapping).
#[derive(Default)]
struct Counts {
    hits: u64,
    misses: u64,
}

/// `read` of the entry for `fingerprint` in `map`, made with `make` on a
/// miss; counts the hit or miss (a failed `make` counts neither).
fn lookup<V, R>(
    map: &mut ClockMap<Fingerprint, V>,
    counts: &mut Counts,
    fingerprint: Fingerprint,
    make: impl FnOnce() -> Result<V, CryptoError>,
    read: impl FnOnce(&V) -> R,
) -> Result<R, CryptoError> {
    let (result, hit) = map.read_or_try_insert_with(fingerprint, make, read)?;
    if hit {
        counts.hits = counts.hits.saturating_add(1);
    } else {
        counts.misses = counts.misses.saturating_add(1);
    }
    Ok(result)
}

/// A bounded, self-wiping cache of parsed keys with the cojson operations
/// that use them. Not thread-safe by itself; share it behind a mutex.
pub struct KeyCache {
    capacity: usize,
    fingerprints: Fingerprinter,
    /// Ed25519 signing keys, ready to sign (wiped on drop).
    signing: ClockMap<Fingerprint, SignerKeys>,
    /// Decompressed Ed25519 public keys.
    verifying: ClockMap<Fingerprint, VerifyingKey>,
    /// X25519 secrets with their public keys (secrets wipe on drop).
    sealers: ClockMap<Fingerprint, (SealerSecret, SealerId)>,
    /// X25519 shared secrets of (secret, public key) pairs (wiped on drop).
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
            fingerprints: Fingerprinter::new()?,
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

    /// `read` of the ready form of a `signerSecret_z…`.
    fn with_signing_key<R>(
        &mut self,
        secret: &str,
        read: impl FnOnce(&SignerKeys) -> R,
    ) -> Result<R, CryptoError> {
        let fingerprint = self.fingerprints.of_texts(Kind::Signing as u8, &[secret]);
        let make = || Ok(SignerKeys::derive(&SignerSecret::parse(secret)?));
        lookup(&mut self.signing, &mut self.counts, fingerprint, make, read)
    }

    /// `read` of the decompressed key of a `signer_z…`.
    fn with_verifying_key<R>(
        &mut self,
        id: &str,
        read: impl FnOnce(&VerifyingKey) -> R,
    ) -> Result<R, CryptoError> {
        let fingerprint = self.fingerprints.of_texts(Kind::Verifying as u8, &[id]);
        let make = || ed25519::verifying_key(&SignerId::parse(id)?);
        lookup(
            &mut self.verifying,
            &mut self.counts,
            fingerprint,
            make,
            read,
        )
    }

    /// `read` of a parsed `sealerSecret_z…` with its public key.
    fn with_sealer<R>(
        &mut self,
        secret: &str,
        read: impl FnOnce(&(SealerSecret, SealerId)) -> R,
    ) -> Result<R, CryptoError> {
        let fingerprint = self.fingerprints.of_texts(Kind::Sealer as u8, &[secret]);
        let make = || {
            let parsed = SealerSecret::parse(secret)?;
            let id = x25519::sealer_id(&parsed);
            Ok((parsed, id))
        };
        lookup(&mut self.sealers, &mut self.counts, fingerprint, make, read)
    }

    /// `read` of the shared secret of a `sealerSecret_z…` and a `sealer_z…`.
    fn with_shared_key<R>(
        &mut self,
        secret: &str,
        public: &str,
        read: impl FnOnce(&[u8; 32]) -> R,
    ) -> Result<R, CryptoError> {
        let fingerprint = self
            .fingerprints
            .of_texts(Kind::Shared as u8, &[secret, public]);
        let make = || {
            let secret = SealerSecret::parse(secret)?;
            let public = SealerId::parse(public)?;
            x25519::shared_secret(&secret, &public)
        };
        let read = |key: &Zeroizing<[u8; 32]>| read(key);
        lookup(&mut self.shared, &mut self.counts, fingerprint, make, read)
    }

    /// `read` of a parsed `keySecret_z…`.
    fn with_symmetric_key<R>(
        &mut self,
        secret: &str,
        read: impl FnOnce(&KeySecret) -> R,
    ) -> Result<R, CryptoError> {
        let fingerprint = self.fingerprints.of_texts(Kind::Symmetric as u8, &[secret]);
        let make = || Ok(KeySecret::parse(secret)?);
        lookup(
            &mut self.symmetric,
            &mut self.counts,
            fingerprint,
            make,
            read,
        )
    }

    /// The `signer_z…` id of a `signerSecret_z…`.
    pub fn signer_id(&mut self, secret: &str) -> Result<SignerId, CryptoError> {
        self.with_signing_key(secret, |keys| SignerId::from_bytes(keys.public.to_bytes()))
    }

    /// Signs `message` with a `signerSecret_z…`.
    pub fn sign(&mut self, secret: &str, message: &[u8]) -> Result<Signature, CryptoError> {
        self.with_signing_key(secret, |keys| keys.sign(message))
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
        self.with_verifying_key(id, |key| ed25519::verify_with(key, message, &signature))
    }

    /// The `sealer_z…` id of a `sealerSecret_z…`.
    pub fn sealer_id(&mut self, secret: &str) -> Result<SealerId, CryptoError> {
        self.with_sealer(secret, |(_, id)| *id)
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
        let nonce = hash::nonce(nonce_material);
        self.with_shared_key(from, to, |key| xsalsa20::seal_box(key, &nonce, message))
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
        let nonce = hash::nonce(nonce_material);
        self.with_shared_key(recipient, from, |key| {
            xsalsa20::open_box(key, &nonce, sealed)
        })?
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
        self.with_sealer(recipient, |(secret, _)| {
            seal::unseal_for_group(sealed, secret, nonce_material)
        })?
    }

    /// XSalsa20 of `data` under a `keySecret_z…` (encrypts and decrypts).
    pub fn stream(
        &mut self,
        key_secret: &str,
        nonce_material: &[u8],
        data: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        self.with_symmetric_key(key_secret, |key| {
            xsalsa20::stream(key.as_bytes(), nonce_material, data)
        })
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
    fn an_invalid_key_evicts_nothing() {
        let mut cache = KeyCache::new(2).unwrap();
        let (a, b) = (signer_text(1), signer_text(2));
        cache.signer_id(&a).unwrap();
        cache.signer_id(&b).unwrap();
        // A full kind, then keys that fail to parse: the prefix is wrong, the
        // base58 is too short, or a character is not base58.
        let invalid = [
            signer_text(3).replace("signerSecret_z", "sealerSecret_z"),
            "signerSecret_zabc".to_owned(),
            format!("{}0", &a[..a.len() - 1]),
        ];
        for text in &invalid {
            assert!(matches!(cache.sign(text, b"m"), Err(CryptoError::Key(_))));
        }
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.hits_and_misses(), (0, 2));
        // Both keys are still there: two hits, no miss.
        cache.signer_id(&a).unwrap();
        cache.signer_id(&b).unwrap();
        assert_eq!(cache.hits_and_misses(), (2, 2));
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
