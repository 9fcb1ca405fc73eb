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
//!
//! Received batches are parsed straight into a [`TransactionSink`] (a
//! session log's storage): by the canonical fast path
//! (`canonical_batch.rs`) when the text is already canonical, else by the
//! general parser (`transaction/wire.rs`), whose field readers accept only
//! what each field may hold, so no JSON tree is ever built from received
//! input.

use crate::core::base64url;
use crate::core::canonical_batch;
use crate::core::json_error;
use crate::core::keys::KeySecret;
use crate::core::stable_json;
use crate::core::xsalsa20;
use serde::Deserialize;
use std::borrow::Cow;
use std::num::NonZeroU32;
use std::ops::Range;

#[cfg(test)]
mod equivalence;
#[cfg(test)]
mod oracle;
mod wire;

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

/// A transaction in canonical form: built here, or viewed in a session log's
/// storage (received batches are parsed straight into that storage).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction<'a> {
    json: Cow<'a, str>,
    kind: Kind,
    size: usize,
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

/// Appends `"encrypted_U<payload>"` and returns the payload's byte range,
/// counted from `origin`.
fn push_encrypted(out: &mut String, payload: &str, origin: usize) -> Range<usize> {
    out.push('"');
    out.push_str(ENCRYPTED_PREFIX);
    let start = out.len() - origin;
    out.push_str(payload);
    let end = out.len() - origin;
    out.push('"');
    start..end
}

/// Appends the canonical text of a private transaction (payloads without
/// the `encrypted_U` prefix) and returns where its payloads sit, counted
/// from the start of that text.
pub(crate) fn write_private(
    out: &mut String,
    changes_b64: &str,
    key_used: &str,
    made_at: u64,
    meta_b64: Option<&str>,
) -> Kind {
    let origin = out.len();
    out.push_str("{\"encryptedChanges\":");
    let changes = push_encrypted(out, changes_b64, origin);
    out.push_str(",\"keyUsed\":");
    stable_json::push_string(out, key_used);
    push_made_at(out, made_at);
    let meta = meta_b64.map(|m| {
        out.push_str(",\"meta\":");
        push_encrypted(out, m, origin)
    });
    out.push_str(",\"privacy\":\"private\"}");
    Kind::private(changes, meta)
}

/// Appends the canonical text of a trusting transaction.
pub(crate) fn write_trusting(out: &mut String, changes: &str, made_at: u64, meta: Option<&str>) {
    out.push_str("{\"changes\":");
    stable_json::push_string(out, changes);
    push_made_at(out, made_at);
    if let Some(meta) = meta {
        out.push_str(",\"meta\":");
        stable_json::push_string(out, meta);
    }
    out.push_str(",\"privacy\":\"trusting\"}");
}

/// The size cojson counts for a private transaction: the length of the
/// whole `encryptedChanges` string.
pub(crate) fn private_size(changes_b64: &str) -> usize {
    ENCRYPTED_PREFIX.len() + changes_b64.len()
}

/// Where received transactions go as they are parsed: each one's canonical
/// text is appended to [`TransactionSink::text`], then
/// [`TransactionSink::finish`] records it. A session log's storage is one;
/// on error the caller takes everything back out.
pub trait TransactionSink {
    /// The buffer the next transaction's text is appended to.
    fn text(&mut self) -> &mut String;

    /// Records the transaction whose text was just appended: where its
    /// payloads sit (counted from the start of its text) and its size.
    fn finish(&mut self, kind: Kind, size: usize);

    /// Removes every transaction appended since the sink was handed over.
    fn discard(&mut self);

    /// Appends a transaction that is already built.
    fn push(&mut self, transaction: &Transaction<'_>) {
        self.text().push_str(transaction.json());
        self.finish(transaction.kind(), transaction.size());
    }
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
        let kind = write_private(&mut json, changes_b64, key_used, made_at, meta_b64);
        Self {
            json: Cow::Owned(json),
            kind,
            size: private_size(changes_b64),
        }
    }

    /// Builds a trusting transaction.
    pub fn trusting(changes: &str, made_at: u64, meta: Option<&str>) -> Self {
        let mut json = String::with_capacity(changes.len() + meta.map_or(0, str::len) + 64);
        write_trusting(&mut json, changes, made_at, meta);
        Self {
            json: Cow::Owned(json),
            kind: Kind::TRUSTING,
            size: changes.len(),
        }
    }
}

/// A sink that keeps parsed transactions in memory (tests).
#[cfg(test)]
#[derive(Debug, Default)]
pub(crate) struct Collected {
    text: String,
    /// Per transaction: where its text ends, its payloads and its size.
    items: Vec<(usize, Kind, usize)>,
}

#[cfg(test)]
impl TransactionSink for Collected {
    fn text(&mut self) -> &mut String {
        &mut self.text
    }

    fn finish(&mut self, kind: Kind, size: usize) {
        self.items.push((self.text.len(), kind, size));
    }

    fn discard(&mut self) {
        self.text.clear();
        self.items.clear();
    }
}

#[cfg(test)]
impl Collected {
    /// The transactions collected, in order.
    pub(crate) fn transactions(&self) -> Vec<Transaction<'_>> {
        let mut start = 0;
        self.items
            .iter()
            .map(|&(end, kind, size)| {
                let tx = Transaction::from_parts(&self.text[start..end], kind, size);
                start = end;
                tx
            })
            .collect()
    }

    /// Text, payload layout and size of each transaction, for comparisons.
    pub(crate) fn summary(&self) -> Vec<(String, Kind, usize)> {
        summarise(&self.transactions())
    }
}

/// Text, payload layout and size of each transaction (tests).
#[cfg(test)]
pub(crate) fn summarise(batch: &[Transaction<'_>]) -> Vec<(String, Kind, usize)> {
    batch
        .iter()
        .map(|t| (t.json().to_owned(), t.kind(), t.size()))
        .collect()
}

/// [`parse_batch_into`] into a fresh [`Collected`] (tests).
#[cfg(test)]
pub(crate) fn parse_batch(json: &str) -> Result<Collected, TxError> {
    let mut out = Collected::default();
    parse_batch_into(json, &mut out).map(|()| out)
}

/// The general parser alone, into a fresh [`Collected`] (tests).
#[cfg(test)]
pub(crate) fn parse_general(json: &str) -> Result<Collected, TxError> {
    let mut out = Collected::default();
    wire::parse_into(json, &mut out).map(|()| out)
}

/// Parses a JSON array of transactions as cojson sends them into `sink`,
/// checking that each is in canonical form up to key order. A batch that is
/// already canonical (what cojson sends) is copied as it is; anything else
/// is parsed field by field and written canonically. On error, `sink` may
/// hold part of the batch: the caller discards it.
pub fn parse_batch_into<S: TransactionSink>(json: &str, sink: &mut S) -> Result<(), TxError> {
    // The canonical text is never longer than the batch (see `wire.rs`).
    sink.text().reserve(json.len());
    if canonical_batch::scan_into(json, sink).is_some() {
        return Ok(());
    }
    sink.discard();
    wire::parse_into(json, sink)
}

impl<'a> Transaction<'a> {
    /// A transaction over `json`, which must be canonical with payloads as
    /// `kind` says (session logs guarantee it).
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
        let parsed = parse_batch(
            r#"[{"privacy":"trusting","madeAt":1,"changes":"[1]"},{"privacy":"private","meta":"encrypted_UAA==","madeAt":2,"keyUsed":"key_z1","encryptedChanges":"encrypted_UAAAA"}]"#,
        )
        .unwrap();
        let batch = parsed.transactions();
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
            assert!(parse_batch(json).is_err(), "{json}");
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
