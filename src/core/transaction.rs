//! One transaction of a session log, kept as the exact canonical JSON text
//! that is hashed and signed: keys in sorted order, no whitespace.
//!
//! Private: `{"encryptedChanges":"encrypted_U…","keyUsed":…,"madeAt":N,"meta"?:"encrypted_U…","privacy":"private"}`
//! Trusting: `{"changes":"…","madeAt":N,"meta"?:"…","privacy":"trusting"}`
//!
//! Received transactions must already be in this form up to key order:
//! unknown fields, `privacy` not matching the fields present, `meta: null`, a
//! `madeAt` that is not an integer in `0..=2^53-1`, or values of the wrong
//! type are rejected rather than silently rewritten.

use crate::core::base64url;
use crate::core::canonical_batch;
use crate::core::json_error;
use crate::core::keys::KeySecret;
use crate::core::stable_json;
use crate::core::xsalsa20;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::borrow::Cow;
use std::num::NonZeroU32;
use std::ops::Range;

/// Prefix of an encrypted value.
pub const ENCRYPTED_PREFIX: &str = "encrypted_U";
/// Largest `madeAt` accepted: `Number.MAX_SAFE_INTEGER`, the largest integer
/// a JS number (and so cojson) holds exactly.
pub const MAX_MADE_AT: u64 = (1 << 53) - 1;

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

/// A byte range inside one transaction's JSON text. The start is never 0
/// (the text opens with `{`), which lets `Option<Span>` cost no extra space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    start: NonZeroU32,
    end: u32,
}

impl Span {
    /// A span of `range`; texts past 4 GiB (which no JS string reaches) get
    /// an empty span at the maximum offset, which then fails to decode.
    pub(crate) fn new(range: Range<usize>) -> Self {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Self {
            start: NonZeroU32::new(clamp(range.start)).unwrap_or(NonZeroU32::MAX),
            end: clamp(range.end),
        }
    }

    fn range(self) -> Range<usize> {
        let widen = |n: u32| usize::try_from(n).unwrap_or(usize::MAX);
        widen(self.start.get())..widen(self.end)
    }
}

/// Where the base64 payloads of a private transaction sit in its JSON text;
/// `None` for a trusting one. 16 bytes, stored per transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind(Option<PrivatePayloads>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PrivatePayloads {
    changes: Span,
    meta: Option<Span>,
}

impl Kind {
    /// A trusting transaction.
    pub const TRUSTING: Kind = Kind(None);

    /// A private transaction with its `encryptedChanges` and `meta` payloads
    /// at these byte ranges of its text.
    pub(crate) fn private(changes: Range<usize>, meta: Option<Range<usize>>) -> Self {
        Kind(Some(PrivatePayloads {
            changes: Span::new(changes),
            meta: meta.map(Span::new),
        }))
    }
}

/// A transaction in canonical form: built here, parsed from a received batch
/// (borrowing the batch text when it was already canonical), or viewed in a
/// session log's storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction<'a> {
    json: Cow<'a, str>,
    kind: Kind,
    size: usize,
}

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

fn check_encrypted(text: &str) -> Result<(), TxError> {
    match text.strip_prefix(ENCRYPTED_PREFIX) {
        Some(rest) if rest.bytes().all(base64url::is_alphabet_or_pad) => Ok(()),
        _ => Err(TxError::Invalid(
            "encrypted values must be \"encrypted_U\" followed by base64url",
        )),
    }
}

fn push_made_at(out: &mut String, made_at: u64) {
    out.push_str(",\"madeAt\":");
    out.push_str(&made_at.to_string());
}

/// Appends `"encrypted_U<payload>"` and returns the payload's byte range.
fn push_encrypted(out: &mut String, payload: &str) -> Range<usize> {
    out.push('"');
    out.push_str(ENCRYPTED_PREFIX);
    let start = out.len();
    out.push_str(payload);
    let end = out.len();
    out.push('"');
    start..end
}

