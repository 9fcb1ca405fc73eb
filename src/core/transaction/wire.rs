//! The general parser for received batches: any key order, whitespace and
//! escapes, checked and written canonically into the sink as each
//! transaction's object closes.
//!
//! Each field is read by a reader that accepts only what the field may
//! hold, so no JSON tree is built from received input:
//! - `changes`, `encryptedChanges`, `keyUsed`, `meta`: a string (borrowed
//!   from the input unless it has escapes). `null`, a number or a boolean is
//!   noted and refused once the object has closed; an array or an object is
//!   refused at its first byte, before anything inside it is read.
//! - `privacy`: a string, compared with its two literals and never copied.
//! - `madeAt`: a number (serde_json's `Number`).
//! - a transaction: an object only (`["trusting",1,"[1]"]` is refused, as
//!   the reference refuses it).
//!
//! Memory is therefore bounded by the input: the canonical text written is
//! never longer than the batch (every canonical token is the shortest form
//! of the token it was read from, and whitespace, brackets and commas are
//! dropped), and besides it only one transaction's escaped strings are held.
//!
//! Errors are those of a plain parser that reads each transaction into a
//! `serde_json::Value` tree with serde's derive (the oracle of
//! `tests/transaction_equivalence.rs`), except for arrays in place of
//! transactions (above) and for an array or object in a string field: that
//! is reported at once, as `<field> must be a string` (or as the first fault
//! of an earlier transaction), where the plain parser first reads the whole
//! batch, so that a JSON error later in the text, or another fault earlier
//! in the same transaction, is reported instead.

use super::error::TxError;
use super::record::{
    check_encrypted, private_size, write_private, write_trusting, Kind, TransactionSink,
    ENCRYPTED_PREFIX, MAX_MADE_AT,
};
use crate::core::json_error;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// Parses the JSON array of transactions `json` into `sink`, checking each
/// and writing it canonically. On error, `sink` may hold part of the batch.
/// [`super::parse_batch_into`] takes this path for every batch that is not
/// already canonical.
pub fn parse_into<S: TransactionSink>(json: &str, sink: &mut S) -> Result<(), TxError> {
    let mut batch = Batch {
        sink,
        first_invalid: None,
        refused_field: None,
    };
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let parsed = deserializer
        .deserialize_seq(BatchVisitor(&mut batch))
        .and_then(|()| deserializer.end());
    match (parsed, batch.refused_field) {
        (Ok(()), _) => batch.first_invalid.map_or(Ok(()), Err),
        (Err(_), Some(refused)) => Err(batch.first_invalid.unwrap_or(refused)),
        (Err(e), None) => Err(TxError::Json(json_error::describe(&e))),
    }
}

/// The state of one batch while it is read.
struct Batch<'s, S> {
    sink: &'s mut S,
    /// The first transaction that parsed but failed a check. Later ones are
    /// still parsed (a JSON error anywhere wins) but not written.
    first_invalid: Option<TxError>,
    /// Set when a string field held an array or an object; the parse is
    /// then stopped with a placeholder serde error.
    refused_field: Option<TxError>,
}

struct BatchVisitor<'b, 's, S>(&'b mut Batch<'s, S>);

impl<'de, S: TransactionSink> Visitor<'de> for BatchVisitor<'_, '_, S> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of transactions")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let batch = self.0;
        while let Some(fields) = seq.next_element_seed(TransactionSeed {
            refused: &mut batch.refused_field,
        })? {
            if batch.first_invalid.is_some() {
                continue;
            }
            if let Err(invalid) = fields.write_canonical(&mut *batch.sink) {
                batch.first_invalid = Some(invalid);
            }
        }
        Ok(())
    }
}

/// The fields of one transaction as read.
#[derive(Default)]
struct Fields<'de> {
    privacy: Option<Privacy>,
    made_at: Option<serde_json::Number>,
    changes: Option<Text<'de>>,
    encrypted_changes: Option<Text<'de>>,
    key_used: Option<Text<'de>>,
    meta: Option<Text<'de>>,
}

/// The `privacy` field.
#[derive(Clone, Copy)]
enum Privacy {
    Private,
    Trusting,
    /// Any other string.
    Other,
}

