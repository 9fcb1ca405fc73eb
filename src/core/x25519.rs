//! X25519 key agreement over cojson's sealer keys.

use crate::core::error::CryptoError;
use crate::core::keys::{SealerId, SealerSecret};
use crate::core::random::random_array;
use crate::core::signing_cache;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

/// A fresh random X25519 secret.
pub fn new_sealer_secret() -> Result<SealerSecret, CryptoError> {
    Ok(SealerSecret::from_bytes(random_array()?))
}

/// The public key of an X25519 secret (kept in a bounded cache keyed by a
/// keyed hash of the secret, see [`crate::core::signing_cache`]).
pub fn sealer_id(secret: &SealerSecret) -> SealerId {
    let derive = || PublicKey::from(&StaticSecret::from(*secret.as_bytes())).to_bytes();
    let public = match signing_cache::secret_cache_key(secret.as_bytes()) {
        Some(key) => signing_cache::sealer_ids()
            .get_or_insert_with(key, || Some(derive()))
            .unwrap_or_else(derive),
        None => derive(),
    };
    SealerId::from_bytes(public)
}

/// The shared secret of `secret` and `public`.
///
/// Fails for low-order public keys, whose shared secret is all zeros whatever
/// the secret: a box under that key could be opened by anyone.
pub fn shared_secret(
    secret: &SealerSecret,
    public: &SealerId,
) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
    let secret = StaticSecret::from(*secret.as_bytes());
    let shared = secret.diffie_hellman(&PublicKey::from(*public.as_bytes()));
    if !shared.was_contributory() {
        return Err(CryptoError::LowOrderPublicKey);
    }
    Ok(Zeroizing::new(shared.to_bytes()))
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