impl Transaction<'static> {
    /// Builds a private transaction from base64url payloads (without the
    /// `encrypted_U` prefix).
    pub fn private(
        changes_b64: &str,
        key_used: &str,
        made_at: u64,
        meta_b64: Option<&str>,
    ) -> Self {
        let mut json =
            String::with_capacity(changes_b64.len() + meta_b64.map_or(0, str::len) + 120);
        json.push_str("{\"encryptedChanges\":");
        let changes = push_encrypted(&mut json, changes_b64);
        json.push_str(",\"keyUsed\":");
        stable_json::push_string(&mut json, key_used);
        push_made_at(&mut json, made_at);
        let meta = meta_b64.map(|m| {
            json.push_str(",\"meta\":");
            push_encrypted(&mut json, m)
        });
        json.push_str(",\"privacy\":\"private\"}");
        Self {
            json: Cow::Owned(json),
            kind: Kind::private(changes, meta),
            size: ENCRYPTED_PREFIX.len() + changes_b64.len(),
        }
    }

    /// Builds a trusting transaction.
    pub fn trusting(changes: &str, made_at: u64, meta: Option<&str>) -> Self {
        let mut json = String::with_capacity(changes.len() + meta.map_or(0, str::len) + 64);
        json.push_str("{\"changes\":");
        stable_json::push_string(&mut json, changes);
        push_made_at(&mut json, made_at);
        if let Some(meta) = meta {
            json.push_str(",\"meta\":");
            stable_json::push_string(&mut json, meta);
        }
        json.push_str(",\"privacy\":\"trusting\"}");
        Self {
            json: Cow::Owned(json),
            kind: Kind::TRUSTING,
            size: changes.len(),
        }
    }

    fn from_wire(wire: WireTransaction) -> Result<Self, TxError> {
        let made_at = match wire.made_at.as_u64() {
            Some(n) if n <= MAX_MADE_AT => n,
            Some(_) => return Err(TxError::Invalid("madeAt is above 2^53-1")),
            None => return Err(TxError::Invalid("Failed to convert made_at to u64")),
        };
        let meta = match wire.meta {
            Some(Value::Null) => {
                return Err(TxError::Invalid("meta must be a string when present"))
            }
            other => as_string(other, "meta must be a string when present")?,
        };
        match wire.privacy.as_str() {
            "private" => {
                if wire.changes.is_some() {
                    return Err(TxError::Invalid("a private transaction has no `changes`"));
                }
                let encrypted =
                    as_string(wire.encrypted_changes, "encryptedChanges must be a string")?
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
                Ok(Self::private(
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
                Ok(Self::trusting(&changes, made_at, meta.as_deref()))
            }
            _ => Err(TxError::Invalid(
                "privacy must be \"private\" or \"trusting\"",
            )),
        }
    }
}

impl<'a> Transaction<'a> {
    /// Parses a JSON array of transactions as cojson sends them, checking that
    /// each is in canonical form up to key order. A batch that is already
    /// canonical (what cojson sends) is borrowed, not rebuilt.
    pub fn parse_batch(json: &'a str) -> Result<Vec<Self>, TxError> {
        match canonical_batch::scan(json) {
            Some(batch) => Ok(batch),
            None => Self::parse_general(json),
        }
    }

    /// The general path of [`Transaction::parse_batch`]: parse into JSON
    /// values, check, rebuild canonically.
    pub(crate) fn parse_general(json: &str) -> Result<Vec<Self>, TxError> {
        let wire: Vec<WireTransaction> =
            serde_json::from_str(json).map_err(|e| TxError::Json(json_error::describe(&e)))?;
        wire.into_iter().map(Transaction::from_wire).collect()
    }

    /// A transaction over `json`, which must be canonical with payloads as
    /// `kind` says (the canonical scanner and session logs guarantee it).
    pub(crate) fn from_parts(json: &'a str, kind: Kind, size: usize) -> Self {
        Self {
            json: Cow::Borrowed(json),
            kind,
            size,
        }
    }

    /// Where the payloads sit, for storing alongside the text.
    pub(crate) fn kind(&self) -> Kind {
        self.kind
    }

    /// The canonical JSON text.
    pub fn json(&self) -> &str {
        &self.json
    }

    /// The size cojson counts towards `maxTxSize`: the length in bytes of
    /// `changes` (trusting) or of the whole `encryptedChanges` string (private).
    pub fn size(&self) -> usize {
        self.size
    }

    /// True for a private transaction (its changes need a key).
    pub fn is_private(&self) -> bool {
        self.kind.0.is_some()
    }

    /// True for a private transaction with meta (its meta needs a key).
    pub fn has_encrypted_meta(&self) -> bool {
        matches!(self.kind.0, Some(PrivatePayloads { meta: Some(_), .. }))
    }

    /// The plaintext changes: `changes` as stored for a trusting transaction,
    /// or `encryptedChanges` decrypted with `key` for a private one.
    pub fn decrypt_changes(
        &self,
        key: Option<&KeySecret>,
        nonce_material: &[u8],
    ) -> Result<String, TxError> {
        match (self.kind.0, key) {
            (Some(private), Some(key)) => {
                self.decrypt_range(private.changes.range(), key, nonce_material)
            }
            (Some(_), None) => Err(TxError::Invalid("a key is needed to decrypt")),
            (None, _) => Ok(self.trusting_fields()?.changes),
        }
    }

    /// The plaintext meta, or `None` when the transaction has none.
    pub fn decrypt_meta(
        &self,
        key: Option<&KeySecret>,
        nonce_material: &[u8],
    ) -> Result<Option<String>, TxError> {
        match (self.kind.0.map(|p| p.meta), key) {
            (Some(Some(meta)), Some(key)) => self
                .decrypt_range(meta.range(), key, nonce_material)
                .map(Some),
            (Some(Some(_)), None) => Err(TxError::Invalid("a key is needed to decrypt")),
            (Some(None), _) => Ok(None),
            (None, _) => Ok(self.trusting_fields()?.meta),
        }
    }

    fn decrypt_range(
        &self,
        range: Range<usize>,
        key: &KeySecret,
        nonce_material: &[u8],
    ) -> Result<String, TxError> {
        let payload = self.json.get(range).ok_or(TxError::Base64)?;
        let mut bytes = base64url::decode(payload).map_err(|_| TxError::Base64)?;
        xsalsa20::apply_keystream(key.as_bytes(), nonce_material, &mut bytes);
        String::from_utf8(bytes).map_err(|_| TxError::Utf8)
    }

    fn trusting_fields(&self) -> Result<TrustingFields, TxError> {
        serde_json::from_str(&self.json).map_err(|e| TxError::Json(json_error::describe(&e)))
    }
}

#[derive(Deserialize)]
struct TrustingFields {
    changes: String,
    meta: Option<String>,
}

/// Encrypts `plaintext` with XSalsa20 and returns the base64url payload.
pub fn encrypt_payload(key: &KeySecret, nonce_material: &[u8], plaintext: &str) -> String {
    let mut bytes = plaintext.as_bytes().to_vec();
    xsalsa20::apply_keystream(key.as_bytes(), nonce_material, &mut bytes);
    let mut out = String::new();
    base64url::encode_into(&bytes, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms() {
        let t = Transaction::trusting("[{\"a\":\"\\n\"}]", 5, Some("{\"x\":1}"));
        assert_eq!(
            t.json(),
            r#"{"changes":"[{\"a\":\"\\n\"}]","madeAt":5,"meta":"{\"x\":1}","privacy":"trusting"}"#
        );
        assert_eq!(t.size(), 12);
        let p = Transaction::private("AAAA", "key_z1", 7, None);
        assert_eq!(
            p.json(),
            r#"{"encryptedChanges":"encrypted_UAAAA","keyUsed":"key_z1","madeAt":7,"privacy":"private"}"#
        );
        assert_eq!(p.size(), 15);
    }

    #[test]
    fn parse_accepts_any_key_order_and_reserialises_canonically() {
        let batch = Transaction::parse_batch(
            r#"[{"privacy":"trusting","madeAt":1,"changes":"[1]"},{"privacy":"private","meta":"encrypted_UAA==","madeAt":2,"keyUsed":"key_z1","encryptedChanges":"encrypted_UAAAA"}]"#,
        )
        .unwrap();
        assert_eq!(
            batch[0].json(),
            r#"{"changes":"[1]","madeAt":1,"privacy":"trusting"}"#
        );
        assert_eq!(
            batch[1].json(),
            r#"{"encryptedChanges":"encrypted_UAAAA","keyUsed":"key_z1","madeAt":2,"meta":"encrypted_UAA==","privacy":"private"}"#
        );
    }

    #[test]
    fn parse_rejects_non_canonical() {
        let bad = [
            r#"[{"privacy":"trusting","madeAt":1,"changes":"[1]","x":5}]"#,
            r#"[{"privacy":"private","madeAt":1,"changes":"[1]"}]"#,
            r#"[{"privacy":"trusting","madeAt":1,"changes":"[1]","keyUsed":"k"}]"#,
            r#"[{"madeAt":1,"changes":"[1]"}]"#,
            r#"[{"privacy":"trusting","madeAt":1.5,"changes":"[1]"}]"#,
            r#"[{"privacy":"trusting","madeAt":1.0,"changes":"[1]"}]"#,
            r#"[{"privacy":"trusting","madeAt":-1,"changes":"[1]"}]"#,
            r#"[{"privacy":"trusting","madeAt":9007199254740992,"changes":"[1]"}]"#,
            r#"[{"privacy":"trusting","madeAt":"1","changes":"[1]"}]"#,
            r#"[{"privacy":"trusting","madeAt":1,"changes":[1]}]"#,
            r#"[{"privacy":"trusting","madeAt":1,"changes":"[1]","meta":null}]"#,
            r#"[{"privacy":"trusting","madeAt":1,"changes":"[1]","changes":"[2]"}]"#,
            r#"[{"privacy":"private","madeAt":1,"encryptedChanges":"foo","keyUsed":"k"}]"#,
            r#"[{"privacy":"private","madeAt":1,"encryptedChanges":"encrypted_U\"","keyUsed":"k"}]"#,
            r#"[{"privacy":"private","madeAt":1,"encryptedChanges":"encrypted_UAAAA","keyUsed":5}]"#,
            r#"[{"privacy":"other","madeAt":1,"changes":"[1]"}]"#,
            r#"{}"#,
            r#"[1]"#,
            r#"[{"#,
        ];
        for json in bad {
            assert!(Transaction::parse_batch(json).is_err(), "{json}");
        }
    }

    #[test]
    fn encrypt_then_decrypt() {
        let key = KeySecret::from_bytes([7u8; 32]);
        let payload = encrypt_payload(&key, b"nonce", "[1,2,3]");
        let meta = encrypt_payload(&key, b"nonce", "{\"m\":1}");
        let tx = Transaction::private(&payload, "key_z1", 1, Some(&meta));
        assert_eq!(tx.decrypt_changes(Some(&key), b"nonce").unwrap(), "[1,2,3]");
        assert_eq!(
            tx.decrypt_meta(Some(&key), b"nonce").unwrap().as_deref(),
            Some("{\"m\":1}")
        );
        let trusting = Transaction::trusting("[\"\\u0000\"]", 1, None);
        assert_eq!(
            trusting.decrypt_changes(None, b"x").unwrap(),
            "[\"\\u0000\"]"
        );
        assert_eq!(trusting.decrypt_meta(None, b"x").unwrap(), None);
        let broken = Transaction::private("A", "k", 1, None);
        assert_eq!(
            broken.decrypt_changes(Some(&key), b"x"),
            Err(TxError::Base64)
        );
    }
}
