//! Typed errors of the primitives. Messages name what was wrong and where, and
//! never contain any part of the input they complain about.

use thiserror::Error;

/// Why a prefixed id or key (`signer_z…`, `sealerSecret_z…`, …) or a raw key
/// buffer was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyError {
    /// The bytes given for a string-valued id or key are not UTF-8.
    #[error("Invalid UTF-8 in {what}")]
    Utf8 {
        /// The kind of value, e.g. "signer secret".
        what: &'static str,
    },
    /// The string does not start with the exact prefix of its kind.
    #[error("Invalid {what} format: must start with '{prefix}'")]
    Prefix {
        /// The kind of value.
        what: &'static str,
        /// The prefix it must start with.
        prefix: &'static str,
    },
    /// The base58 part is longer than any encoding of a value of this kind;
    /// rejected before decoding, so work stays bounded.
    #[error("Invalid {what}: {got} base58 characters, at most {max} encode a valid one")]
    TooLong {
        /// The kind of value.
        what: &'static str,
        /// The longest valid base58 part.
        max: usize,
        /// The length given.
        got: usize,
    },
    /// A character outside the base58 alphabet.
    #[error("Invalid base58 in {what}: invalid character at position {position}")]
    Base58 {
        /// The kind of value.
        what: &'static str,
        /// Zero-based character position within the base58 part.
        position: usize,
    },
    /// The decoded bytes (or the raw buffer) have the wrong length.
    #[error("Invalid {what} length (expected {expected}, got {got})")]
    Length {
        /// The kind of value.
        what: &'static str,
        /// The required length in bytes.
        expected: usize,
        /// The length found.
        got: usize,
    },
}

/// Why a cryptographic operation failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CryptoError {
    /// An id, key or signature could not be parsed.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// Authenticated decryption failed: wrong key, wrong nonce material, or
    /// tampered data. cojson matches on this text.
    #[error("Wrong tag")]
    WrongTag,
    /// 32 bytes that are not the encoding of an Ed25519 public key.
    #[error("Invalid verifying key: not an Ed25519 public key")]
    InvalidVerifyingKey,
    /// An X25519 public key of small order, which would make the shared secret
    /// all zeros and the box readable by anyone.
    #[error("Invalid public key: low-order X25519 point")]
    LowOrderPublicKey,
    /// An X25519 public key whose encoding is not canonical (top bit set, or
    /// the value at least 2^255 - 19). X25519 would silently reduce it to
    /// another key's value, so one key would have several encodings and a
    /// sealed blob could be changed without breaking its tag.
    #[error("Invalid public key: non-canonical X25519 encoding")]
    NonCanonicalPublicKey,
    /// A sealed-for-group blob shorter than its ephemeral key and tag.
    #[error("Sealed message too short (expected at least {min} bytes, got {got})")]
    SealedTooShort {
        /// The minimum length: ephemeral public key plus authentication tag.
        min: usize,
        /// The length given.
        got: usize,
    },
    /// The operating system's random source failed.
    #[error("Random number generator failed")]
    Random,
}
