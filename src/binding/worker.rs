//! Binds `WorkerHandle`: a Jazz server worker's validated credentials, its
//! native crypto engine and the counters of the crypto work it served.

use crate::binding::constructor::{arg, construct};
use crate::binding::error::OrThrow;
use crate::binding::native_crypto::{cache_capacity_arg, lock, new_cache, NativeCryptoEngine};
use crate::binding::number_arg::NumberArg;
use crate::binding::text_arg::Text;
use crate::binding::work_stats::{stats_to_js, CryptoOperationStats};
use crate::core::key_store::engine::KeyCache;
use crate::core::work_stats::WorkStats;
use crate::core::worker_credentials::{
    WorkerConfigError, WorkerCredentials, ACCOUNT_VARIABLE, SECRET_VARIABLE,
};
use napi::{sys, Env, Result};
use napi_derive::napi;
use std::env::{self, VarError};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Where a `WorkerHandle` takes its credentials from. Each value missing here
/// is read from its environment variable.
#[napi(object, object_to_js = false)]
pub struct WorkerHandleOptions {
    /// The worker's `co_z…` account id; default `JAZZ_WORKER_ACCOUNT`.
    #[napi(js_name = "accountID", ts_type = "string")]
    pub account_id: Option<Text>,
    /// The worker's `sealerSecret_z…/signerSecret_z…`; default
    /// `JAZZ_WORKER_SECRET`. A non-string value is rejected without echoing it.
    #[napi(ts_type = "string")]
    pub account_secret: Option<Text>,
    /// Keys kept per kind in the native key cache: an integer from 1 to
    /// 1048576 (default 1024); anything else throws a `RangeError`.
    #[napi(ts_type = "number")]
    pub key_cache_size: Option<NumberArg>,
}

/// A value with the name of where it came from, for error messages.
fn value_or_env(
    explicit: Option<String>,
    option_name: &'static str,
    variable: &'static str,
) -> std::result::Result<(String, &'static str), WorkerConfigError> {
    if let Some(value) = explicit {
        return Ok((value, option_name));
    }
    match env::var(variable) {
        Ok(value) => Ok((value, variable)),
        Err(VarError::NotPresent) => Err(WorkerConfigError::Missing { variable }),
        Err(VarError::NotUnicode(_)) => Err(WorkerConfigError::NotUnicode { variable }),
    }
}

/// The `WorkerHandle` constructor (see `constructor.rs`): throws without
/// `new`, before reading any option.
extern "C" fn new_c_callback(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    // SAFETY: napi-rs registers this as the class constructor, so the engine
    // passes a constructor callback's `env` and `info`.
    unsafe {
        construct::<WorkerHandle, 1>(env, info, "WorkerHandle", |env, call| {
            WorkerHandle::create(env, arg(env, call, 0)?)
        })
    }
}

/// A Jazz server worker's identity and crypto, held natively.
///
/// `new WorkerHandle()` reads `JAZZ_WORKER_ACCOUNT` and `JAZZ_WORKER_SECRET`;
/// `new WorkerHandle({ accountID, accountSecret })` takes explicit values.
/// Both are validated (a `co_z…` id; `sealerSecret_z…/signerSecret_z…` with
/// 32-byte keys); an invalid value throws an error that names the variable and
/// the problem and never contains the value. Ids are derived natively.
/// `cryptoEngine()` gives engines whose work this handle counts; `close()`
/// wipes the handle's secret and the shared key cache.
#[napi]
pub struct WorkerHandle {
    credentials: Option<WorkerCredentials>,
    account_id: String,
    agent_id: String,
    signer_id: String,
    sealer_id: String,
    cache: Arc<Mutex<KeyCache>>,
    stats: Arc<WorkStats>,
    started: Instant,
}

