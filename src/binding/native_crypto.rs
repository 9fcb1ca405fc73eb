//! Binds `NativeCryptoEngine`: the native half of `cojson-native/crypto`'s
//! `NativeCrypto` provider. Unlike the drop-in exports it takes keys, ids and
//! JSON text as JS strings (no `TextEncoder` round trip), keeps parsed keys in
//! a bounded [`KeyCache`], returns plaintext as strings, and counts its work
//! per operation. Secret strings copied in from JS are wiped when a call
//! returns (the cache keeps only parsed keys, wiped on eviction).

use crate::binding::bytes::{to_js_buffer, to_js_bytes, Buffer, Uint8Array};
use crate::binding::constructor::{arg, construct};
use crate::binding::data_object::DataObject;
use crate::binding::error::OrThrow;
use crate::binding::inline_text::{CoValueIdArg, HeaderArg};
use crate::binding::number_arg::{duration_arg, integer_arg, optional_integer_arg, NumberArg};
use crate::binding::session_map::SessionMap;
use crate::binding::text_arg::Text;
use crate::binding::text_kind::{Message, NonceMaterial, TextToHash};
use crate::binding::work_stats::{stats_to_js, CryptoOperationStats};
use crate::core::base58;
use crate::core::error::CryptoError;
use crate::core::hash;
use crate::core::key_store::engine::{KeyCache, DEFAULT_CAPACITY, MAX_CAPACITY};
use crate::core::number::MAX_SAFE_INTEGER;
use crate::core::work_stats::{Operation, WorkStats};
use napi::bindgen_prelude::ToNapiValue;
use napi::{sys, Env, Result};
use napi_derive::napi;
use std::sync::{Arc, Mutex, MutexGuard};

/// The key cache's size and effectiveness.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct KeyCacheStats {
    /// Keys held now (all kinds).
    pub entries: u32,
    /// Maximum keys held per kind (there are five kinds).
    pub capacity_per_kind: u32,
    /// Lookups answered from the cache.
    pub hits: f64,
    /// Lookups that had to parse a key.
    pub misses: f64,
}

// Returned with own data properties (as `JSON.parse` makes them), so a setter
// on `Object.prototype` named like a field neither runs nor hides the field.
impl ToNapiValue for KeyCacheStats {
    unsafe fn to_napi_value(env: sys::napi_env, stats: Self) -> Result<sys::napi_value> {
        let mut object = DataObject::with_capacity(&Env::from(env), 4);
        object.field(c"entries", stats.entries)?;
        object.field(c"capacityPerKind", stats.capacity_per_kind)?;
        object.field(c"hits", stats.hits)?;
        object.field(c"misses", stats.misses)?;
        // SAFETY: the caller's `env`, the one the object was built with.
        unsafe { DataObject::to_napi_value(env, object) }
    }
}

/// Locks the shared cache; a poisoned lock (a panic elsewhere while held) is
/// recovered, as the cache has no invariant a panic could break.
pub(crate) fn lock(cache: &Mutex<KeyCache>) -> MutexGuard<'_, KeyCache> {
    cache
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The number of keys per kind a new cache holds: an integer from 1 to
/// 1048576 (`MAX_CAPACITY`), 1024 when `undefined` or `null`. `name` names
/// the argument in the `RangeError` for anything else.
pub(crate) fn cache_capacity_arg(env: &Env, arg: Option<NumberArg>, name: &str) -> Result<usize> {
    let max = u64::try_from(MAX_CAPACITY).unwrap_or(u64::MAX);
    Ok(optional_integer_arg(env, arg, name, 1, max)?
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(DEFAULT_CAPACITY))
}

/// A new key cache behind a mutex, with `capacity` keys per kind.
pub(crate) fn new_cache(capacity: usize) -> Result<Arc<Mutex<KeyCache>>> {
    Ok(Arc::new(Mutex::new(KeyCache::new(capacity).or_throw()?)))
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes)
        .unwrap_or_else(|invalid| String::from_utf8_lossy(invalid.as_bytes()).into_owned())
}

/// The `NativeCryptoEngine` constructor (see `constructor.rs`): throws
/// without `new`.
extern "C" fn new_c_callback(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    // SAFETY: napi-rs registers this as the class constructor, so the engine
    // passes a constructor callback's `env` and `info`.
    unsafe {
        construct::<NativeCryptoEngine, 1>(env, info, "NativeCryptoEngine", |env, call| {
            NativeCryptoEngine::create(env, arg(env, call, 0)?)
        })
    }
}

