//! `verifyBatch`: many signatures at once, honest, tampered and arbitrary.
//!
//! Property: no panic, and every verdict equals single strict verification
//! of that item (the batch equation is only a shortcut); an item whose signer
//! id is not a curve point makes the whole call fail, as single verification
//! fails for it.
#![no_main]

use cojson_native::core::ed25519;
use cojson_native::core::keys::{Signature, SignerId, SignerSecret};
use cojson_native::core::signature_batch::{verify_batch, BatchItem};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Each 4-byte-plus chunk makes one item: byte 0 picks how it is built.
    let mut owned: Vec<(SignerId, Signature, Vec<u8>)> = Vec::new();
    for chunk in data.chunks(40).take(300) {
        let Some((&how, rest)) = chunk.split_first() else {
            continue;
        };
        let secret = SignerSecret::from_bytes([how % 4 + 1; 32]);
        let id = ed25519::signer_id(&secret);
        let message = rest.to_vec();
        let signature = ed25519::sign(&secret, &message);
        let item = match how % 5 {
            // Honest.
            0 | 1 => (id, signature, message),
            // One bit flipped in the signature.
            2 => {
                let mut bytes = *signature.as_bytes();
                let bit = usize::from(how) % 512;
                bytes[bit / 8] ^= 1 << (bit % 8);
                (id, Signature::from_bytes(bytes), message)
            }
            // Another message.
            3 => (id, signature, [message.as_slice(), b"!"].concat()),
            // Arbitrary key and signature bytes from the input.
            _ => {
                let mut key = [0u8; 32];
                let mut sig = [0u8; 64];
                for (i, b) in rest.iter().enumerate() {
                    key[i % 32] ^= *b;
                    sig[(i * 7) % 64] ^= b.rotate_left(3);
                }
                (
                    SignerId::from_bytes(key),
                    Signature::from_bytes(sig),
                    message,
                )
            }
        };
        owned.push(item);
    }
    let items: Vec<BatchItem<'_>> = owned.iter().map(BatchItem::of).collect();
    let singles: Vec<_> = owned
        .iter()
        .map(|(id, signature, message)| ed25519::verify(id, message, signature))
        .collect();
    match verify_batch(&items) {
        Ok(verdicts) => {
            let expected: Vec<bool> = singles
                .into_iter()
                .map(|r| r.expect("batch accepted every key"))
                .collect();
            assert_eq!(verdicts, expected);
        }
        Err(_) => assert!(singles.iter().any(Result::is_err)),
    }
});
