//! The one error type of the transaction area.

/// Why a transaction was rejected, or could not be decrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TxError {
    /// The transactions JSON is not a JSON array of objects with known fields
    /// of the right types.
    #[error("Serialization error: {0}")]
    Json(String),
    /// A transaction that is not in canonical form.
    #[error("Invalid transaction: {0}")]
    Invalid(&'static str),
    /// The stored ciphertext is not canonical padded base64url.
    #[error("Core error: Base64 decoding failed")]
    Base64,
    /// The decrypted bytes are not UTF-8 (typically: the wrong key).
    #[error("Core error: UTF-8 conversion failed")]
    Utf8,
}
