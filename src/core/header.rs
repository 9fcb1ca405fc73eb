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
use crate::core::json_error;
use crate::core::stable_json;
use serde_json::{Map, Value};

/// Bytes of the BLAKE3 hash kept in a CoValue id.
const ID_HASH_LEN: usize = 19;
/// Prefix of every CoValue id.
pub const CO_ID_PREFIX: &str = "co_z";

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

fn invalid(message: impl Into<String>) -> HeaderError {
    HeaderError::Invalid(message.into())
}

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
        let value: Value =
            serde_json::from_str(json).map_err(|e| invalid(json_error::describe(&e)))?;
        let Value::Object(fields) = value else {
            return Err(invalid("expected an object"));
        };
        let mut canonical = String::with_capacity(json.len());
        write_canonical(&fields, strict, &mut canonical)?;
        Ok(Self { canonical })
    }

    /// The canonical JSON text (sorted keys, `meta` always present).
    pub fn json(&self) -> &str {
        &self.canonical
    }

    /// The CoValue id this header hashes to.
    pub fn co_id(&self) -> String {
        let digest = hash::hash_once(self.canonical.as_bytes());
        let mut out = String::from(CO_ID_PREFIX);
        base58::encode_into(&digest[..ID_HASH_LEN], &mut out);
        out
    }

    /// Checks that `claimed` is this header's id.
    pub fn check_id(&self, claimed: &str) -> Result<(), HeaderError> {
        let expected = self.co_id();
        if expected == claimed {
            Ok(())
        } else {
            Err(HeaderError::IdMismatch {
                expected,
                actual: claimed.to_owned(),
            })
        }
    }
}

fn reject_unknown(
    fields: &Map<String, Value>,
    known: &[&str],
    what: &str,
) -> Result<(), HeaderError> {
    match fields.keys().find(|k| !known.contains(&k.as_str())) {
        Some(_) => Err(invalid(format!("unknown field in {what}"))),
        None => Ok(()),
    }
}

fn string_field<'a>(fields: &'a Map<String, Value>, name: &str) -> Result<&'a str, HeaderError> {
    match fields.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(invalid(format!("`{name}` must be a string"))),
        None => Err(invalid(format!("missing field `{name}`"))),
    }
}

fn write_key(out: &mut String, key: &str) {
    stable_json::push_string(out, key);
    out.push(':');
}

fn write_canonical(
    fields: &Map<String, Value>,
    strict: bool,
    out: &mut String,
) -> Result<(), HeaderError> {
    if strict {
        reject_unknown(
            fields,
            &["createdAt", "meta", "ruleset", "type", "uniqueness"],
            "header",
        )?;
    }
    let co_type = string_field(fields, "type")?;
    let ruleset = fields
        .get("ruleset")
        .ok_or_else(|| invalid("missing field `ruleset`"))?;
    let uniqueness = fields
        .get("uniqueness")
        .ok_or_else(|| invalid("missing field `uniqueness`"))?;

    out.push('{');
    match fields.get("createdAt") {
        None => {}
        Some(Value::Null) => out.push_str("\"createdAt\":null,"),
        Some(Value::String(s)) => {
            write_key(out, "createdAt");
            stable_json::push_string(out, s);
            out.push(',');
        }
        Some(_) => return Err(invalid("`createdAt` must be a string or null")),
    }
    write_key(out, "meta");
    stable_json::push_value(out, fields.get("meta").unwrap_or(&Value::Null));
    out.push(',');
    write_key(out, "ruleset");
    write_ruleset(ruleset, strict, out)?;
    out.push(',');
    write_key(out, "type");
    stable_json::push_string(out, co_type);
    out.push(',');
    write_key(out, "uniqueness");
    write_uniqueness(uniqueness, strict, out)?;
    out.push('}');
    Ok(())
}

fn write_ruleset(ruleset: &Value, strict: bool, out: &mut String) -> Result<(), HeaderError> {
    let Value::Object(fields) = ruleset else {
        return Err(invalid("`ruleset` must be an object"));
    };
    match fields.get("type").and_then(Value::as_str) {
        Some("group") => {
            if strict {
                reject_unknown(fields, &["type", "initialAdmin"], "ruleset")?;
            }
            let admin = string_field(fields, "initialAdmin")?;
            out.push_str("{\"initialAdmin\":");
            stable_json::push_string(out, admin);
            out.push_str(",\"type\":\"group\"}");
        }
        Some("ownedByGroup") => {
            if strict {
                reject_unknown(fields, &["type", "group", "restrictDeletion"], "ruleset")?;
            }
            let group = string_field(fields, "group")?;
            out.push_str("{\"group\":");
            stable_json::push_string(out, group);
            match fields.get("restrictDeletion") {
                None | Some(Value::Null) => {}
                Some(Value::Bool(flag)) => {
                    out.push_str(if *flag {
                        ",\"restrictDeletion\":true"
                    } else {
                        ",\"restrictDeletion\":false"
                    });
                }
                Some(_) => return Err(invalid("`restrictDeletion` must be a boolean")),
            }
            out.push_str(",\"type\":\"ownedByGroup\"}");
        }
        Some("unsafeAllowAll") => {
            if strict {
                reject_unknown(fields, &["type"], "ruleset")?;
            }
            out.push_str("{\"type\":\"unsafeAllowAll\"}");
        }
        _ => return Err(invalid("unknown ruleset type")),
    }
    Ok(())
}

fn write_uniqueness(uniqueness: &Value, strict: bool, out: &mut String) -> Result<(), HeaderError> {
    match uniqueness {
        Value::Null | Value::Bool(_) | Value::String(_) => stable_json::push_value(out, uniqueness),
        Value::Number(n) if n.is_i64() => stable_json::push_value(out, uniqueness),
        Value::Number(_) => return Err(invalid("`uniqueness` number must be a 64-bit integer")),
        Value::Object(map) => {
            if map.values().any(|v| !v.is_string()) {
                return Err(invalid("`uniqueness` object values must be strings"));
            }
            if strict && map.keys().any(String::is_empty) {
                return Err(HeaderError::EmptyUniquenessKey);
            }
            stable_json::push_value(out, uniqueness);
        }
        Value::Array(_) => return Err(invalid("`uniqueness` cannot be an array")),
    }
    Ok(())
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
