//! The transaction log of one session in the two shapes that cojson 0.18 to
//! 0.20.7 drive through `cojson-core-napi`'s `SessionLog` class:
//!
//! - 0.18.x and 0.19.x hand over a batch at once: [`StagedLog::try_add`]
//!   takes each transaction as its own canonical JSON text;
//! - 0.20.0 to 0.20.7 stage the fields of each transaction
//!   ([`StagedLog::stage`]) and then commit the staged batch under one
//!   signature ([`StagedLog::commit`]).
//!
//! Both end in the same [`SessionLog`] that `SessionMap` keeps per session,
//! so hashing, signing, verification and decryption are that one
//! implementation; this module only stages and checks.
//!
//! Received transactions follow the rules of `SessionMap`'s received batches
//! (`transaction::parse_batch_into`): a staged transaction is written in
//! canonical form and read back by that parser, and a `tryAdd` text must
//! already be the canonical text (what cojson's `stableStringify` writes),
//! since it is hashed as given. Every change is all-or-nothing: a call that
//! fails leaves the committed log exactly as it was, and a failed `stage`
//! or `commit` also empties the staging area, so a rejected batch can never
//! be committed later under another signature.

use crate::core::ed25519;
use crate::core::error::{CryptoError, KeyError};
use crate::core::keys::{KeySecret, Signature, SignerId, SignerSecret};
use crate::core::session_log::{Appender, LogError, SessionLog, Signer};
use crate::core::session_map::{MAX_CHANGES_BYTES, MAX_ID_BYTES};
use crate::core::stable_json;
use crate::core::transaction::{
    encrypt_payload, parse_batch_into, write_trusting, Kind, Transaction, TransactionSink, TxError,
};

mod staging;

use staging::Staging;

/// These logs record no in-between signatures (cojson 0.18–0.20.7 keeps
/// them in JS), so the threshold is never reached.
const NO_CHECKPOINTS: usize = usize::MAX;

/// Why a `SessionLog` call failed. Messages are those of the reference
/// `cojson-core-napi` 0.18–0.20.7 where cojson or its users may read them
/// (`Signature verification failed`, `Transaction not found at index`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StagedLogError {
    /// The signature does not sign the hash after the new transactions, or
    /// the session has no signer to check it against.
    #[error("Signature verification failed: (hash: {hash})")]
    SignatureVerification {
        /// The `hash_z…` the signature had to sign.
        hash: String,
    },
    /// A session holds at most 2^32-1 transactions.
    #[error("Too many transactions in one session (at most {max})")]
    TooManyTransactions {
        /// The limit.
        max: u32,
    },
    /// `changes` of a new transaction above 1 MiB (the limit and text of
    /// `cojson-core-napi` 0.20.7; cojson 0.18 and 0.19 check the same limit
    /// in JS before calling). cojson's tests match this text.
    #[error("Transaction too large to be synced: {size} bytes > {limit} bytes limit")]
    TooLarge {
        /// The size given, in UTF-8 bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// No committed transaction at this index.
    #[error("Transaction not found at index {0}")]
    TransactionNotFound(u32),
    /// A received transaction is malformed or not in canonical form.
    #[error(transparent)]
    Transaction(TxError),
    /// A stored payload is not valid padded base64url.
    #[error("Base64 decoding failed")]
    Base64,
    /// The decrypted bytes are not UTF-8 (typically: the wrong key).
    #[error("UTF-8 conversion failed")]
    Utf8,
    /// A signer id, signer secret, key secret or signature could not be parsed.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A signer id that is not an Ed25519 public key.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// A CoValue id or session id that is empty, too long or has characters
    /// that JSON would escape (the same rule as `SessionMap`'s).
    #[error("Invalid {what}: must be 1 to {max} bytes without quotes, backslashes or control characters")]
    Id {
        /// "CoValue ID" or "session ID".
        what: &'static str,
        /// The length limit.
        max: usize,
    },
    /// A method that changes the log was called from JS running inside
    /// another call on the same log. Nothing changed.
    #[error("SessionLog is busy: it cannot be changed from inside one of its own calls")]
    Busy,
}

