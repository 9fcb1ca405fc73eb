//! The CoValue header: parsed from the JSON cojson sends, written back in its
//! canonical form, and checked against the CoValue id (`co_z` + base58 of the
//! first 19 bytes of BLAKE3 of the canonical header).
//!
//! Accepted shapes (as in `cojson-core-napi`):
//! `{ type: string, ruleset, meta: any JSON | null, uniqueness, createdAt?: string | null }`
//! with `ruleset` one of `{type:"group", initialAdmin: string}`,
//! `{type:"ownedByGroup", group: string, restrictDeletion?: boolean}`,
//! `{type:"unsafeAllowAll"}`, and `uniqueness` a string, boolean, 64-bit
//! integer, null or an object of strings.

use crate::core::base58;
use crate::core::hash;

mod error;
mod fields;
mod meta;
mod parse;
mod ruleset;

pub use error::HeaderError;

/// Bytes of the BLAKE3 hash kept in a CoValue id.
const ID_HASH_LEN: usize = 19;
/// Prefix of every CoValue id.
pub const CO_ID_PREFIX: &str = "co_z";

/// A validated header, kept as its canonical JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    canonical: String,
}

impl Header {
    /// Parses `json`. With `strict`, unknown fields anywhere in the header
    /// (which `cojson-core-napi` silently drops before hashing) are rejected
    /// and an empty `uniqueness` key is refused.
    pub fn parse(json: &str, strict: bool) -> Result<Self, HeaderError> {
        Ok(Self {
            canonical: parse::canonical(json, strict)?,
        })
    }

    /// The canonical JSON text (sorted keys, `meta` always present).
    pub fn json(&self) -> &str {
        &self.canonical
    }

    /// The CoValue id this header hashes to.
    pub fn co_id(&self) -> String {
        id_text(&hash::hash_once(self.canonical.as_bytes()))
    }

    /// Checks that `claimed` is this header's id; the id text is only built
    /// for the error.
    pub fn check_id(&self, claimed: &str) -> Result<(), HeaderError> {
        let digest = hash::hash_once(self.canonical.as_bytes());
        if names_digest(claimed, &digest) {
            Ok(())
        } else {
            Err(HeaderError::IdMismatch {
                expected: id_text(&digest),
                actual: claimed.to_owned(),
            })
        }
    }
}

/// `co_z` + base58 of the first bytes of `digest`.
fn id_text(digest: &[u8; 32]) -> String {
    let mut out = String::from(CO_ID_PREFIX);
    base58::encode_into(digest.get(..ID_HASH_LEN).unwrap_or_default(), &mut out);
    out
}

/// Whether `claimed == id_text(digest)`, without building the text: the
/// claimed id is decoded instead. Base58 decoding into a fixed size is
/// one-to-one (each leading `1` is one leading zero byte, and the digits
/// after them are the unique base58 form of the rest), so the bytes match
/// exactly when the texts do.
fn names_digest(claimed: &str, digest: &[u8; 32]) -> bool {
    let Some(encoded) = claimed.strip_prefix(CO_ID_PREFIX) else {
        return false;
    };
    let mut bytes = [0u8; ID_HASH_LEN];
    base58::decode_into(encoded, &mut bytes, "CoValue ID").is_ok() && digest.starts_with(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form_sorts_and_fills_meta() {
        let h = Header::parse(
            r#"{"uniqueness":{"b":"1","a":"2"},"type":"comap","ruleset":{"type":"ownedByGroup","group":"co_zx","restrictDeletion":true},"createdAt":null}"#,
            false,
        )
        .unwrap();
        assert_eq!(
            h.json(),
            r#"{"createdAt":null,"meta":null,"ruleset":{"group":"co_zx","restrictDeletion":true,"type":"ownedByGroup"},"type":"comap","uniqueness":{"a":"2","b":"1"}}"#
        );
        let g = Header::parse(
            r#"{"type":"group","ruleset":{"type":"group","initialAdmin":"sealer_z1/signer_z2"},"meta":{"type":"account"},"uniqueness":5}"#,
            true,
        )
        .unwrap();
        assert_eq!(
            g.json(),
            r#"{"meta":{"type":"account"},"ruleset":{"initialAdmin":"sealer_z1/signer_z2","type":"group"},"type":"group","uniqueness":5}"#
        );
    }

    #[test]
    fn id_is_the_short_hash_of_the_canonical_form() {
        let h = Header::parse(
            r#"{"type":"comap","ruleset":{"type":"unsafeAllowAll"},"meta":null,"uniqueness":"abc","createdAt":"2024-01-01"}"#,
            true,
        )
        .unwrap();
        // Same derivation as cojson's shortHash, with the co_z prefix.
        let short = hash::short_hash(h.json());
        assert_eq!(h.co_id(), format!("co_z{}", &short["shortHash_z".len()..]));
        assert!(h.check_id(&h.co_id()).is_ok());
        assert!(matches!(
            h.check_id("co_zabc"),
            Err(HeaderError::IdMismatch { .. })
        ));
    }

    #[test]
    fn rejects_bad_shapes() {
        let bad = [
            "{",
            "[]",
            r#"{"type":"comap","ruleset":{"type":"unsafeAllowAll"},"meta":null}"#,
            r#"{"type":"comap","ruleset":{"type":"other"},"meta":null,"uniqueness":null}"#,
            r#"{"type":5,"ruleset":{"type":"unsafeAllowAll"},"meta":null,"uniqueness":null}"#,
            r#"{"type":"comap","ruleset":{"type":"unsafeAllowAll"},"meta":null,"uniqueness":1.5}"#,
            r#"{"type":"comap","ruleset":{"type":"unsafeAllowAll"},"meta":null,"uniqueness":{"a":1}}"#,
            r#"{"type":"comap","ruleset":{"type":"unsafeAllowAll"},"meta":null,"uniqueness":null,"createdAt":5}"#,
            r#"{"type":"comap","ruleset":{"type":"group"},"meta":null,"uniqueness":null}"#,
        ];
        for json in bad {
            assert!(
                matches!(Header::parse(json, false), Err(HeaderError::Invalid(_))),
                "{json}"
            );
        }
        let empty_key = r#"{"type":"comap","ruleset":{"type":"unsafeAllowAll"},"meta":null,"uniqueness":{"":"x"}}"#;
        assert_eq!(
            Header::parse(empty_key, true),
            Err(HeaderError::EmptyUniquenessKey)
        );
        assert!(Header::parse(empty_key, false).is_ok());
    }

    #[test]
    fn unknown_fields_only_pass_when_not_strict() {
        let extra = r#"{"type":"comap","ruleset":{"type":"unsafeAllowAll","x":1},"meta":null,"uniqueness":null,"extra":1}"#;
        assert!(Header::parse(extra, true).is_err());
        assert_eq!(
            Header::parse(extra, false).unwrap().json(),
            r#"{"meta":null,"ruleset":{"type":"unsafeAllowAll"},"type":"comap","uniqueness":null}"#
        );
    }
}
