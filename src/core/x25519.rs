//! X25519 key agreement over cojson's sealer keys.

use crate::core::error::CryptoError;
use crate::core::key_store::process::{self, SharedSecret};
use crate::core::keys::{SealerId, SealerSecret};
use crate::core::random::random_array;
use std::sync::Arc;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

/// A fresh random X25519 secret.
pub fn new_sealer_secret() -> Result<SealerSecret, CryptoError> {
    Ok(SealerSecret::from_bytes(random_array()?))
}

/// The public key of an X25519 secret (kept in a bounded cache keyed by a
/// keyed hash of the secret, see [`crate::core::key_store::process`]).
pub fn sealer_id(secret: &SealerSecret) -> SealerId {
    let derive = || PublicKey::from(&StaticSecret::from(*secret.as_bytes())).to_bytes();
    let public = match process::secret_fingerprint(secret.as_bytes()) {
        Some(key) => process::sealer_ids()
            .get_or_insert_with(key, || Some(derive()))
            .unwrap_or_else(derive),
        None => derive(),
    };
    SealerId::from_bytes(public)
}

/// Whether `bytes` is the canonical encoding of an X25519 u-coordinate: below
/// 2^255 - 19, so also with the top bit clear. Public keys made from a secret
/// always are; X25519 would reduce any other encoding to one of them.
pub fn is_canonical(bytes: &[u8; 32]) -> bool {
    // Little-endian: the 19 values from 2^255 - 19 up to 2^255 - 1 are
    // 0xed..=0xff, then thirty 0xff bytes, then 0x7f.
    let [first, middle @ .., last] = bytes;
    let at_least_p = *first >= 0xed && middle.iter().all(|b| *b == 0xff) && *last == 0x7f;
    *last & 0x80 == 0 && !at_least_p
}

/// The shared secret of `secret` and `public`.
///
/// Fails for non-canonical encodings (see [`is_canonical`]), which would let
/// one key, and so one sealed blob, be written several ways, and for low-order
/// public keys, whose shared secret is all zeros whatever the secret: a box
/// under that key could be opened by anyone.
pub fn shared_secret(
    secret: &SealerSecret,
    public: &SealerId,
) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
    if !is_canonical(public.as_bytes()) {
        return Err(CryptoError::NonCanonicalPublicKey);
    }
    let secret = StaticSecret::from(*secret.as_bytes());
    let shared = secret.diffie_hellman(&PublicKey::from(*public.as_bytes()));
    if !shared.was_contributory() {
        return Err(CryptoError::LowOrderPublicKey);
    }
    Ok(Zeroizing::new(shared.to_bytes()))
}