impl From<LogError> for StagedLogError {
    fn from(error: LogError) -> Self {
        match error {
            LogError::SignatureVerification { hash } => Self::SignatureVerification { hash },
            LogError::TooManyTransactions { max } => Self::TooManyTransactions { max },
        }
    }
}

impl From<TxError> for StagedLogError {
    fn from(error: TxError) -> Self {
        match error {
            TxError::Base64 => Self::Base64,
            TxError::Utf8 => Self::Utf8,
            other => Self::Transaction(other),
        }
    }
}

/// The error for a `tryAdd` text that is not exactly one canonical transaction.
const NOT_CANONICAL: TxError = TxError::Invalid(
    "each transaction must be one JSON object in canonical form (sorted keys, no whitespace, as cojson's stableStringify writes it)",
);

/// A received transaction's fields, as cojson 0.20.x hands them to
/// `addExisting…Transaction`.
#[derive(Debug, Clone, Copy)]
pub enum Existing<'a> {
    /// A private transaction: `encryptedChanges` and `meta` are
    /// `encrypted_U…` texts, `keyUsed` names the key.
    Private {
        /// The `encryptedChanges` text.
        encrypted_changes: &'a str,
        /// The `keyUsed` id.
        key_used: &'a str,
        /// The encrypted `meta`, if any.
        meta: Option<&'a str>,
    },
    /// A trusting transaction: `changes` and `meta` as stored.
    Trusting {
        /// The `changes` text.
        changes: &'a str,
        /// The `meta` text, if any.
        meta: Option<&'a str>,
    },
}

impl Existing<'_> {
    /// Appends the transaction's canonical text with `made_at`. A private
    /// transaction's values are written as given, so that the parser that
    /// reads the text back refuses them as it refuses a received batch.
    fn write(&self, made_at: u64, out: &mut String) {
        match *self {
            Existing::Private {
                encrypted_changes,
                key_used,
                meta,
            } => {
                out.push_str("{\"encryptedChanges\":");
                stable_json::push_string(out, encrypted_changes);
                out.push_str(",\"keyUsed\":");
                stable_json::push_string(out, key_used);
                out.push_str(",\"madeAt\":");
                out.push_str(&made_at.to_string());
                if let Some(meta) = meta {
                    out.push_str(",\"meta\":");
                    stable_json::push_string(out, meta);
                }
                out.push_str(",\"privacy\":\"private\"}");
            }
            Existing::Trusting { changes, meta } => write_trusting(out, changes, made_at, meta),
        }
    }
}

/// Refuses the `changes` of a new transaction above [`MAX_CHANGES_BYTES`].
fn check_size(changes: &str) -> Result<(), StagedLogError> {
    if changes.len() > MAX_CHANGES_BYTES {
        return Err(StagedLogError::TooLarge {
            size: changes.len(),
            limit: MAX_CHANGES_BYTES,
        });
    }
    Ok(())
}

fn check_id(id: &str, what: &'static str) -> Result<(), StagedLogError> {
    if id.is_empty() || id.len() > MAX_ID_BYTES || !stable_json::is_plain(id) {
        return Err(StagedLogError::Id {
            what,
            max: MAX_ID_BYTES,
        });
    }
    Ok(())
}

/// Parses `text` (which must hold exactly one transaction object between
/// `[` and `]`) into `staging`, and returns the canonical text it stored.
fn stage_one<'s>(staging: &'s mut Staging, text: &str) -> Result<&'s str, StagedLogError> {
    let before = staging.len();
    let mut sink = staging.sink();
    if let Err(error) = parse_batch_into(text, &mut sink) {
        sink.discard();
        return Err(error.into());
    }
    if staging.len() != before + 1 {
        staging.truncate(before);
        return Err(NOT_CANONICAL.into());
    }
    Ok(staging.last_text())
}

/// The transaction log of one session, with the staging area of the 0.20.x
/// shape.
#[derive(Clone)]
pub struct StagedLog {
    log: SessionLog,
    staged: Staging,
}

