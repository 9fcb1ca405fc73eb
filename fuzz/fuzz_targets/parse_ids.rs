//! Parsing of every prefixed id and key (`signer_z…`, `sealerSecret_z…`, …)
//! from text and from UTF-8 bytes.
//!
//! Properties: no panic; a parse that succeeds is canonical (printing the value
//! gives back exactly the input); the bounded base58 decoder agrees with the
//! bs58 crate's unbounded one on every input within the length cap.
#![no_main]

use cojson_native::core::base58;
use cojson_native::core::keys::{
    KeySecret, SealerId, SealerSecret, Signature, SignerId, SignerSecret,
};
use libfuzzer_sys::fuzz_target;

macro_rules! check_canonical {
    ($ty:ty, $text:expr, $bytes:expr) => {{
        if let Ok(value) = <$ty>::parse($text) {
            assert_eq!(value.to_text(), $text, "parse is not canonical");
            assert!(<$ty>::parse_utf8($bytes).is_ok());
        } else {
            assert!(<$ty>::parse_utf8($bytes).is_err());
        }
    }};
}

/// The bounded decoder against an independent full decode.
fn check_base58<const N: usize>(text: &str) {
    let mut out = [0u8; N];
    let ours = base58::decode_into::<N>(text, &mut out, "value");
    let full = bs58::decode(text).into_vec();
    match (ours, full) {
        (Ok(()), Ok(full)) => assert_eq!(&out[..], &full[..]),
        (Ok(()), Err(_)) => panic!("accepted what bs58 rejects"),
        (Err(_), Ok(full)) => assert!(
            full.len() != N || text.len() > base58::max_encoded_len(N),
            "rejected a valid encoding"
        ),
        (Err(_), Err(_)) => {}
    }
}

fuzz_target!(|data: &[u8]| {
    // Also try each prefix in front of the data, so the fuzzer reaches the
    // base58 part without having to find a prefix first.
    let prefixes = [
        "",
        SignerSecret::PREFIX,
        SignerId::PREFIX,
        Signature::PREFIX,
        SealerSecret::PREFIX,
        SealerId::PREFIX,
        KeySecret::PREFIX,
    ];
    let (choice, rest) = match data.split_first() {
        Some((first, rest)) => (usize::from(*first) % prefixes.len(), rest),
        None => (0, data),
    };
    let mut bytes = prefixes
        .get(choice)
        .copied()
        .unwrap_or("")
        .as_bytes()
        .to_vec();
    bytes.extend_from_slice(rest);
    let Ok(text) = std::str::from_utf8(&bytes) else {
        // Not UTF-8: every byte-taking parser must refuse it.
        assert!(SignerSecret::parse_utf8(&bytes).is_err());
        assert!(SignerId::parse_utf8(&bytes).is_err());
        assert!(Signature::parse_utf8(&bytes).is_err());
        assert!(SealerSecret::parse_utf8(&bytes).is_err());
        return;
    };
    check_canonical!(SignerSecret, text, &bytes);
    check_canonical!(SignerId, text, &bytes);
    check_canonical!(Signature, text, &bytes);
    check_canonical!(SealerSecret, text, &bytes);
    check_canonical!(SealerId, text, &bytes);
    check_canonical!(KeySecret, text, &bytes);
    if let Ok(rest) = std::str::from_utf8(rest) {
        check_base58::<32>(rest);
        check_base58::<64>(rest);
    }
});
