//! BLAKE3 hashing: plain, with a context prefix, nonce derivation and cojson's
//! short hash.

use crate::core::base58;

/// Length of a derived XSalsa20 nonce.
pub const NONCE_LEN: usize = 24;
/// Bytes of BLAKE3 output kept in a `shortHash_z…`.
pub const SHORT_HASH_LEN: usize = 19;
/// Prefix of cojson's short hash.
pub const SHORT_HASH_PREFIX: &str = "shortHash_z";

/// BLAKE3 of `data`.
pub fn hash_once(data: &[u8]) -> [u8; 32] {
    *blake3::hash(data).as_bytes()
}

/// BLAKE3 of `context` followed by `data` (plain concatenation, as cojson does).
pub fn hash_once_with_context(data: &[u8], context: &[u8]) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(context);
    hasher.update(data);
    *hasher.finalize().as_bytes()
}

/// The 24-byte nonce cojson derives from nonce material: the first 24 bytes of
/// its BLAKE3 hash.
pub fn nonce(material: &[u8]) -> [u8; NONCE_LEN] {
    let hash = hash_once(material);
    let mut out = [0u8; NONCE_LEN];
    out.copy_from_slice(&hash[..NONCE_LEN]);
    out
}

/// `shortHash_z` plus base58 of the first 19 bytes of BLAKE3 of `value`
/// (cojson passes the stable JSON of a value).
pub fn short_hash(value: &str) -> String {
    let hash = hash_once(value.as_bytes());
    let mut out = String::with_capacity(SHORT_HASH_PREFIX.len() + 26);
    out.push_str(SHORT_HASH_PREFIX);
    base58::encode_into(&hash[..SHORT_HASH_LEN], &mut out);
    out
}

/// An incremental BLAKE3 hasher.
#[derive(Clone, Default)]
pub struct Hasher(blake3::Hasher);

impl Hasher {
    /// A hasher that has seen nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds more bytes.
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    /// The hash of everything fed so far; the hasher can go on.
    pub fn finalize(&self) -> [u8; 32] {
        *self.0.finalize().as_bytes()
    }
}
