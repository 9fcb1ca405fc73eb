//! Binds the `SessionMap` class: the transaction log of one CoValue.
//!
//! Arguments are converted and checked here (numbers must be exact integers
//! in range: a `RangeError` otherwise, never a silent wrap), then the core
//! does the work and errors go through `error.rs`.

use crate::binding::error::{range_error, OrThrow};
use crate::binding::text_arg::Text;
use crate::core::session_map::{self as core_map, NewTransaction};
use crate::core::transaction::MAX_MADE_AT;
use napi::bindgen_prelude::Object;
use napi::{Env, Result};
use napi_derive::napi;
use std::collections::HashMap;

/// What a peer knows of a CoValue: `{ id, header, sessions: { [sessionId]: txCount } }`.
/// `sessions` lists sessions in the order they were created.
#[napi(object, object_from_js = false)]
#[allow(dead_code)] // Only declares the TypeScript shape; values are built as objects.
pub struct KnownState {
    /// The CoValue id.
    pub id: String,
    /// Always `true`: a session map always has its header.
    pub header: bool,
    /// Transaction count per session.
    pub sessions: HashMap<String, u32>,
}

/// An integer argument in `0..=max`, or a `RangeError` naming it.
fn integer_arg(env: &Env, value: f64, name: &str, max: u64) -> Result<u64> {
    // `max` is at most 2^53, so the comparison is exact.
    if value.is_finite() && value.fract() == 0.0 && value >= 0.0 && value <= max as f64 {
        // In range and integral: the cast is exact.
        Ok(value as u64)
    } else {
        Err(range_error(
            env,
            &format!("{name} must be an integer from 0 to {max}, got {value}"),
        ))
    }
}

