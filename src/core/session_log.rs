//! One session of a CoValue: its transactions, the running BLAKE3 hash over
//! their JSON texts, the last signature and the in-between signatures.
//!
//! A signature covers the text `"hash_z<base58 of the running hash>"`
//! (quotes included), the stable JSON of cojson's hash value. Every change is
//! all-or-nothing: on error the log is exactly as before.

use crate::core::base58;
use crate::core::ed25519;
use crate::core::hash::Hasher;
use crate::core::keys::{Signature, SignerId, SignerSecret};
use crate::core::stable_json;
use crate::core::transaction::{Kind, Transaction, TransactionSink};
use ed25519_dalek::VerifyingKey;
use std::collections::BTreeMap;

/// Why transactions could not be added to a session.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogError {
    /// The signature does not sign the hash after the new transactions, or
    /// the session has no signer to check it against.
    #[error("Core error: Signature verification failed: (hash: {hash})")]
    SignatureVerification {
        /// The `hash_z…` the signature had to sign.
        hash: String,
    },
    /// A session holds at most 2^32-1 transactions (counts are `u32`).
    #[error("Core error: Too many transactions in one session (at most {max})")]
    TooManyTransactions {
        /// The limit.
        max: u32,
    },
}

/// A session's signer: its id (to compare with the id given for later
/// batches) and its decompressed public key.
#[derive(Debug, Clone)]
pub struct Signer {
    /// The `signer_z…` id.
    pub id: SignerId,
    /// The parsed Ed25519 key.
    pub key: VerifyingKey,
}

/// Where one stored transaction's text ends in [`SessionLog`]'s text (it
/// starts where the previous one ends) and where its payloads sit: 24 bytes.
#[derive(Clone, Copy)]
struct Entry {
    end: usize,
    kind: Kind,
}

/// The transactions of one session and their running hash.
///
/// The canonical texts of all transactions are stored back to back in one
/// string, with 24 bytes of layout per transaction: no allocation per
/// transaction, no spare capacity per transaction.
#[derive(Clone)]
pub struct SessionLog {
    signer: Option<Signer>,
    hasher: Hasher,
    text: String,
    entries: Vec<Entry>,
    /// Kept as text: that is what every reader asks for, and encoding a
    /// signature costs more than the call that returns it.
    last_signature: Option<Box<str>>,
    signature_after: BTreeMap<u32, Box<str>>,
    size_since_checkpoint: usize,
    nonce_prefix: String,
}

/// `"hash_z…"`: what a session signature signs.
fn signed_text(hasher: &Hasher) -> String {
    let mut out = String::with_capacity(52);
    out.push_str("\"hash_z");
    base58::encode_into(&hasher.finalize(), &mut out);
    out.push('"');
    out
}

/// A log's length and spare room before an addition, to go back to.
struct Mark {
    text: usize,
    text_capacity: usize,
    entries: usize,
    entries_capacity: usize,
}

impl Mark {
    fn of(log: &SessionLog) -> Self {
        Self {
            text: log.text.len(),
            text_capacity: log.text.capacity(),
            entries: log.entries.len(),
            entries_capacity: log.entries.capacity(),
        }
    }

    /// Takes out everything appended since, and the room reserved for it.
    fn restore(&self, log: &mut SessionLog) {
        // `self.text` was the text's length, so it is a character boundary.
        log.text.truncate(self.text);
        log.text.shrink_to(self.text_capacity);
        log.entries.truncate(self.entries);
        log.entries.shrink_to(self.entries_capacity);
    }
}

/// Received transactions being appended to a [`SessionLog`]: each text goes
/// straight into the log's storage. See [`SessionLog::add_received`].
pub struct Appender<'l> {
    log: &'l mut SessionLog,
    mark: &'l Mark,
    /// The sizes of the transactions appended so far, summed.
    size: usize,
}

impl TransactionSink for Appender<'_> {
    fn text(&mut self) -> &mut String {
        &mut self.log.text
    }

    fn finish(&mut self, kind: Kind, size: usize) {
        self.log.entries.push(Entry {
            end: self.log.text.len(),
            kind,
        });
        self.size = self.size.saturating_add(size);
    }

    fn discard(&mut self) {
        self.log.text.truncate(self.mark.text);
        self.log.entries.truncate(self.mark.entries);
        self.size = 0;
    }
}

impl SessionLog {
    /// An empty session of CoValue `co_id`. `signer` is the key that
    /// received transactions must be signed by; without it, only
    /// `skip_verify` additions succeed.
    pub fn new(co_id: &str, session_id: &str, signer: Option<Signer>) -> Self {
        let mut nonce_prefix = String::with_capacity(co_id.len() + session_id.len() + 40);
        nonce_prefix.push_str("{\"in\":");
        stable_json::push_string(&mut nonce_prefix, co_id);
        nonce_prefix.push_str(",\"tx\":{\"sessionID\":");
        stable_json::push_string(&mut nonce_prefix, session_id);
        nonce_prefix.push_str(",\"txIndex\":");
        Self {
            signer,
            hasher: Hasher::new(),
            text: String::new(),
            entries: Vec::new(),
            last_signature: None,
            signature_after: BTreeMap::new(),
            size_since_checkpoint: 0,
            nonce_prefix,
        }
    }

