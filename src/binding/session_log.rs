//! Binds the `SessionLog` class: the transaction log of one session in the
//! shape of `cojson-core-napi` 0.18.x–0.20.7, which cojson's `NapiCrypto`
//! of those releases uses. One class serves both older shapes (their
//! method sets do not conflict): `tryAdd` (0.18, 0.19) and the staging
//! methods `addExisting…Transaction` / `commitTransactions` (0.20.0–0.20.7)
//! end in the same core log.
//!
//! Arguments are checked as `SessionMap`'s are (`madeAt` and `txIndex` must
//! be exact integers in range: a `RangeError` otherwise), then
//! `core::staged_log` does the work and errors go through `error.rs`.

use crate::binding::constructor::{arg, construct};
use crate::binding::deferred_arg::Deferred;
use crate::binding::error::OrThrow;
use crate::binding::inline_text::{CoValueIdArg, SessionIdArg};
use crate::binding::number_arg::{index_arg, integer_arg, NumberArg};
use crate::binding::text_arg::Text;
use crate::binding::text_kind::KeyId;
use crate::binding::text_list_arg::TextListArg;
use crate::core::staged_log::{Existing, StagedLog, StagedLogError};
use crate::core::transaction::MAX_MADE_AT;
use napi::{sys, Env, Result};
use napi_derive::napi;
use std::cell::{Ref, RefCell, RefMut};

/// The `SessionLog` constructor (see `constructor.rs`): throws without `new`.
extern "C" fn new_c_callback(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    // SAFETY: napi-rs registers this as the class constructor, so the engine
    // passes a constructor callback's `env` and `info`.
    unsafe {
        construct::<SessionLog, 3>(env, info, "SessionLog", |env, call| {
            SessionLog::create(arg(env, call, 0)?, arg(env, call, 1)?, arg(env, call, 2)?)
        })
    }
}

/// The transactions of one session of a CoValue, their running hash and
/// last signature. Drop-in for the `SessionLog` of `cojson-core-napi`
/// 0.18.x–0.20.7 (cojson 0.18 to 0.20.7), with `SessionMap`'s checks on
/// top: ids, keys and signatures are parsed up front, received transactions
/// must be canonical, and a failed call changes nothing.
//
// As in `SessionMap`, the log sits in a `RefCell`: JS can only run while
// arguments are converted (an element getter of `tryAdd`'s array), before
// the log is borrowed, so a borrow never fails in practice; if it did, the
// call would throw instead of aliasing the log.
#[napi]
pub struct SessionLog {
    inner: RefCell<StagedLog>,
}

impl SessionLog {
    /// `new SessionLog(coId, sessionId, signerId?)`.
    fn create(
        co_id: CoValueIdArg,
        session_id: SessionIdArg,
        signer_id: Option<Text>,
    ) -> Result<Self> {
        let log =
            StagedLog::new(co_id.as_str(), session_id.as_str(), signer_id.as_deref()).or_throw()?;
        Ok(Self {
            inner: RefCell::new(log),
        })
    }

    fn log(&self) -> Result<Ref<'_, StagedLog>> {
        self.inner
            .try_borrow()
            .map_err(|_| StagedLogError::Busy)
            .or_throw()
    }

    fn log_mut(&self) -> Result<RefMut<'_, StagedLog>> {
        self.inner
            .try_borrow_mut()
            .map_err(|_| StagedLogError::Busy)
            .or_throw()
    }

    /// Runs a staging step; if it fails for any reason (its arguments
    /// included), the staged batch is discarded before the error is thrown.
    fn staging_step(&self, step: impl FnOnce(&mut StagedLog) -> Result<()>) -> Result<()> {
        let mut log = self.log_mut()?;
        let result = step(&mut log);
        if result.is_err() {
            log.discard_staged();
        }
        result
    }
}

#[napi]
impl SessionLog {
    /// An empty log of session `sessionId` of CoValue `coId`. `signerId`
    /// (`signer_z…`) is the key received transactions must be signed by;
    /// without it only `skipVerify` additions succeed. Throws on an invalid
    /// id or signer id.
    #[napi(constructor)]
    #[cfg(any())] // Declares the constructor for index.d.ts; `new_c_callback` is it.
    pub fn new(
        #[napi(ts_arg_type = "string")] co_id: CoValueIdArg,
        #[napi(ts_arg_type = "string")] session_id: SessionIdArg,
        #[napi(ts_arg_type = "string | undefined | null")] signer_id: Option<Text>,
    ) -> Result<Self> {
        Self::create(co_id, session_id, signer_id)
    }

    /// An independent copy: committed and staged transactions alike.
    #[napi(js_name = "clone", catch_unwind)]
    pub fn clone_js(&self) -> Result<SessionLog> {
        Ok(Self {
            inner: RefCell::new(self.log()?.clone()),
        })
    }