/// [`shared_secret`] through a bounded process-wide cache (see
/// [`crate::core::key_store::process::shared_secrets`]): for the long-lived key
/// pairs of `seal`/`unseal`. The same result as [`shared_secret`]; failures
/// (low-order keys) are not cached. Ephemeral secrets should not use it: they
/// would only push useful pairs out.
pub fn cached_shared_secret(
    secret: &SealerSecret,
    public: &SealerId,
) -> Result<SharedSecret, CryptoError> {
    let Some(secret_key) = process::secret_fingerprint(secret.as_bytes()) else {
        return shared_secret(secret, public).map(Arc::new);
    };
    let mut failure = None;
    let cached =
        process::shared_secrets().get_or_insert_with((secret_key, *public.as_bytes()), || {
            match shared_secret(secret, public) {
                Ok(shared) => Some(Arc::new(shared)),
                Err(err) => {
                    failure = Some(err);
                    None
                }
            }
        });
    cached.ok_or(failure.unwrap_or(CryptoError::LowOrderPublicKey))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sides_agree() {
        let a = new_sealer_secret().unwrap();
        let b = new_sealer_secret().unwrap();
        let ab = shared_secret(&a, &sealer_id(&b)).unwrap();
        let ba = shared_secret(&b, &sealer_id(&a)).unwrap();
        assert_eq!(*ab, *ba);
    }

    #[test]
    fn non_canonical_encodings_are_rejected() {
        let a = new_sealer_secret().unwrap();
        let real = sealer_id(&new_sealer_secret().unwrap());
        assert!(is_canonical(real.as_bytes()));
        // Found by the unseal_for_group fuzz target: flipping the ignored top
        // bit of a sealed blob's ephemeral key left the blob openable.
        let mut top_bit = *real.as_bytes();
        top_bit[31] ^= 0x80;
        // 2^255 - 19 (= 0 mod p) and 2^255 - 18 (= 1 mod p).
        let mut p = [0xffu8; 32];
        p[0] = 0xed;
        p[31] = 0x7f;
        let mut p_plus_one = p;
        p_plus_one[0] = 0xee;
        let mut below_p = p;
        below_p[0] = 0xec;
        assert!(is_canonical(&below_p));
        for bad in [top_bit, p, p_plus_one, [0xff; 32]] {
            assert!(!is_canonical(&bad));
            assert_eq!(
                shared_secret(&a, &SealerId::from_bytes(bad)).unwrap_err(),
                CryptoError::NonCanonicalPublicKey
            );
            // Also through the cache, every time (failures are not cached).
            for _ in 0..2 {
                assert_eq!(
                    cached_shared_secret(&a, &SealerId::from_bytes(bad)).unwrap_err(),
                    CryptoError::NonCanonicalPublicKey
                );
            }
        }
    }

    #[test]
    fn cached_shared_secret_equals_uncached_and_separates_secrets() {
        let a = new_sealer_secret().unwrap();
        let b = new_sealer_secret().unwrap();
        let peer = sealer_id(&new_sealer_secret().unwrap());
        let first = cached_shared_secret(&a, &peer).unwrap();
        let hit = cached_shared_secret(&a, &peer).unwrap();
        assert!(Arc::ptr_eq(&first, &hit), "second call is a cache hit");
        assert_eq!(**hit, *shared_secret(&a, &peer).unwrap());
        // Another secret with the same peer never gets `a`'s entry.
        let other = cached_shared_secret(&b, &peer).unwrap();
        assert!(!Arc::ptr_eq(&first, &other));
        assert_eq!(**other, *shared_secret(&b, &peer).unwrap());
        assert_ne!(**other, **first);
        // Both directions agree, as without the cache.
        let back = cached_shared_secret(&new_sealer_secret().unwrap(), &sealer_id(&a));
        assert!(back.is_ok());
    }

    #[test]
    fn cached_shared_secret_rejects_low_order_points_every_time() {
        let a = new_sealer_secret().unwrap();
        for _ in 0..2 {
            assert_eq!(
                cached_shared_secret(&a, &SealerId::from_bytes([0u8; 32])).unwrap_err(),
                CryptoError::LowOrderPublicKey
            );
        }
    }

    #[test]
    fn cached_shared_secrets_are_dropped_on_eviction_and_bounded() {
        use crate::core::key_store::process::{shared_secrets, SHARED_SECRET_CAPACITY};
        let a = new_sealer_secret().unwrap();
        let peer = sealer_id(&new_sealer_secret().unwrap());
        let watched = Arc::downgrade(&cached_shared_secret(&a, &peer).unwrap());
        assert!(watched.upgrade().is_some(), "held by the cache");
        // `capacity` newer pairs push it out (it was never used again).
        for _ in 0..SHARED_SECRET_CAPACITY {
            let s = new_sealer_secret().unwrap();
            cached_shared_secret(&s, &peer).unwrap();
            assert!(shared_secrets().len() <= SHARED_SECRET_CAPACITY);
        }
        // Dropped (and so wiped by `Zeroizing`) once evicted.
        assert!(watched.upgrade().is_none());
    }

    #[test]
    fn low_order_points_are_rejected() {
        let a = new_sealer_secret().unwrap();
        for point in [[0u8; 32], {
            let mut one = [0u8; 32];
            one[0] = 1;
            one
        }] {
            assert_eq!(
                shared_secret(&a, &SealerId::from_bytes(point)).unwrap_err(),
                CryptoError::LowOrderPublicKey
            );
        }
    }
}