    /// The signer set when the session was created.
    pub fn signer(&self) -> Option<&Signer> {
        self.signer.as_ref()
    }

    /// Number of transactions.
    pub fn count(&self) -> u32 {
        // Appends keep the count within u32.
        u32::try_from(self.entries.len()).unwrap_or(u32::MAX)
    }

    fn start_of(&self, index: usize) -> usize {
        match index.checked_sub(1) {
            Some(previous) => self.entries.get(previous).map_or(0, |e| e.end),
            None => 0,
        }
    }

    /// The text of the transaction at `index`.
    pub fn transaction_json(&self, index: u32) -> Option<&str> {
        let index = usize::try_from(index).ok()?;
        let entry = self.entries.get(index)?;
        self.text.get(self.start_of(index)..entry.end)
    }

    /// The transaction at `index`, borrowing the stored text.
    pub fn transaction(&self, index: u32) -> Option<Transaction<'_>> {
        let json = self.transaction_json(index)?;
        let kind = self.entries.get(usize::try_from(index).ok()?)?.kind;
        // The size only matters when adding; stored transactions report 0.
        Some(Transaction::from_parts(json, kind, 0))
    }

    /// The texts of the transactions from `from` on (none past the end).
    pub fn transactions_from(&self, from: u32) -> impl Iterator<Item = &str> {
        let from = usize::try_from(from).unwrap_or(usize::MAX);
        let entries = self.entries.get(from..).unwrap_or_default();
        let mut start = self.start_of(from.min(self.entries.len()));
        entries.iter().map(move |entry| {
            let json = self.text.get(start..entry.end).unwrap_or_default();
            start = entry.end;
            json
        })
    }

    fn store(&mut self, transaction: &Transaction<'_>) {
        self.text.push_str(transaction.json());
        self.entries.push(Entry {
            end: self.text.len(),
            kind: transaction.kind(),
        });
    }

    /// The signature after the last transaction (`signature_z…`).
    pub fn last_signature(&self) -> Option<&str> {
        self.last_signature.as_deref()
    }

    /// The in-between signature recorded after transaction `index`.
    pub fn signature_after(&self, index: u32) -> Option<&str> {
        self.signature_after.get(&index).map(|s| &**s)
    }

    /// The highest index with an in-between signature, or -1.
    pub fn last_checkpoint(&self) -> i64 {
        self.signature_after
            .keys()
            .next_back()
            .map_or(-1, |&i| i64::from(i))
    }

    /// The nonce material of transaction `index`:
    /// `{"in":<coId>,"tx":{"sessionID":<sessionId>,"txIndex":<index>}}`.
    pub fn nonce_material(&self, index: u32) -> String {
        let mut out = String::with_capacity(self.nonce_prefix.len() + 12);
        out.push_str(&self.nonce_prefix);
        out.push_str(&index.to_string());
        out.push_str("}}");
        out
    }

    /// Refuses `adding` more transactions (or those already appended, with
    /// 0) when the count would not fit in a `u32`.
    fn check_room(&self, adding: usize) -> Result<(), LogError> {
        let total = self.entries.len().saturating_add(adding);
        if u32::try_from(total).is_err() {
            return Err(LogError::TooManyTransactions { max: u32::MAX });
        }
        Ok(())
    }

    /// Records `signature` as the last one, and as an in-between signature
    /// once more than `max_tx_size` bytes of changes came since the previous.
    fn record_signature(&mut self, size: usize, signature: Box<str>, max_tx_size: usize) {
        self.size_since_checkpoint = self.size_since_checkpoint.saturating_add(size);
        let count = self.count();
        if self.size_since_checkpoint > max_tx_size && count > 0 {
            self.signature_after.insert(count - 1, signature.clone());
            self.size_since_checkpoint = 0;
        }
        self.last_signature = Some(signature);
    }

    /// Adds received transactions that `parse` writes straight into this
    /// log's storage (see [`crate::core::transaction::parse_batch_into`]), so
    /// a batch is never held in a second copy.
    ///
    /// Unless `skip_verify`, `signature` must verify against the session's
    /// signer over the hash after the new transactions. As in
    /// `cojson-core-napi`, a `skip_verify` addition does not advance the
    /// running hash. If `parse` fails or the signature does not verify,
    /// everything it wrote is taken out again (spare room included) and the
    /// log is exactly as before.
    pub fn add_received<E: From<LogError>>(
        &mut self,
        parse: impl FnOnce(&mut Appender<'_>) -> Result<(), E>,
        signature: &Signature,
        skip_verify: bool,
        max_tx_size: usize,
    ) -> Result<(), E> {
        let mark = Mark::of(self);
        match self.append_checked(&mark, parse, signature, skip_verify) {
            Ok(size) => {
                self.give_back_spare_room(mark.text_capacity);
                self.record_signature(size, signature.to_text().into_boxed_str(), max_tx_size);
                Ok(())
            }
            Err(e) => {
                mark.restore(self);
                Err(e)
            }
        }
    }

    /// `parse_batch_into` reserves room for the whole batch text; when that
    /// text was much longer than its canonical form (whitespace, escapes),
    /// gives back what is beyond the room doubling would have left.
    fn give_back_spare_room(&mut self, capacity_before: usize) {
        let keep = self.text.len().max(capacity_before).saturating_mul(2);
        if self.text.capacity() > keep {
            self.text.shrink_to(keep);
        }
    }

    /// Appends through `parse`, then checks the count and the signature;
    /// returns the size of the new transactions. The caller restores `mark`
    /// on error.
    fn append_checked<E: From<LogError>>(
        &mut self,
        mark: &Mark,
        parse: impl FnOnce(&mut Appender<'_>) -> Result<(), E>,
        signature: &Signature,
        skip_verify: bool,
    ) -> Result<usize, E> {
        let mut appender = Appender {
            log: self,
            mark,
            size: 0,
        };
        parse(&mut appender)?;
        let size = appender.size;
        self.check_room(0)?;
        if !skip_verify {
            let mut hasher = self.hasher.clone();
            hasher.update(self.text.get(mark.text..).unwrap_or_default().as_bytes());
            let text = signed_text(&hasher);
            let valid = self
                .signer
                .as_ref()
                .is_some_and(|s| ed25519::verify_with(&s.key, text.as_bytes(), signature));
            if !valid {
                return Err(LogError::SignatureVerification {
                    hash: text.trim_matches('"').to_owned(),
                }
                .into());
            }
            self.hasher = hasher;
        }
        Ok(size)
    }

    /// Appends a transaction made here and signs the new hash with `secret`
    /// (its expanded key comes from the process-wide key store). Returns the
    /// signature as text (`signature_z…`).
    pub fn append_own(
        &mut self,
        transaction: Transaction<'_>,
        secret: &SignerSecret,
        max_tx_size: usize,
    ) -> Result<Box<str>, LogError> {
        self.check_room(1)?;
        self.hasher.update(transaction.json().as_bytes());
        let signature = ed25519::sign(secret, signed_text(&self.hasher).as_bytes());
        let size = transaction.size();
        self.store(&transaction);
        let text = signature.to_text().into_boxed_str();
        self.record_signature(size, text.clone(), max_tx_size);
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl SessionLog {
        /// Adds `transactions` signed by `signature`, as
        /// [`SessionLog::add_received`] does with what it parses.
        fn add(
            &mut self,
            transactions: Vec<Transaction<'_>>,
            signature: &Signature,
            skip_verify: bool,
            max_tx_size: usize,
        ) -> Result<(), LogError> {
            let parse = |sink: &mut Appender<'_>| {
                transactions.iter().for_each(|tx| sink.push(tx));
                Ok::<(), LogError>(())
            };
            self.add_received(parse, signature, skip_verify, max_tx_size)
        }
    }

    fn signer(secret: &SignerSecret) -> Signer {
        let id = ed25519::signer_id(secret);
        Signer {
            id,
            key: ed25519::verifying_key(&id).unwrap(),
        }
    }

    #[test]
    fn nonce_material_is_stable_json() {
        let log = SessionLog::new("co_zA", "s_session_zB", None);
        assert_eq!(
            log.nonce_material(3),
            r#"{"in":"co_zA","tx":{"sessionID":"s_session_zB","txIndex":3}}"#
        );
    }

    #[test]
    fn own_transactions_verify_on_another_log() {
        let secret = SignerSecret::from_bytes([5u8; 32]);
        let mut mine = SessionLog::new("co_zA", "s", None);
        let tx1 = Transaction::trusting("[1]", 1, None);
        let tx2 = Transaction::trusting("[2]", 2, Some("{}"));
        let _ = mine.append_own(tx1.clone(), &secret, 100).unwrap();
        let sig2 = mine.append_own(tx2.clone(), &secret, 100).unwrap();
        let parsed2 = Signature::parse(&sig2).unwrap();

        let mut theirs = SessionLog::new("co_zA", "s", Some(signer(&secret)));
        theirs.add(vec![tx1, tx2], &parsed2, false, 100).unwrap();
        assert_eq!(theirs.count(), 2);
        assert_eq!(theirs.last_signature(), Some(&*sig2));
        // The running hash must now match: one more own tx signs identically.
        let tx3 = Transaction::trusting("[3]", 3, None);
        let a = mine.append_own(tx3.clone(), &secret, 100).unwrap();
        let b = theirs.append_own(tx3, &secret, 100).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn failed_verification_changes_nothing() {
        let secret = SignerSecret::from_bytes([5u8; 32]);
        let other = SignerSecret::from_bytes([6u8; 32]);
        let mut mine = SessionLog::new("co_zA", "s", None);
        let tx = Transaction::trusting("[1]", 1, None);
        let sig = Signature::parse(&mine.append_own(tx.clone(), &other, 100).unwrap()).unwrap();
        let mut theirs = SessionLog::new("co_zA", "s", Some(signer(&secret)));
        let err = theirs.add(vec![tx.clone()], &sig, false, 100).unwrap_err();
        assert!(
            matches!(err, LogError::SignatureVerification { ref hash } if hash.starts_with("hash_z"))
        );
        assert_eq!(theirs.count(), 0);
        assert!(theirs.last_signature().is_none());
        // Without a signer nothing verifies, but skip_verify stores as given.
        let mut unsigned = SessionLog::new("co_zA", "s", None);
        assert!(unsigned.add(vec![tx.clone()], &sig, false, 100).is_err());
        unsigned.add(vec![tx], &sig, true, 100).unwrap();
        assert_eq!(unsigned.count(), 1);
    }

    #[test]
    fn received_batches_go_straight_into_storage_and_out_again_on_error() {
        use crate::core::transaction::{parse_batch_into, TxError};
        let secret = SignerSecret::from_bytes([5u8; 32]);
        let sig = Signature::parse(
            &SessionLog::new("co_zA", "s", None)
                .append_own(Transaction::trusting("[1]", 1, None), &secret, 100)
                .unwrap(),
        )
        .unwrap();
        let mut log = SessionLog::new("co_zA", "s", None);
        fn parse(json: &str) -> impl FnOnce(&mut Appender<'_>) -> Result<(), Error> + '_ {
            move |sink| parse_batch_into(json, sink).map_err(Error::Tx)
        }
        log.add_received(
            parse(r#"[{"changes":"[1]","madeAt":1,"privacy":"trusting"}]"#),
            &sig,
            true,
            100,
        )
        .unwrap();
        let (text, capacity) = (log.text.clone(), log.text.capacity());
        // A bad second transaction, then a bad signature: nothing changes.
        let bad = r#"[{"privacy":"trusting","madeAt":2,"changes":"[2]"},{"privacy":"trusting","madeAt":3,"changes":[0]}]"#;
        assert_eq!(
            log.add_received(parse(bad), &sig, true, 100),
            Err(Error::Tx(TxError::Invalid("changes must be a string")))
        );
        let good = r#"[{"privacy":"trusting","madeAt":2,"changes":"[2]"}]"#;
        assert!(matches!(
            log.add_received(parse(good), &sig, false, 100),
            Err(Error::Log(LogError::SignatureVerification { .. }))
        ));
        assert_eq!(
            (log.count(), &log.text, log.text.capacity()),
            (1, &text, capacity)
        );
        // A batch padded with 1 MiB of whitespace leaves no room that size behind.
        let padded = format!("[{}{}", " ".repeat(1 << 20), &good[1..]);
        log.add_received(parse(&padded), &sig, true, 100).unwrap();
        assert_eq!(log.count(), 2);
        assert!(
            log.text.capacity() <= 2 * capacity.max(log.text.len()),
            "{}",
            log.text.capacity()
        );
    }

    /// Either error of a receive, for the tests.
    #[derive(Debug, PartialEq)]
    enum Error {
        Tx(crate::core::transaction::TxError),
        Log(LogError),
    }

    impl From<LogError> for Error {
        fn from(e: LogError) -> Self {
            Error::Log(e)
        }
    }

    #[test]
    fn in_between_signatures_after_max_size() {
        let secret = SignerSecret::from_bytes([5u8; 32]);
        let mut log = SessionLog::new("co_zA", "s", None);
        let big = "x".repeat(60);
        let s0 = log
            .append_own(Transaction::trusting(&big, 1, None), &secret, 100)
            .unwrap();
        assert_eq!(log.last_checkpoint(), -1);
        let s1 = log
            .append_own(Transaction::trusting(&big, 2, None), &secret, 100)
            .unwrap();
        assert_ne!(s0, s1);
        assert_eq!(log.last_checkpoint(), 1);
        assert_eq!(log.signature_after(1), Some(&*s1));
        assert_eq!(log.signature_after(0), None);
        let _ = log
            .append_own(Transaction::trusting(&big, 3, None), &secret, 100)
            .unwrap();
        assert_eq!(log.last_checkpoint(), 1);
    }
}
