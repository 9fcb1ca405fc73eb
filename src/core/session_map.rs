//! `SessionMap`: the transaction log of one CoValue — its header, every
//! session's transactions and signatures, and the known state cojson syncs.
//!
//! Same results as `cojson-core-napi`'s `SessionMap` for honest data, with
//! three guarantees on top: malformed input is an error (never a crash),
//! received transactions must be in canonical form, and a failed call leaves
//! the map exactly as it was.

use crate::core::ed25519;
use crate::core::error::{CryptoError, KeyError};
use crate::core::header::{Header, HeaderError};
use crate::core::keys::{KeySecret, Signature, SignerId, SignerSecret};
use crate::core::known_state::{self, SessionCounts};
use crate::core::session_log::{Appender, LogError, SessionLog, Signer};
use crate::core::stable_json;
use crate::core::transaction::{self, encrypt_payload, Transaction, TxError};
use std::cell::Cell;
use std::collections::HashMap;

/// Default threshold for in-between signatures: 100 KiB, cojson's
/// `MAX_RECOMMENDED_TX_SIZE`.
pub const DEFAULT_MAX_TX_SIZE: u32 = 100 * 1024;
/// Largest `changes` text a new transaction may have: 1 MiB.
pub const MAX_CHANGES_BYTES: usize = 1024 * 1024;
/// Longest CoValue id or session id accepted, in bytes.
pub const MAX_ID_BYTES: usize = 1024;