/// Native crypto for cojson with a bounded cache of parsed keys. Keys, ids,
/// messages and nonce material are JS strings (UTF-8 encoded natively; a lone
/// UTF-16 surrogate in a message, nonce material or text to hash throws);
/// sealed and encrypted data are bytes; decrypted data comes back as a string
/// (invalid UTF-8 replaced by U+FFFD, as `TextDecoder` does).
#[napi]
pub struct NativeCryptoEngine {
    cache: Arc<Mutex<KeyCache>>,
    stats: Arc<WorkStats>,
}

impl NativeCryptoEngine {
    /// An engine sharing `cache` and `stats` (used by `WorkerHandle`).
    pub(crate) fn shared(cache: Arc<Mutex<KeyCache>>, stats: Arc<WorkStats>) -> Self {
        Self { cache, stats }
    }

    /// `new NativeCryptoEngine(cacheCapacity?)`.
    fn create(env: &Env, cache_capacity: Option<NumberArg>) -> Result<Self> {
        let capacity = cache_capacity_arg(env, cache_capacity, "cacheCapacity")?;
        Ok(Self::shared(
            new_cache(capacity)?,
            Arc::new(WorkStats::default()),
        ))
    }

    fn run<T>(
        &self,
        operation: Operation,
        work: impl FnOnce(&mut KeyCache) -> std::result::Result<T, CryptoError>,
    ) -> Result<T> {
        self.stats
            .measure(operation, || work(&mut lock(&self.cache)))
            .or_throw()
    }
}

#[napi]
impl NativeCryptoEngine {
    /// A standalone engine with its own cache of `cacheCapacity` keys per kind
    /// (an integer from 1 to 1048576, default 1024; anything else throws a
    /// `RangeError`) and its own counters.
    #[napi(constructor)]
    #[cfg(any())] // Declares the constructor for index.d.ts; `new_c_callback` is it.
    pub fn new(
        env: Env,
        #[napi(ts_arg_type = "number | undefined | null")] cache_capacity: Option<NumberArg>,
    ) -> Result<Self> {
        Self::create(&env, cache_capacity)
    }

    /// The `signer_z…` id of a `signerSecret_z…`. Throws for malformed text.
    #[napi(catch_unwind)]
    pub fn signer_id(&self, #[napi(ts_arg_type = "string")] secret: Text) -> Result<String> {
        self.run(Operation::DeriveId, |c| Ok(c.signer_id(&secret)?.to_text()))
    }

    /// The `sealer_z…` id of a `sealerSecret_z…`. Throws for malformed text.
    #[napi(catch_unwind)]
    pub fn sealer_id(&self, #[napi(ts_arg_type = "string")] secret: Text) -> Result<String> {
        self.run(Operation::DeriveId, |c| Ok(c.sealer_id(&secret)?.to_text()))
    }

    /// The agent id `sealer_z…/signer_z…` of `sealerSecret_z…/signerSecret_z…`.
    #[napi(catch_unwind)]
    pub fn agent_id(&self, #[napi(ts_arg_type = "string")] agent_secret: Text) -> Result<String> {
        self.run(Operation::DeriveId, |c| {
            let (sealer, signer) = agent_secret
                .split_once('/')
                .unwrap_or((agent_secret.as_str(), ""));
            let sealer = c.sealer_id(sealer)?.to_text();
            let signer = c.signer_id(signer)?.to_text();
            Ok(format!("{sealer}/{signer}"))
        })
    }

    /// Signs the UTF-8 of `message` with a `signerSecret_z…`; returns a
    /// `signature_z…`.
    #[napi(catch_unwind)]
    pub fn sign(
        &self,
        #[napi(ts_arg_type = "string")] secret: Text,
        #[napi(ts_arg_type = "string")] message: Text<Message>,
    ) -> Result<String> {
        self.run(Operation::Sign, |c| {
            Ok(c.sign(&secret, message.as_bytes())?.to_text())
        })
    }

