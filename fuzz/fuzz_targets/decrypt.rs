//! `decrypt` / `encrypt`: a `keySecret_z…` parsed from the input, then the
//! XSalsa20 keystream over the rest.
//!
//! Properties: no panic; decrypting is the inverse of encrypting; the output
//! has the input's length; different nonce material gives a different
//! keystream for non-empty data.
#![no_main]

use cojson_native::core::keys::KeySecret;
use cojson_native::core::xsalsa20;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first line is tried as a key secret; the rest is the data.
    let (line, rest) = match data.iter().position(|b| *b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let key = KeySecret::parse_utf8(line).unwrap_or_else(|_| KeySecret::from_bytes([9u8; 32]));
    let (plain, nonce_material) = rest.split_at(rest.len() / 2);
    let cipher = xsalsa20::stream(key.as_bytes(), nonce_material, plain);
    assert_eq!(cipher.len(), plain.len());
    assert_eq!(
        xsalsa20::stream(key.as_bytes(), nonce_material, &cipher),
        plain
    );
    if plain.len() >= 16 {
        let mut other = nonce_material.to_vec();
        other.push(0);
        assert_ne!(xsalsa20::stream(key.as_bytes(), &other, plain), cipher);
    }
});
