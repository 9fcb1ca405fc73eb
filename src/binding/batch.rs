//! Binds `verifyBatch` and `verifyBatchAsync`: many Ed25519 signatures
//! checked at once (see [`crate::core::signature_batch`] for the method and its
//! one caveat). Both take their items through [`SignatureBatchArg`], which
//! parses ids and copies messages as it reads them, and run a
//! [`VerifyBatchJob`].

use crate::binding::abort_signal::SignalArg;
use crate::binding::batch_arg::{OwnedItem, SignatureBatchArg};
use crate::binding::bytes::Uint8Array;
use crate::binding::error::OrThrow;
use crate::binding::off_thread::{self, Job};
use crate::binding::text_arg::Text;
use crate::core::signature_batch::{self as batch, BatchItem};
use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Result};
use napi_derive::napi;

/// One signature to check: `signature` (`signature_z…`) over `message` by
/// `signerId` (`signer_z…`), exactly as `verify` takes them, but as strings.
//
// Declares the TypeScript shape only: items are read by `SignatureBatchArg`.
#[napi(object, object_to_js = false, object_from_js = false)]
#[allow(dead_code)]
pub struct SignatureToVerify {
    /// A `signature_z…`.
    #[napi(ts_type = "string")]
    pub signature: Text,
    /// The signed bytes.
    pub message: Uint8Array,
    /// A `signer_z…`.
    #[napi(ts_type = "string")]
    pub signer_id: Text,
}

/// `verifyBatch`: the verdicts of parsed items, in order.
pub struct VerifyBatchJob(Vec<OwnedItem>);

impl Job for VerifyBatchJob {
    type Output = Vec<bool>;

    fn run(&self) -> Result<Vec<bool>> {
        let batch: Vec<BatchItem<'_>> = self.0.iter().map(BatchItem::of).collect();
        batch::verify_batch(&batch).or_throw()
    }
}

/// Verifies many signatures at once. Returns one boolean per item, in order:
/// what `verify` would return for it. About 2.5× cheaper per signature than
/// `verify` for batches of a hundred or more; one invalid signature makes its
/// chunk of 128 fall back to single verification, so results stay exact.
/// Throws for a malformed item, naming its index, and a `RangeError` (code
/// `ERR_OUT_OF_RANGE`) for more than 1048576 items. Each message is copied as
/// its item is read, so getters on later items cannot change what is checked.
#[napi(catch_unwind)]
pub fn verify_batch(
    #[napi(ts_arg_type = "Array<SignatureToVerify>")] items: SignatureBatchArg,
) -> Result<Vec<bool>> {
    VerifyBatchJob(items.0).run()
}

/// `verifyBatch` off the event loop, on the addon's own threads (not libuv's
/// pool). Items are parsed and their messages copied before it returns, so a
/// malformed item throws at once and later changes to the messages do not
/// matter. Resolves to one boolean per item. With `signal` (an
/// `AbortSignal`), rejects with an `AbortError` if it aborts before the work
/// started.
#[napi(catch_unwind)]
pub fn verify_batch_async<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "Array<SignatureToVerify>")] items: SignatureBatchArg,
    #[napi(ts_arg_type = "AbortSignal | undefined | null")] signal: Option<SignalArg>,
) -> Result<PromiseRaw<'env, Vec<bool>>> {
    off_thread::start(env, VerifyBatchJob(items.0), signal)
}
