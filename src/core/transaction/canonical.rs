//! The fast path for received transaction batches that are already
//! canonical.
//!
//! cojson sends `JSON.stringify` of transactions it parsed from canonical
//! text, so batches normally arrive byte for byte as this crate would write
//! them: keys in sorted order, no whitespace, strings escaped as
//! [`stable_json::push_string`] escapes them. [`scan_into`] recognises
//! exactly such a batch and copies each transaction's text into the sink as
//! it is, skipping the field-by-field parse and the rewrite. Anything else
//! (other key orders, whitespace, other escapes, errors of any kind) returns
//! `None`, and the caller discards what was copied and takes the general
//! path ([`super::wire`]), which accepts or rejects it. So the result never
//! differs from the general path's, only its cost
//! (`tests/transaction_parse.rs` and `tests/transaction_equivalence.rs`
//! compare the two).
//!
//! [`stable_json::push_string`]: crate::core::stable_json::push_string

use super::record::{Kind, TransactionSink, ENCRYPTED_PREFIX, MAX_MADE_AT};
use crate::core::base64url;

const TRUSTING_OPEN: &[u8] = b"{\"changes\":";
const PRIVATE_OPEN: &[u8] = b"{\"encryptedChanges\":\"encrypted_U";
const KEY_USED: &[u8] = b"\",\"keyUsed\":";
const MADE_AT: &[u8] = b",\"madeAt\":";
const META: &[u8] = b",\"meta\":";
const ENCRYPTED_META: &[u8] = b",\"meta\":\"encrypted_U";
const TRUSTING_CLOSE: &[u8] = b",\"privacy\":\"trusting\"}";
const PRIVATE_CLOSE: &[u8] = b",\"privacy\":\"private\"}";

/// Copies the transactions of `json` into `sink` if it is a canonical
/// batch; else `None`, with `sink` holding part of it. Exactly the batches
/// it accepts, [`super::wire::parse_into`] accepts with the same result.
pub fn scan_into<S: TransactionSink>(json: &str, sink: &mut S) -> Option<()> {
    let mut cursor = Cursor {
        bytes: json.as_bytes(),
        at: 0,
    };
    cursor.eat(b"[")?;
    if cursor.eat(b"]").is_some() {
        return cursor.at_end().then_some(());
    }
    loop {
        let start = cursor.at;
        let (kind, size) = match cursor.peek(PRIVATE_OPEN) {
            true => cursor.private(start)?,
            false => cursor.trusting()?,
        };
        sink.text().push_str(json.get(start..cursor.at)?);
        sink.finish(kind, size);
        if cursor.eat(b",").is_none() {
            break;
        }
    }
    cursor.eat(b"]")?;
    cursor.at_end().then_some(())
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn peek(&self, literal: &[u8]) -> bool {
        self.bytes
            .get(self.at..)
            .is_some_and(|rest| rest.starts_with(literal))
    }

    fn eat(&mut self, literal: &[u8]) -> Option<()> {
        self.peek(literal).then(|| self.at += literal.len())
    }

    fn at_end(&self) -> bool {
        self.at == self.bytes.len()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(byte)
    }

    /// `{"changes":"…","madeAt":N(,"meta":"…")?,"privacy":"trusting"}`; the
    /// size is the byte length of the decoded `changes`.
    fn trusting(&mut self) -> Option<(Kind, usize)> {
        self.eat(TRUSTING_OPEN)?;
        let size = self.string()?;
        self.made_at()?;
        if self.eat(META).is_some() {
            self.string()?;
        }
        self.eat(TRUSTING_CLOSE)?;
        Some((Kind::TRUSTING, size))
    }

    /// `{"encryptedChanges":"encrypted_U…","keyUsed":"…","madeAt":N(,"meta":"encrypted_U…")?,"privacy":"private"}`.
    fn private(&mut self, start: usize) -> Option<(Kind, usize)> {
        self.eat(PRIVATE_OPEN)?;
        let changes = self.payload()?;
        self.eat(KEY_USED)?;
        self.string()?;
        self.made_at()?;
        let meta = match self.eat(ENCRYPTED_META) {
            Some(()) => {
                let meta = self.payload()?;
                self.eat(b"\"")?;
                Some(meta.start - start..meta.end - start)
            }
            None => None,
        };
        self.eat(PRIVATE_CLOSE)?;
        let size = ENCRYPTED_PREFIX.len() + changes.len();
        Some((
            Kind::private(changes.start - start..changes.end - start, meta),
            size,
        ))
    }

    /// Base64url characters up to (not including) the closing quote.
    fn payload(&mut self) -> Option<std::ops::Range<usize>> {
        let start = self.at;
        let rest = self.bytes.get(start..)?;
        let len = rest.iter().position(|&b| b == b'"')?;
        let payload = rest.get(..len)?;
        if !payload.iter().all(|&b| base64url::is_alphabet_or_pad(b)) {
            return None;
        }
        self.at += len;
        Some(start..start + len)
    }

    /// A string literal in canonical escaping, quotes included; returns the
    /// byte length of its decoded text.
    fn string(&mut self) -> Option<usize> {
        self.eat(b"\"")?;
        let mut decoded = 0usize;
        loop {
            match self.next()? {
                b'"' => return Some(decoded),
                b'\\' => self.canonical_escape()?,
                byte if byte < 0x20 => return None,
                _ => {}
            }
            decoded += 1;
        }
    }

    /// After a backslash: only the escapes `push_string` writes.
    fn canonical_escape(&mut self) -> Option<()> {
        match self.next()? {
            b'"' | b'\\' | b'n' | b'r' | b't' | b'b' | b'f' => Some(()),
            b'u' => {
                self.eat(b"00")?;
                let high = self.next()?;
                let low = hex_digit(self.next()?)?;
                let value = match high {
                    b'0' => low,
                    b'1' => 0x10 + low,
                    _ => return None,
                };
                // Those with a short form are never written as \u00xx.
                (![0x08, 0x09, 0x0a, 0x0c, 0x0d].contains(&value)).then_some(())
            }
            _ => None,
        }
    }

    /// `,"madeAt":` and an integer without leading zeros, at most 2^53-1.
    fn made_at(&mut self) -> Option<u64> {
        self.eat(MADE_AT)?;
        let start = self.at;
        let mut value = 0u64;
        while let Some(&byte) = self.bytes.get(self.at) {
            if !byte.is_ascii_digit() {
                break;
            }
            value = value.checked_mul(10)?.checked_add(u64::from(byte - b'0'))?;
            self.at += 1;
        }
        let digits = self.at - start;
        let leading_zero = digits > 1 && self.bytes.get(start) == Some(&b'0');
        (digits > 0 && !leading_zero && value <= MAX_MADE_AT).then_some(value)
    }
}

/// A lowercase hex digit's value.
fn hex_digit(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        _ => None,
    }
}