impl StagedLog {
    /// An empty log of session `session_id` of CoValue `co_id`. `signer_id`
    /// (`signer_z…`) is the key received transactions must be signed by;
    /// without it only `skip_verify` additions succeed.
    pub fn new(
        co_id: &str,
        session_id: &str,
        signer_id: Option<&str>,
    ) -> Result<Self, StagedLogError> {
        check_id(co_id, "CoValue ID")?;
        check_id(session_id, "session ID")?;
        let signer = match signer_id {
            None => None,
            Some(text) => {
                let id = SignerId::parse(text)?;
                let key = ed25519::verifying_key(&id)?;
                Some(Signer { id, key })
            }
        };
        Ok(Self {
            log: SessionLog::new(co_id, session_id, signer),
            staged: Staging::default(),
        })
    }

    /// Number of committed transactions.
    pub fn count(&self) -> u32 {
        self.log.count()
    }

    /// Number of staged transactions, not yet committed.
    #[cfg(test)]
    pub fn staged_count(&self) -> usize {
        self.staged.len()
    }

    /// The canonical text of committed transaction `index`.
    #[cfg(test)]
    pub fn transaction_json(&self, index: u32) -> Option<&str> {
        self.log.transaction_json(index)
    }

    /// The signature after the last committed transaction.
    #[cfg(test)]
    pub fn last_signature(&self) -> Option<&str> {
        self.log.last_signature()
    }

    /// Adds received transactions, each given as its canonical JSON text,
    /// signed by `signature` (the 0.18/0.19 `tryAdd`). Unless `skip_verify`,
    /// the signature must verify over the hash after them. Does not touch
    /// the staging area. On error nothing changes.
    pub fn try_add<'t>(
        &mut self,
        transactions: impl IntoIterator<Item = &'t str>,
        signature: &str,
        skip_verify: bool,
    ) -> Result<(), StagedLogError> {
        let signature = Signature::parse(signature)?;
        let mut batch = Staging::default();
        let mut wrapped = String::new();
        for text in transactions {
            wrapped.clear();
            wrapped.push('[');
            wrapped.push_str(text);
            wrapped.push(']');
            if stage_one(&mut batch, &wrapped)? != text {
                return Err(NOT_CANONICAL.into());
            }
        }
        commit_into(&mut self.log, &batch, &signature, skip_verify)
    }

    /// Stages a received transaction (the 0.20.x `addExisting…Transaction`).
    /// It is checked as a received batch is; if it is refused, the whole
    /// staged batch is discarded.
    pub fn stage(&mut self, transaction: Existing<'_>, made_at: u64) -> Result<(), StagedLogError> {
        let mut text = String::from("[");
        transaction.write(made_at, &mut text);
        text.push(']');
        match stage_one(&mut self.staged, &text) {
            Ok(_) => Ok(()),
            Err(error) => {
                self.discard_staged();
                Err(error)
            }
        }
    }

    /// Empties the staging area.
    pub fn discard_staged(&mut self) {
        self.staged = Staging::default();
    }

    /// Commits the staged transactions under `signature` (the 0.20.x
    /// `commitTransactions`), checked as [`StagedLog::try_add`] checks. The
    /// staging area is empty afterwards, whether the commit succeeded or not.
    pub fn commit(&mut self, signature: &str, skip_verify: bool) -> Result<(), StagedLogError> {
        let staged = std::mem::take(&mut self.staged);
        let signature = Signature::parse(signature)?;
        commit_into(&mut self.log, &staged, &signature, skip_verify)
    }

    /// Appends a trusting transaction made here and signs it with
    /// `signer_secret` (`signerSecret_z…`). Returns the signature. `changes`
    /// may have at most 1 MiB.
    pub fn add_new_trusting(
        &mut self,
        changes: &str,
        signer_secret: &str,
        made_at: u64,
        meta: Option<&str>,
    ) -> Result<Box<str>, StagedLogError> {
        check_size(changes)?;
        let secret = SignerSecret::parse(signer_secret)?;
        let transaction = Transaction::trusting(changes, made_at, meta);
        Ok(self.log.append_own(transaction, &secret, NO_CHECKPOINTS)?)
    }

    /// Encrypts `changes` (and `meta`) with `key_secret`, appends the private
    /// transaction naming `key_id`, and signs it. Returns
    /// `{"signature":…,"encrypted_changes":…,"meta"?:…}` as JSON. `changes`
    /// may have at most 1 MiB.
    pub fn add_new_private(
        &mut self,
        changes: &str,
        signer_secret: &str,
        key_secret: &str,
        key_id: &str,
        made_at: u64,
        meta: Option<&str>,
    ) -> Result<String, StagedLogError> {
        check_size(changes)?;
        let key = KeySecret::parse(key_secret)?;
        let secret = SignerSecret::parse(signer_secret)?;
        let nonce = self.log.nonce_material(self.log.count());
        let changes = encrypt_payload(&key, nonce.as_bytes(), changes);
        let meta = meta.map(|m| encrypt_payload(&key, nonce.as_bytes(), m));
        let transaction = Transaction::private(&changes, key_id, made_at, meta.as_deref());
        let signature = self.log.append_own(transaction, &secret, NO_CHECKPOINTS)?;
        Ok(private_result_json(&signature, &changes, meta.as_deref()))
    }

    /// The changes of committed transaction `index`: decrypted with
    /// `key_secret` (parsed only then) if private, as stored if trusting.
    pub fn decrypt_changes(&self, index: u32, key_secret: &str) -> Result<String, StagedLogError> {
        let transaction = self.stored(index)?;
        let key = parse_key_if(transaction.is_private(), key_secret)?;
        let nonce = self.log.nonce_material(index);
        Ok(transaction.decrypt_changes(key.as_ref(), nonce.as_bytes())?)
    }

    /// The meta of committed transaction `index` (`None` without meta),
    /// decrypted if private.
    pub fn decrypt_meta(
        &self,
        index: u32,
        key_secret: &str,
    ) -> Result<Option<String>, StagedLogError> {
        let transaction = self.stored(index)?;
        let key = parse_key_if(transaction.has_encrypted_meta(), key_secret)?;
        let nonce = self.log.nonce_material(index);
        Ok(transaction.decrypt_meta(key.as_ref(), nonce.as_bytes())?)
    }

    fn stored(&self, index: u32) -> Result<Transaction<'_>, StagedLogError> {
        self.log
            .transaction(index)
            .ok_or(StagedLogError::TransactionNotFound(index))
    }
}

