//! `unseal` of arbitrary bytes, and of real boxes with one byte changed.
//!
//! Properties: no panic; arbitrary bytes never open (no forgery found by the
//! fuzzer); a real box opens to its message, and any change makes it fail
//! with "Wrong tag".
#![no_main]

use cojson_native::core::error::CryptoError;
use cojson_native::core::keys::SealerSecret;
use cojson_native::core::{seal, x25519};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let sender = SealerSecret::from_bytes([1u8; 32]);
    let recipient = SealerSecret::from_bytes([2u8; 32]);
    let from = x25519::sealer_id(&sender);
    let to = x25519::sealer_id(&recipient);
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let split = rest.len() / 2;
    let (message, nonce_material) = rest.split_at(split);
    if mode % 2 == 0 {
        assert!(seal::unseal(rest, &recipient, &from, b"nonce").is_err());
        return;
    }
    let sealed = seal::seal(message, &sender, &to, nonce_material).expect("valid keys");
    let opened = seal::unseal(&sealed, &recipient, &from, nonce_material).expect("round trip");
    assert_eq!(opened, message);
    let mut tampered = sealed.clone();
    let index = usize::from(mode) % tampered.len();
    if let Some(byte) = tampered.get_mut(index) {
        *byte ^= 1 << (mode % 8);
    }
    assert_eq!(
        seal::unseal(&tampered, &recipient, &from, nonce_material),
        Err(CryptoError::WrongTag)
    );
    assert!(seal::unseal(
        &sealed[..sealed.len() - 1],
        &recipient,
        &from,
        nonce_material
    )
    .is_err());
});
