//! Binds the `SessionMap` class: the transaction log of one CoValue.
//!
//! Arguments are converted and checked here (numbers must be exact integers
//! in range: a `RangeError` otherwise, never a silent wrap), then the core
//! does the work and errors go through `error.rs`.

use crate::binding::constructor::{arg, construct};
use crate::binding::data_object::DataObject;
use crate::binding::error::{session_map_busy, OrThrow};
use crate::binding::inline_text::{CoValueIdArg, HeaderArg, SessionIdArg};
use crate::binding::number_arg::{index_arg, integer_arg, NumberArg};
use crate::binding::text_arg::Text;
use crate::binding::text_kind::KeyId;
use crate::core::session_map::{self as core_map, NewTransaction};
use crate::core::transaction::MAX_MADE_AT;
use crate::core::work_stats::{Operation, WorkStats};
use napi::bindgen_prelude::{Array, Object};
use napi::{sys, Env, JsString, Result};
use napi_derive::napi;
use std::cell::{Ref, RefCell, RefMut};
use std::collections::HashMap;
use std::sync::Arc;

/// A core method that decrypts one part of a transaction.
type DecryptPart = fn(
    &core_map::SessionMap,
    &str,
    u32,
    &str,
) -> std::result::Result<Option<String>, core_map::SessionMapError>;

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

/// A [`KnownState`] object: `{ id, header: true, sessions }`, with
/// `sessions` in the order given. Every key is an own data property, as
/// `JSON.parse` makes it (a session named `__proto__` included), and no JS
/// runs while the object is built.
fn known_state_object<'env, 'log>(
    env: &'env Env,
    co_id: &str,
    sessions: impl Iterator<Item = (&'log str, u32)>,
) -> Result<Object<'env>> {
    let mut record = DataObject::with_capacity(env, sessions.size_hint().0);
    for (session, count) in sessions {
        record.entry(session, count)?;
    }
    let mut state = DataObject::with_capacity(env, 3);
    state.field(c"id", co_id)?;
    state.field(c"header", true)?;
    state.field(c"sessions", record)?;
    state.build()
}

/// The `SessionMap` constructor (see `constructor.rs`): throws without `new`.
extern "C" fn new_c_callback(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    // SAFETY: napi-rs registers this as the class constructor, so the engine
    // passes a constructor callback's `env` and `info`.
    unsafe {
        construct::<SessionMap, 4>(env, info, "SessionMap", |env, call| {
            SessionMap::create(
                env,
                arg(env, call, 0)?,
                arg(env, call, 1)?,
                arg(env, call, 2)?,
                arg(env, call, 3)?,
            )
        })
    }
}

/// The transaction log of one CoValue: header, sessions, signatures and
/// known state. Drop-in for `cojson-core-napi`'s `SessionMap`, except that a
/// session, CoValue or key id holding a lone UTF-16 surrogate throws
/// (`InvalidArg`) where the reference reads it with U+FFFD in its place.
//
// Every method takes `&self` and reaches the log through a `RefCell`: the
// napi-rs version we pin (see Cargo.toml) does not track borrows of class
// instances, so this is what keeps a reentrant call sound. JS can only run
// inside a method while a result array is being filled (a setter someone
// defined on `Array.prototype`; known-state objects get own data properties,
// which run no JS); a method that changes the log, called from there, throws
// instead of aliasing the borrow.
#[napi]
pub struct SessionMap {
    inner: RefCell<core_map::SessionMap>,
    /// The counters of the engine that made this map, if one did
    /// (`NativeCryptoEngine.createSessionMap`): adding, making and
    /// decrypting transactions count there.
    stats: Option<Arc<WorkStats>>,
}

impl SessionMap {
    /// `new SessionMap(coId, headerJson, maxTxSize?, skipVerify?)`.
    pub(crate) fn create(
        env: &Env,
        co_id: CoValueIdArg,
        header_json: HeaderArg,
        max_tx_size: Option<NumberArg>,
        skip_verify: Option<bool>,
    ) -> Result<Self> {
        let max = max_tx_size
            .map(|v| index_arg(env, v, "maxTxSize"))
            .transpose()?;
        let inner = core_map::SessionMap::new(
            co_id.as_str(),
            header_json.as_str(),
            max,
            skip_verify.unwrap_or(false),
        )
        .or_throw()?;
        Ok(Self {
            inner: RefCell::new(inner),
            stats: None,
        })
    }

