//! Reads the header JSON in one pass and writes its canonical text, without
//! building a `serde_json::Value` tree for the whole header.
//!
//! The top-level object and the `ruleset` object (`ruleset.rs`) are read
//! field by field (`fields.rs`): keys are matched against the known field
//! names as borrowed text, and string fields stay borrowed from the input
//! unless they contain escapes. `meta` (any JSON) is written into its
//! canonical text as it is read (`meta.rs`). A `uniqueness` object may only
//! hold strings: its entries are kept as text, and any other value is parsed
//! in full but only noted. So no part of a header becomes a
//! `serde_json::Value` tree.
//!
//! The result is, error for error, what a plain parser over a
//! `serde_json::Value` tree gives (`tests/header_equivalence.rs` holds the
//! two equal on generated headers). Two things keep it so:
//! - Every value, kept or not, is parsed in full, as `Value` parses it (see
//!   `src/core/json_read.rs`).
//! - Shape errors are only collected while reading and reported once the
//!   whole text has parsed, so a syntax error anywhere still wins, and they
//!   are checked in one fixed order.

use super::error::{invalid, missing, unknown_field, HeaderError};
use super::fields::{next_field, string_field, Field, ObjectFields, ObjectReader};
use super::meta::CanonicalMeta;
use super::ruleset::RulesetFields;
use crate::core::json_error;
use crate::core::json_read::{Keep, Reader, Reading, Scalar, Skip};
use crate::core::stable_json;
use serde::de::{DeserializeSeed, MapAccess};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Parses `json` and returns the canonical header text (sorted keys, `meta`
/// always present). `strict` rejects unknown fields and empty `uniqueness`
/// keys.
pub(super) fn canonical(json: &str, strict: bool) -> Result<String, HeaderError> {
    let mut de = serde_json::Deserializer::from_str(json);
    // Filled in place: returning it by value up through serde's layers
    // took a fifth of the parse time in memory copies.
    let mut fields = HeaderFields::default();
    let is_object = Reading(ObjectReader(&mut fields))
        .deserialize(&mut de)
        .and_then(|is_object| de.end().map(|()| is_object))
        .map_err(|e| invalid(json_error::describe(&e)))?;
    if !is_object {
        return Err(invalid("expected an object"));
    }
    let mut out = String::with_capacity(json.len());
    fields.write_canonical(strict, &mut out)?;
    Ok(out)
}

/// The top-level fields as read, checked only when written.
#[derive(Default)]
struct HeaderFields<'de> {
    co_type: Option<Scalar<'de>>,
    /// Whether the last `ruleset` was an object; `None` when there was none.
    ruleset_is_object: Option<bool>,
    ruleset: RulesetFields<'de>,
    /// The canonical text of the last `meta`.
    meta: Option<String>,
    uniqueness: Option<Uniqueness<'de>>,
    created_at: Option<Scalar<'de>>,
    /// Some key other than the five above.
    unknown: bool,
}

impl<'de> ObjectFields<'de> for HeaderFields<'de> {
    fn read<A: MapAccess<'de>>(&mut self, mut map: A) -> Result<(), A::Error> {
        while let Some(field) = next_field(&mut map)? {
            // A repeated key replaces the earlier value, as in a `Value` map.
            match field {
                Field::Type => self.co_type = Some(map.next_value_seed(Reading(Keep))?),
                Field::Ruleset => {
                    self.ruleset = RulesetFields::default();
                    let is_object =
                        map.next_value_seed(Reading(ObjectReader(&mut self.ruleset)))?;
                    self.ruleset_is_object = Some(is_object);
                }
                Field::Meta => {
                    let mut text = String::new();
                    map.next_value_seed(CanonicalMeta(&mut text))?;
                    self.meta = Some(text);
                }
                Field::Uniqueness => {
                    self.uniqueness = Some(map.next_value_seed(Reading(UniquenessReader))?);
                }
                Field::CreatedAt => self.created_at = Some(map.next_value_seed(Reading(Keep))?),
                Field::InitialAdmin | Field::Group | Field::RestrictDeletion | Field::Other => {
                    self.unknown = true;
                    map.next_value_seed(Reading(Skip))?;
                }
            }
        }
        Ok(())
    }
}

