//! `unsealForGroup` of arbitrary blobs (any length, any ephemeral key,
//! including low-order points and non-canonical encodings), and of real blobs with one byte changed.
//!
//! Properties: no panic; arbitrary blobs never open; a real blob opens, and
//! any change makes it fail.
#![no_main]

use cojson_native::core::error::CryptoError;
use cojson_native::core::keys::SealerSecret;
use cojson_native::core::{seal, x25519};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let group = SealerSecret::from_bytes([3u8; 32]);
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        match seal::unseal_for_group(rest, &group, b"nonce") {
            Err(
                CryptoError::WrongTag
                | CryptoError::LowOrderPublicKey
                | CryptoError::NonCanonicalPublicKey
                | CryptoError::SealedTooShort { .. },
            ) => {}
            other => panic!("unexpected result {other:?}"),
        }
        return;
    }
    let (message, nonce_material) = rest.split_at(rest.len() / 2);
    let to = x25519::sealer_id(&group);
    let sealed = seal::seal_for_group(message, &to, nonce_material).expect("valid key");
    let opened = seal::unseal_for_group(&sealed, &group, nonce_material).expect("round trip");
    assert_eq!(opened, message);
    let mut tampered = sealed.clone();
    let index = usize::from(mode) % tampered.len();
    if let Some(byte) = tampered.get_mut(index) {
        *byte ^= 1 << (mode % 8);
    }
    assert!(seal::unseal_for_group(&tampered, &group, nonce_material).is_err());
});