    /// Adds received transactions, each one's canonical JSON (cojson's
    /// `stableStringify`), signed by `newSignatureStr`; unless `skipVerify`,
    /// the signature must sign the session hash after them. Throws on any
    /// failure and then changes nothing. (cojson 0.18, 0.19.)
    #[napi(
        catch_unwind,
        ts_args_type = "transactionsJson: Array<string>, newSignatureStr: string, skipVerify: boolean"
    )]
    pub fn try_add(
        &self,
        transactions_json: TextListArg,
        new_signature_str: Text,
        skip_verify: bool,
    ) -> Result<()> {
        let texts = transactions_json.0.iter().map(|text| text.as_str());
        self.log_mut()?
            .try_add(texts, &new_signature_str, skip_verify)
            .or_throw()
    }

    /// Encrypts `changesJson` (and `meta`) with `encryptionKey`, appends the
    /// private transaction naming `keyId`, and signs it with `signerSecret`.
    /// Returns `{"signature":…,"encrypted_changes":…,"meta"?:…}` as JSON.
    #[napi(catch_unwind)]
    #[allow(clippy::too_many_arguments)]
    pub fn add_new_private_transaction(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] changes_json: Text,
        #[napi(ts_arg_type = "string")] signer_secret: Text,
        #[napi(ts_arg_type = "string")] encryption_key: Text,
        #[napi(ts_arg_type = "string")] key_id: Text<KeyId>,
        #[napi(ts_arg_type = "number")] made_at: NumberArg,
        #[napi(ts_arg_type = "string | undefined | null")] meta: Option<Text>,
    ) -> Result<String> {
        let made_at = integer_arg(&env, made_at, "madeAt", 0, MAX_MADE_AT)?;
        self.log_mut()?
            .add_new_private(
                &changes_json,
                &signer_secret,
                &encryption_key,
                &key_id,
                made_at,
                meta.as_deref(),
            )
            .or_throw()
    }

    /// Appends a trusting transaction and signs it with `signerSecret`.
    /// Returns the signature (`signature_z…`).
    #[napi(catch_unwind)]
    pub fn add_new_trusting_transaction(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] changes_json: Text,
        #[napi(ts_arg_type = "string")] signer_secret: Text,
        #[napi(ts_arg_type = "number")] made_at: NumberArg,
        #[napi(ts_arg_type = "string | undefined | null")] meta: Option<Text>,
    ) -> Result<String> {
        let made_at = integer_arg(&env, made_at, "madeAt", 0, MAX_MADE_AT)?;
        let signature = self
            .log_mut()?
            .add_new_trusting(&changes_json, &signer_secret, made_at, meta.as_deref())
            .or_throw()?;
        Ok(signature.into())
    }

    /// Stages a received private transaction; it is committed by the next
    /// `commitTransactions`. If it is refused (or an argument is wrong), the
    /// whole staged batch is discarded. (cojson 0.20.0–0.20.7.)
    #[napi(
        catch_unwind,
        ts_args_type = "encryptedChanges: string, keyUsed: string, madeAt: number, meta?: string | undefined | null"
    )]
    pub fn add_existing_private_transaction(
        &self,
        env: Env,
        encrypted_changes: Deferred<Text>,
        key_used: Deferred<Text<KeyId>>,
        made_at: NumberArg,
        meta: Deferred<Option<Text>>,
    ) -> Result<()> {
        self.staging_step(|log| {
            let encrypted_changes = encrypted_changes.into_result()?;
            let key_used = key_used.into_result()?;
            let made_at = integer_arg(&env, made_at, "madeAt", 0, MAX_MADE_AT)?;
            let meta = meta.into_result()?;
            let transaction = Existing::Private {
                encrypted_changes: &encrypted_changes,
                key_used: &key_used,
                meta: meta.as_deref(),
            };
            log.stage(transaction, made_at).or_throw()
        })
    }

    /// Stages a received trusting transaction, as
    /// `addExistingPrivateTransaction` does.
    #[napi(
        catch_unwind,
        ts_args_type = "changes: string, madeAt: number, meta?: string | undefined | null"
    )]
    pub fn add_existing_trusting_transaction(
        &self,
        env: Env,
        changes: Deferred<Text>,
        made_at: NumberArg,
        meta: Deferred<Option<Text>>,
    ) -> Result<()> {
        self.staging_step(|log| {
            let changes = changes.into_result()?;
            let made_at = integer_arg(&env, made_at, "madeAt", 0, MAX_MADE_AT)?;
            let meta = meta.into_result()?;
            let transaction = Existing::Trusting {
                changes: &changes,
                meta: meta.as_deref(),
            };
            log.stage(transaction, made_at).or_throw()
        })
    }

    /// Commits the staged transactions under `newSignatureStr`; unless
    /// `skipValidate`, the signature must sign the session hash after them.
    /// The staging area is empty afterwards; on failure nothing was
    /// committed. (cojson 0.20.0–0.20.7.)
    #[napi(
        catch_unwind,
        ts_args_type = "newSignatureStr: string, skipValidate: boolean"
    )]
    pub fn commit_transactions(
        &self,
        new_signature_str: Deferred<Text>,
        skip_validate: Deferred<bool>,
    ) -> Result<()> {
        self.staging_step(|log| {
            let signature = new_signature_str.into_result()?;
            let skip_validate = skip_validate.into_result()?;
            log.commit(&signature, skip_validate).or_throw()
        })
    }

    /// The changes of transaction `txIndex`: decrypted with `encryptionKey`
    /// if private, as stored if trusting. Throws if there is no such
    /// transaction or it does not decrypt to UTF-8.
    #[napi(catch_unwind, ts_args_type = "txIndex: number, encryptionKey: string")]
    pub fn decrypt_next_transaction_changes_json(
        &self,
        env: Env,
        tx_index: NumberArg,
        encryption_key: Text,
    ) -> Result<String> {
        let index = index_arg(&env, tx_index, "txIndex")?;
        self.log()?
            .decrypt_changes(index, &encryption_key)
            .or_throw()
    }

    /// The meta of transaction `txIndex`, decrypted if private; `null` if it
    /// has none.
    #[napi(catch_unwind, ts_args_type = "txIndex: number, encryptionKey: string")]
    pub fn decrypt_next_transaction_meta_json(
        &self,
        env: Env,
        tx_index: NumberArg,
        encryption_key: Text,
    ) -> Result<Option<String>> {
        let index = index_arg(&env, tx_index, "txIndex")?;
        self.log()?.decrypt_meta(index, &encryption_key).or_throw()
    }
}