    /// This map, counting its work in `stats`.
    pub(crate) fn counted_in(mut self, stats: Arc<WorkStats>) -> Self {
        self.stats = Some(stats);
        self
    }

    /// Runs `work`, counted as one `operation` if the map has counters.
    fn count<T>(&self, operation: Operation, work: impl FnOnce() -> Result<T>) -> Result<T> {
        match &self.stats {
            Some(stats) => stats.measure(operation, work),
            None => work(),
        }
    }

    /// The log for reading; fails only while a change is in progress, which no
    /// JS can observe (changes never call into JS).
    fn log(&self) -> Result<Ref<'_, core_map::SessionMap>> {
        self.inner.try_borrow().map_err(|_| session_map_busy())
    }

    /// The log for changing; fails when called from JS that runs inside
    /// another method of this map.
    fn log_mut(&self) -> Result<RefMut<'_, core_map::SessionMap>> {
        self.inner.try_borrow_mut().map_err(|_| session_map_busy())
    }

    /// `decryptTransaction` and `decryptTransactionMeta`: `part` of
    /// transaction `tx_index` of `session_id`, decrypted with `key_secret`.
    fn decrypt(
        &self,
        env: &Env,
        session_id: &SessionIdArg,
        tx_index: NumberArg,
        key_secret: &str,
        part: DecryptPart,
    ) -> Result<Option<String>> {
        let index = index_arg(env, tx_index, "txIndex")?;
        self.count(Operation::DecryptTransaction, || {
            part(&*self.log()?, session_id.as_str(), index, key_secret).or_throw()
        })
    }

    /// `makeNew…Transaction`: appends a transaction of `kind` to
    /// `session_id`, signed with `signer_secret`; returns
    /// `{"signature":…,"transaction":…}` as JSON.
    #[allow(clippy::too_many_arguments)]
    fn make_new(
        &self,
        env: &Env,
        session_id: &SessionIdArg,
        signer_secret: &str,
        changes_json: &str,
        kind: NewTransaction<'_>,
        meta_json: &Option<Text>,
        made_at: NumberArg,
    ) -> Result<String> {
        let made_at = integer_arg(env, made_at, "madeAt", 0, MAX_MADE_AT)?;
        self.count(Operation::MakeTransaction, || {
            let signed = self
                .log_mut()?
                .make_new_transaction(
                    session_id.as_str(),
                    signer_secret,
                    changes_json,
                    kind,
                    meta_json.as_deref(),
                    made_at,
                )
                .or_throw()?;
            Ok(signed.to_json())
        })
    }
}

#[napi]
impl SessionMap {
    /// Creates the log of CoValue `coId` from its header JSON. Throws if the
    /// header is malformed or (unless `skipVerify`) does not hash to `coId`.
    /// `maxTxSize` (default 102400) is the byte count of changes after which
    /// an in-between signature is recorded.
    #[napi(constructor)]
    #[cfg(any())] // Declares the constructor for index.d.ts; `new_c_callback` is it.
    pub fn new(
        env: Env,
        #[napi(ts_arg_type = "string")] co_id: CoValueIdArg,
        #[napi(ts_arg_type = "string")] header_json: HeaderArg,
        #[napi(ts_arg_type = "number | undefined | null")] max_tx_size: Option<NumberArg>,
        skip_verify: Option<bool>,
    ) -> Result<Self> {
        Self::create(&env, co_id, header_json, max_tx_size, skip_verify)
    }

    /// The header as canonical JSON (sorted keys).
    #[napi(catch_unwind)]
    pub fn get_header(&self) -> Result<String> {
        Ok(self.log()?.header_json().to_owned())
    }

    /// Adds received transactions (`transactionsJson`, a JSON array) to
    /// `sessionId`. Unless `skipVerify`, `signature` must sign the session hash
    /// after them, by `signerId` (used when the session is new). Throws on any
    /// failure and then changes nothing.
    #[napi(catch_unwind)]
    pub fn add_transactions(
        &self,
        #[napi(ts_arg_type = "string")] session_id: SessionIdArg,
        #[napi(ts_arg_type = "string | undefined | null")] signer_id: Option<Text>,
        #[napi(ts_arg_type = "string")] transactions_json: Text,
        #[napi(ts_arg_type = "string")] signature: Text,
        skip_verify: bool,
    ) -> Result<()> {
        self.count(Operation::AddTransactions, || {
            self.log_mut()?
                .add_transactions(
                    session_id.as_str(),
                    signer_id.as_deref(),
                    &transactions_json,
                    &signature,
                    skip_verify,
                )
                .or_throw()
        })
    }

