//! Small bounded caches of values derived from keys, shared by all threads.
//!
//! Deriving an Ed25519 public key costs a scalar multiplication (about as much
//! as a signature), and cojson signs many transactions with the same few
//! agent secrets and verifies many signatures by the same signers. These
//! caches keep the parsed forms:
//!
//! - signing keys (expanded secret plus public key), keyed by a keyed BLAKE3
//!   hash of the 32-byte seed, so no map key reveals a secret; entries wipe
//!   their secret when evicted and dropped;
//! - decompressed verifying keys, keyed by their 32 public bytes;
//! - X25519 public keys, keyed like the signing keys;
//! - X25519 shared secrets, keyed by (keyed hash of the secret, public key);
//!   entries wipe the shared secret when the last holder drops them.
//!
//! Each cache holds at most its capacity and evicts with the CLOCK policy of
//! [`ClockMap`], the map behind the per-engine
//! [`crate::core::key_cache::KeyCache`] too. The two stay separate caches:
//! these are process-wide, keyed by key bytes and shared by every thread;
//! that one belongs to one engine, is keyed by key text and counts the hits
//! and misses its `cacheStats()` reports.

use crate::core::bounded_map::ClockMap;
use crate::core::random::random_array;
use ed25519_dalek::hazmat::ExpandedSecretKey;
use ed25519_dalek::VerifyingKey;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use zeroize::Zeroizing;

/// Signing keys cached at most; one entry is about 300 bytes.
pub const SIGNING_CAPACITY: usize = 256;
/// Verifying keys cached at most; one entry is about 200 bytes.
pub const VERIFYING_CAPACITY: usize = 1024;
/// X25519 public keys cached at most; one entry is 64 bytes.
pub const SEALER_CAPACITY: usize = 256;
/// X25519 shared secrets cached at most; one entry is about 120 bytes.
pub const SHARED_SECRET_CAPACITY: usize = 256;

/// A cached X25519 shared secret, wiped when the last `Arc` is dropped.
pub type SharedSecret = Arc<Zeroizing<[u8; 32]>>;

/// Shared secrets by (cache key of the secret, peer public key).
pub type SharedSecretCache = BoundedCache<([u8; 32], [u8; 32]), SharedSecret>;

/// A bounded map shared by threads: a [`ClockMap`] behind a mutex that hands
/// out clones of its values.
pub struct BoundedCache<K, V> {
    entries: Mutex<ClockMap<K, V>>,
}

impl<K: Eq + Hash + Copy, V: Clone> BoundedCache<K, V> {
    /// A cache holding at most `capacity` entries (at least 2).
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(ClockMap::new(capacity.max(2))),
        }
    }

    /// The cached value for `key`, or `make()`'s value, which is cached when
    /// it is `Some`. `make` runs outside the lock.
    pub fn get_or_insert_with(&self, key: K, make: impl FnOnce() -> Option<V>) -> Option<V> {
        if let Some(value) = self.lock().get(&key) {
            return Some(value.clone());
        }
        let value = make()?;
        self.lock().insert(key, value.clone());
        Some(value)
    }

    /// The map; a poisoned lock only means another thread panicked while
    /// holding it, and no operation of the map can leave it half-updated.
    fn lock(&self) -> MutexGuard<'_, ClockMap<K, V>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Entries held now (for tests).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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

/// A per-process random key for hashing secrets into cache keys; `None`
/// when the operating system gave no randomness (then nothing is cached).
fn secret_hash_key() -> Option<&'static [u8; 32]> {
    static KEY: OnceLock<Option<[u8; 32]>> = OnceLock::new();
    KEY.get_or_init(|| random_array().ok()).as_ref()
}

/// The cache key of a secret: its BLAKE3 hash under the process key.
pub fn secret_cache_key(secret: &[u8; 32]) -> Option<[u8; 32]> {
    secret_hash_key().map(|key| *blake3::keyed_hash(key, secret).as_bytes())
}

/// The process-wide signing key cache.
pub fn signing_keys() -> &'static BoundedCache<[u8; 32], Arc<SignerKeys>> {
    static CACHE: OnceLock<BoundedCache<[u8; 32], Arc<SignerKeys>>> = OnceLock::new();
    CACHE.get_or_init(|| BoundedCache::new(SIGNING_CAPACITY))
}

/// The process-wide verifying key cache.
pub fn verifying_keys() -> &'static BoundedCache<[u8; 32], VerifyingKey> {
    static CACHE: OnceLock<BoundedCache<[u8; 32], VerifyingKey>> = OnceLock::new();
    CACHE.get_or_init(|| BoundedCache::new(VERIFYING_CAPACITY))
}

/// The process-wide X25519 public key cache.
pub fn sealer_ids() -> &'static BoundedCache<[u8; 32], [u8; 32]> {
    static CACHE: OnceLock<BoundedCache<[u8; 32], [u8; 32]>> = OnceLock::new();
    CACHE.get_or_init(|| BoundedCache::new(SEALER_CAPACITY))
}

/// The process-wide X25519 shared-secret cache, keyed by the secret's cache
/// key ([`secret_cache_key`]) and the peer's public key.
pub fn shared_secrets() -> &'static SharedSecretCache {
    static CACHE: OnceLock<SharedSecretCache> = OnceLock::new();
    CACHE.get_or_init(|| BoundedCache::new(SHARED_SECRET_CAPACITY))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_bounded_and_keeps_recent_entries() {
        let cache = BoundedCache::new(8);
        for i in 0u32..100 {
            assert_eq!(cache.get_or_insert_with(i, || Some(i * 2)), Some(i * 2));
            assert!(cache.len() <= 8);
        }
        // The most recent entries are hits: `make` is not called.
        assert_eq!(cache.get_or_insert_with(99, || None), Some(198));
        assert_eq!(cache.get_or_insert_with(97, || None), Some(194));
        // Long-evicted entries are misses.
        assert_eq!(cache.get_or_insert_with(1, || None), None);
    }

    #[test]
    fn failed_derivations_are_not_cached() {
        let cache: BoundedCache<u8, u8> = BoundedCache::new(4);
        assert_eq!(cache.get_or_insert_with(1, || None), None);
        assert!(cache.is_empty());
    }

    #[test]
    fn secret_keys_are_hashed() {
        let a = secret_cache_key(&[1u8; 32]).unwrap();
        assert_ne!(a, [1u8; 32]);
        assert_eq!(secret_cache_key(&[1u8; 32]).unwrap(), a);
        assert_ne!(secret_cache_key(&[2u8; 32]).unwrap(), a);
    }
}