/// A field that must hold a string.
enum Text<'de> {
    Str(Cow<'de, str>),
    /// `null`, a number or a boolean: refused after the object closes.
    NotString,
}

/// The names the transaction object may have.
const FIELDS: &[&str] = &[
    "privacy",
    "madeAt",
    "changes",
    "encryptedChanges",
    "keyUsed",
    "meta",
];

/// A key of the transaction object.
enum FieldName {
    Privacy,
    MadeAt,
    Changes,
    EncryptedChanges,
    KeyUsed,
    Meta,
    Unknown,
}

/// Reads one transaction object.
struct TransactionSeed<'r> {
    refused: &'r mut Option<TxError>,
}

impl<'de> DeserializeSeed<'de> for TransactionSeed<'_> {
    type Value = Fields<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Fields<'de>, D::Error> {
        // Only an object: anything else is refused at its first byte.
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TransactionSeed<'_> {
    type Value = Fields<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a transaction object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
        let refused = self.refused;
        let mut fields = Fields::default();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            match key {
                FieldName::Privacy => {
                    once(&fields.privacy, "privacy")?;
                    fields.privacy = Some(map.next_value_seed(PrivacySeed)?);
                }
                FieldName::MadeAt => {
                    once(&fields.made_at, "madeAt")?;
                    fields.made_at = Some(map.next_value()?);
                }
                FieldName::Changes => {
                    once(&fields.changes, "changes")?;
                    let seed = TextSeed::new("changes must be a string", &mut *refused);
                    fields.changes = Some(map.next_value_seed(seed)?);
                }
                FieldName::EncryptedChanges => {
                    once(&fields.encrypted_changes, "encryptedChanges")?;
                    let seed = TextSeed::new("encryptedChanges must be a string", &mut *refused);
                    fields.encrypted_changes = Some(map.next_value_seed(seed)?);
                }
                FieldName::KeyUsed => {
                    once(&fields.key_used, "keyUsed")?;
                    let seed = TextSeed::new("keyUsed must be a string", &mut *refused);
                    fields.key_used = Some(map.next_value_seed(seed)?);
                }
                FieldName::Meta => {
                    once(&fields.meta, "meta")?;
                    let seed = TextSeed::new("meta must be a string when present", &mut *refused);
                    fields.meta = Some(map.next_value_seed(seed)?);
                }
                FieldName::Unknown => return Err(de::Error::unknown_field("", FIELDS)),
            }
        }
        if fields.privacy.is_none() {
            return Err(de::Error::missing_field("privacy"));
        }
        if fields.made_at.is_none() {
            return Err(de::Error::missing_field("madeAt"));
        }
        Ok(fields)
    }
}

/// Refuses a key seen before, as serde's derive does.
fn once<T, E: de::Error>(seen: &Option<T>, name: &'static str) -> Result<(), E> {
    match seen {
        Some(_) => Err(E::duplicate_field(name)),
        None => Ok(()),
    }
}

/// Reads a key, compared as borrowed text.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = FieldName;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<FieldName, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = FieldName;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a transaction field name")
    }

    fn visit_str<E>(self, name: &str) -> Result<FieldName, E> {
        Ok(match name {
            "privacy" => FieldName::Privacy,
            "madeAt" => FieldName::MadeAt,
            "changes" => FieldName::Changes,
            "encryptedChanges" => FieldName::EncryptedChanges,
            "keyUsed" => FieldName::KeyUsed,
            "meta" => FieldName::Meta,
            _ => FieldName::Unknown,
        })
    }
}

/// Reads `privacy`: only a string, compared without copying it.
struct PrivacySeed;

impl<'de> DeserializeSeed<'de> for PrivacySeed {
    type Value = Privacy;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Privacy, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for PrivacySeed {
    type Value = Privacy;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E>(self, value: &str) -> Result<Privacy, E> {
        Ok(match value {
            "private" => Privacy::Private,
            "trusting" => Privacy::Trusting,
            _ => Privacy::Other,
        })
    }
}

/// Reads a field that must hold a string.
struct TextSeed<'r> {
    /// The error for an array or an object here.
    refusal: &'static str,
    refused: &'r mut Option<TxError>,
}

