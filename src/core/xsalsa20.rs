//! XSalsa20: cojson's `encrypt` (a bare stream cipher, no MAC: integrity comes
//! from the transaction signature) and the XSalsa20-Poly1305 box under sealing.

use crate::core::error::CryptoError;
use crate::core::hash;
use salsa20::cipher::{KeyIvInit, StreamCipher};
use salsa20::XSalsa20;
use xsalsa20poly1305::aead::{Aead, KeyInit};
use xsalsa20poly1305::XSalsa20Poly1305;

/// Length of the Poly1305 tag that a box puts before its ciphertext.
pub const TAG_LEN: usize = 16;

/// XORs the XSalsa20 keystream for `key` and the nonce derived from
/// `nonce_material` into `data`. Encryption and decryption are the same.
pub fn apply_keystream(key: &[u8; 32], nonce_material: &[u8], data: &mut [u8]) {
    let nonce = hash::nonce(nonce_material);
    let mut cipher = XSalsa20::new(key.into(), &nonce.into());
    cipher.apply_keystream(data);
}

/// XSalsa20 of `data`, returned as a new buffer.
pub fn stream(key: &[u8; 32], nonce_material: &[u8], data: &[u8]) -> Vec<u8> {
    let mut out = data.to_vec();
    apply_keystream(key, nonce_material, &mut out);
    out
}

/// XSalsa20-Poly1305 box: tag followed by ciphertext.
pub fn seal_box(key: &[u8; 32], nonce: &[u8; hash::NONCE_LEN], message: &[u8]) -> Vec<u8> {
    let cipher = XSalsa20Poly1305::new(key.into());
    // Encryption into a Vec fails only for inputs beyond the cipher's 256 GiB
    // limit, which no JS buffer reaches; an empty result would not open.
    cipher.encrypt(nonce.into(), message).unwrap_or_default()
}

/// Opens an XSalsa20-Poly1305 box, or fails with "Wrong tag".
pub fn open_box(
    key: &[u8; 32],
    nonce: &[u8; hash::NONCE_LEN],
    sealed: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let cipher = XSalsa20Poly1305::new(key.into());
    cipher
        .decrypt(nonce.into(), sealed)
        .map_err(|_| CryptoError::WrongTag)
}