    /// Verifies a `signature_z…` over the UTF-8 of `message` by a `signer_z…`.
    /// `false` if it does not verify; throws for malformed text.
    #[napi(catch_unwind)]
    pub fn verify(
        &self,
        #[napi(ts_arg_type = "string")] signature: Text,
        #[napi(ts_arg_type = "string")] message: Text<Message>,
        #[napi(ts_arg_type = "string")] signer_id: Text,
    ) -> Result<bool> {
        self.run(Operation::Verify, |c| {
            c.verify(&signature, message.as_bytes(), &signer_id)
        })
    }

    /// XSalsa20 of the UTF-8 of `plaintext` under a `keySecret_z…`, nonce from
    /// the UTF-8 of `nonceMaterial`. Returns the ciphertext bytes.
    #[napi(catch_unwind)]
    pub fn encrypt(
        &self,
        #[napi(ts_arg_type = "string")] plaintext: Text,
        #[napi(ts_arg_type = "string")] key_secret: Text,
        #[napi(ts_arg_type = "string")] nonce_material: Text<NonceMaterial>,
    ) -> Result<Buffer> {
        self.run(Operation::Encrypt, |c| {
            c.stream(&key_secret, nonce_material.as_bytes(), plaintext.as_bytes())
        })
        .map(to_js_buffer)
    }

    /// Inverse of `encrypt`: returns the plaintext as a string.
    #[napi(catch_unwind)]
    pub fn decrypt(
        &self,
        ciphertext: &[u8],
        #[napi(ts_arg_type = "string")] key_secret: Text,
        #[napi(ts_arg_type = "string")] nonce_material: Text<NonceMaterial>,
    ) -> Result<String> {
        self.run(Operation::Decrypt, |c| {
            c.stream(&key_secret, nonce_material.as_bytes(), ciphertext)
        })
        .map(text)
    }

    /// Seals the UTF-8 of `message` from a `sealerSecret_z…` to a `sealer_z…`.
    /// The pair's shared secret is cached.
    #[napi(catch_unwind)]
    pub fn seal(
        &self,
        #[napi(ts_arg_type = "string")] message: Text,
        #[napi(ts_arg_type = "string")] from: Text,
        #[napi(ts_arg_type = "string")] to: Text,
        #[napi(ts_arg_type = "string")] nonce_material: Text<NonceMaterial>,
    ) -> Result<Buffer> {
        self.run(Operation::Seal, |c| {
            c.seal(message.as_bytes(), &from, &to, nonce_material.as_bytes())
        })
        .map(to_js_buffer)
    }

    /// Opens a sealed message; returns the plaintext as a string. Throws
    /// "Wrong tag" when anything does not match.
    #[napi(catch_unwind)]
    pub fn unseal(
        &self,
        sealed: &[u8],
        #[napi(ts_arg_type = "string")] recipient: Text,
        #[napi(ts_arg_type = "string")] from: Text,
        #[napi(ts_arg_type = "string")] nonce_material: Text<NonceMaterial>,
    ) -> Result<String> {
        self.run(Operation::Unseal, |c| {
            c.unseal(sealed, &recipient, &from, nonce_material.as_bytes())
        })
        .map(text)
    }

    /// Seals the UTF-8 of `message` to a group's `sealer_z…` with an
    /// ephemeral key (ephemeral public key, then the box).
    #[napi(catch_unwind)]
    pub fn seal_for_group(
        &self,
        #[napi(ts_arg_type = "string")] message: Text,
        #[napi(ts_arg_type = "string")] to: Text,
        #[napi(ts_arg_type = "string")] nonce_material: Text<NonceMaterial>,
    ) -> Result<Buffer> {
        self.run(Operation::SealForGroup, |c| {
            c.seal_for_group(message.as_bytes(), &to, nonce_material.as_bytes())
        })
        .map(to_js_buffer)
    }

    /// Opens a group-sealed blob with the group's `sealerSecret_z…`; returns
    /// the plaintext as a string. Throws "Wrong tag" or for short input.
    #[napi(catch_unwind)]
    pub fn unseal_for_group(
        &self,
        sealed: &[u8],
        #[napi(ts_arg_type = "string")] recipient: Text,
        #[napi(ts_arg_type = "string")] nonce_material: Text<NonceMaterial>,
    ) -> Result<String> {
        self.run(Operation::UnsealForGroup, |c| {
            c.unseal_for_group(sealed, &recipient, nonce_material.as_bytes())
        })
        .map(text)
    }

