//! Why a header was rejected, and the messages of its shape errors.

/// Why a header was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// Not JSON, or not of the accepted shape.
    #[error("Invalid header JSON: {0}")]
    Invalid(String),
    /// A `uniqueness` object with an empty key.
    #[error("Invalid uniqueness: Object keys cannot be empty")]
    EmptyUniquenessKey,
    /// The header does not hash to the given CoValue id.
    #[error("CoValue ID mismatch: expected {expected}, got {actual}")]
    IdMismatch {
        /// The id of the header as given.
        expected: String,
        /// The id that was claimed.
        actual: String,
    },
}

/// A header that is not JSON or not of the accepted shape.
pub(super) fn invalid(message: impl Into<String>) -> HeaderError {
    HeaderError::Invalid(message.into())
}

/// A required field that is absent.
pub(super) fn missing(name: &str) -> HeaderError {
    invalid(format!("missing field `{name}`"))
}

/// A field not known in `what` (strict parsing only).
pub(super) fn unknown_field(what: &str) -> HeaderError {
    invalid(format!("unknown field in {what}"))
}
