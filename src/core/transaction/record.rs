//! One transaction kept as its canonical JSON text: built, viewed in a
//! session log's storage, or written by the parsers of received batches
//! through a [`TransactionSink`]; and its payloads decrypted.

use super::error::TxError;
use crate::core::base64url;
use crate::core::json_error;
use crate::core::keys::KeySecret;
use crate::core::stable_json;
use crate::core::xsalsa20;
use serde::Deserialize;
use std::borrow::Cow;
use std::num::NonZeroU32;
use std::ops::Range;

/// Prefix of an encrypted value.
pub const ENCRYPTED_PREFIX: &str = "encrypted_U";
/// Largest `madeAt` accepted: `Number.MAX_SAFE_INTEGER`, the largest integer
/// a JS number (and so cojson) holds exactly.
pub const MAX_MADE_AT: u64 = (1 << 53) - 1;

/// A byte range inside one transaction's JSON text. The start is never 0
/// (the text opens with `{`), which lets `Option<Span>` cost no extra space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: NonZeroU32,
    end: u32,
}

impl Span {
    /// A span of `range`; texts past 4 GiB (which no JS string reaches) get
    /// an empty span at the maximum offset, which then fails to decode.
    fn new(range: Range<usize>) -> Self {
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
    pub(super) fn private(changes: Range<usize>, meta: Option<Range<usize>>) -> Self {
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

/// Checks that `text` is `encrypted_U` followed by base64url.
pub(super) fn check_encrypted(text: &str) -> Result<(), TxError> {
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
pub(super) fn write_private(
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
pub(super) fn private_size(changes_b64: &str) -> usize {
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

    /// Where the payloads sit in [`Transaction::json`], for storing
    /// alongside the text.
    pub fn kind(&self) -> Kind {
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