/// Why a `SessionMap` call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionMapError {
    /// The header is malformed or does not hash to the CoValue id.
    #[error(transparent)]
    Header(#[from] HeaderError),
    /// The transactions JSON is malformed or not canonical, or a stored
    /// transaction could not be decrypted.
    #[error(transparent)]
    Transaction(#[from] TxError),
    /// Signature verification failed, or a session is full.
    #[error(transparent)]
    Log(#[from] LogError),
    /// A signer id, signature or key secret could not be parsed.
    #[error("Core error: {0}")]
    Key(#[from] KeyError),
    /// A signer id that is not an Ed25519 public key.
    #[error("Core error: {0}")]
    Crypto(#[from] CryptoError),
    /// A CoValue id or session id that is empty, too long or has characters
    /// that JSON would escape.
    #[error("Invalid {what}: must be 1 to {max} bytes without quotes, backslashes or control characters")]
    Id {
        /// "CoValue ID" or "session ID".
        what: &'static str,
        /// The length limit.
        max: usize,
    },
    /// The CoValue is deleted and the session is not a delete session.
    #[error("Cannot add to deleted CoValue: {0}")]
    Deleted(String),
    /// `changes` of a new transaction above 1 MiB. cojson matches this text.
    #[error("Core error: Transaction too large to be synced: {size} bytes > {limit} bytes limit")]
    TooLarge {
        /// The size given.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// No transaction at this index.
    #[error("Core error: Transaction not found at index {0}")]
    TransactionNotFound(u32),
    /// The streaming known state is not a JSON object of session counts.
    #[error("Serialization error: {0}")]
    Streaming(String),
}

/// True for the sessions that survive deletion: `…_session_d…$`.
pub fn is_delete_session(session_id: &str) -> bool {
    session_id.contains("_session_d") && session_id.ends_with('$')
}

fn check_id(id: &str, what: &'static str) -> Result<(), SessionMapError> {
    if id.is_empty() || id.len() > MAX_ID_BYTES || !stable_json::is_plain(id) {
        return Err(SessionMapError::Id {
            what,
            max: MAX_ID_BYTES,
        });
    }
    Ok(())
}

/// A new transaction and its signature, as `makeNew*Transaction` return them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The signature after the new transaction (`signature_z…`).
    pub signature: Box<str>,
    /// The transaction's canonical JSON.
    pub transaction_json: String,
}

impl Signed {
    /// `{"signature":"signature_z…","transaction":{…}}`.
    pub fn to_json(&self) -> String {
        let signature = &self.signature;
        let mut out = String::with_capacity(self.transaction_json.len() + signature.len() + 32);
        out.push_str("{\"signature\":\"");
        out.push_str(signature);
        out.push_str("\",\"transaction\":");
        out.push_str(&self.transaction_json);
        out.push('}');
        out
    }
}

/// What a new transaction holds before it is encrypted and signed.
pub enum NewTransaction<'a> {
    /// Changes and meta stored in clear.
    Trusting,
    /// Changes and meta encrypted with `key`; `key_id` names it.
    Private {
        /// The `key_z…` id written into the transaction.
        key_id: &'a str,
        /// The `keySecret_z…` text.
        key_secret: &'a str,
    },
}

/// The transaction log of one CoValue.
pub struct SessionMap {
    co_id: String,
    header: Header,
    sessions: Vec<(String, SessionLog)>,
    index: HashMap<String, usize>,
    /// Position in `sessions` of the session looked up last: readers such as
    /// `getTransaction` ask for the same session many times in a row, and one
    /// string comparison is cheaper than hashing the id again.
    last_lookup: Cell<usize>,
    streaming: Option<SessionCounts>,
    known_with_streaming: Option<SessionCounts>,
    deleted: bool,
    max_tx_size: usize,
}

impl SessionMap {
    /// Parses the header and, unless `skip_verify`, checks that it hashes to
    /// `co_id` (and has no unknown fields or empty uniqueness keys).
    pub fn new(
        co_id: &str,
        header_json: &str,
        max_tx_size: Option<u32>,
        skip_verify: bool,
    ) -> Result<Self, SessionMapError> {
        check_id(co_id, "CoValue ID")?;
        let header = Header::parse(header_json, !skip_verify)?;
        if !skip_verify {
            header.check_id(co_id)?;
        }
        let max = max_tx_size.unwrap_or(DEFAULT_MAX_TX_SIZE);
        Ok(Self {
            co_id: co_id.to_owned(),
            header,
            sessions: Vec::new(),
            index: HashMap::new(),
            last_lookup: Cell::new(0),
            streaming: None,
            known_with_streaming: None,
            deleted: false,
            max_tx_size: usize::try_from(max).unwrap_or(usize::MAX),
        })
    }

    /// The header's canonical JSON.
    pub fn header_json(&self) -> &str {
        self.header.json()
    }

    fn log(&self, session_id: &str) -> Option<&SessionLog> {
        if let Some((id, log)) = self.sessions.get(self.last_lookup.get()) {
            if id == session_id {
                return Some(log);
            }
        }
        let &i = self.index.get(session_id)?;
        self.last_lookup.set(i);
        self.sessions.get(i).map(|(_, log)| log)
    }

    fn log_mut(&mut self, session_id: &str) -> Option<&mut SessionLog> {
        let &i = self.index.get(session_id)?;
        self.sessions.get_mut(i).map(|(_, log)| log)
    }

    fn insert_new(&mut self, session_id: &str, log: SessionLog) {
        self.index
            .insert(session_id.to_owned(), self.sessions.len());
        self.sessions.push((session_id.to_owned(), log));
    }

    fn known_count(&self, session_id: &str) -> Option<u32> {
        if self.deleted && !is_delete_session(session_id) {
            return None;
        }
        self.log(session_id).map(SessionLog::count)
    }

    /// Adds received transactions (a JSON array) to `session_id`, signed by
    /// `signature`. `signer_id` is only used when the session is new; unless
    /// `skip_verify`, the signature must verify against the session's signer.
    pub fn add_transactions(
        &mut self,
        session_id: &str,
        signer_id: Option<&str>,
        transactions_json: &str,
        signature: &str,
        skip_verify: bool,
    ) -> Result<(), SessionMapError> {
        if self.deleted && !is_delete_session(session_id) {
            return Err(SessionMapError::Deleted(self.co_id.clone()));
        }
        check_id(session_id, "session ID")?;
        let existing = self.log(session_id);
        let signer = match signer_id {
            None => None,
            Some(text) => {
                let id = SignerId::parse(text)?;
                match existing.and_then(SessionLog::signer) {
                    Some(known) if known.id == id => None,
                    _ => Some(Signer {
                        id,
                        key: ed25519::verifying_key(&id)?,
                    }),
                }
            }
        };
        let signature = Signature::parse(signature)?;
        let max = self.max_tx_size;
        // Parsed straight into the log's storage. `SessionLog::add_received`
        // changes nothing on error, and a new session is only inserted once
        // its first batch is in.
        let parse = |sink: &mut Appender<'_>| {
            transaction::parse_batch_into(transactions_json, sink).map_err(SessionMapError::from)
        };
        let count = match self.log_mut(session_id) {
            Some(log) => {
                log.add_received(parse, &signature, skip_verify, max)?;
                log.count()
            }
            None => {
                let mut log = SessionLog::new(&self.co_id, session_id, signer);
                log.add_received(parse, &signature, skip_verify, max)?;
                let count = log.count();
                self.insert_new(session_id, log);
                count
            }
        };

        if let Some(streaming) = &self.streaming {
            if streaming.is_covered_by(|id| self.known_count(id)) {
                self.streaming = None;
                self.known_with_streaming = None;
            }
        }
        if let Some(known) = &mut self.known_with_streaming {
            known.raise(session_id, count);
        }
        Ok(())
    }

    /// Makes, signs and appends a transaction of this node.
    pub fn make_new_transaction(
        &mut self,
        session_id: &str,
        signer_secret: &str,
        changes_json: &str,
        kind: NewTransaction<'_>,
        meta_json: Option<&str>,
        made_at: u64,
    ) -> Result<Signed, SessionMapError> {
        if self.deleted {
            return Err(SessionMapError::Deleted(self.co_id.clone()));
        }
        check_id(session_id, "session ID")?;
        if changes_json.len() > MAX_CHANGES_BYTES {
            return Err(SessionMapError::TooLarge {
                size: changes_json.len(),
                limit: MAX_CHANGES_BYTES,
            });
        }
        let key = match kind {
            NewTransaction::Private { key_id, key_secret } => {
                Some((key_id, KeySecret::parse(key_secret)?))
            }
            NewTransaction::Trusting => None,
        };
        let secret = SignerSecret::parse(signer_secret)?;
        // A new session is only inserted once its first transaction is in.
        let mut fresh = None;
        let existing = self
            .index
            .get(session_id)
            .and_then(|&i| self.sessions.get_mut(i))
            .map(|(_, log)| log);
        let log = match existing {
            Some(log) => log,
            None => fresh.insert(SessionLog::new(&self.co_id, session_id, None)),
        };
        let nonce = log.nonce_material(log.count());
        let transaction = match &key {
            None => Transaction::trusting(changes_json, made_at, meta_json),
            Some((key_id, key)) => {
                let changes = encrypt_payload(key, nonce.as_bytes(), changes_json);
                let meta = meta_json.map(|m| encrypt_payload(key, nonce.as_bytes(), m));
                Transaction::private(&changes, key_id, made_at, meta.as_deref())
            }
        };
        let transaction_json = transaction.json().to_owned();
        // `SessionLog::append_own` changes nothing on error.
        let signature = log.append_own(transaction, &secret, self.max_tx_size)?;
        let count = log.count();
        if let Some(log) = fresh {
            self.insert_new(session_id, log);
        }
        if let Some(known) = &mut self.known_with_streaming {
            known.set(session_id, count);
        }
        Ok(Signed {
            signature,
            transaction_json,
        })
    }

    /// Session ids in the order sessions were created.
    pub fn session_ids(&self) -> impl Iterator<Item = &str> {
        self.sessions.iter().map(|(id, _)| id.as_str())
    }

    /// Number of transactions in a session, `None` if there is no such session.
    pub fn transaction_count(&self, session_id: &str) -> Option<u32> {
        self.log(session_id).map(SessionLog::count)
    }

    /// One transaction's JSON.
    pub fn transaction(&self, session_id: &str, index: u32) -> Option<&str> {
        self.log(session_id)?.transaction_json(index)
    }

    /// The JSON of a session's transactions from `from` on.
    pub fn session_transactions(
        &self,
        session_id: &str,
        from: u32,
    ) -> Option<impl Iterator<Item = &str>> {
        let log = self.log(session_id)?;
        Some(log.transactions_from(from))
    }

    /// The signature after a session's last transaction.
    pub fn last_signature(&self, session_id: &str) -> Option<&str> {
        self.log(session_id)?.last_signature()
    }

    /// The in-between signature after transaction `index`.
    pub fn signature_after(&self, session_id: &str, index: u32) -> Option<&str> {
        self.log(session_id)?.signature_after(index)
    }

    /// The highest index with an in-between signature (-1 if none), `None`
    /// if there is no such session.
    pub fn last_signature_checkpoint(&self, session_id: &str) -> Option<i64> {
        self.log(session_id).map(SessionLog::last_checkpoint)
    }

    /// The CoValue id.
    pub fn co_id(&self) -> &str {
        &self.co_id
    }

    /// The known state's sessions, in creation order. Once deleted, only
    /// delete sessions.
    pub fn known_sessions(&self) -> impl Iterator<Item = (&str, u32)> {
        self.sessions
            .iter()
            .filter(|(id, _)| !self.deleted || is_delete_session(id))
            .map(|(id, log)| (id.as_str(), log.count()))
    }

    /// The known state including content announced as streaming, while some
    /// of it has not arrived.
    pub fn known_sessions_with_streaming(&self) -> Option<&SessionCounts> {
        self.known_with_streaming.as_ref()
    }

    /// True while announced streaming content has not all arrived.
    pub fn is_streaming(&self) -> bool {
        self.streaming.is_some()
    }

    /// Records content a peer announced (`{sessionId: count}` JSON). Ignored
    /// once deleted or when everything announced is already here.
    pub fn set_streaming_known_state(
        &mut self,
        streaming_json: &str,
    ) -> Result<(), SessionMapError> {
        if self.deleted {
            return Ok(());
        }
        let announced = known_state::parse_announced(streaming_json)
            .map_err(|e| SessionMapError::Streaming(e.to_string()))?;
        if announced
            .iter()
            .all(|(id, count)| self.known_count(id).is_some_and(|have| *count <= have))
        {
            return Ok(());
        }
        // The sessions announced ahead of what is here (unknown counts as zero).
        let ahead: Vec<(&str, u32)> = announced
            .iter()
            .filter(|(id, count)| *count > self.known_count(id).unwrap_or(0))
            .map(|(id, count)| (&**id, *count))
            .collect();
        let streaming = self.streaming.get_or_insert_with(SessionCounts::new);
        for &(id, count) in &ahead {
            streaming.raise(id, count);
        }
        if self.known_with_streaming.is_none() {
            let known =
                SessionCounts::from_pairs(self.known_sessions().map(|(id, c)| (id.to_owned(), c)));
            self.known_with_streaming = Some(known);
        }
        if let Some(known) = &mut self.known_with_streaming {
            for &(id, count) in &ahead {
                known.raise(id, count);
            }
        }
        Ok(())
    }

    /// Marks the CoValue deleted: from now on only delete sessions are known
    /// and accept transactions; streaming state is dropped.
    pub fn mark_as_deleted(&mut self) {
        self.deleted = true;
        self.streaming = None;
        self.known_with_streaming = None;
    }

    /// True once marked deleted.
    pub fn is_deleted(&self) -> bool {
        self.deleted
    }

    fn stored(
        &self,
        session_id: &str,
        index: u32,
    ) -> Result<Option<(&SessionLog, Transaction<'_>)>, SessionMapError> {
        let Some(log) = self.log(session_id) else {
            return Ok(None);
        };
        let tx = log
            .transaction(index)
            .ok_or(SessionMapError::TransactionNotFound(index))?;
        Ok(Some((log, tx)))
    }

    /// What decrypting part of a stored transaction needs: the transaction,
    /// its nonce material, and `key_secret` parsed only if `encrypted` says
    /// that part is encrypted. `None` if there is no such session.
    fn to_decrypt<'map>(
        &'map self,
        session_id: &str,
        index: u32,
        key_secret: &str,
        encrypted: impl FnOnce(&Transaction<'map>) -> bool,
    ) -> Result<Option<(Transaction<'map>, String, Option<KeySecret>)>, SessionMapError> {
        let Some((log, tx)) = self.stored(session_id, index)? else {
            return Ok(None);
        };
        let nonce = log.nonce_material(index);
        let key = match encrypted(&tx) {
            true => Some(KeySecret::parse(key_secret)?),
            false => None,
        };
        Ok(Some((tx, nonce, key)))
    }

    /// The plaintext changes of a transaction (`None` if there is no such
    /// session). The key is only parsed for private transactions.
    pub fn decrypt_transaction(
        &self,
        session_id: &str,
        index: u32,
        key_secret: &str,
    ) -> Result<Option<String>, SessionMapError> {
        let Some((tx, nonce, key)) =
            self.to_decrypt(session_id, index, key_secret, Transaction::is_private)?
        else {
            return Ok(None);
        };
        Ok(Some(tx.decrypt_changes(key.as_ref(), nonce.as_bytes())?))
    }

    /// The plaintext meta of a transaction (`None` without session or meta).
    pub fn decrypt_transaction_meta(
        &self,
        session_id: &str,
        index: u32,
        key_secret: &str,
    ) -> Result<Option<String>, SessionMapError> {
        let Some((tx, nonce, key)) = self.to_decrypt(
            session_id,
            index,
            key_secret,
            Transaction::has_encrypted_meta,
        )?
        else {
            return Ok(None);
        };
        Ok(tx.decrypt_meta(key.as_ref(), nonce.as_bytes())?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::keys::SignerSecret;

    const HEADER: &str =
        r#"{"type":"comap","ruleset":{"type":"unsafeAllowAll"},"meta":null,"uniqueness":"u1"}"#;

    fn map() -> SessionMap {
        let id = Header::parse(HEADER, true).unwrap().co_id();
        SessionMap::new(&id, HEADER, None, false).unwrap()
    }

    fn secret() -> (String, String) {
        let secret = SignerSecret::from_bytes([3u8; 32]);
        let id = ed25519::signer_id(&secret).to_text();
        (secret_text(&secret), id)
    }

    fn secret_text(secret: &SignerSecret) -> String {
        let mut out = String::from(SignerSecret::PREFIX);
        crate::core::base58::encode_into(secret.as_bytes(), &mut out);
        out
    }

    fn known(m: &SessionMap) -> Vec<(String, u32)> {
        m.known_sessions().map(|(s, c)| (s.to_owned(), c)).collect()
    }

    #[test]
    fn header_must_hash_to_the_id_unless_skipped() {
        assert!(matches!(
            SessionMap::new("co_zabc", HEADER, None, false),
            Err(SessionMapError::Header(HeaderError::IdMismatch { .. }))
        ));
        assert!(SessionMap::new("co_zabc", HEADER, None, true).is_ok());
        assert!(matches!(
            SessionMap::new("", HEADER, None, true),
            Err(SessionMapError::Id { .. })
        ));
    }

    #[test]
    fn made_here_then_received_there() {
        let (secret, signer) = secret();
        let mut author = map();
        let mut receiver = map();
        let a = author
            .make_new_transaction(
                "s_session_z1",
                &secret,
                "[1]",
                NewTransaction::Trusting,
                None,
                1,
            )
            .unwrap();
        let b = author
            .make_new_transaction(
                "s_session_z1",
                &secret,
                "[2]",
                NewTransaction::Private {
                    key_id: "key_z1",
                    key_secret: "keySecret_z11111111111111111111111111111111",
                },
                Some("{}"),
                2,
            )
            .unwrap();
        let batch = format!("[{},{}]", a.transaction_json, b.transaction_json);
        receiver
            .add_transactions("s_session_z1", Some(&signer), &batch, &b.signature, false)
            .unwrap();
        assert_eq!(known(&receiver), vec![("s_session_z1".to_owned(), 2)]);
        assert_eq!(
            receiver.last_signature("s_session_z1"),
            author.last_signature("s_session_z1")
        );
        let key = "keySecret_z11111111111111111111111111111111";
        assert_eq!(
            receiver
                .decrypt_transaction("s_session_z1", 1, key)
                .unwrap()
                .as_deref(),
            Some("[2]")
        );
        assert_eq!(
            receiver
                .decrypt_transaction_meta("s_session_z1", 1, key)
                .unwrap()
                .as_deref(),
            Some("{}")
        );
        assert!(b.to_json().starts_with("{\"signature\":\"signature_z"));
    }

    #[test]
    fn failures_leave_no_trace() {
        let (secret, signer) = secret();
        let mut author = map();
        let a = author
            .make_new_transaction("s", &secret, "[1]", NewTransaction::Trusting, None, 1)
            .unwrap();
        let mut m = map();
        // Wrong signature: a signature over a different hash.
        let other = author
            .make_new_transaction("s", &secret, "[2]", NewTransaction::Trusting, None, 2)
            .unwrap();
        let batch = format!("[{}]", a.transaction_json);
        assert!(m
            .add_transactions("s", Some(&signer), &batch, &other.signature, false)
            .is_err());
        assert!(m
            .make_new_transaction("t", "garbage", "[1]", NewTransaction::Trusting, None, 1)
            .is_err());
        let big = "x".repeat(MAX_CHANGES_BYTES + 1);
        assert!(matches!(
            m.make_new_transaction("t", &secret, &big, NewTransaction::Trusting, None, 1),
            Err(SessionMapError::TooLarge { .. })
        ));
        assert_eq!(m.session_ids().count(), 0);
        assert_eq!(m.transaction_count("s"), None);
        // The right batch still goes in afterwards.
        m.add_transactions("s", Some(&signer), &batch, &a.signature, false)
            .unwrap();
        assert_eq!(m.transaction_count("s"), Some(1));
    }

    #[test]
    fn deletion_keeps_only_delete_sessions() {
        let (secret, _) = secret();
        let mut m = map();
        for s in ["a_session_z1", "a_session_d1$", "foo$"] {
            m.make_new_transaction(s, &secret, "[1]", NewTransaction::Trusting, None, 1)
                .unwrap();
        }
        m.mark_as_deleted();
        assert_eq!(known(&m), vec![("a_session_d1$".to_owned(), 1)]);
        assert_eq!(m.session_ids().count(), 3);
        assert!(matches!(
            m.make_new_transaction(
                "a_session_d1$",
                &secret,
                "[1]",
                NewTransaction::Trusting,
                None,
                1
            ),
            Err(SessionMapError::Deleted(_))
        ));
        assert!(matches!(
            m.add_transactions(
                "foo$",
                None,
                "[]",
                &Signature::from_bytes([0; 64]).to_text(),
                true
            ),
            Err(SessionMapError::Deleted(_))
        ));
        // Streaming is ignored once deleted, even when it is not JSON.
        assert!(m.set_streaming_known_state("not json").is_ok());
        assert!(!m.is_streaming());
    }

    #[test]
    fn streaming_state_follows_the_reference() {
        let (secret, _) = secret();
        let mut m = map();
        m.set_streaming_known_state(r#"{"s":3,"t":2}"#).unwrap();
        assert!(m.is_streaming());
        let with = |m: &SessionMap| {
            m.known_sessions_with_streaming()
                .map(|k| k.iter().map(|(s, c)| (s.to_owned(), c)).collect::<Vec<_>>())
        };
        assert_eq!(
            with(&m),
            Some(vec![("s".to_owned(), 3), ("t".to_owned(), 2)])
        );
        // A local write overwrites the streaming count for its session.
        m.make_new_transaction("t", &secret, "[1]", NewTransaction::Trusting, None, 1)
            .unwrap();
        assert_eq!(
            with(&m),
            Some(vec![("s".to_owned(), 3), ("t".to_owned(), 1)])
        );
        // Announcing only what is already here changes nothing.
        m.set_streaming_known_state(r#"{"t":1}"#).unwrap();
        assert!(m.is_streaming());
        // A session announced at zero is "ahead" of nothing but still starts
        // streaming on a map with no streaming yet.
        let mut fresh = map();
        fresh.set_streaming_known_state(r#"{"q":0}"#).unwrap();
        assert!(fresh.is_streaming());
        assert_eq!(with(&fresh), Some(vec![]));
        assert!(fresh.set_streaming_known_state(r#"{"q":-1}"#).is_err());
        assert!(fresh.set_streaming_known_state("[]").is_err());
    }
}