    /// Encrypts `changesJson` (and `metaJson`) with `keySecret`, appends the
    /// transaction to `sessionId` and signs it. Returns
    /// `{"signature":…,"transaction":…}` as JSON.
    #[napi(catch_unwind)]
    #[allow(clippy::too_many_arguments)]
    pub fn make_new_private_transaction(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] session_id: SessionIdArg,
        #[napi(ts_arg_type = "string")] signer_secret: Text,
        #[napi(ts_arg_type = "string")] changes_json: Text,
        #[napi(ts_arg_type = "string")] key_id: Text<KeyId>,
        #[napi(ts_arg_type = "string")] key_secret: Text,
        #[napi(ts_arg_type = "string | undefined | null")] meta_json: Option<Text>,
        #[napi(ts_arg_type = "number")] made_at: NumberArg,
    ) -> Result<String> {
        let kind = NewTransaction::Private {
            key_id: &key_id,
            key_secret: &key_secret,
        };
        self.make_new(
            &env,
            &session_id,
            &signer_secret,
            &changes_json,
            kind,
            &meta_json,
            made_at,
        )
    }

    /// Appends a trusting (unencrypted) transaction to `sessionId` and signs
    /// it. Returns `{"signature":…,"transaction":…}` as JSON.
    #[napi(catch_unwind)]
    pub fn make_new_trusting_transaction(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] session_id: SessionIdArg,
        #[napi(ts_arg_type = "string")] signer_secret: Text,
        #[napi(ts_arg_type = "string")] changes_json: Text,
        #[napi(ts_arg_type = "string | undefined | null")] meta_json: Option<Text>,
        #[napi(ts_arg_type = "number")] made_at: NumberArg,
    ) -> Result<String> {
        let kind = NewTransaction::Trusting;
        self.make_new(
            &env,
            &session_id,
            &signer_secret,
            &changes_json,
            kind,
            &meta_json,
            made_at,
        )
    }

    /// Session ids in creation order.
    #[napi(catch_unwind)]
    pub fn get_session_ids(&self) -> Result<Vec<String>> {
        Ok(self.log()?.session_ids().map(str::to_owned).collect())
    }

    /// Number of transactions in a session, -1 if there is no such session.
    #[napi(catch_unwind, ts_args_type = "sessionId: string")]
    pub fn get_transaction_count(&self, session_id: SessionIdArg) -> Result<i64> {
        Ok(self
            .log()?
            .transaction_count(session_id.as_str())
            .map_or(-1, i64::from))
    }

    /// One transaction as JSON, `null` if the session or index does not exist.
    #[napi(
        catch_unwind,
        ts_return_type = "string | null",
        ts_args_type = "sessionId: string, txIndex: number"
    )]
    pub fn get_transaction<'env>(
        &self,
        env: &'env Env,
        session_id: SessionIdArg,
        tx_index: NumberArg,
    ) -> Result<Option<JsString<'env>>> {
        let index = index_arg(env, tx_index, "txIndex")?;
        // The JS string is made from the stored text while the log is
        // borrowed (no Rust `String` per call); making a string runs no JS.
        let log = self.log()?;
        log.transaction(session_id.as_str(), index)
            .map(|text| env.create_string(text))
            .transpose()
    }

    /// A session's transactions from `fromIndex` on as JSON strings (empty
    /// past the end), `null` if there is no such session.
    #[napi(
        catch_unwind,
        ts_return_type = "Array<string> | null",
        ts_args_type = "sessionId: string, fromIndex: number"
    )]
    pub fn get_session_transactions<'env>(
        &self,
        env: &'env Env,
        session_id: SessionIdArg,
        from_index: NumberArg,
    ) -> Result<Option<Array<'env>>> {
        let from = index_arg(env, from_index, "fromIndex")?;
        // Filled while the log is borrowed: a setter on `Array.prototype`
        // that calls back into this map can read it but not change it.
        let log = self.log()?;
        let Some(texts) = log.session_transactions(session_id.as_str(), from) else {
            return Ok(None);
        };
        Array::from_vec(env, texts.collect::<Vec<&str>>()).map(Some)
    }

    /// The signature after a session's last transaction, `null` if none.
    #[napi(catch_unwind, ts_args_type = "sessionId: string")]
    pub fn get_last_signature(&self, session_id: SessionIdArg) -> Result<Option<String>> {
        Ok(self
            .log()?
            .last_signature(session_id.as_str())
            .map(str::to_owned))
    }

    /// The in-between signature recorded after transaction `txIndex`, if any.
    #[napi(catch_unwind, ts_args_type = "sessionId: string, txIndex: number")]
    pub fn get_signature_after(
        &self,
        env: Env,
        session_id: SessionIdArg,
        tx_index: NumberArg,
    ) -> Result<Option<String>> {
        let index = index_arg(&env, tx_index, "txIndex")?;
        Ok(self
            .log()?
            .signature_after(session_id.as_str(), index)
            .map(str::to_owned))
    }

    /// The highest transaction index with an in-between signature: -1 if
    /// none, `null` if there is no such session.
    #[napi(catch_unwind, ts_args_type = "sessionId: string")]
    pub fn get_last_signature_checkpoint(&self, session_id: SessionIdArg) -> Result<Option<i64>> {
        Ok(self.log()?.last_signature_checkpoint(session_id.as_str()))
    }

    /// `{ id, header: true, sessions }`. Once deleted, only delete sessions.
    #[napi(catch_unwind, ts_return_type = "KnownState")]
    pub fn get_known_state<'env>(&self, env: &'env Env) -> Result<Object<'env>> {
        // Built while the log is borrowed; defining its properties runs no JS.
        let log = self.log()?;
        known_state_object(env, log.co_id(), log.known_sessions())
    }

    /// The known state including announced streaming content, `null` when
    /// nothing is streaming.
    #[napi(catch_unwind, ts_return_type = "KnownState | null")]
    pub fn get_known_state_with_streaming<'env>(
        &self,
        env: &'env Env,
    ) -> Result<Option<Object<'env>>> {
        let log = self.log()?;
        let Some(known) = log.known_sessions_with_streaming() else {
            return Ok(None);
        };
        known_state_object(env, log.co_id(), known.iter()).map(Some)
    }

    /// True while announced streaming content has not all arrived.
    #[napi(catch_unwind)]
    pub fn is_streaming(&self) -> Result<bool> {
        Ok(self.log()?.is_streaming())
    }

    /// Records streaming content a peer announced: JSON `{ [sessionId]: count }`.
    #[napi(catch_unwind)]
    pub fn set_streaming_known_state(
        &self,
        #[napi(ts_arg_type = "string")] streaming_json: Text,
    ) -> Result<()> {
        self.log_mut()?
            .set_streaming_known_state(&streaming_json)
            .or_throw()
    }

    /// Marks the CoValue deleted: only delete sessions remain known and
    /// writable.
    #[napi(catch_unwind)]
    pub fn mark_as_deleted(&self) -> Result<()> {
        self.log_mut()?.mark_as_deleted();
        Ok(())
    }

    /// True once marked deleted.
    #[napi(catch_unwind)]
    pub fn is_deleted(&self) -> Result<bool> {
        Ok(self.log()?.is_deleted())
    }

    /// The changes of a transaction: decrypted with `keySecret` if private,
    /// as stored if trusting. `null` if there is no such session; throws if
    /// there is no such transaction or it does not decrypt to UTF-8.
    #[napi(
        catch_unwind,
        ts_args_type = "sessionId: string, txIndex: number, keySecret: string"
    )]
    pub fn decrypt_transaction(
        &self,
        env: Env,
        session_id: SessionIdArg,
        tx_index: NumberArg,
        key_secret: Text,
    ) -> Result<Option<String>> {
        self.decrypt(
            &env,
            &session_id,
            tx_index,
            &key_secret,
            core_map::SessionMap::decrypt_transaction,
        )
    }

    /// The meta of a transaction, decrypted if private; `null` if the session
    /// does not exist or the transaction has no meta.
    #[napi(
        catch_unwind,
        ts_args_type = "sessionId: string, txIndex: number, keySecret: string"
    )]
    pub fn decrypt_transaction_meta(
        &self,
        env: Env,
        session_id: SessionIdArg,
        tx_index: NumberArg,
        key_secret: Text,
    ) -> Result<Option<String>> {
        self.decrypt(
            &env,
            &session_id,
            tx_index,
            &key_secret,
            core_map::SessionMap::decrypt_transaction_meta,
        )
    }
}