fn index_arg(env: &Env, value: f64, name: &str) -> Result<u32> {
    let n = integer_arg(env, value, name, u64::from(u32::MAX))?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// The transaction log of one CoValue: header, sessions, signatures and
/// known state. Drop-in for `cojson-core-napi`'s `SessionMap`.
#[napi]
pub struct SessionMap {
    inner: core_map::SessionMap,
}

#[napi]
impl SessionMap {
    /// Creates the log of CoValue `coId` from its header JSON. Throws if the
    /// header is malformed or (unless `skipVerify`) does not hash to `coId`.
    /// `maxTxSize` (default 102400) is the byte count of changes after which
    /// an in-between signature is recorded.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: Env,
        #[napi(ts_arg_type = "string")] co_id: Text,
        #[napi(ts_arg_type = "string")] header_json: Text,
        max_tx_size: Option<f64>,
        skip_verify: Option<bool>,
    ) -> Result<Self> {
        let max = match max_tx_size {
            None => None,
            Some(v) => Some(index_arg(&env, v, "maxTxSize")?),
        };
        let inner =
            core_map::SessionMap::new(&co_id, &header_json, max, skip_verify.unwrap_or(false))
                .or_throw()?;
        Ok(Self { inner })
    }

    /// The header as canonical JSON (sorted keys).
    #[napi(catch_unwind)]
    pub fn get_header(&self) -> String {
        self.inner.header_json().to_owned()
    }

    /// Adds received transactions (`transactionsJson`, a JSON array) to
    /// `sessionId`. Unless `skipVerify`, `signature` must sign the session hash
    /// after them, by `signerId` (used when the session is new). Throws on any
    /// failure and then changes nothing.
    #[napi(catch_unwind)]
    pub fn add_transactions(
        &mut self,
        #[napi(ts_arg_type = "string")] session_id: Text,
        #[napi(ts_arg_type = "string | undefined | null")] signer_id: Option<Text>,
        #[napi(ts_arg_type = "string")] transactions_json: Text,
        #[napi(ts_arg_type = "string")] signature: Text,
        skip_verify: bool,
    ) -> Result<()> {
        self.inner
            .add_transactions(
                &session_id,
                signer_id.as_deref(),
                &transactions_json,
                &signature,
                skip_verify,
            )
            .or_throw()
    }

    /// Encrypts `changesJson` (and `metaJson`) with `keySecret`, appends the
    /// transaction to `sessionId` and signs it. Returns
    /// `{"signature":…,"transaction":…}` as JSON.
    #[napi(catch_unwind)]
    #[allow(clippy::too_many_arguments)]
    pub fn make_new_private_transaction(
        &mut self,
        env: Env,
        #[napi(ts_arg_type = "string")] session_id: Text,
        #[napi(ts_arg_type = "string")] signer_secret: Text,
        #[napi(ts_arg_type = "string")] changes_json: Text,
        #[napi(ts_arg_type = "string")] key_id: Text,
        #[napi(ts_arg_type = "string")] key_secret: Text,
        #[napi(ts_arg_type = "string | undefined | null")] meta_json: Option<Text>,
        made_at: f64,
    ) -> Result<String> {
        let made_at = integer_arg(&env, made_at, "madeAt", MAX_MADE_AT)?;
        let signed = self
            .inner
            .make_new_transaction(
                &session_id,
                &signer_secret,
                &changes_json,
                NewTransaction::Private {
                    key_id: &key_id,
                    key_secret: &key_secret,
                },
                meta_json.as_deref(),
                made_at,
            )
            .or_throw()?;
        Ok(signed.to_json())
    }

    /// Appends a trusting (unencrypted) transaction to `sessionId` and signs
    /// it. Returns `{"signature":…,"transaction":…}` as JSON.
    #[napi(catch_unwind)]
    pub fn make_new_trusting_transaction(
        &mut self,
        env: Env,
        #[napi(ts_arg_type = "string")] session_id: Text,
        #[napi(ts_arg_type = "string")] signer_secret: Text,
        #[napi(ts_arg_type = "string")] changes_json: Text,
        #[napi(ts_arg_type = "string | undefined | null")] meta_json: Option<Text>,
        made_at: f64,
    ) -> Result<String> {
        let made_at = integer_arg(&env, made_at, "madeAt", MAX_MADE_AT)?;
        let signed = self
            .inner
            .make_new_transaction(
                &session_id,
                &signer_secret,
                &changes_json,
                NewTransaction::Trusting,
                meta_json.as_deref(),
                made_at,
            )
            .or_throw()?;
        Ok(signed.to_json())
    }

    /// Session ids in creation order.
    #[napi(catch_unwind)]
    pub fn get_session_ids(&self) -> Vec<String> {
        self.inner.session_ids().map(str::to_owned).collect()
    }

    /// Number of transactions in a session, -1 if there is no such session.
    #[napi(catch_unwind)]
    pub fn get_transaction_count(&self, #[napi(ts_arg_type = "string")] session_id: Text) -> i64 {
        self.inner
            .transaction_count(&session_id)
            .map_or(-1, i64::from)
    }

    /// One transaction as JSON, `null` if the session or index does not exist.
    #[napi(catch_unwind)]
    pub fn get_transaction(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] session_id: Text,
        tx_index: f64,
    ) -> Result<Option<&str>> {
        let index = index_arg(&env, tx_index, "txIndex")?;
        // Borrowed: napi-rs converts the result while `self` is still borrowed.
        Ok(self.inner.transaction(&session_id, index))
    }

    /// A session's transactions from `fromIndex` on as JSON strings (empty
    /// past the end), `null` if there is no such session.
    #[napi(catch_unwind)]
    pub fn get_session_transactions(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] session_id: Text,
        from_index: f64,
    ) -> Result<Option<Vec<&str>>> {
        let from = index_arg(&env, from_index, "fromIndex")?;
        Ok(self
            .inner
            .session_transactions(&session_id, from)
            .map(Iterator::collect))
    }

    /// The signature after a session's last transaction, `null` if none.
    #[napi(catch_unwind)]
    pub fn get_last_signature(
        &self,
        #[napi(ts_arg_type = "string")] session_id: Text,
    ) -> Option<String> {
        self.inner.last_signature(&session_id).map(|s| s.to_text())
    }

    /// The in-between signature recorded after transaction `txIndex`, if any.
    #[napi(catch_unwind)]
    pub fn get_signature_after(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] session_id: Text,
        tx_index: f64,
    ) -> Result<Option<String>> {
        let index = index_arg(&env, tx_index, "txIndex")?;
        Ok(self
            .inner
            .signature_after(&session_id, index)
            .map(|s| s.to_text()))
    }

    /// The highest transaction index with an in-between signature: -1 if
    /// none, `null` if there is no such session.
    #[napi(catch_unwind)]
    pub fn get_last_signature_checkpoint(
        &self,
        #[napi(ts_arg_type = "string")] session_id: Text,
    ) -> Option<i64> {
        self.inner.last_signature_checkpoint(&session_id)
    }

    /// `{ id, header: true, sessions }`. Once deleted, only delete sessions.
    #[napi(catch_unwind, ts_return_type = "KnownState")]
    pub fn get_known_state<'env>(&self, env: &'env Env) -> Result<Object<'env>> {
        let sessions: Vec<(&str, u32)> = self.inner.known_sessions().collect();
        let mut record = Object::new(env)?;
        for (session, count) in sessions {
            record.set(session, count)?;
        }
        let mut state = Object::new(env)?;
        state.set("id", self.inner.co_id())?;
        state.set("header", true)?;
        state.set("sessions", record)?;
        Ok(state)
    }

    /// The known state including announced streaming content, `null` when
    /// nothing is streaming.
    #[napi(catch_unwind, ts_return_type = "KnownState | null")]
    pub fn get_known_state_with_streaming<'env>(
        &self,
        env: &'env Env,
    ) -> Result<Option<Object<'env>>> {
        let Some(known) = self.inner.known_sessions_with_streaming() else {
            return Ok(None);
        };
        let mut record = Object::new(env)?;
        for (session, count) in known.iter() {
            record.set(session, count)?;
        }
        let mut state = Object::new(env)?;
        state.set("id", self.inner.co_id())?;
        state.set("header", true)?;
        state.set("sessions", record)?;
        Ok(Some(state))
    }

    /// True while announced streaming content has not all arrived.
    #[napi(catch_unwind)]
    pub fn is_streaming(&self) -> bool {
        self.inner.is_streaming()
    }

    /// Records streaming content a peer announced: JSON `{ [sessionId]: count }`.
    #[napi(catch_unwind)]
    pub fn set_streaming_known_state(
        &mut self,
        #[napi(ts_arg_type = "string")] streaming_json: Text,
    ) -> Result<()> {
        self.inner
            .set_streaming_known_state(&streaming_json)
            .or_throw()
    }

    /// Marks the CoValue deleted: only delete sessions remain known and
    /// writable.
    #[napi(catch_unwind)]
    pub fn mark_as_deleted(&mut self) {
        self.inner.mark_as_deleted();
    }

    /// True once marked deleted.
    #[napi(catch_unwind)]
    pub fn is_deleted(&self) -> bool {
        self.inner.is_deleted()
    }

    /// The changes of a transaction: decrypted with `keySecret` if private,
    /// as stored if trusting. `null` if there is no such session; throws if
    /// there is no such transaction or it does not decrypt to UTF-8.
    #[napi(catch_unwind)]
    pub fn decrypt_transaction(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] session_id: Text,
        tx_index: f64,
        #[napi(ts_arg_type = "string")] key_secret: Text,
    ) -> Result<Option<String>> {
        let index = index_arg(&env, tx_index, "txIndex")?;
        self.inner
            .decrypt_transaction(&session_id, index, &key_secret)
            .or_throw()
    }

    /// The meta of a transaction, decrypted if private; `null` if the session
    /// does not exist or the transaction has no meta.
    #[napi(catch_unwind)]
    pub fn decrypt_transaction_meta(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] session_id: Text,
        tx_index: f64,
        #[napi(ts_arg_type = "string")] key_secret: Text,
    ) -> Result<Option<String>> {
        let index = index_arg(&env, tx_index, "txIndex")?;
        self.inner
            .decrypt_transaction_meta(&session_id, index, &key_secret)
            .or_throw()
    }
}
