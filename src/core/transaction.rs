//! The transactions of a session log, each kept as the exact canonical JSON
//! text that is hashed and signed: keys in sorted order, no whitespace.
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
//! session log's storage) by [`parse_batch_into`]: by the fast path
//! ([`canonical`]) when the text is already canonical, else by the general
//! parser ([`wire`]), whose field readers accept only what each field may
//! hold, so no JSON tree is ever built from received input. Both are public
//! so that tests and fuzzing can hold the fast path to the general one.
//!
//! Modules: `error` ([`TxError`]) and `record` ([`Transaction`], its
//! canonical text and payloads) are used by the two parsers, which this
//! module joins.

pub mod canonical;
mod error;
mod record;
pub mod wire;

pub use error::TxError;
pub(crate) use record::write_trusting;
pub use record::{
    encrypt_payload, Kind, Transaction, TransactionSink, ENCRYPTED_PREFIX, MAX_MADE_AT,
};

/// Parses a JSON array of transactions as cojson sends them into `sink`,
/// checking that each is in canonical form up to key order. A batch that is
/// already canonical (what cojson sends) is copied as it is; anything else
/// is parsed field by field and written canonically. On error, `sink` may
/// hold part of the batch: the caller discards it.
pub fn parse_batch_into<S: TransactionSink>(json: &str, sink: &mut S) -> Result<(), TxError> {
    // The canonical text is never longer than the batch (see `wire.rs`).
    sink.text().reserve(json.len());
    if canonical::scan_into(json, sink).is_some() {
        return Ok(());
    }
    sink.discard();
    wire::parse_into(json, sink)
}