impl<'r> TextSeed<'r> {
    fn new(refusal: &'static str, refused: &'r mut Option<TxError>) -> Self {
        Self { refusal, refused }
    }

    /// Notes the refusal and stops the parse before reading the container.
    fn refuse<E: de::Error>(self) -> Result<Text<'static>, E> {
        *self.refused = Some(TxError::Invalid(self.refusal));
        Err(E::custom(self.refusal))
    }
}

impl<'de> DeserializeSeed<'de> for TextSeed<'_> {
    type Value = Text<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Text<'de>, D::Error> {
        // `deserialize_any`, so that `null`, numbers and booleans are read
        // (and a malformed number is a JSON error) as in any other field.
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TextSeed<'_> {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Text<'de>, E> {
        Ok(Text::Str(Cow::Borrowed(value)))
    }

    fn visit_str<E>(self, value: &str) -> Result<Text<'de>, E> {
        Ok(Text::Str(Cow::Owned(value.to_owned())))
    }

    fn visit_unit<E>(self) -> Result<Text<'de>, E> {
        Ok(Text::NotString)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Text<'de>, E> {
        Ok(Text::NotString)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Text<'de>, E> {
        Ok(Text::NotString)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Text<'de>, E> {
        Ok(Text::NotString)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Text<'de>, E> {
        Ok(Text::NotString)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Text<'de>, A::Error> {
        self.refuse()
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Text<'de>, A::Error> {
        self.refuse()
    }
}

/// The text of a string field, if present.
fn text<'t>(field: &'t Option<Text<'_>>, what: &'static str) -> Result<Option<&'t str>, TxError> {
    match field {
        None => Ok(None),
        Some(Text::Str(text)) => Ok(Some(text)),
        Some(Text::NotString) => Err(TxError::Invalid(what)),
    }
}

/// The payload after the `encrypted_U` prefix (checked before).
fn payload(encrypted: &str) -> &str {
    encrypted.get(ENCRYPTED_PREFIX.len()..).unwrap_or_default()
}

impl Fields<'_> {
    /// Checks the fields (in the order that decides which fault is
    /// reported) and appends the canonical text to `sink`.
    fn write_canonical<S: TransactionSink>(self, sink: &mut S) -> Result<(), TxError> {
        // A missing `madeAt` was refused while reading.
        let made_at = match self.made_at.as_ref().and_then(serde_json::Number::as_u64) {
            Some(n) if n <= MAX_MADE_AT => n,
            Some(_) => return Err(TxError::Invalid("madeAt is above 2^53-1")),
            None => return Err(TxError::Invalid("Failed to convert made_at to u64")),
        };
        let meta = text(&self.meta, "meta must be a string when present")?;
        match self.privacy {
            Some(Privacy::Private) => {
                if self.changes.is_some() {
                    return Err(TxError::Invalid("a private transaction has no `changes`"));
                }
                let encrypted = text(&self.encrypted_changes, "encryptedChanges must be a string")?
                    .ok_or(TxError::Invalid("missing field `encryptedChanges`"))?;
                let key_used = text(&self.key_used, "keyUsed must be a string")?
                    .ok_or(TxError::Invalid("missing field `keyUsed`"))?;
                check_encrypted(encrypted)?;
                if let Some(meta) = meta {
                    check_encrypted(meta)?;
                }
                let changes = payload(encrypted);
                let kind: Kind =
                    write_private(sink.text(), changes, key_used, made_at, meta.map(payload));
                sink.finish(kind, private_size(changes));
                Ok(())
            }
            Some(Privacy::Trusting) => {
                if self.encrypted_changes.is_some() || self.key_used.is_some() {
                    return Err(TxError::Invalid(
                        "a trusting transaction has no `encryptedChanges` or `keyUsed`",
                    ));
                }
                let changes = text(&self.changes, "changes must be a string")?
                    .ok_or(TxError::Invalid("missing field `changes`"))?;
                write_trusting(sink.text(), changes, made_at, meta);
                sink.finish(Kind::TRUSTING, changes.len());
                Ok(())
            }
            // A missing `privacy` was refused while reading.
            Some(Privacy::Other) | None => Err(TxError::Invalid(
                "privacy must be \"private\" or \"trusting\"",
            )),
        }
    }
}
