//! A plain parser for received batches: serde's derive reads each
//! transaction into `serde_json::Value` fields. It is the oracle that the
//! field readers of `transaction::wire` are held to: the equivalence tests
//! feed both the same batches and expect the same transactions or the same
//! error, except where `wire.rs` documents a difference.
//!
//! It builds a full JSON tree for every field, so a large non-string field
//! costs many times its size in memory, which is why the crate does not
//! parse this way.

use cojson_native::core::json_error;
use cojson_native::core::transaction::{Transaction, TxError, ENCRYPTED_PREFIX, MAX_MADE_AT};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Deserializes a field that is present, keeping `null` as `Value::Null`.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireTransaction {
    privacy: String,
    #[serde(rename = "madeAt")]
    made_at: serde_json::Number,
    #[serde(default, deserialize_with = "present")]
    changes: Option<Value>,
    #[serde(rename = "encryptedChanges", default, deserialize_with = "present")]
    encrypted_changes: Option<Value>,
    #[serde(rename = "keyUsed", default, deserialize_with = "present")]
    key_used: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    meta: Option<Value>,
}

fn as_string(value: Option<Value>, what: &'static str) -> Result<Option<String>, TxError> {
    match value {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(TxError::Invalid(what)),
    }
}

/// The transactions of a batch, or why it is refused.
pub fn parse(json: &str) -> Result<Vec<Transaction<'static>>, TxError> {
    let wire: Vec<WireTransaction> =
        serde_json::from_str(json).map_err(|e| TxError::Json(json_error::describe(&e)))?;
    wire.into_iter().map(from_wire).collect()
}

fn from_wire(wire: WireTransaction) -> Result<Transaction<'static>, TxError> {
    let made_at = match wire.made_at.as_u64() {
        Some(n) if n <= MAX_MADE_AT => n,
        Some(_) => return Err(TxError::Invalid("madeAt is above 2^53-1")),
        None => return Err(TxError::Invalid("Failed to convert made_at to u64")),
    };
    let meta = match wire.meta {
        Some(Value::Null) => return Err(TxError::Invalid("meta must be a string when present")),
        other => as_string(other, "meta must be a string when present")?,
    };
    match wire.privacy.as_str() {
        "private" => {
            if wire.changes.is_some() {
                return Err(TxError::Invalid("a private transaction has no `changes`"));
            }
            let encrypted = as_string(wire.encrypted_changes, "encryptedChanges must be a string")?
                .ok_or(TxError::Invalid("missing field `encryptedChanges`"))?;
            let key_used = as_string(wire.key_used, "keyUsed must be a string")?
                .ok_or(TxError::Invalid("missing field `keyUsed`"))?;
            check_encrypted(&encrypted)?;
            if let Some(meta) = &meta {
                check_encrypted(meta)?;
            }
            let strip = |s: &str| {
                s.get(ENCRYPTED_PREFIX.len()..)
                    .unwrap_or_default()
                    .to_owned()
            };
            Ok(Transaction::private(
                &strip(&encrypted),
                &key_used,
                made_at,
                meta.as_deref().map(strip).as_deref(),
            ))
        }
        "trusting" => {
            if wire.encrypted_changes.is_some() || wire.key_used.is_some() {
                return Err(TxError::Invalid(
                    "a trusting transaction has no `encryptedChanges` or `keyUsed`",
                ));
            }
            let changes = as_string(wire.changes, "changes must be a string")?
                .ok_or(TxError::Invalid("missing field `changes`"))?;
            Ok(Transaction::trusting(&changes, made_at, meta.as_deref()))
        }
        _ => Err(TxError::Invalid(
            "privacy must be \"private\" or \"trusting\"",
        )),
    }
}

/// `encrypted_U` followed by characters of the base64url alphabet (RFC
/// 4648 §5) or its padding.
fn check_encrypted(text: &str) -> Result<(), TxError> {
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=";
    let base64url = text
        .strip_prefix(ENCRYPTED_PREFIX)
        .is_some_and(|rest| rest.chars().all(|c| ALPHABET.contains(c)));
    if base64url {
        Ok(())
    } else {
        Err(TxError::Invalid(
            "encrypted values must be \"encrypted_U\" followed by base64url",
        ))
    }
}
