//! Raw key buffers: Ed25519 public keys and signatures, X25519 public keys.
//!
//! Properties: no panic; verification with any key and signature bytes is a
//! boolean or an "invalid key" error, never true for a small-order key;
//! X25519 agreement either fails (low-order or non-canonical key) or yields a
//! non-zero secret.
#![no_main]

use cojson_native::core::error::CryptoError;
use cojson_native::core::keys::{SealerId, SealerSecret, Signature, SignerId};
use cojson_native::core::{ed25519, x25519};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let key = data.get(..32).and_then(|k| SignerId::from_slice(k).ok());
    let sig = data.get(32..96).and_then(|s| Signature::from_slice(s).ok());
    let message = data.get(96..).unwrap_or(&[]);
    if let (Some(key), Some(sig)) = (key, sig) {
        match ed25519::verify(&key, message, &sig) {
            Ok(true) => {
                let point = ed25519::verifying_key(&key).expect("verified, so a key");
                assert!(!point.is_weak(), "a small-order key verified");
            }
            Ok(false) | Err(CryptoError::InvalidVerifyingKey) => {}
            Err(other) => panic!("unexpected error {other:?}"),
        }
    }
    for chunk in data.chunks(32) {
        let Ok(public) = SealerId::from_slice(chunk) else {
            assert!(chunk.len() != 32);
            continue;
        };
        let secret = SealerSecret::from_bytes([7u8; 32]);
        match x25519::shared_secret(&secret, &public) {
            Ok(shared) => assert!(shared.iter().any(|b| *b != 0)),
            Err(CryptoError::LowOrderPublicKey) => {}
            Err(CryptoError::NonCanonicalPublicKey) => {
                assert!(!x25519::is_canonical(public.as_bytes()))
            }
            Err(other) => panic!("unexpected error {other:?}"),
        }
    }
});