impl WorkerHandle {
    /// `new WorkerHandle(options?)`.
    fn create(env: &Env, options: Option<WorkerHandleOptions>) -> Result<Self> {
        let (account, secret, cache_size) = match options {
            Some(o) => (
                o.account_id.map(|t| t.as_str().to_owned()),
                o.account_secret.map(|t| t.as_str().to_owned()),
                o.key_cache_size,
            ),
            None => (None, None, None),
        };
        let cache_capacity = cache_capacity_arg(env, cache_size, "keyCacheSize")?;
        let (account, account_from) =
            value_or_env(account, "accountID", ACCOUNT_VARIABLE).or_throw()?;
        let (secret, secret_from) =
            value_or_env(secret, "accountSecret", SECRET_VARIABLE).or_throw()?;
        let secret = zeroize::Zeroizing::new(secret);
        let credentials =
            WorkerCredentials::parse(&account, account_from, &secret, secret_from).or_throw()?;
        Ok(Self {
            account_id: credentials.account_id().to_owned(),
            agent_id: credentials.agent_id(),
            signer_id: credentials.signer_id().to_text(),
            sealer_id: credentials.sealer_id().to_text(),
            credentials: Some(credentials),
            cache: new_cache(cache_capacity)?,
            stats: Arc::new(WorkStats::default()),
            started: Instant::now(),
        })
    }

    fn credentials(&self) -> std::result::Result<&WorkerCredentials, WorkerConfigError> {
        self.credentials.as_ref().ok_or(WorkerConfigError::Closed)
    }
}

#[napi]
impl WorkerHandle {
    /// Validates the credentials (explicit values first, then the environment
    /// variables) and derives the ids. Throws `InvalidArg` naming the
    /// variable or option (`accountID`, `accountSecret`, `JAZZ_WORKER_ACCOUNT`,
    /// `JAZZ_WORKER_SECRET`) and the problem.
    #[napi(constructor)]
    #[cfg(any())] // Declares the constructor for index.d.ts; `new_c_callback` is it.
    pub fn new(env: Env, options: Option<WorkerHandleOptions>) -> Result<Self> {
        Self::create(&env, options)
    }

    /// The worker's `co_z…` account id.
    #[napi(getter, js_name = "accountID", catch_unwind)]
    pub fn account_id(&self) -> String {
        self.account_id.clone()
    }

    /// The agent id `sealer_z…/signer_z…` derived from the secret.
    #[napi(getter, js_name = "agentID", catch_unwind)]
    pub fn agent_id(&self) -> String {
        self.agent_id.clone()
    }

    /// The `signer_z…` id derived from the secret.
    #[napi(getter, js_name = "signerID", catch_unwind)]
    pub fn signer_id(&self) -> String {
        self.signer_id.clone()
    }

    /// The `sealer_z…` id derived from the secret.
    #[napi(getter, js_name = "sealerID", catch_unwind)]
    pub fn sealer_id(&self) -> String {
        self.sealer_id.clone()
    }

    /// Whether `close()` was called.
    #[napi(getter, catch_unwind)]
    pub fn is_closed(&self) -> bool {
        self.credentials.is_none()
    }

    /// Milliseconds since the handle was created.
    #[napi(getter, catch_unwind)]
    pub fn uptime_ms(&self) -> f64 {
        self.started.elapsed().as_secs_f64() * 1000.0
    }

    /// The secret as text, for `startWorker({ accountSecret })` (cojson keeps
    /// it as a JS string). Throws once the handle is closed.
    #[napi(catch_unwind)]
    pub fn account_secret(&self) -> Result<String> {
        Ok(self.credentials().or_throw()?.secret().to_text())
    }

    /// A crypto engine sharing this handle's key cache and counters; pass it
    /// to `NativeCrypto.create({ engine })`. Throws once the handle is closed.
    #[napi(catch_unwind)]
    pub fn crypto_engine(&self) -> Result<NativeCryptoEngine> {
        self.credentials().or_throw()?;
        Ok(NativeCryptoEngine::shared(
            Arc::clone(&self.cache),
            Arc::clone(&self.stats),
        ))
    }

    /// Calls and total time per kind of crypto operation served by this
    /// handle's engines. Stays readable after `close()`.
    #[napi(catch_unwind)]
    pub fn stats(&self) -> Vec<CryptoOperationStats> {
        stats_to_js(&self.stats)
    }

    /// Sets every counter back to zero.
    #[napi(catch_unwind)]
    pub fn reset_stats(&self) {
        self.stats.reset();
    }

    /// Wipes the handle's copy of the secret and every key in the shared
    /// cache. Engines from `cryptoEngine()` keep working but start from an
    /// empty cache. Idempotent.
    #[napi(catch_unwind)]
    pub fn close(&mut self) {
        self.credentials = None;
        lock(&self.cache).clear();
    }
}