fn parse_key_if(needed: bool, key_secret: &str) -> Result<Option<KeySecret>, StagedLogError> {
    Ok(match needed {
        true => Some(KeySecret::parse(key_secret)?),
        false => None,
    })
}

/// Appends the transactions of `batch` to `log` under `signature`; on error
/// `log` is as before.
fn commit_into(
    log: &mut SessionLog,
    batch: &Staging,
    signature: &Signature,
    skip_verify: bool,
) -> Result<(), StagedLogError> {
    let copy = |sink: &mut Appender<'_>| {
        sink.text().reserve(batch.text_len());
        batch.for_each(|text, kind: Kind, size| {
            sink.push(&Transaction::from_parts(text, kind, size));
        });
        Ok::<(), StagedLogError>(())
    };
    log.add_received(copy, signature, skip_verify, NO_CHECKPOINTS)
}

/// `{"signature":…,"encrypted_changes":"encrypted_U…","meta"?:"encrypted_U…"}`,
/// the reference's result of `addNewPrivateTransaction`.
fn private_result_json(signature: &str, changes_b64: &str, meta_b64: Option<&str>) -> String {
    let encrypted = |payload: &str| format!("encrypted_U{payload}");
    let mut out = String::with_capacity(signature.len() + changes_b64.len() + 80);
    out.push_str("{\"signature\":");
    stable_json::push_string(&mut out, signature);
    out.push_str(",\"encrypted_changes\":");
    stable_json::push_string(&mut out, &encrypted(changes_b64));
    if let Some(meta) = meta_b64 {
        out.push_str(",\"meta\":");
        stable_json::push_string(&mut out, &encrypted(meta));
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests;
