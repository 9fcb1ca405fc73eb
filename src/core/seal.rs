//! Sealing: an XSalsa20-Poly1305 box keyed by the X25519 shared secret of a
//! sender and a recipient, with the nonce derived from nonce material.
//!
//! `seal_for_group` is the anonymous variant: a fresh ephemeral key pair stands
//! in for the sender and its public key is put in front of the box.

use crate::core::error::CryptoError;
use crate::core::hash;
use crate::core::keys::{SealerId, SealerSecret};
use crate::core::x25519::{cached_shared_secret, new_sealer_secret, sealer_id, shared_secret};
use crate::core::xsalsa20::{open_box, seal_box, TAG_LEN};

/// Length of the ephemeral public key in front of a sealed-for-group blob.
pub const EPHEMERAL_KEY_LEN: usize = 32;

/// Seals `message` from `from` to `to`. The pair's shared secret comes from
/// a bounded cache (agents seal to the same few peers again and again).
pub fn seal(
    message: &[u8],
    from: &SealerSecret,
    to: &SealerId,
    nonce_material: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let key = cached_shared_secret(from, to)?;
    Ok(seal_box(&key, &hash::nonce(nonce_material), message))
}

/// Opens a box sealed by `from` for the holder of `recipient`. The pair's
/// shared secret comes from a bounded cache, as in [`seal`].
pub fn unseal(
    sealed: &[u8],
    recipient: &SealerSecret,
    from: &SealerId,
    nonce_material: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let key = cached_shared_secret(recipient, from)?;
    open_box(&key, &hash::nonce(nonce_material), sealed)
}

/// Opens a box under the uncached shared secret (one-off ephemeral keys).
fn unseal_uncached(
    sealed: &[u8],
    recipient: &SealerSecret,
    from: &SealerId,
    nonce_material: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let key = shared_secret(recipient, from)?;
    open_box(&key, &hash::nonce(nonce_material), sealed)
}

/// Seals `message` to a group's sealer without naming a sender:
/// ephemeral public key (32 bytes) followed by the box.
pub fn seal_for_group(
    message: &[u8],
    to: &SealerId,
    nonce_material: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let ephemeral = new_sealer_secret()?;
    // A fresh key pair every time: caching its shared secret would only evict
    // useful entries.
    let key = shared_secret(&ephemeral, to)?;
    let boxed = seal_box(&key, &hash::nonce(nonce_material), message);
    let mut out = Vec::with_capacity(EPHEMERAL_KEY_LEN + boxed.len());
    out.extend_from_slice(sealer_id(&ephemeral).as_bytes());
    out.extend_from_slice(&boxed);
    Ok(out)
}

/// Opens a blob made by [`seal_for_group`] with the group's sealer secret.
pub fn unseal_for_group(
    sealed: &[u8],
    recipient: &SealerSecret,
    nonce_material: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let min = EPHEMERAL_KEY_LEN + TAG_LEN;
    if sealed.len() < min {
        return Err(CryptoError::SealedTooShort {
            min,
            got: sealed.len(),
        });
    }
    let (ephemeral, boxed) = sealed.split_at(EPHEMERAL_KEY_LEN);
    let ephemeral = SealerId::from_slice(ephemeral)?;
    unseal_uncached(boxed, recipient, &ephemeral, nonce_material)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_round_trip_and_wrong_nonce() {
        let a = new_sealer_secret().unwrap();
        let b = new_sealer_secret().unwrap();
        let sealed = seal(b"hi", &a, &sealer_id(&b), b"n").unwrap();
        assert_eq!(sealed.len(), 2 + TAG_LEN);
        assert_eq!(unseal(&sealed, &b, &sealer_id(&a), b"n").unwrap(), b"hi");
        assert_eq!(
            unseal(&sealed, &b, &sealer_id(&a), b"m").unwrap_err(),
            CryptoError::WrongTag
        );
    }

    #[test]
    fn group_blob_with_the_ephemeral_top_bit_flipped_does_not_open() {
        // Regression seed fuzz/corpus/unseal_for_group/ephemeral-top-bit.
        let g = new_sealer_secret().unwrap();
        let mut sealed = seal_for_group(b"hello", &sealer_id(&g), b"n").unwrap();
        sealed[31] ^= 0x80;
        assert_eq!(
            unseal_for_group(&sealed, &g, b"n").unwrap_err(),
            CryptoError::NonCanonicalPublicKey
        );
    }

    #[test]
    fn group_round_trip_and_short_input() {
        let g = new_sealer_secret().unwrap();
        let sealed = seal_for_group(b"hello", &sealer_id(&g), b"n").unwrap();
        assert_eq!(sealed.len(), 32 + 16 + 5);
        assert_eq!(unseal_for_group(&sealed, &g, b"n").unwrap(), b"hello");
        assert!(matches!(
            unseal_for_group(&sealed[..40], &g, b"n"),
            Err(CryptoError::SealedTooShort { .. })
        ));
    }
}