impl HeaderFields<'_> {
    fn write_canonical(self, strict: bool, out: &mut String) -> Result<(), HeaderError> {
        if strict && self.unknown {
            return Err(unknown_field("header"));
        }
        let co_type = string_field(self.co_type.as_ref(), "type")?;
        let ruleset_is_object = self.ruleset_is_object.ok_or_else(|| missing("ruleset"))?;
        let uniqueness = self.uniqueness.ok_or_else(|| missing("uniqueness"))?;

        out.push('{');
        match self.created_at {
            None => {}
            Some(Scalar::Null) => out.push_str("\"createdAt\":null,"),
            Some(Scalar::Str(text)) => {
                out.push_str("\"createdAt\":");
                stable_json::push_string(out, &text);
                out.push(',');
            }
            Some(_) => return Err(invalid("`createdAt` must be a string or null")),
        }
        out.push_str("\"meta\":");
        match &self.meta {
            None => out.push_str("null"),
            Some(meta) => out.push_str(meta),
        }
        out.push(',');
        out.push_str("\"ruleset\":");
        if !ruleset_is_object {
            return Err(invalid("`ruleset` must be an object"));
        }
        self.ruleset.write(strict, out)?;
        out.push(',');
        out.push_str("\"type\":");
        stable_json::push_string(out, co_type);
        out.push(',');
        out.push_str("\"uniqueness\":");
        uniqueness.write(strict, out)?;
        out.push('}');
        Ok(())
    }
}

/// `uniqueness` as read. An object keeps, per key, its last value's text
/// (`None` when that value was not a string), sorted by key as the
/// canonical text writes them.
enum Uniqueness<'de> {
    Scalar(Scalar<'de>),
    Object(BTreeMap<Cow<'de, str>, Option<Cow<'de, str>>>),
}

struct UniquenessReader;

impl<'de> Reader<'de> for UniquenessReader {
    type Output = Uniqueness<'de>;

    fn scalar(self, value: Scalar<'de>) -> Self::Output {
        Uniqueness::Scalar(value)
    }

    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Output, A::Error> {
        let mut entries = BTreeMap::new();
        while let Some(key) = map.next_key_seed(Reading(Keep))? {
            let value = match map.next_value_seed(Reading(Keep))? {
                Scalar::Str(text) => Some(text),
                _ => None,
            };
            // Object keys are always strings. A repeated key keeps its last
            // value, as in a `Value` map.
            if let Scalar::Str(key) = key {
                entries.insert(key, value);
            }
        }
        Ok(Uniqueness::Object(entries))
    }
}

impl Uniqueness<'_> {
    fn write(self, strict: bool, out: &mut String) -> Result<(), HeaderError> {
        match self {
            Uniqueness::Scalar(Scalar::Null) => out.push_str("null"),
            Uniqueness::Scalar(Scalar::Bool(flag)) => {
                out.push_str(if flag { "true" } else { "false" });
            }
            Uniqueness::Scalar(Scalar::Str(text)) => stable_json::push_string(out, &text),
            Uniqueness::Scalar(Scalar::Int(n)) => {
                // Writing to a String cannot fail.
                let _ = write!(out, "{n}");
            }
            Uniqueness::Scalar(Scalar::OtherNumber) => {
                return Err(invalid("`uniqueness` number must be a 64-bit integer"));
            }
            Uniqueness::Scalar(Scalar::Array) => {
                return Err(invalid("`uniqueness` cannot be an array"));
            }
            // Never built: objects are read by `UniquenessReader::object`.
            Uniqueness::Scalar(Scalar::Object) => {
                return Err(invalid("`uniqueness` object values must be strings"));
            }
            Uniqueness::Object(entries) => {
                if entries.values().any(Option::is_none) {
                    return Err(invalid("`uniqueness` object values must be strings"));
                }
                if strict && entries.keys().any(|key| key.is_empty()) {
                    return Err(HeaderError::EmptyUniquenessKey);
                }
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    stable_json::push_string(out, key);
                    out.push(':');
                    stable_json::push_string(out, value.as_deref().unwrap_or_default());
                }
                out.push('}');
            }
        }
        Ok(())
    }
}