    /// `hash_z` + base58 of the BLAKE3 hash of the UTF-8 of `json` (pass
    /// the stable JSON of a value, as cojson's `secureHash` does).
    #[napi(catch_unwind)]
    pub fn secure_hash(
        &self,
        #[napi(ts_arg_type = "string")] json: Text<TextToHash>,
    ) -> Result<String> {
        self.run(Operation::Hash, |_| {
            let digest = hash::hash_once(json.as_bytes());
            let mut out = String::with_capacity(6 + base58::max_encoded_len(32));
            out.push_str("hash_z");
            base58::encode_into(&digest, &mut out);
            Ok(out)
        })
    }

    /// `shortHash_z` + base58 of the first 19 bytes of the BLAKE3 hash of the
    /// UTF-8 of `json`.
    #[napi(catch_unwind)]
    pub fn short_hash(
        &self,
        #[napi(ts_arg_type = "string")] json: Text<TextToHash>,
    ) -> Result<String> {
        self.run(Operation::Hash, |_| Ok(hash::short_hash(&json)))
    }

    /// BLAKE3 of `data` (32 bytes).
    #[napi(catch_unwind)]
    pub fn blake3_hash_once(&self, data: &[u8]) -> Result<Uint8Array> {
        self.run(Operation::Hash, |_| Ok(hash::hash_once(data)))
            .map(to_js_bytes)
    }

    /// BLAKE3 of `context` followed by `data` (32 bytes).
    #[napi(catch_unwind)]
    pub fn blake3_hash_once_with_context(&self, data: &[u8], context: &[u8]) -> Result<Uint8Array> {
        self.run(Operation::Hash, |_| {
            Ok(hash::hash_once_with_context(data, context))
        })
        .map(to_js_bytes)
    }

    /// A `SessionMap`, as `new SessionMap(coId, headerJson, maxTxSize,
    /// skipVerify)` makes it, whose adding, making and decrypting of
    /// transactions count in this engine's `stats()`.
    #[napi(catch_unwind)]
    pub fn create_session_map(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] co_id: CoValueIdArg,
        #[napi(ts_arg_type = "string")] header_json: HeaderArg,
        #[napi(ts_arg_type = "number | undefined | null")] max_tx_size: Option<NumberArg>,
        skip_verify: Option<bool>,
    ) -> Result<SessionMap> {
        let map = SessionMap::create(&env, co_id, header_json, max_tx_size, skip_verify)?;
        Ok(map.counted_in(Arc::clone(&self.stats)))
    }

    /// Counts one call of `operation` that JS timed at `nanos` nanoseconds
    /// (for work done outside the engine).
    /// `operation` must be a `CryptoOperation` value (an integer from 0 to
    /// 12); `nanos` a finite number from 0 to 2^53 − 1 (fractions are
    /// dropped). Anything else throws a `RangeError` (a non-number a
    /// `TypeError`) and counts nothing.
    #[napi(catch_unwind)]
    pub fn record(
        &self,
        env: Env,
        #[napi(ts_arg_type = "CryptoOperation")] operation: NumberArg,
        #[napi(ts_arg_type = "number")] nanos: NumberArg,
    ) -> Result<()> {
        let last = Operation::ALL.len().saturating_sub(1);
        let index = integer_arg(&env, operation, "operation", 0, last as u64)?;
        let nanos = duration_arg(&env, nanos, "nanos", MAX_SAFE_INTEGER)?;
        if let Some(operation) = usize::try_from(index)
            .ok()
            .and_then(|i| Operation::ALL.get(i))
        {
            self.stats.record(*operation, nanos);
        }
        Ok(())
    }

    /// The counters of every operation.
    #[napi(catch_unwind)]
    pub fn stats(&self) -> Vec<CryptoOperationStats> {
        stats_to_js(&self.stats)
    }

    /// The key cache's size and hit counts.
    #[napi(catch_unwind)]
    pub fn cache_stats(&self) -> KeyCacheStats {
        let cache = lock(&self.cache);
        let (hits, misses) = cache.hits_and_misses();
        KeyCacheStats {
            entries: u32::try_from(cache.len()).unwrap_or(u32::MAX),
            capacity_per_kind: u32::try_from(cache.capacity()).unwrap_or(u32::MAX),
            hits: hits as f64,
            misses: misses as f64,
        }
    }

    /// Drops and wipes every cached key.
    #[napi(catch_unwind)]
    pub fn clear_cache(&self) {
        lock(&self.cache).clear();
    }
}
